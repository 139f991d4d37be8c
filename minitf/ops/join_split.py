"""Joining and splitting tensors: concat, split and tile (stack/unstack are core ops)."""

import builtins
import numbers

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims, merge_dims, normalize_axis
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value_as_shape
from minitf.ops.core import (constant, convert_to_tensor, identity, index_tensor, reduce_sum,
                             expand_dims, reshape, shape, stack, static_int_list)
from minitf.ops.op_util import (check_shape_tensor, kernel_outputs, known_dims, rank_error,
                                static_int)

__all__ = ["concat", "split", "tile"]


def _dim_sizes(xs, axis):
    """The sizes of tensors `xs` along `axis`: a constant when all are known, else a stack of
    static ints and runtime sizes."""
    sizes = []
    for x in xs:
        dims = x.shape.as_tuple()
        d = dims[axis] if dims is not None and -len(dims) <= axis < len(dims) else None
        sizes.append(d if d is not None else shape(x)[axis])
    if all(isinstance(d, int) for d in sizes):
        return constant(sizes, dtypes.int32)
    return stack(sizes)


_pyslice = builtins.slice  # (this module's `split` is tf.split)


@register
class ConcatV2(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tidx", -1)), const_input=("axis", "axis", -1, None), n_list=1)
    axis: int
    supports_out = True

    def infer(self, *xs):
        if not xs:
            raise ValueError("concat needs at least one tensor")
        dtype = xs[0].dtype
        if any(x.dtype is not dtype for x in xs):
            raise TypeError("Tensors in list passed to 'values' of 'ConcatV2' Op have types [%s] "
                            "that don't all match." % ", ".join(x.dtype.name for x in xs))
        known = [x for x in xs if x.shape.ndims is not None]
        if not known:
            return TensorSpec(None, dtype)
        rank = known[0].shape.ndims
        for x in known:
            if x.shape.ndims != rank:
                raise rank_error(rank, x.shape.ndims)
        (axis,) = normalize_axis(self.axis, rank, "concat axis")
        out = list(known[0].shape.as_tuple())
        for x in known[1:]:
            dims = x.shape.as_tuple()
            for i, (a, b) in enumerate(zip(out, dims)):
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d and "
                                     "%d. Shapes are %s and %s"
                                     % (i, a, b, format_dims(tuple(out)), format_dims(dims)))
                if a is None:
                    out[i] = b
        sizes = [x.shape.as_tuple()[axis] if x.shape.ndims is not None else None for x in xs]
        out[axis] = None if None in sizes else sum(sizes)
        return TensorSpec(out, dtype)

    def compute(self, xp, *xs, out=None):
        return xp.concatenate(xs, axis=self.axis, out=out)

    def shape_value(self, op):
        # A concat of shape pieces (tf.concat([[-1], tf.shape(x)[1:]], 0)) describes a shape
        # known where its pieces are, as TF's constant_value_as_shape reads it.
        if op.outputs[0].shape.ndims != 1:
            return None
        parts = [constant_value_as_shape(t).as_tuple() for t in op.inputs]
        if any(p is None for p in parts):
            return None
        return TensorShape([d for p in parts for d in p])

    def grad(self, op, dy):
        return split(dy, _dim_sizes(op.inputs, self.axis), axis=self.axis, num=len(op.inputs),
                     name="split")


def concat(values, axis, name="concat"):
    """tf.concat: joins tensors along `axis` (negative counts from the end)."""
    if not isinstance(values, (list, tuple)):
        values = [values]  # one tensor: its identity, as TF1
    axis = static_int(axis, "the concat axis")
    with name_scope(name, "concat", values) as scope:
        tensors = [convert_to_tensor(v, name="values_%d" % i) for i, v in enumerate(values)]
        if len(tensors) == 1:
            return identity(tensors[0], name=name)  # TF names it 'concat/concat'
        return ConcatV2(axis)(*tensors, name=scope)


@register
class Split(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 1),), const_input=("axis", "split_dim", 0, 2))
    axis: int
    num_split: int

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype)] * self.num_split
        (axis,) = normalize_axis(self.axis, len(dims), "split axis")
        d = dims[axis]
        if d is not None and d % self.num_split:
            raise ValueError("Number of ways to split should evenly divide the split dimension, "
                             "but got split_dim %d (size = %d) and num_split %d"
                             % (axis, d, self.num_split))
        piece = list(dims)
        piece[axis] = None if d is None else d // self.num_split
        return [TensorSpec(piece, x.dtype)] * self.num_split

    def compute(self, xp, x):
        return kernel_outputs(xp.split(x, self.num_split, axis=self.axis))

    def grad(self, op, *dys):
        return [concat(list(dys), self.axis)]


@register
class SplitV(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tlen", 1)), const_input=("axis", "split_dim", 2, 3))
    axis: int
    num_split: int

    def infer(self, x, size_splits):
        check_shape_tensor(size_splits, "size_splits")
        sizes = static_int_list(size_splits)
        if sizes is not None and len(sizes) != self.num_split:
            raise ValueError("size_splits has %d entries for num_split %d"
                             % (len(sizes), self.num_split))
        sizes = sizes or [None] * self.num_split
        if sizes.count(-1) > 1:
            raise ValueError("size_splits can only have one -1")
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype)] * self.num_split
        (axis,) = normalize_axis(self.axis, len(dims), "split axis")
        d = dims[axis]
        if d is not None and None not in sizes:
            rest = d - sum(s for s in sizes if s != -1)
            if rest < 0 or (-1 not in sizes and rest):
                raise ValueError("can't split axis of size %d into pieces of size %s"
                                 % (d, format_dims(sizes)))
            sizes = [rest if s == -1 else s for s in sizes]
        specs = []
        for s in sizes:
            piece = list(dims)
            piece[axis] = s if s != -1 else None
            specs.append(TensorSpec(piece, x.dtype))
        return specs

    def compute(self, xp, x, size_splits):
        sizes = size_splits.tolist()
        d = x.shape[self.axis]
        if -1 in sizes:
            sizes[sizes.index(-1)] = d - sum(sizes) - 1
        if sum(sizes) != d or min(sizes, default=0) < 0:
            raise ValueError("can't split axis of size %d into pieces of size %s" % (d, sizes))
        bounds = [sum(sizes[:i + 1]) for i in range(len(sizes) - 1)]
        return kernel_outputs(xp.split(x, bounds, axis=self.axis))

    def specialize(self, xp, op):
        # Static shapes and sizes (the gradient of a concat): the pieces' index tuples are
        # worked out once; numpy's split is ~10x the slicing in Python around it.
        general = super().specialize(xp, op)
        dims, outs = known_dims(op.inputs[0]), [known_dims(t) for t in op.outputs]
        if dims is None or None in outs:
            return general
        axis = self.axis % len(dims)
        pieces, start = [], 0
        for out in outs:
            pieces.append((_pyslice(None),) * axis + (_pyslice(start, start + out[axis]),))
            start += out[axis]

        def split_v(x, size_splits):
            if x.shape != dims:
                return general(x, size_splits)
            return kernel_outputs([x[p] for p in pieces])
        return split_v

    def grad(self, op, *dys):
        return [concat(list(dys), self.axis), None]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """tf.split: `num_or_size_splits` pieces of equal size (an int), or pieces of the listed
    sizes (one of them may be -1) along `axis`; returns a list of tensors."""
    x = convert_to_tensor(value)
    axis = static_int(axis, "the split axis")
    if isinstance(num_or_size_splits, numbers.Integral):
        n = int(num_or_size_splits)
        if n < 1:
            raise ValueError("Attr 'num_split' of 'Split' Op passed %d less than minimum 1." % n)
        return list(get_default_graph().create_op(Split(axis, n), [x], name=name).outputs)
    sizes = index_tensor(num_or_size_splits)
    if num is None:
        num = sizes.shape[0].value if sizes.shape.ndims == 1 else None
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % sizes.shape)
    return list(get_default_graph().create_op(SplitV(axis, int(num)), [x, sizes],
                                              name=name).outputs)


@register
class Tile(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tmultiples", 1)))
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, multiples):
        check_shape_tensor(multiples, "Tile's multiples")
        m = static_int_list(multiples)
        dims = x.shape.as_tuple()
        if m is None:
            return TensorSpec(None if dims is None else [None] * len(dims), x.dtype)
        if dims is None:
            dims = (None,) * len(m)
        if len(m) != len(dims):
            raise ValueError("multiples has %d entries for a tensor of rank %d"
                             % (len(m), len(dims)))
        if any(k is not None and k < 0 for k in m):
            raise ValueError("Expected multiples argument to be non-negative, but got %s"
                             % format_dims(m))
        return TensorSpec([None if d is None or k is None else d * k for d, k in zip(dims, m)],
                          x.dtype)

    def compute(self, xp, x, multiples):
        return xp.tile(x, tuple(multiples.tolist()))

    def grad(self, op, dy):
        # dy viewed as [m0, d0, m1, d1, ...] summed over the tile axes m0, m1, ...
        x, multiples = op.inputs
        rank = multiples.shape[0].value
        if rank is None:
            raise ValueError("The gradient of Tile needs the length of multiples when the graph "
                             "is built")
        interleaved = reshape(stack([multiples, shape(x, out_type=multiples.dtype)], axis=1), [-1])
        return [reduce_sum(reshape(dy, interleaved), axis=list(range(0, 2 * rank, 2))), None]


def tile(input, multiples, name=None):
    """tf.tile: `input` repeated `multiples[i]` times along each axis i."""
    with name_scope(name, "Tile", [input, multiples]) as scope:
        x = convert_to_tensor(input, name="input")
        return Tile()(x, index_tensor(multiples, name="multiples"), name=scope)


@register
class ParallelConcat(OpDef):
    """tf.parallel_stack's op: inputs of shape [1, ...] concatenated along axis 0 into
    `shape`, which must be fully defined. TF registers no gradient for it (LookupError)."""
    shape: TensorShape = TensorShape(None)
    tf_signature = TFSignature(n_list=0)

    def infer(self, *xs):
        if not self.shape.is_fully_defined():
            raise ValueError("shape attr must be fully defined.")
        types = [x.dtype for x in xs]
        if any(t is not types[0] for t in types):
            raise TypeError("Tensors in list passed to 'values' of 'ParallelConcat' Op have "
                            "types [%s] that don't all match." % ", ".join(t.name for t in types))
        part = (1,) + self.shape.as_tuple()[1:]
        for x in xs:
            try:
                merge_dims(part, x.shape.as_tuple() if x.shape.ndims is not None
                           else (None,) * len(part))
            except ValueError as e:
                raise ValueError("%s. From merging shape %d with other shapes."
                                 % (e, xs.index(x))) from None
        return TensorSpec(self.shape, types[0])

    def compute(self, xp, *xs):
        return xp.concatenate(xs, axis=0)


def parallel_stack(values, name="parallel_stack"):
    """tf.parallel_stack: the values (all of one fully known shape) stacked along a new first
    axis, as TF builds it (each value expanded to [1, ...], then one ParallelConcat)."""
    with name_scope(name):
        first = convert_to_tensor(values[0])
        shape = TensorShape([len(values)]).concatenate(first.shape)
        parts = [expand_dims(first if i == 0 else v, 0) for i, v in enumerate(values)]
        return ParallelConcat(shape)(*parts, name="ParallelConcat")
