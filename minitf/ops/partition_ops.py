"""Routing rows by index: DynamicPartition and DynamicStitch (tf.dynamic_partition,
tf.dynamic_stitch), what mixture-of-experts and per-example routing are built from; each is
the other's gradient."""

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import convert_to_tensor, reshape, shape
from minitf.ops.gather_scatter import first_bad_index, format_index, gather
from minitf.ops.op_util import dtype_error
from minitf.ops.ranges import range as range_
from minitf.ops.reductions import reduce_prod

__all__ = ["dynamic_partition", "dynamic_stitch"]


def _check_int32(t, what):
    if t.dtype is not dtypes.int32:
        raise dtype_error(what, t.dtype, [dtypes.int32])


@register
class DynamicPartition(OpDef):
    """Output i holds the slices data[j...] (j over partitions' shape) where partitions[j] == i,
    in order: data's leading dimensions are partitions' shape."""

    num_partitions: int

    def infer(self, data, partitions):
        _check_int32(partitions, "partitions")
        if self.num_partitions < 1:
            raise ValueError("num_partitions must be at least 1, got %d" % self.num_partitions)
        p = partitions.shape
        if p.ndims is None or data.shape.ndims is None:
            return [TensorSpec(None, data.dtype)] * self.num_partitions
        if not data.shape[:p.ndims].is_compatible_with(p):
            raise ValueError("data's leading dimensions %s must be partitions' shape %s"
                             % (format_dims(data.shape.as_tuple()), format_dims(p.as_tuple())))
        out = TensorShape([None]).concatenate(data.shape[p.ndims:])
        return [TensorSpec(out, data.dtype)] * self.num_partitions

    def compute(self, xp, data, partitions):
        if data.shape[:partitions.ndim] != partitions.shape:
            raise ValueError("data.shape must start with partitions.shape, got data.shape = %s, "
                             "partitions.shape = %s" % (format_dims(data.shape),
                                                        format_dims(partitions.shape)))
        bad = first_bad_index(xp, partitions, self.num_partitions)
        if bad is not None:
            raise ValueError("partitions%s = %d is not in [0, %d)"
                             % (format_index(bad), int(partitions[bad]), self.num_partitions))
        rows = data.reshape((-1,) + data.shape[partitions.ndim:])
        flat = partitions.reshape(-1)
        return tuple(rows[flat == i] for i in range(self.num_partitions))

    def grad(self, op, *dys):
        # The position of each slice, partitioned the same way, stitches the gradients back.
        data, partitions = op.inputs
        dims = shape(partitions)
        positions = reshape(range_(reduce_prod(dims)), dims)
        parts = dynamic_partition(positions, partitions, self.num_partitions)
        return [reshape(dynamic_stitch(parts, list(dys)), shape(data)), None]



def dynamic_partition(data, partitions, num_partitions, name=None):
    """tf.dynamic_partition: `num_partitions` tensors, the i-th holding the slices of `data`
    whose entry in `partitions` (int32, a prefix of data's shape) is i, in order."""
    with name_scope(name, "DynamicPartition", [data, partitions]) as scope:
        op = get_default_graph().create_op(
            DynamicPartition(int(num_partitions)),
            [convert_to_tensor(data, name="data"),
             convert_to_tensor(partitions, dtypes.int32, name="partitions")], name=scope)
    return list(op.outputs)


@register
class DynamicStitch(OpDef):
    """Inputs: N int32 index tensors, then N data tensors with data[m].shape =
    indices[m].shape + slice shape. merged[indices[m][i...]] = data[m][i...], later ones
    winning where an index repeats; the output has max(index) + 1 slices."""

    tf_signature = TFSignature(type_attrs=(("T", -1),))
    N: int  # noqa: N815 - TF's attr name (the number of index tensors)

    def infer(self, *inputs):
        indices, data = inputs[:self.N], inputs[self.N:]
        for t in indices:
            _check_int32(t, "indices")
        if any(t.dtype is not data[0].dtype for t in data):
            raise TypeError("Tensors in list passed to 'data' of 'DynamicStitch' Op have types "
                            "[%s] that don't all match." % ", ".join(t.dtype.name for t in data))
        rest = TensorShape(None)
        for m, (idx, d) in enumerate(zip(indices, data)):
            if idx.shape.ndims is None or d.shape.ndims is None:
                continue
            if not d.shape[:idx.shape.ndims].is_compatible_with(idx.shape):
                raise ValueError("data[%d].shape = %s does not start with indices[%d].shape = %s"
                                 % (m, format_dims(d.shape.as_tuple()), m,
                                    format_dims(idx.shape.as_tuple())))
            tail = d.shape[idx.shape.ndims:]
            if not rest.is_compatible_with(tail):
                raise ValueError("data[%d].shape = %s does not match data[0]'s slice shape %s"
                                 % (m, format_dims(d.shape.as_tuple()),
                                    format_dims(rest.as_tuple())))
            rest = rest.merge_with(tail)
        values = [constant_value(t) for t in indices]
        n = None
        if all(v is not None for v in values):
            n = max([int(v.max()) + 1 for v in values if v.size] or [0])
        return TensorSpec(TensorShape([n]).concatenate(rest), data[0].dtype)

    def compute(self, xp, *inputs):
        indices, data = inputs[:self.N], inputs[self.N:]
        rest = data[0].shape[indices[0].ndim:]
        for m, (idx, d) in enumerate(zip(indices, data)):
            if d.shape != idx.shape + rest:
                raise ValueError("data[%d].shape = %s does not start with indices[%d].shape = "
                                 "%s, or its slices differ from data[0]'s %s"
                                 % (m, format_dims(d.shape), m, format_dims(idx.shape),
                                    format_dims(rest)))
            if idx.size and idx.min() < 0:
                raise ValueError("indices[%d] is out of range" % m)
        n = max([int(idx.max()) + 1 for idx in indices if idx.size] or [0])
        out = xp.zeros((n,) + rest, dtype=data[0].dtype)
        for idx, d in zip(indices, data):
            out[idx.reshape(-1)] = d.reshape((-1,) + rest)
        return out

    def grad(self, op, dy):
        # Each data tensor's gradient is dy at its indices (where a later index overwrote an
        # earlier one, both get it: TF's rule).
        indices = op.inputs[:self.N]
        return [None] * self.N + [gather(dy, i) for i in indices]


def dynamic_stitch(indices, data, name=None):
    """tf.dynamic_stitch: one tensor with merged[indices[m][i...], ...] = data[m][i...]
    (`indices` and `data` are lists of the same length; later entries win)."""
    if not indices:
        raise ValueError("dynamic_stitch needs at least one index tensor")
    if len(indices) != len(data):
        raise ValueError("List argument 'data' to 'dynamic_stitch' Op with length %d must match "
                         "length %d of argument 'indices'." % (len(data), len(indices)))
    with name_scope(name, "DynamicStitch", list(indices) + list(data)) as scope:
        indices = [convert_to_tensor(i, dtypes.int32, name="indices") for i in indices]
        data = [convert_to_tensor(d, name="data") for d in data]
        return DynamicStitch(len(indices))(*indices, *data, name=scope)
