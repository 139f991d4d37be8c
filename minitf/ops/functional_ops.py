"""tf.map_fn, tf.scan, tf.foldl and tf.foldr: loops over the first dimension of `elems`, built on
the While op (minitf/ops/control_flow_ops.py). Per-element results are collected by the While
kernel itself (its stacked outputs, like JAX's scan), not by a TensorArray."""

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.ops.array_ops import concat, expand_dims, gather, reverse, shape
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.core import identity
from minitf.ops.control_flow_ops import build_while_loop

__all__ = ["map_fn", "vectorized_map", "scan", "foldl", "foldr"]


def _elements(elems):
    flat = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
    if not flat:
        raise ValueError("elems must be a tensor or a non-empty structure of tensors")
    for e in flat:
        if e.shape.ndims == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    return flat, shape(flat[0], name="num_elems")[0]


def _with_length(t, first):
    """`t` with its static first dimension set from the elements' when that is known."""
    dims = t.shape.as_tuple()
    if dims is not None and first is not None and dims[0] is None:
        t.set_shape([first] + list(dims[1:]))
    return t


def _stacked(tensors):
    """The stacked results of map_fn and scan under the names TF1 gives them: TF1 stacks a
    TensorArray per result, `<scope>/TensorArrayStack/TensorArrayGatherV3:0` (then
    `TensorArrayStack_1/...`), where minitf's loop stacks them itself: an identity of each
    under that name, so that a program fetching them by name finds them."""
    outs = []
    for t in tensors:
        with name_scope("TensorArrayStack"):
            outs.append(identity(t, name="TensorArrayGatherV3"))
    return outs


def _check_callable(fn, what):
    if not callable(fn):
        raise TypeError("%s: fn must be callable, got %r" % (what, fn))


def _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name, what,
          backwards, collect):
    """The loop behind scan / foldl / foldr: a = fn(a, x) over the elements (from the last one
    when `backwards`); returns (the final accumulator, the stacked accumulators if `collect`)."""
    _check_callable(fn, what)
    with name_scope(name, what, nest.flatten(elems)):
        flat, n = _elements(elems)
        first = flat[0].shape.as_tuple()[0] if flat[0].shape.ndims else None

        def at(i):
            return gather_all(flat, n - 1 - i if backwards else i)
        if initializer is None:
            # the first element by a slice, whose gradient is dense (a gather's would be
            # IndexedSlices, and so would the elements' whole gradient: TF1's is a Tensor)
            start, acc0 = 1, nest.pack_sequence_as(
                elems, [e[-1] if backwards else e[0] for e in flat])
        else:
            start, acc0 = 0, initializer
        acc_flat = [convert_to_tensor(a) for a in nest.flatten(acc0)]

        def body(i, *acc):
            x = nest.pack_sequence_as(elems, at(i))
            new = fn(nest.pack_sequence_as(acc0, list(acc)), x)
            nest.assert_same_structure(acc0, new)
            new_flat = [convert_to_tensor(t) for t in nest.flatten(new)]
            return [i + 1] + new_flat, (new_flat if collect else [])
        exits, stacked = build_while_loop(lambda i, *acc: i < n, body,
                                          [constant(start)] + acc_flat, None, name, None,
                                          back_prop, parallel_iterations, n_stacked=True)
        final = nest.pack_sequence_as(acc0, exits[1:])
        if not collect:
            return final, None
        outs = []
        for a, s in zip(acc_flat, stacked):
            if initializer is None:
                s = concat([expand_dims(a, 0), s], 0)
            if backwards:
                s = reverse(s, [0])
            outs.append(_with_length(s, first))
        return final, nest.pack_sequence_as(acc0, _stacked(outs))


def gather_all(flat, i):
    return [gather(e, i) for e in flat]


def vectorized_map(fn, elems, fallback_to_while_loop=True):
    """tf.vectorized_map: the results of fn on each slice of `elems` along dimension 0,
    stacked (fn's result structure is taken from fn, as TF's). TF rewrites fn into batched ops
    (pfor) where it can and otherwise falls back to a while loop; minitf always runs fn in a
    tf.while_loop (tf.map_fn under the name scope `loop_body`): the same values, one
    iteration per element."""
    if not fallback_to_while_loop:
        raise ValueError("minitf has no vectorizing rewrite (TF's pfor): vectorized_map always "
                         "runs fn in a while loop, which fallback_to_while_loop=False refuses")
    return map_fn(fn, elems, name="loop_body")


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """tf.scan: the accumulators a_i = fn(a_{i-1}, elems[i]) stacked (a_0 = elems[0] when no
    initializer is given; from the last element when `reverse`)."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
                 "scan", reverse, True)[1]


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """tf.foldl: fn folded over the elements from the first one."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
                 "foldl", False, False)[0]


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
          name=None):
    """tf.foldr: fn folded over the elements from the last one."""
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
                 "foldr", True, False)[0]


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """tf.map_fn: fn applied to each element (slice along dimension 0) of `elems`, the results
    stacked. `dtype` may give the structure and dtypes of fn's result when they differ from
    `elems`; they are checked against what fn returns."""
    _check_callable(fn, "map_fn")
    with name_scope(name, "map", nest.flatten(elems)):
        flat, n = _elements(elems)
        first = flat[0].shape.as_tuple()[0]
        result = {}

        def body(i):
            out = fn(nest.pack_sequence_as(elems, gather_all(flat, i)))
            out_flat = [convert_to_tensor(t) for t in nest.flatten(out)]
            if dtype is not None:
                nest.assert_same_structure(dtype, out)
                for t, d in zip(out_flat, nest.flatten(dtype)):
                    if t.dtype is not dtypes.as_dtype(d):
                        raise TypeError("map_fn: fn returned %s where dtype says %s"
                                        % (t.dtype.name, dtypes.as_dtype(d).name))
            result["structure"] = out
            return [i + 1], out_flat
        _, stacked = build_while_loop(lambda i: i < n, body, [constant(0)], None, name, None,
                                      back_prop, parallel_iterations or 10, n_stacked=True)
        return nest.pack_sequence_as(result["structure"],
                                     _stacked([_with_length(s, first) for s in stacked]))
