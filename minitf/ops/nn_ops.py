"""Neural-network ops: activations, softmax, the fused cross-entropy losses, bias_add, l2_loss and
in_top_k, and the tf.nn functions composed from ops (moments, l2_normalize, dropout...)."""

import functools
import numbers

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import (Dimension, TensorShape, as_shape, broadcast_dims, merge_dims,
                                     normalize_axis)
from minitf.framework.tensor import TensorSpec
from minitf.ops import math_ops
from minitf.ops.array_ops import squeeze
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import (ZerosLike, broadcast_to, expand_dims, shape, stop_gradient,
                             zeros_like)
from minitf.ops.elementwise import PairGrad, UnaryOp, binary_operands
from minitf.ops.math_ops import (cast, exp, greater_equal, less, log1p, maximum, multiply,
                                 negative, reduce_mean, reduce_sum, rsqrt, sigmoid, square,
                                 squared_difference, where)
from minitf.ops.op_util import (SHARED_ARRAY, batch_tiles, broadcast_fold, channel_sums,
                                check_dtype, check_same_shape, dtype_error, each_tile,
                                TiledKernel, native_elementwise, ordered_sum, out_array,
                                per_channel, rank_error, type_mismatch_error, work_array)
from minitf.ops.random_ops import random_uniform

__all__ = ["relu", "relu6", "elu", "selu", "leaky_relu", "softplus", "softsign", "softmax",
           "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits", "l2_loss",
           "bias_add", "in_top_k", "moments", "l2_normalize", "dropout"]

# SELU's fixed point constants (Klambauer et al. 2017), as TF's kernel spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _channel_axis(ndims, data_format):
    return 1 if data_format == "NCHW" else ndims - 1


# BiasAddGrad of a channels-last gradient sums tiles of this many bytes along its first axis
# (split over the session's workers), and adds the tiles' sums in order.
BIAS_TILE_BYTES = 1 << 20


# -- activations ----------------------------------------------------------------------------------

@register
class Relu(UnaryOp):
    allowed = "numeric"
    elementwise = True

    def compute(self, xp, x, out=None):
        return xp.maximum(x, 0, out=out)

    def specialize(self, xp, op):
        # numpy's maximum of an array and a scalar runs a loop without SIMD; against a row of
        # zeros broadcast over the rows it takes its vector loop, 2-2.5x faster (512x256
        # float32: 43 -> 19 us; 4096x1024 in place: 1.45 -> 0.58 ms), the same bits (every
        # element is maximum(x, 0) either way). Contiguous values run as long rows
        # (per_channel: 128x14x14x32 0.31 -> 0.13 ms); narrow rows that cannot be folded to
        # RELU_ROW elements keep the scalar: a loop per short row costs more.
        if xp is not np:
            return super().specialize(xp, op)
        maximum, zeros = xp.maximum, {}

        def relu(x, out=None):
            n = x.shape[-1] if x.ndim else 0
            repeats = zeros.get(n)
            if repeats is None:  # (one dtype per op)
                repeats = zeros[n] = {1: xp.zeros(n, x.dtype)}
            k = broadcast_fold(x, repeats[1], out)
            if n * k < RELU_ROW:
                return maximum(x, 0, out=out)
            return per_channel(xp, maximum, x, repeats[1], out, repeats, k)
        return relu

    def grad(self, op, dy):
        return [ReluGrad()(dy, op.outputs[0], name="ReluGrad")]


RELU_ROW = 32  # (rows of 16 float32: as fast either way; of 4, 2.7x slower against a row)


@register
class Relu6(UnaryOp):
    allowed = "numeric"
    elementwise = True

    def compute(self, xp, x, out=None):
        return xp.clip(x, 0, 6, out=out)

    def grad(self, op, dy):
        return [Relu6Grad()(dy, op.outputs[0], name="Relu6Grad")]


@register
class LeakyRelu(UnaryOp):
    alpha: float = 0.2
    supports_out = False

    def compute(self, xp, x):
        return xp.where(x > 0, x, x * self.alpha)

    def grad(self, op, dy):
        return [LeakyReluGrad(self.alpha)(dy, op.inputs[0], name="LeakyReluGrad")]


@register
class Elu(UnaryOp):
    supports_out = False

    def compute(self, xp, x):
        return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0)))

    def grad(self, op, dy):
        y = op.outputs[0]
        return [where(less(y, 0), dy * (y + 1), dy)]


@register
class Selu(UnaryOp):
    supports_out = False

    def compute(self, xp, x):
        negative_part = xp.expm1(xp.minimum(x, 0)) * (SELU_SCALE * SELU_ALPHA)
        return xp.where(x > 0, x * SELU_SCALE, negative_part)

    def grad(self, op, dy):
        y = op.outputs[0]
        return [where(less(y, 0), dy * (y + SELU_SCALE * SELU_ALPHA), dy * SELU_SCALE)]


@register
class Softplus(UnaryOp):
    supports_out = False

    def compute(self, xp, x):
        # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): exp never overflows.
        return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))

    def grad(self, op, dy):
        return [dy * sigmoid(op.inputs[0])]


@register
class Softsign(UnaryOp):
    supports_out = False

    def compute(self, xp, x):
        return x / (xp.abs(x) + 1)

    def grad(self, op, dy):
        (x,) = op.inputs
        return [dy / square(math_ops.abs(x) + 1)]


class _ActivationGrad(PairGrad):
    """dx = f'(features) * dy, fused as TF's ReluGrad family. It is linear in dy, so its own
    gradient is the same op again; `features` gets none (f' is piecewise constant)."""

    names = ("gradients", "features")

    def grad(self, op, ddx):
        return [self(ddx, op.inputs[1], name=self.type_name), None]


@register
class ReluGrad(_ActivationGrad):
    """features: Relu's output (positive exactly where its input was)."""

    elementwise = True

    def compute(self, xp, dy, features, out=None):
        return xp.multiply(dy, features > 0, out=out)

    def specialize(self, xp, op):
        # one pass instead of a mask and a multiply with a cast (4096x1024 float32: 2.7 ->
        # 1.4 ms); the same product dy * 1 or dy * 0, so the same bits (-0.0 included)
        return native_elementwise(xp, "T dy, T features", "out = dy * T(features > T(0));",
                                  "relu_grad", functools.partial(self.compute, xp))


@register
class Relu6Grad(_ActivationGrad):
    """features: Relu6's output."""

    elementwise = True

    def compute(self, xp, dy, features, out=None):
        return xp.multiply(dy, (features > 0) & (features < 6), out=out)


@register
class LeakyReluGrad(_ActivationGrad):
    """features: LeakyRelu's input."""

    alpha: float = 0.2

    def compute(self, xp, dy, features, out=None):
        out = xp.multiply(dy, self.alpha, out=out_array(xp, dy, out))
        xp.copyto(out, dy, where=features > 0)
        return out


def relu(features, name=None):
    """tf.nn.relu: max(features, 0)."""
    return Relu()(convert_to_tensor(features), name=name or "Relu")


def relu6(features, name=None):
    """tf.nn.relu6: min(max(features, 0), 6)."""
    return Relu6()(convert_to_tensor(features), name=name or "Relu6")


def leaky_relu(features, alpha=0.2, name=None):
    """tf.nn.leaky_relu: features where positive, else alpha * features (integers become
    float32, as in TF)."""
    with name_scope(name, "LeakyRelu", [features]) as scope:
        x = convert_to_tensor(features)
        if x.dtype.is_integer:
            x = cast(x, dtypes.float32)
        return LeakyRelu(float(alpha))(x, name=scope)


def elu(features, name=None):
    """tf.nn.elu: features where positive, else exp(features) - 1."""
    return Elu()(convert_to_tensor(features), name=name or "Elu")


def selu(features, name=None):
    """tf.nn.selu: scale * elu with TF's alpha and scale (self-normalizing networks)."""
    return Selu()(convert_to_tensor(features), name=name or "Selu")


def softplus(features, name=None):
    """tf.nn.softplus: log(exp(features) + 1), computed without overflow."""
    return Softplus()(convert_to_tensor(features), name=name or "Softplus")


def log_sigmoid(x, name=None):
    """tf.log_sigmoid (tf.math.log_sigmoid): log(1 / (1 + exp(-x))) = -softplus(-x)."""
    with name_scope(name, "LogSigmoid", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return math_ops.negative(softplus(math_ops.negative(x)), name=scope)


def softsign(features, name=None):
    """tf.nn.softsign: features / (abs(features) + 1)."""
    return Softsign()(convert_to_tensor(features), name=name or "Softsign")


# -- softmax --------------------------------------------------------------------------------------

class _SoftmaxBase(UnaryOp):
    """Normalizes over `axis` (TF's kernels use the last axis and transpose for others; an
    attribute does the same without the transposes)."""

    axis: int = -1

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, "real", "logits")
        if x.shape.ndims == 0:
            raise rank_error(1, 0, at_least=True)
        return TensorSpec(x.shape, x.dtype)

    def tf_expansion(self, op, inputs, name):
        # TF's Softmax takes the last axis only: over a middle axis, as TF's wrapper builds it,
        # swap that axis with the last, take TF's op, swap back.
        rank = op.inputs[0].shape.rank
        if rank is None or self.axis % max(rank, 1) == rank - 1:
            return None
        axis = self.axis % rank
        perm = np.arange(rank, dtype=np.int32)
        perm[[axis, rank - 1]] = perm[[rank - 1, axis]]
        dtype = op.inputs[0].dtype
        return [
            ("perm", "Const", [], {"dtype": dtypes.int32, "value": perm}),
            ("transpose", "Transpose", [inputs[0], name("perm")],
             {"T": dtype, "Tperm": dtypes.int32}),
            (op.type, op.type, [name("transpose")], {"T": dtype}),
            (None, "Transpose", [name(op.type), name("perm")],
             {"T": dtype, "Tperm": dtypes.int32}),
        ]


# -- softmax over short rows on the host ----------------------------------------------------------

# Rows of at most this many classes, at least SHORT_ROWS_MIN_ELEMENTS values in all: numpy
# reduces a short last axis one row at a time (512x10 float32: max 24 us, sum 12 us), so the
# max and the sums run as native loops over the rows (minitf/native.py), numpy's exp between
# them. Each row's sum adds its terms in the order numpy's reduction does (fewer than eight:
# one after the other; else eight running sums combined as a tree, then the rest), so the bits
# are the numpy kernel's (tests/nn/test_mlp_kernels.py compares them).
SHORT_ROWS_MAX_CLASSES = 32
SHORT_ROWS_MIN_ELEMENTS = 1024

_SHORT_ROWS_SOURCE = r"""
template <typename T>
static void shift(long long rows, long long c, const T* x, T* out, const long long* labels,
                  T* picked) {
    for (long long r = 0; r < rows; r++) {
        const T* v = x + r * c;
        T m = v[0];
        for (long long j = 1; j < c; j++) m = (v[j] > m || v[j] != v[j]) ? v[j] : m;
        T* o = out + r * c;
        for (long long j = 0; j < c; j++) o[j] = v[j] - m;
        if (labels) picked[r] = o[labels[r]];
    }
}
// numpy's sum of a short row (loops_utils.h: pairwise_sum, n < 128)
template <typename T>
static T numpy_sum(const T* a, long long n) {
    if (n < 8) {
        T res = -T(0);
        for (long long i = 0; i < n; i++) res += a[i];
        return res;
    }
    T r[8];
    for (int j = 0; j < 8; j++) r[j] = a[j];
    long long i = 8;
    for (; i < n - (n % 8); i += 8)
        for (int j = 0; j < 8; j++) r[j] += a[i + j];
    T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[i];
    return res;
}
template <typename T>
static void normalize(long long rows, long long c, T* e, T* total, const long long* labels) {
    for (long long r = 0; r < rows; r++) {
        T* o = e + r * c;
        T s = numpy_sum(o, c);
        for (long long j = 0; j < c; j++) o[j] = o[j] / s;
        if (total) total[r] = s;
        if (labels) o[labels[r]] -= T(1);
    }
}
template <typename T>
static void row_sums(long long rows, long long c, const T* a, T* out) {
    for (long long r = 0; r < rows; r++) out[r] = numpy_sum(a + r * c, c);
}
extern "C" void minitf_row_sums_f32(long long rows, long long c, const float* a, float* out) {
    row_sums<float>(rows, c, a, out);
}
extern "C" void minitf_row_sums_f64(long long rows, long long c, const double* a, double* out) {
    row_sums<double>(rows, c, a, out);
}
extern "C" void minitf_softmax_shift_f32(long long rows, long long c, const float* x, float* out,
        const long long* labels, float* picked) { shift<float>(rows, c, x, out, labels, picked); }
extern "C" void minitf_softmax_shift_f64(long long rows, long long c, const double* x,
        double* out, const long long* labels, double* picked) {
    shift<double>(rows, c, x, out, labels, picked);
}
extern "C" void minitf_softmax_normalize_f32(long long rows, long long c, float* e, float* total,
        const long long* labels) { normalize<float>(rows, c, e, total, labels); }
extern "C" void minitf_softmax_normalize_f64(long long rows, long long c, double* e,
        double* total, const long long* labels) { normalize<double>(rows, c, e, total, labels); }
"""


@functools.lru_cache(maxsize=None)
def _short_rows_loops(dtype):
    """(shift, normalize, row sums): the native loops over rows for `dtype`, or None."""
    import ctypes
    from minitf import native
    suffix = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}.get(np.dtype(dtype))
    if suffix is None:
        return None
    L, P = ctypes.c_longlong, ctypes.c_void_p
    shift = native.function(_SHORT_ROWS_SOURCE, "minitf_softmax_shift_" + suffix,
                            [L, L, P, P, P, P])
    normalize = native.function(_SHORT_ROWS_SOURCE, "minitf_softmax_normalize_" + suffix,
                                [L, L, P, P, P])
    sums = native.function(_SHORT_ROWS_SOURCE, "minitf_row_sums_" + suffix, [L, L, P, P])
    return None if None in (shift, normalize, sums) else (shift, normalize, sums)


def _short_rows(xp, x):
    """The native loops for a softmax over x's last axis, where x is a host array of short
    rows they take (contiguous float32 or float64, enough of them), else None."""
    if xp is not np or x.ndim == 0 or not 2 <= x.shape[-1] <= SHORT_ROWS_MAX_CLASSES or \
            x.size < SHORT_ROWS_MIN_ELEMENTS or not x.flags.c_contiguous:
        return None
    return _short_rows_loops(x.dtype)


def _softmax_short_rows(loops, x, out=None, labels=None):
    """softmax(x) over the last axis (into `out`); with integer `labels` (one per row, in
    range), (loss, backprop) of the sparse cross-entropy instead."""
    shift, normalize, _ = loops
    c = x.shape[-1]
    rows = x.size // c
    if out is None or not out.flags.c_contiguous or out.shape != x.shape or \
            np.may_share_memory(out, x):
        out = np.empty(x.shape, x.dtype)
    if labels is None:
        shift(rows, c, x.ctypes.data, out.ctypes.data, None, None)
        np.exp(out, out=out)
        normalize(rows, c, out.ctypes.data, None, None)
        return out
    labels = np.ascontiguousarray(labels.reshape(-1), np.int64)
    picked, total = np.empty(rows, x.dtype), np.empty(rows, x.dtype)
    shift(rows, c, x.ctypes.data, out.ctypes.data, labels.ctypes.data, picked.ctypes.data)
    np.exp(out, out=out)
    normalize(rows, c, out.ctypes.data, total.ctypes.data, labels.ctypes.data)
    loss = np.log(total, out=total)
    loss -= picked
    return loss.reshape(x.shape[:-1]), out


def _xent_short_rows(loops, logits, labels):
    """(loss, backprop) of SoftmaxCrossEntropyWithLogits over the last axis: its numpy
    formula's operations and order (the row sums numpy's), over short rows."""
    shift, normalize, row_sums = loops
    c = logits.shape[-1]
    rows = logits.size // c
    shifted = np.empty(logits.shape, logits.dtype)
    shift(rows, c, logits.ctypes.data, shifted.ctypes.data, None, None)
    backprop = np.exp(shifted)
    total = np.empty(rows, logits.dtype)
    normalize(rows, c, backprop.ctypes.data, total.ctypes.data, None)
    backprop -= labels
    neg_log_probs = np.log(total).reshape(logits.shape[:-1] + (1,)) - shifted
    neg_log_probs *= labels
    loss = np.empty(rows, logits.dtype)
    row_sums(rows, c, neg_log_probs.ctypes.data, loss.ctypes.data)
    return loss.reshape(logits.shape[:-1]), backprop


@register
class Softmax(_SoftmaxBase):
    tf_signature = TFSignature(implied=("axis", -1))
    def compute(self, xp, x, out=None):
        if x.size == 0:  # nothing to normalise (numpy's max of nothing raises)
            return xp.empty_like(x)
        if self.axis in (-1, x.ndim - 1):
            loops = _short_rows(xp, x)
            if loops is not None:
                return _softmax_short_rows(loops, x, out)
        # Subtracting the max makes exp overflow-free: logits of 1000 are fine.
        out = xp.subtract(x, xp.max(x, axis=self.axis, keepdims=True), out=out)
        xp.exp(out, out=out)
        out /= xp.sum(out, axis=self.axis, keepdims=True)
        return out

    def grad(self, op, dy):
        y = op.outputs[0]
        return [(dy - reduce_sum(dy * y, axis=self.axis, keepdims=True)) * y]


@register
class LogSoftmax(_SoftmaxBase):
    tf_signature = TFSignature(implied=("axis", -1))
    def compute(self, xp, x, out=None):
        if x.size == 0:
            return xp.empty_like(x)
        out = xp.subtract(x, xp.max(x, axis=self.axis, keepdims=True), out=out)
        out -= xp.log(xp.sum(xp.exp(out), axis=self.axis, keepdims=True))
        return out

    def grad(self, op, dy):
        y = op.outputs[0]
        return [dy - exp(y) * reduce_sum(dy, axis=self.axis, keepdims=True)]


def _softmax_axis(logits, axis, dim):
    axis = dim if axis is None else axis
    axis = -1 if axis is None else int(axis)
    rank = logits.shape.ndims
    if rank is not None and rank > 0 and not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None, None, "`dim` must be in the range [%d, %d) where %d is the number of "
            "dimensions in the input. Received: dim=%d" % (-rank, rank, rank, axis))
    return axis


def softmax(logits, axis=None, name=None, dim=None):
    """tf.nn.softmax: exp(logits) / sum(exp(logits), axis) (axis -1 by default)."""
    x = convert_to_tensor(logits)
    return Softmax(_softmax_axis(x, axis, dim))(x, name=name or "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    """tf.nn.log_softmax: logits - log(sum(exp(logits), axis))."""
    x = convert_to_tensor(logits)
    return LogSoftmax(_softmax_axis(x, axis, dim))(x, name=name or "LogSoftmax")


# -- cross entropy --------------------------------------------------------------------------------

def _is_zeros(t):
    """True for the zeros gradients() fills in for an output nobody differentiated."""
    return t is None or isinstance(t.op.opdef, ZerosLike)


def _xent_logits_grad(op, axis, dloss, dbackprop):
    """d/dlogits of a fused softmax cross entropy, from the saved backprop output; the
    second-order term (through backprop = softmax - labels) only when backprop has a gradient."""
    dloss = expand_dims(dloss, axis)
    grad = dloss * op.outputs[1]
    if not _is_zeros(dbackprop):
        probs = softmax(op.inputs[0], axis=axis)
        grad = grad + (dbackprop - reduce_sum(dbackprop * probs, axis=axis, keepdims=True)) * probs
    return grad, dloss


@register
class SoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop) = (sum(-labels * log_softmax(features), axis), softmax - labels)."""
    tf_signature = TFSignature(implied=("axis", -1))

    axis: int = -1

    def infer(self, features, labels):
        check_dtype(self.type_name, features.dtype, "real", "features")
        if labels.dtype is not features.dtype:
            raise type_mismatch_error(self.type_name, "labels", labels.dtype, "features",
                                      features.dtype)
        try:
            dims = merge_dims(features.shape.as_tuple(), labels.shape.as_tuple())
        except ValueError:
            raise ValueError("logits and labels must have the same shape, got logits shape %s "
                             "and labels shape %s" % (features.shape, labels.shape)) from None
        if dims is None:
            return [TensorSpec(None, features.dtype), TensorSpec(None, features.dtype)]
        if not dims:
            raise ValueError("logits must have at least one dimension (the classes)")
        (axis,) = normalize_axis(self.axis, len(dims), "softmax cross entropy axis")
        return [TensorSpec(dims[:axis] + dims[axis + 1:], features.dtype),
                TensorSpec(dims, features.dtype)]

    def compute(self, xp, logits, labels):
        logits, labels = xp.asarray(logits), xp.asarray(labels)  # (0-d: numpy scalars)
        if logits.shape != labels.shape:
            raise ValueError("logits and labels must be same size: logits_size=%s labels_size=%s"
                             % (list(logits.shape), list(labels.shape)))
        if self.axis in (-1, logits.ndim - 1):
            loops = _short_rows(xp, logits)
            if loops is not None:
                return _xent_short_rows(loops, logits, labels)
        shifted = logits - xp.max(logits, axis=self.axis, keepdims=True)
        total = xp.sum(xp.exp(shifted), axis=self.axis, keepdims=True)
        neg_log_probs = xp.log(total) - shifted
        neg_log_probs *= labels
        loss = xp.sum(neg_log_probs, axis=self.axis)
        backprop = xp.exp(shifted, out=shifted)
        backprop /= total
        backprop -= labels
        return loss, backprop

    def grad(self, op, dloss, dbackprop):
        grad_logits, dloss = _xent_logits_grad(op, self.axis, dloss, dbackprop)
        grad_labels = dloss * negative(log_softmax(op.inputs[0], axis=self.axis))
        if not _is_zeros(dbackprop):
            # backprop = softmax - labels, so labels get -dbackprop. TF1 leaves this term out
            # (wrongly reporting zero); the op table's numerical gradient check needs it.
            grad_labels = grad_labels - dbackprop
        return [grad_logits, grad_labels]


@register
class SparseSoftmaxCrossEntropyWithLogits(OpDef):
    """(loss, backprop) for integer class labels over the last axis of the features."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tlabels", 1)))

    def infer(self, features, labels):
        # TF's wrapper checks the ranks before the op checks dtypes: one-hot labels (the usual
        # mistake) get the rank message.
        fdims, ldims = features.shape.as_tuple(), labels.shape.as_tuple()
        if fdims is not None and ldims is not None:
            if len(ldims) != len(fdims) - 1:
                raise ValueError("`labels.shape.rank` must equal `logits.shape.rank - 1`. "
                                 "Received: labels.shape=%s of rank %d and logits.shape=%s of "
                                 "rank %d" % (labels.shape, len(ldims), features.shape, len(fdims)))
            try:
                ldims = merge_dims(ldims, fdims[:-1])
            except ValueError:
                raise ValueError("`labels.shape` must equal `logits.shape` except for the last "
                                 "dimension. Received: labels.shape=%s and logits.shape=%s"
                                 % (labels.shape, features.shape)) from None
            fdims = ldims + fdims[-1:]
        elif fdims is not None:
            if not fdims:
                raise ValueError("logits must have at least one dimension (the classes)")
            ldims = fdims[:-1]
        elif ldims is not None:
            fdims = ldims + (None,)
        check_dtype(self.type_name, features.dtype, "real", "features")
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            raise dtype_error("labels", labels.dtype, (dtypes.int32, dtypes.int64))
        return [TensorSpec(ldims, features.dtype), TensorSpec(fdims, features.dtype)]

    host_inputs = (1,)  # the labels' range is checked on the host: no device sync per step

    def compute(self, xp, logits, labels):
        if labels.shape != logits.shape[:-1]:
            raise ValueError("logits and labels must have the same first dimensions, got logits "
                             "shape %s and labels shape %s"
                             % (list(logits.shape), list(labels.shape)))
        classes = logits.shape[-1]
        flat_labels = labels.reshape(-1)
        # (negative labels are huge as unsigned: one reduction checks both ends)
        if flat_labels.size and int(flat_labels.view(_UNSIGNED[flat_labels.dtype.itemsize])
                                    .max()) >= classes:
            values = flat_labels.tolist()
            bad = next(v for v in values if not 0 <= v < classes)
            raise ValueError("Received a label value of %d which is outside the valid range of "
                             "[0, %d).  Label values: %s" % (bad, classes,
                                                             " ".join(map(str, values[:100]))))
        loops = _short_rows(xp, logits)
        if loops is not None:
            return _softmax_short_rows(loops, logits, labels=flat_labels)
        shifted = logits - _max_over_last_axis(xp, logits)
        backprop = xp.exp(shifted)
        total = xp.sum(backprop, axis=-1, keepdims=True)
        at = xp.arange(flat_labels.size) * classes + xp.asarray(flat_labels)  # (flat positions)
        picked = shifted.reshape(-1)[at].reshape(labels.shape)
        loss = xp.log(total[..., 0]) - picked
        backprop /= total
        backprop.reshape(-1)[at] -= 1
        return loss, backprop

    def grad(self, op, dloss, dbackprop):
        grad_logits, _ = _xent_logits_grad(op, -1, dloss, dbackprop)
        return [grad_logits, None]


_UNSIGNED = {4: np.uint32, 8: np.uint64}


def _max_over_last_axis(xp, a):
    """xp.max(a, axis=-1, keepdims=True). numpy reduces a short last axis one row at a time
    (512x10 float32: 24 us); a few classes of many rows are transposed first and reduced over
    the first axis, a vector loop over the rows (4 us with the copy). The maximum of a set
    is the same whatever the order."""
    c = a.shape[-1] if a.ndim else 0
    if a.ndim < 2 or not 2 <= c <= 32 or a.size < 64 * c:
        return xp.max(a, axis=-1, keepdims=True)
    rows = xp.ascontiguousarray(a.reshape(-1, c).T)
    return xp.max(rows, axis=0).reshape(a.shape[:-1] + (1,))


def _ensure_xent_args(name, sentinel, labels, logits):
    if sentinel is not None:
        raise ValueError("Only call `%s` with named arguments (labels=..., logits=..., ...)" % name)
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _broadcast_xent_args(labels, logits):
    """Labels (or logits) of another but broadcastable static shape ([1, classes], [classes],
    or a higher rank) broadcast to the common shape first, so the loss has that shape's batch
    dimensions (TF's kernel broadcasts only within its 2-D reshape, and then fails to build the
    labels' gradient)."""
    ld, gd = labels.shape.as_tuple(), logits.shape.as_tuple()
    if ld is None or gd is None or labels.shape.is_compatible_with(logits.shape):
        return labels, logits
    try:
        target = broadcast_dims(gd, ld)
    except ValueError:
        return labels, logits  # the op reports the mismatch, naming itself and both shapes
    if None not in target:
        dims = list(target)
    elif target == gd:
        dims = shape(logits)
    elif target == ld:
        dims = shape(labels)
    else:
        dims = shape(zeros_like(logits) + zeros_like(labels))
    if target != ld:
        labels = broadcast_to(labels, dims)
    if target != gd:
        logits = broadcast_to(logits, dims)
    return labels, logits


def _softmax_xent(labels, logits, axis, scope):
    """The fused op, named `scope` itself (TF names the op after the function's name scope)."""
    logits = convert_to_tensor(logits, name="logits")
    labels = convert_to_tensor(labels, name="labels")
    # TF casts the labels to the logits' type (int one-hot labels are accepted).
    labels = cast(labels, logits.dtype)
    labels, logits = _broadcast_xent_args(labels, logits)
    axis = -1 if axis is None else int(axis)
    loss, _ = SoftmaxCrossEntropyWithLogits(axis)(logits, labels, name=scope)
    return loss


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """tf.nn.softmax_cross_entropy_with_logits_v2: -sum(labels * log_softmax(logits), axis);
    gradients flow into both labels and logits."""
    axis = dim if axis is None else axis
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        return _softmax_xent(labels, logits, axis, scope)


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """tf.nn.softmax_cross_entropy_with_logits (TF1): as the _v2 function, but no gradient flows
    into the labels. Call it with named arguments."""
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    axis = dim if axis is None else axis
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = stop_gradient(labels, name="labels_stop_gradient")
        return _softmax_xent(labels, logits, axis, scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """tf.nn.sparse_softmax_cross_entropy_with_logits: -log_softmax(logits)[labels], for int32 or
    int64 class indices; an index outside [0, classes) is an InvalidArgumentError at run time."""
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        loss, _ = SparseSoftmaxCrossEntropyWithLogits()(
            logits, labels, name="SparseSoftmaxCrossEntropyWithLogits")
        return loss


# -- losses and other ops ------------------------------------------------------------------------

@register
class L2Loss(OpDef):
    def infer(self, t):
        check_dtype(self.type_name, t.dtype, "real", "t")
        return TensorSpec((), t.dtype)

    def compute(self, xp, t):
        flat = t.reshape(-1)
        return xp.asarray(xp.dot(flat, flat) / 2, dtype=t.dtype)

    def grad(self, op, dy):
        return [op.inputs[0] * dy]


def l2_loss(t, name=None):
    """tf.nn.l2_loss: sum(t ** 2) / 2."""
    return L2Loss()(convert_to_tensor(t), name=name or "L2Loss")


@register
class BiasAdd(OpDef):
    data_format: str = "NHWC"
    supports_out = True
    elementwise = True

    def infer(self, value, bias):
        if value.dtype is not bias.dtype:
            raise type_mismatch_error("BiasAdd", "bias", bias.dtype, "value", value.dtype)
        if bias.shape.ndims not in (None, 1):
            raise rank_error(1, bias.shape.ndims)
        dims = value.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, value.dtype)
        least = 3 if self.data_format == "NCHW" else 2
        if len(dims) < least:
            raise rank_error(least, len(dims), at_least=True)
        axis = _channel_axis(len(dims), self.data_format)
        channels, b = dims[axis], bias.shape[0].value
        if channels is not None and b is not None and channels != b:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (channels, b))
        channels = channels if channels is not None else b
        return TensorSpec(dims[:axis] + (channels,) + dims[axis + 1:], value.dtype)

    def compute(self, xp, value, bias, out=None):
        if bias.shape[0] != value.shape[_channel_axis(value.ndim, self.data_format)]:
            raise ValueError("Must provide as many biases as the channel dimension of the input "
                             "tensor: %s vs. %s" % (list(bias.shape), list(value.shape)))
        if self.data_format == "NCHW":
            bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
            return xp.add(value, bias, out=out)
        return per_channel(xp, xp.add, value, bias, out)

    def grad(self, op, dy):
        return [dy, BiasAddGrad(self.data_format)(dy, name="BiasAddGrad")]

    def fuses_relu(self, op):
        """Whether a plan may run this BiasAdd and the Relu of its output as one kernel
        (bind_group; client/plan.py fuse_bias_relu): the bias on the last axis."""
        return self.data_format != "NCHW"

    def bind_group(self, ctx, ops, producers=None):
        """The kernel of [this BiasAdd, the Relu reading its output] (fuses_relu):
        `(value, bias, out=None)` -> relu(value + bias), one native pass where the host has
        them (the add, then numpy's maximum with 0: NaNs kept, -0.0 made 0.0), else the two
        kernels, the second in place."""
        add, relu = self.bind(ctx, ops[0]), ops[1].opdef.bind(ctx, ops[1])

        def two_passes(value, bias, out=None):
            y = add(value, bias, out=out)
            return relu(y, out=y)
        return native_elementwise(
            ctx.xp_for(ops[0]), "T x, T b",
            "T v = x + b; out = (v > T(0) || v != v) ? v : T(0);", "bias_add_relu", two_passes,
            broadcast_last=True)


@register
class BiasAddGrad(TiledKernel, OpDef):
    """The bias gradient of BiasAdd: out_backprop summed over every axis but the channels."""

    data_format: str = "NHWC"
    supports_out = True

    def infer(self, dy):
        dims = dy.shape.as_tuple()
        if dims is None:
            return TensorSpec([None], dy.dtype)
        least = 3 if self.data_format == "NCHW" else 2
        if len(dims) < least:
            raise rank_error(least, len(dims), at_least=True)
        return TensorSpec([dims[_channel_axis(len(dims), self.data_format)]], dy.dtype)

    def compute(self, xp, dy, out=None, work=None, split=None):
        channel = _channel_axis(dy.ndim, self.data_format)
        if channel == dy.ndim - 1:
            # in tiles of BIAS_TILE_BYTES along the first axis (split over the workers): the
            # tiles' sums added in tile order
            tiles = batch_tiles(dy.shape[0], dy[:1].nbytes, BIAS_TILE_BYTES)
            if len(tiles) == 1:
                sums = channel_sums(xp, dy)
            elif split is None or split.participants() < 2:
                # (one thread: the same sums in the same order, without the tiles' machinery,
                # which cost 9 of the 22 us of a 512x256 gradient)
                sums = channel_sums(xp, dy[tiles[0]])
                for t in tiles[1:]:
                    sums += channel_sums(xp, dy[t])
            else:
                parts = work_array(xp, work, SHARED_ARRAY, (len(tiles), dy.shape[-1]), dy.dtype)

                def tile(arrays, item):
                    parts[item[0]] = channel_sums(xp, dy[item[1]])
                each_tile(xp, work, split, list(enumerate(tiles)), [], tile)
                sums = ordered_sum(parts)
            if out is None:
                return sums
            out[...] = sums
            return out
        axes = tuple(a for a in range(dy.ndim) if a != channel)
        return xp.sum(dy, axis=axes, out=out)

    def grad(self, op, ddb):
        # Broadcasting ddb back over out_backprop's shape is exactly a bias_add onto zeros.
        return [BiasAdd(self.data_format)(zeros_like(op.inputs[0]), ddb, name="BiasAdd")]


def bias_add(value, bias, data_format=None, name=None):
    """tf.nn.bias_add: adds the 1-D `bias` along the channel axis (the last one for NHWC, the
    default; axis 1 for NCHW)."""
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        if data_format is not None and data_format.startswith("NC"):
            data_format = "NCHW"
        else:
            data_format = "NHWC"
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype, name="bias")
        return BiasAdd(data_format)(value, bias, name=scope)


@register
class InTopKV2(OpDef):
    """Whether predictions[i, targets[i]] is among the k largest of row i (ties at the boundary
    count as in; a row with a non-finite value or an out-of-range target gives False)."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    differentiable = False

    def infer(self, predictions, targets, k):
        if predictions.dtype is not dtypes.float32:
            raise TypeError("Input 'predictions' of 'InTopKV2' Op has type %s that does not "
                            "match expected type of float32." % predictions.dtype.name)
        if targets.dtype not in (dtypes.int32, dtypes.int64):
            raise dtype_error("targets", targets.dtype, (dtypes.int32, dtypes.int64))
        if k.dtype is not targets.dtype:
            raise type_mismatch_error("InTopKV2", "k", k.dtype, "targets", targets.dtype)
        for t, rank in ((predictions, 2), (targets, 1), (k, 0)):
            if t.shape.ndims not in (None, rank):
                raise rank_error(rank, t.shape.ndims)
        batch = targets.shape[0] if targets.shape.ndims else Dimension(None)
        if predictions.shape.ndims:
            batch = predictions.shape[0].merge_with(batch)
        return TensorSpec([batch.value], dtypes.bool)

    def compute(self, xp, predictions, targets, k):
        if predictions.shape[0] != targets.shape[0]:
            raise ValueError("First dimension of predictions %d must match length of targets %d"
                             % (predictions.shape[0], targets.shape[0]))
        classes = predictions.shape[1]
        valid = (targets >= 0) & (targets < classes)
        target_pred = predictions[xp.arange(targets.shape[0]), xp.where(valid, targets, 0)]
        larger = xp.sum(predictions > target_pred[:, None], axis=1)
        finite = xp.all(xp.isfinite(predictions), axis=1)
        return valid & finite & (larger < k)


def in_top_k(predictions, targets, k, name=None):
    """tf.nn.in_top_k: a bool per row, whether the target class is in the top k predictions."""
    with name_scope(name, "in_top_k"), name_scope(None, "InTopKV2") as scope:
        predictions = convert_to_tensor(predictions, name="predictions")
        targets, k = binary_operands(targets, k, names=("targets", "k"))
        return InTopKV2()(predictions, targets, k, name=scope)


# -- composed functions ---------------------------------------------------------------------------

def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """tf.nn.sigmoid_cross_entropy_with_logits: elementwise logistic loss, computed as
    max(x, 0) - x * z + log(1 + exp(-abs(x))) so that no exp overflows."""
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        check_same_shape(logits, labels,
                          "logits and labels must have the same shape (%s vs %s)")
        zeros = zeros_like(logits)
        cond = greater_equal(logits, zeros)
        relu_logits = where(cond, logits, zeros)
        neg_abs_logits = where(cond, negative(logits), logits)
        return math_ops.add(relu_logits - logits * labels, log1p(exp(neg_abs_logits)), name=scope)


def _logistic_masks(xp, x):
    """For the fused logistic loss: (keep, sign, e) with keep all bits set where x >= 0 (zero
    elsewhere, NaN included), sign the sign bit there, and e = exp(where(x >= 0, -x, x)): the
    composite's selects as bit operations on the values' integer view, which give its bits
    exactly (np.where on a random mask costs 5x an elementwise pass)."""
    itype = "i%d" % x.dtype.itemsize
    ge = xp.greater_equal(x, 0).astype(itype)
    sign = xp.left_shift(ge, 8 * x.dtype.itemsize - 1)
    keep = xp.negative(ge, out=ge)
    e = xp.bitwise_xor(x.view(itype), sign).view(x.dtype)
    return keep, sign, xp.exp(e, out=e), itype


def _check_logistic_shapes(op_type, names, *inputs):
    dims = inputs[0].shape.as_tuple()
    for name, t in zip(names[1:], inputs[1:]):
        if t.dtype is not inputs[0].dtype:
            raise type_mismatch_error(op_type, name, t.dtype, names[0], inputs[0].dtype)
        try:
            dims = merge_dims(dims, t.shape.as_tuple())
        except ValueError:
            raise ValueError("%s: %s and %s must have the same shape (%s vs %s)"
                             % (op_type, names[0], name, inputs[0].shape, t.shape)) from None
    check_dtype(op_type, inputs[0].dtype, "float", names[0])
    return TensorSpec(dims, inputs[0].dtype)


@register
class SigmoidCrossEntropyWithLogits(OpDef):
    """The logistic loss max(x, 0) - x * z + log(1 + exp(-|x|)) of logits x and labels z as one
    kernel (minitf-only; TF1 composes it of ten small ops, which nce_loss runs on every step):
    each element is computed as the composite of sigmoid_cross_entropy_with_logits computes it,
    so the results are the same bit for bit. Exported to TF as that composite."""

    def infer(self, logits, labels):
        return _check_logistic_shapes(self.type_name, ("logits", "labels"), logits, labels)

    def compute(self, xp, logits, labels):
        logits, labels = xp.asarray(logits), xp.asarray(labels)
        if logits.shape != labels.shape:
            raise ValueError("logits and labels must have the same shape (%s vs %s)"
                             % (logits.shape, labels.shape))
        if logits.ndim == 0:  # (numpy's ufuncs give 0-d results as scalars, not arrays)
            return self.compute(xp, logits.reshape(1), labels.reshape(1)).reshape(())
        keep, _, e, itype = _logistic_masks(xp, logits)
        loss = xp.bitwise_and(logits.view(itype), keep).view(logits.dtype)  # where(x >= 0, x, 0)
        loss -= logits * labels
        loss += xp.log1p(e, out=e)
        return loss

    def grad(self, op, dy):
        logits, labels = op.inputs
        return [SigmoidCrossEntropyWithLogitsGrad()(logits, labels, dy),
                multiply(logits, negative(dy))]

    def tf_expansion(self, op, inputs, name):
        x, z = inputs
        t = {"T": op.inputs[0].dtype}
        return [("zeros_like", "ZerosLike", [x], t),
                ("GreaterEqual", "GreaterEqual", [x, name("zeros_like")], t),
                ("Select", "Select", [name("GreaterEqual"), x, name("zeros_like")], t),
                ("Neg", "Neg", [x], t),
                ("Select_1", "Select", [name("GreaterEqual"), name("Neg"), x], t),
                ("mul", "Mul", [x, z], t),
                ("sub", "Sub", [name("Select"), name("mul")], t),
                ("Exp", "Exp", [name("Select_1")], t),
                ("Log1p", "Log1p", [name("Exp")], t),
                (None, "Add", [name("sub"), name("Log1p")], t)]


@register
class SigmoidCrossEntropyWithLogitsGrad(OpDef):
    """The logistic loss's gradient with respect to the logits, dy * (sigmoid(x) - z), as one
    kernel computing each element as the composite's gradient does (the sum, in its order, of
    where(x >= 0, dy, 0), -where(x >= 0, g, 0), where(x >= 0, 0, g) and -dy * z, with
    g = dy / (exp(-|x|) + 1) * exp(-|x|)): the same bits, a third of the time."""

    def infer(self, logits, labels, dy):
        return _check_logistic_shapes(self.type_name, ("logits", "labels", "dy"), logits, labels,
                                      dy)

    def compute(self, xp, logits, labels, dy):
        logits, labels, dy = xp.asarray(logits), xp.asarray(labels), xp.asarray(dy)
        if not logits.shape == labels.shape == dy.shape:
            raise ValueError("logits, labels and dy must have the same shape (%s, %s, %s)"
                             % (logits.shape, labels.shape, dy.shape))
        if logits.ndim == 0:
            return self.compute(xp, logits.reshape(1), labels.reshape(1), dy.reshape(1)).reshape(())
        keep, sign, e, itype = _logistic_masks(xp, logits)
        g = xp.add(e, 1)
        xp.divide(dy, g, out=g)
        g *= e
        g = xp.bitwise_xor(g.view(itype), sign, out=g.view(itype)).view(logits.dtype)
        # -dy * z + g, as g - dy * z (the same bits: IEEE's a - b is a + -b, the sum commutes
        # and (-a) * b is -(a * b)). (The composite adds where(x >= 0, 0, g) here, then
        # -where(x >= 0, g, 0): both at once is the same sum but where x >= 0, when it reads
        # (-0 + 0) - g: -0 instead of +0 only for g = +0 and -dy * z = -0, which then gets
        # + dy. A -0 there needs dy = -0, and then g is -0.)
        out = xp.multiply(dy, labels)
        xp.subtract(g, out, out=out)
        out += xp.bitwise_and(dy.view(itype), keep, out=keep).view(logits.dtype)
        return out

    def grad(self, op, ddx):
        logits, labels, dy = op.inputs
        p = sigmoid(logits)
        return [ddx * dy * (p * (1 - p)), negative(ddx * dy), ddx * (p - labels)]

    def tf_expansion(self, op, inputs, name):
        x, z, dy = inputs
        dtype = op.inputs[0].dtype
        t = {"T": dtype}
        return [("zeros_like", "ZerosLike", [x], t),
                ("GreaterEqual", "GreaterEqual", [x, name("zeros_like")], t),
                ("Neg", "Neg", [x], t),
                ("Select", "Select", [name("GreaterEqual"), name("Neg"), x], t),
                ("Exp", "Exp", [name("Select")], t),
                ("one", "Const", [], {"dtype": dtype,
                                      "value": np.asarray(1, dtype.as_numpy_dtype)}),
                ("add", "Add", [name("Exp"), name("one")], t),
                ("truediv", "RealDiv", [dy, name("add")], t),
                ("mul", "Mul", [name("truediv"), name("Exp")], t),
                ("Neg_1", "Neg", [dy], t),
                ("mul_1", "Mul", [name("Neg_1"), z], t),
                ("Select_1", "Select", [name("GreaterEqual"), name("zeros_like"), name("mul")],
                 t),
                ("Select_2", "Select", [name("GreaterEqual"), name("mul"), name("zeros_like")],
                 t),
                ("Neg_2", "Neg", [name("Select_2")], t),
                ("Select_3", "Select", [name("GreaterEqual"), dy, name("zeros_like")], t),
                (None, "AddN", [name("mul_1"), name("Select_1"), name("Neg_2"),
                                name("Select_3")], {"T": dtype, "N": 4})]


def logistic_loss(labels, logits, name=None):
    """sigmoid_cross_entropy_with_logits as one op (SigmoidCrossEntropyWithLogits) whose
    gradient is one op too: what nce_loss uses (TF1 builds the composite there as well; the
    values are the same bit for bit)."""
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        return SigmoidCrossEntropyWithLogits()(logits, labels, name=scope)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """tf.nn.weighted_cross_entropy_with_logits: the logistic loss with the positive term
    weighted by `pos_weight` (`targets` is TF1's older name for `labels`)."""
    if targets is not None:
        if labels is not None:
            raise ValueError("Cannot specify both 'labels' and 'targets'.")
        labels = targets
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="targets")
        check_same_shape(logits, labels,
                          "logits and targets must have the same shape (%s vs %s)")
        log_weight = 1 + (pos_weight - 1) * labels
        softplus_neg = log1p(exp(negative(math_ops.abs(logits)))) + relu(negative(logits))
        return math_ops.add((1 - labels) * logits, log_weight * softplus_neg, name=scope)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """tf.nn.moments: (mean, variance) of `x` over `axes` (the variance is the mean squared
    deviation from a mean the gradient does not flow back through, as in TF)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "moments", [x, axes]):
        y = convert_to_tensor(x, name="x")
        mean = reduce_mean(y, axes, keepdims=True, name="mean")
        variance = reduce_mean(squared_difference(y, stop_gradient(mean)), axes, keepdims=True,
                               name="variance")
        if not keep:
            mean = squeeze(mean, axes)
            variance = squeeze(variance, axes)
        return mean, variance


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """tf.nn.l2_normalize: x / sqrt(max(sum(x ** 2, axis), epsilon))."""
    axis = dim if axis is None else axis
    with name_scope(name, "l2_normalize", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        square_sum = reduce_sum(square(x), axis, keepdims=True)
        inv_norm = rsqrt(maximum(square_sum, epsilon))
        return multiply(x, inv_norm, name=scope)


def _noise_shape(x, noise_shape):
    """The shape of the random mask: x's, or `noise_shape` with its None dims taken from x."""
    if noise_shape is None:
        return shape(x)
    if isinstance(noise_shape, (list, tuple, TensorShape)) and x.shape.ndims == len(noise_shape):
        given = as_shape(noise_shape).as_tuple()
        return [g if g is not None else d for g, d in zip(given, x.shape.as_tuple())]
    return noise_shape


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """tf.nn.dropout (TF1): zeroes each element with probability `rate` (= 1 - keep_prob) and
    scales the kept ones by 1 / (1 - rate), so the expected sum is unchanged. Exactly one of
    keep_prob and rate is given; either may be a tensor (a placeholder to feed 1.0 at test)."""
    if keep_prob is not None:
        if rate is not None:
            raise ValueError("Cannot specify both 'keep_prob' and 'rate'.")
        try:
            rate = 1.0 - keep_prob
        except TypeError:
            raise ValueError("keep_prob must be a floating point number or Tensor (got %r)"
                             % (keep_prob,)) from None
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    with name_scope(name, "dropout", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be scaled. "
                             "Got a %s tensor instead." % x.dtype.name)
        if isinstance(rate, numbers.Real):
            if not 0 <= rate < 1:
                raise ValueError("rate must be a scalar tensor or a float in the range [0, 1), "
                                 "got %g" % rate)
            if rate == 0:
                return x
        rate = convert_to_tensor(rate, dtype=x.dtype, name="rate")
        if not rate.shape.is_compatible_with(()):
            raise ValueError("rate must be a scalar, got shape %s" % rate.shape)
        random = random_uniform(_noise_shape(x, noise_shape), seed=seed, dtype=x.dtype)
        keep_mask = greater_equal(random, rate)
        out = x * (1 / (1 - rate)) * cast(keep_mask, x.dtype)
        out.set_shape(x.shape)
        return out
