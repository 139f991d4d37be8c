"""Reductions other than sum (mean, max, min, prod, any, all, over static or runtime axes),
arg max/min, scans (cumsum, cumprod), top_k and the sorts built on it, and norms."""

import builtins
import collections

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, lookup, register
from minitf.framework.shapes import format_dims, normalize_axis
from minitf.framework.tensor import TensorSpec
from minitf.ops.core import (Reduction, broadcast_to, cast, convert_to_tensor, expand_dims,
                             identity, keepdims_arg, ones_like, reduce_sum, reduction, reshape,
                             restore_reduced_dims, runtime_reduction_axes, shape, fill,
                             static_reduction_axes, stop_gradient, zeros, zeros_like)
from minitf.ops.elementwise import (NO_BROADCAST, abs, add, div_no_nan, equal, exp, floordiv,
                                    floormod, greater, is_finite, less, log, logical_and, maximum,
                                    negative, not_equal, pow, sqrt, squared_difference, where)
from minitf.ops.op_util import check_dtype, check_same_shape, dtype_error, static_int
from minitf.ops.ranges import range
from minitf.ops.shape_ops import size, squeeze, transpose

__all__ = ["reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any", "reduce_all",
           "reduce_logsumexp", "argmax", "argmin", "cumsum", "cumprod", "arg_max", "arg_min",
           "count_nonzero", "clip_by_norm", "norm", "reduce_euclidean_norm", "sort", "argsort"]


@register
class Mean(Reduction):
    """The mean; for integers, the sum divided by the count in integer arithmetic, truncated
    toward zero as TF's kernel does (mean([1, 2]) is 1, mean([-1, -2]) is -1)."""

    kernel = "mean"

    def compute(self, xp, x, out=None):
        if x.dtype.kind not in "iu":
            return super().compute(xp, x, out=out)
        wide = xp.uint64 if x.dtype.kind == "u" else xp.int64  # TF's sum does not wrap here
        total = xp.sum(x, axis=self.axis, dtype=wide, keepdims=self.keepdims)
        count = x.size // max(total.size, 1)
        if count == 0:
            return xp.zeros(total.shape, x.dtype)
        quotient = xp.abs(total) // count
        return (xp.where(total < 0, -quotient, quotient)).astype(x.dtype)

    def empty_value(self, xp, dtype):
        return xp.nan  # 0 / 0, as TF

    def grad(self, op, dy):
        (x,) = op.inputs
        y = op.outputs[0]
        # The count is divided in integers, then cast (TF's _safe_shape_div): casting size(x)
        # first overflows float16 beyond 65504 elements.
        count = cast(floordiv(size(x), maximum(size(y), 1)), x.dtype)
        dy = restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy / count, shape(x))]


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """tf.reduce_mean: the mean over `axis` (all axes when None); integer means truncate
    toward zero, as TF's."""
    return reduction(Mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_variance: the mean squared deviation from the mean over `axis`."""
    with name_scope(name, "reduce_variance", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        mean = reduce_mean(x, axis=axis, keepdims=True)
        return reduce_mean(squared_difference(x, mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_std: the square root of reduce_variance."""
    with name_scope(name, "reduce_std", [input_tensor]):
        return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


class _MaxMinReduction(Reduction):
    allowed = "ordered"

    def grad(self, op, dy):
        # TF's rule: the gradient is shared equally among the entries that attain the extreme.
        (x,) = op.inputs
        y = restore_reduced_dims(op.outputs[0], x, self.axis, self.keepdims)
        dy = restore_reduced_dims(dy, x, self.axis, self.keepdims)
        hits = cast(equal(y, x), x.dtype)
        count = reduce_sum(hits, self.axis, keepdims=True)
        return [hits / count * dy]


@register
class Max(_MaxMinReduction):
    kernel = "max"

    def empty_value(self, xp, dtype):
        return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min  # TF's identities


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_max: the maximum over `axis`; ties share the gradient equally."""
    return reduction(Max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """tf.reduce_logsumexp: log(sum(exp(x))) over `axis`, computed as TF does it: the maximum
    (where finite) is subtracted first and added back, behind a stop_gradient."""
    keepdims = keepdims_arg(keepdims, keep_dims)
    runtime_axis = runtime_reduction_axes(axis, reduction_indices)
    axis = static_reduction_axes(axis, reduction_indices) if runtime_axis is None else runtime_axis
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(x - my_max), axis, keepdims=keepdims))
        if not keepdims:
            my_max = reshape(my_max, shape(result))
        return add(result, my_max, name=scope)


@register
class Min(_MaxMinReduction):
    kernel = "min"

    def empty_value(self, xp, dtype):
        return xp.inf if dtype.kind == "f" else xp.iinfo(dtype).max


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_min: the minimum over `axis`; ties share the gradient equally."""
    return reduction(Min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


@register
class Prod(Reduction):
    kernel = "prod"
    keeps_dtype = True

    def grad(self, op, dy):
        # d prod / d x_i is the product of all the other entries: built from exclusive cumulative
        # products from both ends, so zeros in x need no division (TF's approach). Several axes
        # are peeled one at a time: the others along axis a, times the others of the partial
        # product over the remaining axes.
        (x,) = op.inputs
        if self.axis == ():  # axis=[] reduces nothing: the op is the identity
            return [dy]
        dy = restore_reduced_dims(dy, x, self.axis, self.keepdims)
        if self.axis is None:
            flat = reshape(x, [-1])
            others = reshape(_exclusive_product(flat, 0), shape(x))
            return [others * dy]
        axes = normalize_axis(self.axis, x.shape.ndims)
        if axes is None:
            raise ValueError("The gradient of a reduction over negative axes needs the input's rank")
        others, partial = None, x
        for a in axes:
            excluded = _exclusive_product(partial, a)
            others = excluded if others is None else others * excluded
            partial = reduce_prod(partial, a, keepdims=True)
        return [others * dy]


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """tf.reduce_prod: the product over `axis` (all axes when None)."""
    return reduction(Prod, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _exclusive_product(x, axis):
    return cumprod(x, axis, exclusive=True) * cumprod(x, axis, exclusive=True, reverse=True)


@register
class Any(Reduction):
    tf_signature = TFSignature(
        type_attrs=(("Tidx", 1),), const_input=("axis", "reduction_indices", 1, 2))
    kernel = "any"
    allowed = "bool"
    differentiable = False


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_any: logical or over `axis` of a bool tensor."""
    return reduction(Any, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


@register
class All(Reduction):
    tf_signature = TFSignature(
        type_attrs=(("Tidx", 1),), const_input=("axis", "reduction_indices", 1, 2))
    kernel = "all"
    allowed = "bool"
    differentiable = False


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_all: logical and over `axis` of a bool tensor."""
    return reduction(All, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    """tf.count_nonzero: the number of entries not equal to zero over `axis`, as `dtype`."""
    with name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        zero = zeros([], dtype=x.dtype)
        return cast(reduce_sum(cast(not_equal(x, zero), dtypes.int64), axis=axis,
                               keepdims=keepdims, reduction_indices=reduction_indices,
                               keep_dims=keep_dims), dtype=dtype)


@register
class RuntimeAxisReduction(OpDef):
    """A reduction (`kind`: Sum, Mean, Max, Min, Prod, Any or All) over axes given as a second
    input whose value is known only at run time (the axes of the static classes above are
    attributes). One class for all kinds: the kernel is the static class's, built per run with
    the run's axes, so empty inputs, integer means and dtypes behave exactly alike. Exported to
    a GraphDef as TF's own `kind` op with the axes as its `reduction_indices` input."""

    kind: str = "Sum"
    keepdims: bool = False

    def _static(self, axes=None):
        return lookup(self.kind)(axes, self.keepdims)

    @property
    def differentiable(self):
        return self.kind not in ("Any", "All")

    def infer(self, x, axis):
        static = self._static()
        check_dtype(self.kind, x.dtype, static.allowed)
        if axis.dtype not in (dtypes.int32, dtypes.int64):
            raise dtype_error("reduction_indices", axis.dtype, (dtypes.int32, dtypes.int64))
        if axis.shape.rank is not None and axis.shape.rank > 1:
            raise ValueError("%s: the reduction axes must be a scalar or a vector, got shape %s"
                             % (self.kind, format_dims(axis.shape.as_tuple())))
        rank = x.shape.rank
        dims = (None,) * rank if self.keepdims and rank is not None else None
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, axis):
        rank, axes = x.ndim, []
        for a in axis.reshape(-1).tolist():
            if not -rank <= a < max(rank, 1):
                raise errors.InvalidArgumentError(
                    None, None, "Invalid reduction dimension (%d for input with %d dimension(s)"
                    % (a, rank))
            a = a % rank if rank else 0
            if a in axes:
                raise errors.InvalidArgumentError(
                    None, None, "Invalid reduction arguments: Axes contains duplicate "
                    "dimension: %d" % a)
            axes.append(a)
        return self._static(tuple(axes)).compute(xp, x)

    def tf_form(self, op):
        x, axis = op.inputs
        attrs = {"keep_dims": self.keepdims, "Tidx": axis.dtype}
        if self.kind not in ("Any", "All"):
            attrs["T"] = x.dtype
        return self.kind, attrs

    def grad(self, op, dy):
        x, axis = op.inputs
        y = op.outputs[0]
        # dy and y with the reduced axes put back as size-1 dims, from the run's axes and shape.
        keep = _reduced_shape(shape(x), axis)
        dy = reshape(dy, keep)
        if self.kind == "Sum":
            dx = broadcast_to(dy, shape(x))
        elif self.kind == "Mean":
            count = cast(floordiv(size(x), maximum(size(y), 1)), x.dtype)
            dx = broadcast_to(dy / count, shape(x))
        elif self.kind in ("Max", "Min"):
            hits = cast(equal(reshape(y, keep), x), x.dtype)
            dx = hits / reduce_sum(hits, axis, keepdims=True) * dy
        else:  # Prod: the product of the other entries of each group, exact with zeros in x
            is_zero = equal(x, zeros_like(x))
            zeros = reduce_sum(cast(is_zero, dtypes.int32), axis, keepdims=True)
            nonzero_product = reduce_prod(where(is_zero, ones_like(x), x), axis, keepdims=True)
            safe_x = where(is_zero, ones_like(x), x)
            others = where(equal(zeros, 0), nonzero_product / safe_x,
                           where(logical_and(is_zero, equal(zeros, 1)),
                                 broadcast_to(nonzero_product, shape(x)), zeros_like(x)))
            dx = others * dy
        return [dx, None]


def _reduced_shape(input_shape, axis):
    """The shape `input_shape` has after a keepdims reduction over `axis` (tensors; TF's
    reduced_shape): 1 on the reduced axes, the input's size elsewhere."""
    rank = size(input_shape)
    axes = floormod(reshape(cast(axis, dtypes.int32), [1, -1]), rank)
    reduced = reduce_any(equal(reshape(range(rank), [-1, 1]), axes), axis=1)
    return where(reduced, ones_like(input_shape), input_shape)


class _ArgReduction(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tidx", 1)), const_input=("axis", "dimension", 1, 2))
    axis: int = 0
    output_type: dtypes.DType = dtypes.int64
    differentiable = False
    kernel = ""

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, "ordered")
        if self.output_type not in (dtypes.int32, dtypes.int64):
            raise TypeError("output_type must be int32 or int64, got %s" % self.output_type.name)
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, self.output_type)
        if not dims:
            raise ValueError("%s needs an input of rank >= 1, got a scalar" % self.type_name)
        (axis,) = normalize_axis(self.axis, len(dims), "%s axis" % self.type_name)
        return TensorSpec(dims[:axis] + dims[axis + 1:], self.output_type)

    def compute(self, xp, x):
        return getattr(xp, self.kernel)(x, axis=self.axis).astype(self.output_type.as_numpy_dtype)


@register
class ArgMax(_ArgReduction):
    kernel = "argmax"


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """tf.argmax: the index of the largest entry along `axis` (default 0); the first on ties."""
    return _arg_reduction(ArgMax, input, axis, name, dimension, output_type)


def arg_max(input, dimension, name=None, output_type=dtypes.int64):
    """tf.arg_max: TF1's older spelling of tf.argmax (the axis is `dimension`)."""
    return argmax(input, axis=dimension, name=name, output_type=output_type)


@register
class ArgMin(_ArgReduction):
    kernel = "argmin"


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """tf.argmin: the index of the smallest entry along `axis` (default 0); the first on ties."""
    return _arg_reduction(ArgMin, input, axis, name, dimension, output_type)


def arg_min(input, dimension, name=None, output_type=dtypes.int64):
    """tf.arg_min: TF1's older spelling of tf.argmin (the axis is `dimension`)."""
    return argmin(input, axis=dimension, name=name, output_type=output_type)


def _arg_reduction(opclass, input, axis, name, dimension, output_type):
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else static_int(axis, "the axis of %s" % opclass.type_name)
    with name_scope(name, opclass.type_name, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return opclass(axis, dtypes.as_dtype(output_type))(x, name=scope)


class _Scan(OpDef):
    """Cumulative sum / product along a static axis; `exclusive` shifts in the identity,
    `reverse` scans from the end."""
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tidx", 1)), const_input=("axis", "axis", 1, 2))

    axis: int = 0
    exclusive: bool = False
    reverse: bool = False
    kernel = ""
    identity = 0

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, "numeric")
        rank = x.shape.ndims
        if rank is not None:
            if rank == 0:
                raise ValueError("%s needs an input of rank >= 1, got a scalar" % self.type_name)
            normalize_axis(self.axis, rank, "%s axis" % self.type_name)
        return TensorSpec(x.shape, x.dtype)

    def scan(self, xp, x, axis):
        return getattr(xp, self.kernel)(x, axis=axis, dtype=x.dtype)

    def compute(self, xp, x):
        axis = self.axis % x.ndim
        if self.reverse:
            x = xp.flip(x, axis)
        y = self.scan(xp, x, axis)
        if self.exclusive:
            y = xp.roll(y, 1, axis=axis)
            y[(slice(None),) * axis + (slice(0, 1),)] = self.identity
        return xp.flip(y, axis) if self.reverse else y


@register
class Cumsum(_Scan):
    kernel = "cumsum"

    def grad(self, op, dy):
        return [cumsum(dy, self.axis, exclusive=self.exclusive, reverse=not self.reverse)]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumsum: running sums along `axis`."""
    x = convert_to_tensor(x)
    opdef = Cumsum(static_int(axis, "cumsum's axis"), bool(exclusive), bool(reverse))
    return opdef(x, name=name or "Cumsum")


@register
class Cumprod(_Scan):
    kernel = "cumprod"
    identity = 1

    def grad(self, op, dy):
        # TF's rule (it divides by x, so it is 0, not the true value, where x is 0).
        (x,) = op.inputs
        prods = cumprod(x, self.axis, exclusive=self.exclusive, reverse=self.reverse)
        sums = cumsum(prods * dy, self.axis, exclusive=self.exclusive, reverse=not self.reverse)
        return [div_no_nan(sums, x)]


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumprod: running products along `axis`."""
    x = convert_to_tensor(x)
    opdef = Cumprod(static_int(axis, "cumprod's axis"), bool(exclusive), bool(reverse))
    return opdef(x, name=name or "Cumprod")


@register
class CumulativeLogsumexp(_Scan):
    """Running log(sum(exp(x))) along an axis (floats), each step log(e^a + e^b) in float64."""

    identity = -np.inf

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, "real", "x")
        return super().infer(x)

    def scan(self, xp, x, axis):
        y = xp.moveaxis(x.astype(xp.float64), axis, 0).copy()
        for i in builtins.range(1, y.shape[0]):
            y[i] = xp.logaddexp(y[i - 1], y[i])
        return xp.moveaxis(y, 0, axis).astype(x.dtype)

    def grad(self, op, dy):
        """TF's: the gradient's positive and negative parts in log space, each run back
        through cumulative_logsumexp in the other direction."""
        x, y = op.inputs[0], op.outputs[0]
        lowest = dy.dtype.as_numpy_dtype(dy.dtype.min)
        floor = fill(shape(dy), lowest)
        zero = zeros_like(dy)
        parts = []
        for mask, magnitude in ((greater(dy, zero), dy), (less(dy, zero), negative(dy))):
            log_part = where(mask, log(where(mask, magnitude, ones_like(dy))), floor)
            parts.append(exp(cumulative_logsumexp(log_part - y, self.axis,
                                                  exclusive=self.exclusive,
                                                  reverse=not self.reverse) + x))
        return [parts[0] - parts[1]]


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.math.cumulative_logsumexp: running log(sum(exp(x))) along `axis`."""
    with name_scope(name, "CumulativeLogsumexp", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        opdef = CumulativeLogsumexp(static_int(axis, "cumulative_logsumexp's axis"),
                                    bool(exclusive), bool(reverse))
        return opdef(x, name=scope)


TopKResult = collections.namedtuple("TopKV2", ["values", "indices"])


@register
class TopKV2(OpDef):
    """The k largest entries along the last axis, in decreasing order (ties: lower index first)."""
    tf_signature = TFSignature(const_input=("k", "k", 1, 2))

    k: int
    sorted: bool = True

    def infer(self, x):
        check_dtype("TopKV2", x.dtype, "ordered")
        if self.k < 0:
            raise ValueError("Need k >= 0, got %d" % self.k)
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype), TensorSpec(None, dtypes.int32)]
        if not dims:
            raise ValueError("input must be at least rank 1 but is rank 0")
        if dims[-1] is not None and dims[-1] < self.k:
            raise ValueError("input must have last dimension >= k = %d but is %d"
                             % (self.k, dims[-1]))
        out = dims[:-1] + (self.k,)
        return [TensorSpec(out, x.dtype), TensorSpec(out, dtypes.int32)]

    def compute(self, xp, x):
        # A stable ascending sort of the reversed row, read backwards, orders ties by index.
        n = x.shape[-1]
        if n < self.k:
            raise ValueError("input must have at least k columns. Had %d, needed %d"
                             % (n, self.k))
        order = xp.argsort(xp.flip(x, -1), axis=-1, kind="stable")
        indices = (n - 1 - xp.flip(order, -1)[..., :self.k]).astype(xp.int32)
        return xp.take_along_axis(x, indices, axis=-1), indices

    def grad(self, op, dvalues, dindices):
        # Scatters dvalues back to the chosen positions: a [..., k, n] mask of which position
        # each value came from, so the rule is linear in dvalues and differentiable again.
        x = op.inputs[0]
        indices = op.outputs[1]
        positions = cumsum(ones_like(x, dtype=dtypes.int32), -1, exclusive=True)
        hits = cast(equal(expand_dims(indices, -1), expand_dims(positions, -2)), x.dtype)
        return [reduce_sum(expand_dims(dvalues, -1) * hits, axis=-2)]


def top_k(input, k=1, sorted=True, name=None):
    """tf.nn.top_k: (values, indices) of the k largest entries of each last-axis row."""
    x = convert_to_tensor(input)
    k = static_int(k, "top_k's k")
    values, indices = get_default_graph().create_op(
        TopKV2(k, bool(sorted)), [x], name=name or "TopKV2").outputs
    return TopKResult(values, indices)


_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _sort_or_argsort(values, axis, direction, indices):
    """TF's sort: top_k over the whole axis (moved last by a transpose when it is not), of the
    negated values for ASCENDING (-x - 1 for signed integers, so the smallest does not
    overflow; max - x for unsigned ones). minitf's top_k needs k, the axis' length, known
    when the graph is built."""
    if direction not in _DIRECTIONS:
        raise ValueError("Argument `direction` should be one of %s. Received: direction=%s"
                         % (", ".join(_DIRECTIONS), direction))
    axis = static_int(axis, "sort's axis")
    x = convert_to_tensor(values, name="values")
    rank = x.shape.ndims
    if rank is None or not -rank <= axis < rank:
        raise ValueError("minitf's sort needs the rank of `values` known and the axis in it, "
                         "got axis %d for shape %s" % (axis, x.shape))
    axis %= rank
    k = x.shape[axis].value
    if k is None:
        raise ValueError("minitf's sort needs the length of axis %d known when the graph is "
                         "built, got shape %s" % (axis, x.shape))
    dtype = x.dtype
    if direction == "ASCENDING":
        if dtype.is_unsigned:
            x = dtype.max - x
        elif dtype.is_integer:
            x = -x - 1
        else:
            x = -x
    perm = None
    if axis != rank - 1:
        perm = list(builtins.range(rank))
        perm[axis], perm[-1] = rank - 1, axis
        x = transpose(x, perm)
    result = top_k(x, k)[1 if indices else 0]
    if perm is not None:
        result = transpose(result, perm)
    if indices or direction == "DESCENDING":
        return result
    if dtype.is_unsigned:
        return dtype.max - result
    return -result - 1 if dtype.is_integer else -result


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """tf.sort: the values sorted along `axis` (the last by default), ASCENDING or
    DESCENDING."""
    with name_scope(name, "sort"):
        return _sort_or_argsort(values, axis, direction, indices=False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """tf.argsort: the int32 indices that sort `values` along `axis`; equal values keep their
    order (TF's top_k is stable, so `stable` changes nothing, as in TF)."""
    del stable
    with name_scope(name, "argsort"):
        return _sort_or_argsort(values, axis, direction, indices=True)


@register
class EuclideanNorm(Reduction):
    """sqrt(sum(|x|^2)) over the axes; float16 squares are summed in float32 and integers in
    int64, the root of an integer sum truncated (as TF's kernel)."""

    supports_out = False

    def compute(self, xp, x):
        kind = x.dtype.kind
        if kind in "iu":
            work = x.astype(xp.int64)
        elif kind == "c":
            work = xp.abs(x)
        else:
            work = x.astype(xp.promote_types(x.dtype, xp.float32), copy=False)
        total = xp.sum(work * work, axis=self.axis, keepdims=self.keepdims)
        return xp.sqrt(total).astype(x.dtype)

    def grad(self, op, dy):  # TF's x / (norm / dy)
        (x,) = op.inputs
        norm = restore_reduced_dims(op.outputs[0], x, self.axis, self.keepdims)
        dy = restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [x / (norm / dy)]


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_euclidean_norm: sqrt of the sum of squares over `axis` (all when None).
    The axes must be known when the graph is built."""
    with name_scope(name, "EuclideanNorm", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor, name="input")
        return EuclideanNorm(static_reduction_axes(axis, None), bool(keepdims))(x, name=scope)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """tf.clip_by_norm: t * clip_norm / max(l2norm(t, axes), clip_norm), with TF's two-sided
    tf.where so a zero tensor gets a finite gradient."""
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        l2sum = reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        check_same_shape(values, intermediate, NO_BROADCAST.format("clip_norm"))
        return identity(intermediate / maximum(l2norm, clip_norm), name=scope)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):
    """tf.norm: vector norms ('euclidean'/2, 1, np.inf, any p > 0) over `axis` (None: all
    entries), and matrix norms ('euclidean'/'fro', 1, np.inf) over a pair of axes. The matrix
    2-norm (which needs an SVD) is not offered."""
    keepdims = keepdims_arg(keepdims, keep_dims)
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not builtins.all(isinstance(a, int) for a in axis) or axis[0] == axis[1]:
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, "
                             "got %s" % (axis,))
        if ord not in ("euclidean", "fro", 1, np.inf):
            raise ValueError("'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, "
                             "inf] (minitf has no matrix 2-norm), got %s" % (ord,))
    else:
        if not (axis is None or isinstance(axis, int)):
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, "
                             "got %s" % (axis,))
        if ord != "euclidean" and (isinstance(ord, str) or ord <= 0):
            raise ValueError("'ord' must be a supported vector norm, got %s" % (ord,))
        if axis is not None:
            axis = (axis,)
    with name_scope(name, "norm", [tensor]):
        x = convert_to_tensor(tensor)
        if ord in ("euclidean", "fro", 2):
            result = sqrt(reduce_sum(x * x, axis, keepdims=True))
        else:
            result = abs(x)
            if ord == 1:
                result = reduce_sum(result, None if axis is None else axis[0], keepdims=True)
                if is_matrix:
                    result = reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if is_matrix:
                    result = reduce_sum(result, axis[1], keepdims=True)
                result = reduce_max(result, None if axis is None else axis[0], keepdims=True)
            else:
                result = pow(reduce_sum(pow(result, ord), axis, keepdims=True), 1.0 / ord)
        if not keepdims:
            result = squeeze(result, axis)
        return result
