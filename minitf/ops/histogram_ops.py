"""Counting ops: tf.bincount (TF 1.x's Bincount op), tf.histogram_fixed_width
(HistogramFixedWidth), tf.confusion_matrix (a ScatterNd of ones at (label, prediction),
after TF's checks) and the Bucketize op of bucketized feature columns. None is
differentiable."""

from minitf import dtypes
from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import (identity, ones_like, reshape, scatter_nd, shape, squeeze,
                                  stack)
from minitf.ops.elementwise import clip_by_value
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.logging_ops import assert_less, assert_non_negative
from minitf.ops.math_ops import (cast, floor, greater, maximum, minimum, reduce_max, reduce_prod,
                                 truediv)
from minitf.ops.op_util import check_dtype, dtype_error, rank_error
from minitf.ops.segment_ops import unsorted_segment_sum

__all__ = ["bincount", "histogram_fixed_width", "histogram_fixed_width_bins", "confusion_matrix"]

_BUCKETIZE_TYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def _static_size(size, what):
    """The known value of the scalar `size` (None when known only at run time)."""
    if size.shape.ndims not in (None, 0):
        raise rank_error(0, size.shape.ndims, " for %s" % what)
    known = constant_value(size)
    return None if known is None else int(known)


@register
class Bincount(OpDef):
    """How many times each of 0..size-1 occurs in the int32 `arr` (values >= size are left
    out), as `weights`' dtype; with weights of arr's shape, their sums instead of counts (an
    empty `weights` counts)."""
    tf_signature = TFSignature(type_attrs=(("T", 2),))
    differentiable = False

    def infer(self, arr, size, weights):
        if arr.dtype is not dtypes.int32:
            raise dtype_error("arr", arr.dtype, (dtypes.int32,), "Bincount")
        if size.dtype is not dtypes.int32:
            raise dtype_error("size", size.dtype, (dtypes.int32,), "Bincount")
        n = _static_size(size, "Bincount's size")
        if n is not None and n < 0:
            raise ValueError("size (%d) must be non-negative" % n)
        return TensorSpec([n], weights.dtype)

    def compute(self, xp, arr, size, weights):
        n = int(size)
        if n < 0:
            raise ValueError("size (%d) must be non-negative" % n)
        if arr.size and int(arr.min()) < 0:
            raise ValueError("Input arr must be non-negative!")
        values = arr.reshape(-1)
        kept = values < n
        w = None
        if weights.size:
            if weights.shape != arr.shape:
                raise ValueError("Weights and array must have the same shape: %s vs %s"
                                 % (format_dims(weights.shape), format_dims(arr.shape)))
            w = weights.reshape(-1)[kept]
        counts = xp.bincount(values[kept], weights=w, minlength=n)[:n]
        return counts.astype(weights.dtype)


@register
class Bucketize(OpDef):
    """The bucket of each element of `input`: how many of the sorted float `boundaries` are
    <= it (TF's upper_bound: a value equal to a boundary goes to the bucket above), int32,
    input's shape. Values are compared with the boundaries as float32, as TF stores them."""
    boundaries: tuple = ()
    differentiable = False

    def infer(self, input):
        if input.dtype not in _BUCKETIZE_TYPES:
            raise dtype_error("input", input.dtype, _BUCKETIZE_TYPES, "Bucketize")
        if list(self.boundaries) != sorted(self.boundaries):
            raise ValueError("Bucketize: expected sorted boundaries, got %s"
                             % (list(self.boundaries),))
        return TensorSpec(input.shape, dtypes.int32)

    def compute(self, xp, input):
        edges = xp.asarray(self.boundaries, dtype=xp.float32).astype(xp.float64)
        return xp.searchsorted(edges, input.astype(xp.float64), side="right").astype(xp.int32)


def bucketize(input, boundaries, name=None):
    """TF's math_ops._bucketize (the Bucketize op): each value's bucket among `boundaries`."""
    return Bucketize(tuple(float(b) for b in boundaries))(convert_to_tensor(input),
                                                           name=name)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32):
    """tf.bincount: the number of occurrences of each value 0, 1, ... max(arr) in the int32
    `arr` (at least `minlength` bins, at most `maxlength`: larger values are not counted), in
    `dtype`; with `weights` (arr's shape), the sum of the weights of each value instead (TF
    1.x sums them with unsorted_segment_sum, so there every value must be below maxlength)."""
    with name_scope(None, "bincount", [arr, weights, minlength, maxlength]):
        arr = convert_to_tensor(arr, dtype=dtypes.int32, name="arr")
        nonempty = greater(reduce_prod(shape(arr)), 0)
        output_size = cast(nonempty, dtypes.int32) * (reduce_max(arr) + 1)
        if minlength is not None:
            output_size = maximum(minlength, output_size)
        if maxlength is not None:
            output_size = minimum(maxlength, output_size)
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            return unsorted_segment_sum(weights, arr, output_size)
        weights = constant([], dtypes.as_dtype(dtype))
        return Bincount()(arr, output_size, weights, name="Bincount")


@register
class HistogramFixedWidth(OpDef):
    """Counts of `values` in `nbins` equal bins spanning value_range [lo, hi]; values below lo
    count in the first bin, values from hi on in the last (TF's kernel: the bin is
    (max(v, lo) - lo) / ((hi - lo) / nbins) in float64, at most nbins - 1, truncated)."""
    tf_signature = TFSignature(type_attrs=(("T", 0),))
    dtype: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, values, value_range, nbins):
        check_dtype("HistogramFixedWidth", values.dtype, "ordered", arg="values")
        if value_range.dtype is not values.dtype:
            raise dtype_error("value_range", value_range.dtype, (values.dtype,),
                              "HistogramFixedWidth")
        if nbins.dtype is not dtypes.int32:
            raise dtype_error("nbins", nbins.dtype, (dtypes.int32,), "HistogramFixedWidth")
        if value_range.shape.ndims not in (None, 1) or \
                value_range.shape.as_tuple() not in (None, (None,), (2,)):
            raise ValueError("HistogramFixedWidth: value_range must be a vector of 2, got shape "
                             "%s" % format_dims(value_range.shape.as_tuple()))
        n = _static_size(nbins, "HistogramFixedWidth's nbins")
        if n is not None and n <= 0:
            raise ValueError("Requires nbins > 0: %d" % n)
        return TensorSpec([n], self.dtype)

    def compute(self, xp, values, value_range, nbins):
        n = int(nbins)
        if n <= 0:
            raise ValueError("nbins should be a positive number, but got '%d'" % n)
        lo, hi = value_range.reshape(-1).tolist()
        if not lo < hi:
            raise ValueError("value_range should satisfy value_range[0] < value_range[1], but "
                             "got '[%g, %g]'" % (lo, hi))
        step = (float(hi) - float(lo)) / n
        offsets = (xp.maximum(values.reshape(-1), value_range[0]) - value_range[0])
        bins = xp.minimum(offsets.astype(xp.float64) / step, n - 1).astype(xp.int64)
        return xp.bincount(bins, minlength=n).astype(self.dtype.as_numpy_dtype)


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """tf.histogram_fixed_width: a 1-D `dtype` tensor of `nbins` counts of `values` in equal
    bins over value_range = [lo, hi] (values outside count in the first or last bin)."""
    with name_scope(name, "histogram_fixed_width", [values, value_range, nbins]) as scope:
        values = convert_to_tensor(values, name="values")
        value_range = convert_to_tensor(value_range, dtype=values.dtype, name="value_range")
        nbins = convert_to_tensor(nbins, dtype=dtypes.int32, name="nbins")
        return HistogramFixedWidth(dtypes.as_dtype(dtype))(values, value_range, nbins,
                                                           name=scope)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """tf.histogram_fixed_width_bins: for each value, the index of its bin among `nbins` equal
    bins over value_range (values below or above it go to the first or last bin), in
    `values`' shape; built from ops as TF builds it."""
    with name_scope(name, "histogram_fixed_width_bins", [values, value_range, nbins]):
        values = convert_to_tensor(values, name="values")
        flat_shape = shape(values)
        values = reshape(values, [-1])
        value_range = convert_to_tensor(value_range, dtype=values.dtype, name="value_range")
        nbins = convert_to_tensor(nbins, dtype=dtypes.int32, name="nbins")
        nbins_float = cast(nbins, values.dtype)
        scaled = truediv(values - value_range[0], value_range[1] - value_range[0],
                         name="scaled_values")
        indices = floor(nbins_float * scaled, name="indices")
        indices = cast(clip_by_value(indices, 0, nbins_float - 1), dtypes.as_dtype(dtype))
        return reshape(indices, flat_shape)


def _squeeze_labels_or_predictions(labels, predictions):
    """TF's remove_squeezable_dimensions for equal expected ranks: the one of one more
    (static) rank loses its last dimension when that is 1."""
    lrank, prank = labels.shape.ndims, predictions.shape.ndims
    if lrank is None or prank is None:
        return labels, predictions
    if prank == lrank + 1 and predictions.shape[-1].value in (None, 1):
        predictions = squeeze(predictions, [-1])
    elif lrank == prank + 1 and labels.shape[-1].value in (None, 1):
        labels = squeeze(labels, [-1])
    return labels, predictions


def confusion_matrix(labels, predictions, num_classes=None, dtype=dtypes.int32, name=None,
                     weights=None):
    """tf.confusion_matrix (also tf.math.confusion_matrix): the [n, n] matrix counting (or,
    with `weights`, summing the weights of) each (label, prediction) pair; n is num_classes,
    else the largest label or prediction + 1. Negative labels or predictions, or ones not
    below num_classes, fail TF's asserts (InvalidArgumentError, when built if known then)."""
    with name_scope(name, "confusion_matrix", [predictions, labels, num_classes, weights]):
        labels, predictions = _squeeze_labels_or_predictions(
            convert_to_tensor(labels, name="labels"),
            convert_to_tensor(predictions, name="predictions"))
        predictions = cast(predictions, dtypes.int64)
        labels = cast(labels, dtypes.int64)
        labels = _checked(labels, assert_non_negative(
            labels, message="`labels` contains negative values"))
        predictions = _checked(predictions, assert_non_negative(
            predictions, message="`predictions` contains negative values"))
        if num_classes is None:
            num_classes = maximum(reduce_max(predictions), reduce_max(labels)) + 1
        else:
            num_classes = cast(num_classes, dtypes.int64)
            labels = _checked(labels, assert_less(labels, num_classes,
                                                  message="`labels` out of bound"))
            predictions = _checked(predictions, assert_less(
                predictions, num_classes, message="`predictions` out of bound"))
        if weights is not None:
            weights = convert_to_tensor(weights, name="weights")
            if not predictions.shape.is_compatible_with(weights.shape):
                raise ValueError("Shapes %s and %s are incompatible"
                                 % (predictions.shape, weights.shape))
            values = cast(weights, dtypes.as_dtype(dtype))
        else:
            values = ones_like(predictions, dtype=dtypes.as_dtype(dtype))
        return scatter_nd(stack([labels, predictions], axis=1), values,
                          cast(stack([num_classes, num_classes]), dtypes.int64))


def _checked(t, check):
    """`t` after the op `check` has run (TF's with_dependencies: `control_dependency`)."""
    with control_dependencies([check]):
        return identity(t, name="control_dependency")
