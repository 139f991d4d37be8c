"""Fractional pooling (tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool): ops
FractionalMaxPool and FractionalAvgPool, which pool [N, H, W, C] over windows of random sizes
k or k + 1 (k = floor(input / output)) so the output is floor(input / pooling_ratio) on each
spatial axis, and their gradient ops FractionalMaxPoolGrad and FractionalAvgPoolGrad.

The row and column pooling sequences (the window boundaries, output + 1 of them from 0 to the
input size) follow TF's rules: a size divisible by the output gives equal windows; otherwise
`pseudo_random` draws one u and cuts at ceil(alpha (i + u)) (alpha = input / output), and the
random mode shuffles input % output windows of k + 1 among windows of k. The draws come from
minitf's random stream, not TF's (docs/differences.md); with `deterministic` a session draws
once per input size and reuses the sequences, as TF's kernel does with its fixed seeds. Given
the same sequences, pooling and gradients equal TF's: `overlapping` windows also take the
boundary cell they share with the next window."""

import math

import numpy as np

from minitf import dtypes
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value_as_shape
from minitf.ops.array_ops import shape
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import dtype_error, kernel_outputs, rank_error

__all__ = ["fractional_max_pool", "fractional_avg_pool"]

_DTYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)


def _output_size(size, ratio, axis):
    """floor(size / ratio) in float32, as TF's kernel; an error when it is 0."""
    out = int(math.floor(np.float32(size) / np.float32(ratio)))
    if out <= 0:
        raise ValueError("Pooling ratio is higher than input dimension size for dimension %d. "
                         "Input dim size: %d pooling ratio: %g" % (axis, size, ratio))
    return out


def pooling_sequence(rng, size, out, pseudo_random):
    """TF's cumulative pooling sequence (a list of out + 1 ints from 0 to size) for one axis,
    drawn with the numpy Generator `rng`."""
    k = size // out
    if size % out == 0:
        widths = [k] * out
    elif pseudo_random:
        alpha = size / out
        u_max = min((k + 2) / alpha - 1, (size + 1 - k) / alpha - (out - 1))
        u = rng.random() * u_max
        cuts = [1] + [int(math.ceil(alpha * (i + u))) for i in range(1, out)] + [size + 1]
        widths = [b - a for a, b in zip(cuts, cuts[1:])]
    else:
        widths = [k + 1] * (size % out) + [k] * (out - size % out)
        rng.shuffle(widths)
    return [0] + np.cumsum(widths).tolist()


def _windows(seq, size, overlapping):
    """(start, stop) of each window of a pooling sequence."""
    return [(int(a), min(int(b) + (1 if overlapping else 0), size)) for a, b in zip(seq, seq[1:])]


def _check_sequences(x_shape, rows, cols):
    for seq, size, axis in ((rows, x_shape[1], "row"), (cols, x_shape[2], "col")):
        if len(seq) < 2 or seq[0] != 0 or seq[-1] != size or any(
                b <= a for a, b in zip(seq, seq[1:])):
            raise ValueError("%s_pooling_sequence must rise from 0 to the input size %d, got "
                             "%s" % (axis, size, list(seq)))


def pool_with_sequences(xp, x, rows, cols, overlapping, kind):
    """The fractional max or average pool ("max" / "avg") of x [N, H, W, C] over the windows
    the two sequences give; windows are separable, so rows are pooled first, then columns."""
    _check_sequences(x.shape, rows, cols)
    parts = []
    for a, b in _windows(rows, x.shape[1], overlapping):
        block = x[:, a:b]
        parts.append(block.max(axis=1) if kind == "max" else block.sum(axis=1))
    by_rows = xp.stack(parts, axis=1)
    parts = []
    for a, b in _windows(cols, x.shape[2], overlapping):
        block = by_rows[:, :, a:b]
        parts.append(block.max(axis=2) if kind == "max" else block.sum(axis=2))
    out = xp.stack(parts, axis=2)
    if kind == "max":
        return out
    counts = xp.asarray([[(b - a) * (d - e) for e, d in _windows(cols, x.shape[2], overlapping)]
                         for a, b in _windows(rows, x.shape[1], overlapping)])
    return (out / counts[None, :, :, None].astype(out.dtype) if x.dtype.kind == "f"
            else out // counts[None, :, :, None].astype(out.dtype))


class _FractionalPool(OpDef):
    """Input value [N, H, W, C] -> (output, row_pooling_sequence, col_pooling_sequence)."""

    pooling_ratio: tuple = (1.0, 1.0, 1.0, 1.0)
    pseudo_random: bool = False
    overlapping: bool = False
    deterministic: bool = False
    seed: int = 0
    seed2: int = 0
    stateful = True  # it draws the sequences

    def infer(self, x):
        if x.dtype not in _DTYPES:
            raise dtype_error("value", x.dtype, _DTYPES, self.type_name)
        ratio = self.pooling_ratio
        if len(ratio) != 4:
            raise ValueError("pooling_ratio field must specify 4 dimensions")
        for r in ratio:
            if r < 1:
                raise ValueError("pooling_ratio cannot be smaller than 1, got: %g" % r)
        if ratio[0] != 1 or ratio[3] != 1:
            raise ValueError("Fractional %s pooling is not yet supported on the batch nor "
                             "channel dimension." % {"max": "max", "avg": "average"}[self.kind])
        if not self.deterministic and (self.seed or self.seed2):
            raise ValueError("Both seed and seed2 should be 0 if deterministic is false.")
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise rank_error(4, x.shape.ndims)
        n, h, w, c = x.shape.as_tuple() or (None,) * 4
        rows = None if h is None else _output_size(h, ratio[1], 1)
        cols = None if w is None else _output_size(w, ratio[2], 2)
        return [TensorSpec([n, rows, cols, c], x.dtype),
                TensorSpec([None if rows is None else rows + 1], dtypes.int64),
                TensorSpec([None if cols is None else cols + 1], dtypes.int64)]

    def bind(self, ctx, op):
        xp, rng = ctx.xp_for(op), ctx.rng_for(op)
        # deterministic: (H, W) -> the sequences drawn the first time, kept by the session
        # (every plan that runs the op shares them)
        drawn = ctx.resource(op, dict)

        def run(x):
            key = x.shape[1:3]
            sequences = drawn.get(key) if self.deterministic else None
            if sequences is None:
                sequences = [pooling_sequence(rng, size, _output_size(size, r, axis),
                                              self.pseudo_random)
                             for axis, (size, r) in enumerate(zip(key, self.pooling_ratio[1:3]),
                                                              1)]
                if self.deterministic:
                    drawn[key] = sequences
            rows, cols = sequences
            out = pool_with_sequences(xp, x, rows, cols, self.overlapping, self.kind)
            return kernel_outputs([out, xp.asarray(rows, xp.int64), xp.asarray(cols, xp.int64)])
        return run


@register
class FractionalMaxPool(_FractionalPool):
    """The maximum of each window."""

    kind = "max"

    def grad(self, op, dy, unused_rows, unused_cols):
        x, (y, rows, cols) = op.inputs[0], op.outputs
        return [FractionalMaxPoolGrad(self.overlapping)(x, y, dy, rows, cols,
                                                        name="FractionalMaxPoolGrad")]


@register
class FractionalAvgPool(_FractionalPool):
    """The mean of each window."""

    kind = "avg"

    def grad(self, op, dy, unused_rows, unused_cols):
        x, (_, rows, cols) = op.inputs[0], op.outputs
        return [FractionalAvgPoolGrad(self.overlapping)(
            shape(x, out_type=dtypes.int64), dy, rows, cols, name="FractionalAvgPoolGrad")]


def _host_sequence(values):
    return [int(v) for v in values.tolist()]


@register
class FractionalMaxPoolGrad(OpDef):
    """Inputs (orig_input, orig_output, out_backprop, row_pooling_sequence,
    col_pooling_sequence): each output's gradient goes to the first input of its window (row
    by row, then column) equal to the window's maximum."""

    overlapping: bool = False
    host_inputs = (3, 4)

    def infer(self, x, y, dy, rows, cols):
        for t, arg in ((y, "orig_output"), (dy, "out_backprop")):
            if t.dtype is not x.dtype:
                raise dtype_error(arg, t.dtype, (x.dtype,), self.type_name)
        for t, rank, arg in ((x, 4, "orig_input"), (y, 4, "orig_output"),
                             (dy, 4, "out_backprop"), (rows, 1, "row_pooling_sequence"),
                             (cols, 1, "col_pooling_sequence")):
            if t.shape.ndims is not None and t.shape.ndims != rank:
                raise rank_error(rank, t.shape.ndims, " (argument '%s')" % arg)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, y, dy, rows, cols):
        rows, cols = _host_sequence(rows), _host_sequence(cols)
        _check_sequences(x.shape, rows, cols)
        n, c = x.shape[0], x.shape[3]
        dx = xp.zeros(x.shape, dy.dtype)
        zero = xp.zeros((), dy.dtype)
        for i, (a, b) in enumerate(_windows(rows, x.shape[1], self.overlapping)):
            for j, (e, f) in enumerate(_windows(cols, x.shape[2], self.overlapping)):
                block = x[:, a:b, e:f].reshape(n, -1, c)
                first = xp.argmax(block == y[:, i, j, None, :], axis=1)  # [N, C]
                taps = xp.arange(block.shape[1])[None, :, None] == first[:, None, :]
                dx[:, a:b, e:f] += xp.where(taps, dy[:, i, j, None, :], zero).reshape(
                    n, b - a, f - e, c)
        return dx


@register
class FractionalAvgPoolGrad(OpDef):
    """Inputs (orig_input_tensor_shape, out_backprop, row_pooling_sequence,
    col_pooling_sequence): each output's gradient spread evenly over its window."""

    overlapping: bool = False
    host_inputs = (0, 2, 3)

    def infer(self, sizes, dy, rows, cols):
        if dy.dtype not in _DTYPES:
            raise dtype_error("out_backprop", dy.dtype, _DTYPES, self.type_name)
        for t, rank, arg in ((sizes, 1, "orig_input_tensor_shape"), (dy, 4, "out_backprop"),
                             (rows, 1, "row_pooling_sequence"),
                             (cols, 1, "col_pooling_sequence")):
            if t.shape.ndims is not None and t.shape.ndims != rank:
                raise rank_error(rank, t.shape.ndims, " (argument '%s')" % arg)
        return TensorSpec(constant_value_as_shape(sizes).merge_with([None] * 4), dy.dtype)

    def compute(self, xp, sizes, dy, rows, cols):
        shape_ = tuple(int(v) for v in sizes.tolist())
        rows, cols = _host_sequence(rows), _host_sequence(cols)
        _check_sequences(shape_, rows, cols)
        dx = xp.zeros(shape_, xp.float64)  # summed in double, as TF's kernel
        for i, (a, b) in enumerate(_windows(rows, shape_[1], self.overlapping)):
            for j, (e, f) in enumerate(_windows(cols, shape_[2], self.overlapping)):
                dx[:, a:b, e:f] += (dy[:, i, j, None, None, :].astype(xp.float64)
                                    / ((b - a) * (f - e)))
        return dx.astype(dy.dtype)


def _pool(cls, value, pooling_ratio, pseudo_random, overlapping, deterministic, seed, seed2,
          name):
    ratio = tuple(float(r) for r in pooling_ratio)
    return cls(ratio, bool(pseudo_random), bool(overlapping), bool(deterministic), int(seed),
               int(seed2))(convert_to_tensor(value, name="value"), name=name or cls.type_name)


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """tf.nn.fractional_max_pool (TF1): (output, row_pooling_sequence, col_pooling_sequence):
    the max over windows of random sizes that shrink each spatial axis by pooling_ratio
    [1.0, rows, cols, 1.0] (each >= 1). deterministic with seeds repeats the same windows."""
    return _pool(FractionalMaxPool, value, pooling_ratio, pseudo_random, overlapping,
                 deterministic, seed, seed2, name)


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """tf.nn.fractional_avg_pool (TF1): as fractional_max_pool with the mean of each window."""
    return _pool(FractionalAvgPool, value, pooling_ratio, pseudo_random, overlapping,
                 deterministic, seed, seed2, name)
