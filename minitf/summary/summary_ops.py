"""Summary ops (tf.summary.scalar, histogram, image, audio, text, tensor_summary, merge and
merge_all): running one gives a serialized Summary protocol buffer (bytes), as in TF1.

The ops are TF's (ScalarSummary, HistogramSummary, ImageSummary, AudioSummaryV2,
TensorSummaryV2, MergeSummary) with TF's inputs: the tag is a string Const input named
`<scope>/tag` (`tags` for scalars). They are stateful, so never folded, and run on the host
(TF has CPU kernels only): their outputs are Python bytes, which no array module holds.
"""

import contextlib
import dataclasses
import re
import struct
import sys

import numpy as np
from google.protobuf.message import DecodeError
from tensorboardX.proto import summary_pb2

from minitf import backend, dtypes
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import GraphKeys, get_collection, get_default_graph, name_scope
from minitf.framework.graph_def import ndarray_to_tensor_proto
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.lib.image import png
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.op_util import dtype_error

__all__ = ["scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge",
           "merge_all"]

_REAL = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16,
         dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64)
_DBL_MAX = sys.float_info.max


def _default_bucket_limits():
    """TF's default histogram bucket edges (histogram.cc): +-1e-12 growing by 10% up to 1e20,
    then +-DBL_MAX, around 0. Built by repeated multiplication, as TF does, so edges match."""
    pos = []
    v = 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(_DBL_MAX)
    return np.array([-x for x in reversed(pos)] + [0.0] + pos)


_BUCKET_LIMITS = _default_bucket_limits()
_RED = np.array([255, 0, 0, 255], np.uint8)  # TF's default bad_color for non-finite pixels
_RED.setflags(write=False)


# -- kernel helpers (host side) ----------------------------------------------------------------

def _text(value):
    """A tag or string element as str: kernels receive bytes, str or 0-d object arrays."""
    if hasattr(value, "shape") and value.shape == ():
        value = value.item()
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _serialized(value):
    """The serialized summaries in a MergeSummary input (a summary op's bytes or a string array)."""
    if isinstance(value, (bytes, str)):
        value = [value]
    elif hasattr(value, "ravel"):
        value = value.ravel().tolist()
    return [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in value]


def _summary(*values):
    return summary_pb2.Summary(value=list(values)).SerializeToString()


def _check_scalar_tag(tag):
    """Raises unless `tag` (a Tensor at build time, an array at run time) is a scalar."""
    dims = tag.shape.as_tuple() if hasattr(tag.shape, "as_tuple") else tag.shape
    if dims is not None and len(dims) != 0:
        raise ValueError("tags must be scalar, got shape %s" % format_dims(dims))


def _png(pixels):
    """PNG bytes of a host uint8 image [height, width, channels] with 1, 3 or 4 channels."""
    return png.encode(pixels)


def _wav(samples, sample_rate):
    """16-bit PCM WAV bytes of host int16 samples [frames, channels], as TF encodes them."""
    frames, channels = samples.shape
    data = samples.astype("<i2").tobytes()
    rate = int(sample_rate)
    return (b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2,
                                    channels * 2, 16)
            + b"data" + struct.pack("<I", len(data)) + data)


def _tag_note(tags):
    """" (tag 'x')" when the tags input is one known string, as TF's messages end."""
    value = constant_value(tags)
    if value is None or value.size != 1:
        return ""
    return " (tag '%s')" % _text(value.reshape(()))


def _check_real(what, tensor, declared):
    if tensor.dtype not in _REAL:
        raise dtype_error(what, tensor.dtype, _REAL)
    if tensor.dtype is not declared:
        raise TypeError("Input '%s' has type %s that does not match the op's T=%s"
                        % (what, tensor.dtype.name, declared.name))


class _SummaryOp(OpDef):
    stateful = True          # never folded: a summary is taken each time it runs
    differentiable = False


# -- the ops -----------------------------------------------------------------------------------

def _shape_mismatch(tag_dims, value_dims, note):
    """TF's message for a scalar summary of a non-scalar, plus what to do about it."""
    hint = ("; tf.summary.scalar records one number: reduce the tensor first (tf.reduce_mean) "
            "or use tf.summary.histogram" if not tag_dims else "")
    return ValueError("tags and values not the same shape: %s != %s%s%s"
                      % (format_dims(tuple(tag_dims)), format_dims(tuple(value_dims)), note, hint))


@register
class ScalarSummary(_SummaryOp):
    """One simple_value per element of `values`, tagged by the same-shaped `tags`."""

    T: dtypes.DType = dtypes.float32

    def infer(self, tags, values):
        if tags.dtype is not dtypes.string:
            raise TypeError("tags must be a string tensor, got %s" % tags.dtype.name)
        _check_real("values", values, self.T)
        if not tags.shape.is_compatible_with(values.shape):
            raise _shape_mismatch(tags.shape.as_tuple(), values.shape.as_tuple(), _tag_note(tags))
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tags, values):
        if tags.shape != values.shape:
            note = " (tag '%s')" % _text(tags.reshape(())) if tags.size == 1 else ""
            raise _shape_mismatch(tags.shape, values.shape, note)
        values = backend.to_numpy(values).ravel().tolist()
        return _summary(*[summary_pb2.Summary.Value(tag=_text(t), simple_value=float(v))
                          for t, v in zip(tags.ravel(), values)])


@register
class HistogramSummary(_SummaryOp):
    """A histogram of all elements of `values` over TF's default exponential buckets."""

    T: dtypes.DType = dtypes.float32

    def infer(self, tag, values):
        _check_scalar_tag(tag)
        _check_real("values", values, self.T)
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tag, values):
        _check_scalar_tag(tag)
        tag = _text(tag)
        v = xp.asarray(values, dtype=xp.float64).ravel()
        if v.size and bool(xp.isnan(v).any()):
            raise ValueError("Nan in summary histogram for: %s" % tag)
        if v.size and bool(xp.isinf(v).any()):
            raise ValueError("Infinity in summary histogram for: %s" % tag)
        limits = xp.asarray(_BUCKET_LIMITS)
        # Bucket i counts values in [limits[i-1], limits[i]) (TF's upper_bound).
        index = xp.minimum(xp.searchsorted(limits, v, side="right"), limits.size - 1)
        counts = xp.bincount(index, minlength=limits.size)
        # Runs of empty buckets collapse into their last bucket, as TF's EncodeToProto does.
        keep = counts > 0
        keep[:-1] |= counts[1:] > 0
        keep[-1] = True
        histo = summary_pb2.HistogramProto(
            min=float(v.min()) if v.size else _DBL_MAX,
            max=float(v.max()) if v.size else -_DBL_MAX,
            num=float(v.size), sum=float(v.sum()), sum_squares=float((v * v).sum()),
            bucket_limit=backend.to_numpy(limits[keep]).tolist(),
            bucket=backend.to_numpy(counts[keep]).astype(float).tolist())
        return _summary(summary_pb2.Summary.Value(tag=tag, histo=histo))


def _check_image_shape(shape):
    if shape is not None and (len(shape) != 4 or shape[-1] not in (None, 1, 3, 4)):
        raise ValueError("Tensor must be 4-D with last dim 1, 3, or 4, not %s" % format_dims(shape))


@register
class ImageSummary(_SummaryOp):
    """PNGs of the first `max_images` images of an NHWC batch. uint8 images are written as they
    are; float images are scaled per image as TF does: by 255/max when no value is negative,
    else by 127/max|x| around 128; non-finite pixels get `bad_color`."""

    max_images: int = 3
    T: dtypes.DType = dtypes.float32
    # A uint8 tensor attr in TF (so TF accepts the node); arrays do not hash, so it
    # takes no part in comparing ops.
    bad_color: np.ndarray = dataclasses.field(default_factory=lambda: _RED, compare=False,
                                              repr=False)

    def infer(self, tag, tensor):
        _check_scalar_tag(tag)
        if tensor.dtype not in (dtypes.uint8, dtypes.float16, dtypes.float32, dtypes.float64):
            raise TypeError("Images must be uint8, float16, float32 or float64, got %s"
                            % tensor.dtype.name)
        if tensor.dtype is not self.T:
            raise TypeError("Input 'tensor' has type %s that does not match the op's T=%s"
                            % (tensor.dtype.name, self.T.name))
        if self.max_images < 1:
            raise ValueError("max_outputs must be at least 1, got %d" % self.max_images)
        _check_image_shape(tensor.shape.as_tuple())
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tag, tensor):
        _check_scalar_tag(tag)
        _check_image_shape(tensor.shape)
        tag = _text(tag)
        values = []
        for i in range(min(tensor.shape[0], self.max_images)):
            pixels = self._to_uint8(xp, tensor[i])
            height, width, depth = pixels.shape
            values.append(summary_pb2.Summary.Value(
                tag="%s/image/%d" % (tag, i) if self.max_images > 1 else "%s/image" % tag,
                image=summary_pb2.Summary.Image(
                    height=height, width=width, colorspace=depth,
                    encoded_image_string=_png(backend.to_numpy(pixels)))))
        return _summary(*values)

    def _to_uint8(self, xp, image):
        if image.dtype == xp.uint8:
            return image
        finite = xp.isfinite(image).all(axis=-1)
        good = image[finite]
        lo = float(good.min()) if good.size else float("inf")
        hi = float(good.max()) if good.size else float("-inf")
        # TF computes the scale in float32 (127.0f / max_val), then casts it to the image type.
        if lo < 0:
            biggest = max(abs(lo), abs(hi))
            scale = 0.0 if biggest < 1e-6 else xp.float32(127.0) / xp.float32(biggest)
            offset = 128.0
        else:
            scale = 0.0 if hi < 1e-6 else xp.float32(255.0) / xp.float32(hi)
            offset = 0.0
        image = xp.where(finite[..., None], image, 0)
        scaled = (image * image.dtype.type(scale) + image.dtype.type(offset)).astype(xp.uint8)
        bad = xp.asarray(self.bad_color[:image.shape[-1]], dtype=xp.uint8)
        return xp.where(finite[..., None], scaled, bad)


@register
class AudioSummaryV2(_SummaryOp):
    """16-bit WAVs of the first `max_outputs` clips of a [batch, frames] or [batch, frames,
    channels] float32 tensor with values in [-1, 1]."""
    tf_signature = TFSignature(type_attrs=())

    max_outputs: int = 3

    def infer(self, tag, tensor, sample_rate):
        _check_scalar_tag(tag)
        if tensor.dtype is not dtypes.float32 or sample_rate.dtype is not dtypes.float32:
            raise TypeError("audio and sample_rate must be float32, got %s and %s"
                            % (tensor.dtype.name, sample_rate.dtype.name))
        if tensor.shape.ndims not in (None, 2, 3):
            raise ValueError("Tensor must be 3-D or 2-D, got: %s"
                             % format_dims(tensor.shape.as_tuple()))
        if sample_rate.shape.ndims not in (None, 0):
            raise ValueError("sample_rate must be a scalar, got shape %s"
                             % format_dims(sample_rate.shape.as_tuple()))
        if self.max_outputs < 1:
            raise ValueError("max_outputs must be at least 1, got %d" % self.max_outputs)
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tag, tensor, sample_rate):
        _check_scalar_tag(tag)
        if tensor.ndim not in (2, 3):
            raise ValueError("Tensor must be 3-D or 2-D, got: %s" % format_dims(tensor.shape))
        rate = float(sample_rate)
        if not rate > 0:
            raise ValueError("sample_rate must be > 0, got %s" % rate)
        tag = _text(tag)
        clips = tensor if tensor.ndim == 3 else tensor[:, :, None]
        # TF's FloatToInt16Sample: round half away from zero, then clamp to int16.
        scaled = clips[:self.max_outputs].astype(xp.float32) * xp.float32(32768.0)
        ints = xp.clip(xp.sign(scaled) * xp.floor(xp.abs(scaled) + 0.5), -32768, 32767)
        ints = backend.to_numpy(ints.astype(xp.int16))
        values = []
        for i, clip in enumerate(ints):
            values.append(summary_pb2.Summary.Value(
                tag="%s/audio/%d" % (tag, i) if self.max_outputs > 1 else "%s/audio" % tag,
                audio=summary_pb2.Summary.Audio(
                    sample_rate=rate, num_channels=clip.shape[1], length_frames=clip.shape[0],
                    encoded_audio_string=_wav(clip, rate), content_type="audio/wav")))
        return _summary(*values)


@register
class TensorSummaryV2(_SummaryOp):
    """The whole tensor as a TensorProto, with the SummaryMetadata serialized in its third input
    (plugin data says how TensorBoard shows it: tf.summary.text uses the 'text' plugin)."""

    T: dtypes.DType = dtypes.float32

    def infer(self, tag, tensor, serialized_summary_metadata):
        _check_scalar_tag(tag)
        if tensor.dtype is not self.T:
            raise TypeError("Input 'tensor' has type %s that does not match the op's T=%s"
                            % (tensor.dtype.name, self.T.name))
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tag, tensor, serialized_summary_metadata):
        _check_scalar_tag(tag)
        value = summary_pb2.Summary.Value(tag=_text(tag))
        value.metadata.ParseFromString(_serialized(serialized_summary_metadata)[0])
        value.tensor.CopyFrom(ndarray_to_tensor_proto(backend.to_numpy(tensor), self.T))
        return _summary(value)


@register
class MergeSummary(_SummaryOp):
    """The union of the values of several serialized Summaries; a tag may appear only once."""
    tf_signature = TFSignature(type_attrs=(), n_list=0)

    def infer(self, *inputs):
        if not inputs:
            raise ValueError("MergeSummary needs at least one input")
        for i, t in enumerate(inputs):
            if t.dtype is not dtypes.string:
                raise TypeError("Input %d of MergeSummary must be a string tensor (a summary), "
                                "got %s" % (i, t.dtype.name))
        return TensorSpec([], dtypes.string)

    def compute(self, xp, *inputs):
        merged = summary_pb2.Summary()
        seen = set()
        for x in inputs:
            for serialized in _serialized(x):
                part = summary_pb2.Summary()
                try:
                    part.ParseFromString(serialized)
                except DecodeError:
                    raise ValueError("Could not parse one of the summary inputs") from None
                for value in part.value:
                    if value.tag and value.tag in seen:
                        raise ValueError("Duplicate tag %s found in summary inputs" % value.tag)
                    seen.add(value.tag)
                    merged.value.add().CopyFrom(value)
        return merged.SerializeToString()


# -- public functions --------------------------------------------------------------------------

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name):
    """TF's rule: characters other than letters, digits, '_', '-', '.', '/' become '_', and
    leading slashes go."""
    if name is None:
        return None
    return _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")


@contextlib.contextmanager
def _summary_scope(name, family, values):
    """Yields (tag, scope): the tag is the unique name-scoped name (prefixed by `family`)."""
    name, family = _clean_tag(name), _clean_tag(family)
    base = name if family is None else "%s/%s" % (family, name)
    with name_scope(base, None, values) as scope:
        tag = scope.rstrip("/")
        yield (tag if family is None else "%s/%s" % (family, tag)), scope


def _summary_op(opdef, inputs, name, collections, default_collections):
    out = get_default_graph().create_op(opdef, inputs, name=name, device=HOST_DEVICE).outputs[0]
    for key in default_collections if collections is None else collections:
        get_default_graph().add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """A summary of one real number (a scalar tensor), tagged with the name-scoped `name`.

    Added to the `summaries` collection unless `collections` says otherwise; a tensor known to
    be non-scalar is a ValueError here, one found non-scalar at run time an InvalidArgumentError.
    """
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        values = convert_to_tensor(tensor, name="values")
        tags = constant(tag, name="tags")
        return _summary_op(ScalarSummary(T=values.dtype), [tags, values], scope, collections,
                           [GraphKeys.SUMMARIES])


def histogram(name, values, collections=None, family=None):
    """A histogram of all elements of `values` (any shape), over TF's default buckets.

    NaN or infinite values fail the run with InvalidArgumentError, as in TF.
    """
    with _summary_scope(name, family, [values]) as (tag, scope):
        values = convert_to_tensor(values, name="values")
        tag = constant(tag, name="tag")
        return _summary_op(HistogramSummary(T=values.dtype), [tag, values], scope, collections,
                           [GraphKeys.SUMMARIES])


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """PNG images of the first `max_outputs` images of an NHWC batch, tagged `<name>/image/<i>`.

    Channels are 1, 3 or 4; uint8 images are written as they are, float images scaled per
    image as TF does (ImageSummary). With max_outputs=1 the tag is `<name>/image`.
    """
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor, name="tensor")
        tag = constant(tag, name="tag")
        return _summary_op(ImageSummary(max_images=int(max_outputs), T=tensor.dtype),
                           [tag, tensor], scope, collections, [GraphKeys.SUMMARIES])


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """16-bit WAV clips of the first `max_outputs` entries of a float32 batch of sounds.

    `tensor` is [batch, frames] or [batch, frames, channels] with values in [-1, 1]; tags are
    `<name>/audio/<i>` (`<name>/audio` when max_outputs is 1).
    """
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        tensor = convert_to_tensor(tensor, name="tensor")
        tag = constant(tag, name="tag")
        return _summary_op(AudioSummaryV2(max_outputs=int(max_outputs)),
                           [tag, tensor, sample_rate], scope, collections, [GraphKeys.SUMMARIES])


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A summary holding the whole tensor, with metadata telling TensorBoard how to show it.

    The SummaryMetadata carries the display name, description and plugin data.
    """
    metadata = summary_pb2.SummaryMetadata()
    if summary_metadata is not None:
        metadata.ParseFromString(summary_metadata.SerializeToString())
    if summary_description is not None:
        metadata.summary_description = summary_description
    if display_name is not None:
        metadata.display_name = display_name
    with _summary_scope(name, family, [tensor]) as (tag, scope):
        tensor = convert_to_tensor(tensor, name="tensor")
        tag = constant(tag, name="tag")
        serialized = constant(np.array(metadata.SerializeToString(), dtype=object),
                              dtypes.string, name="serialized_summary_metadata")
        return _summary_op(TensorSummaryV2(T=tensor.dtype), [tag, tensor, serialized], scope,
                           collections, [GraphKeys.SUMMARIES])


def text(name, tensor, collections=None):
    """A string tensor shown (as markdown) in TensorBoard's Text tab."""
    tensor = convert_to_tensor(tensor)
    if tensor.dtype is not dtypes.string:
        raise ValueError("Expected tensor %s to have dtype string, got %s"
                         % (tensor.name, tensor.dtype.name))
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, summary_metadata=metadata, collections=collections)


def merge(inputs, collections=None, name=None):
    """One summary holding the values of all `inputs` (summary tensors); tags must differ."""
    with name_scope(name, "Merge", inputs):
        inputs = [convert_to_tensor(x) for x in inputs]
        return _summary_op(MergeSummary(), inputs, name or "MergeSummary", collections, [])


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary in collection `key` (matching `scope`); None when there are none."""
    summaries = get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)
