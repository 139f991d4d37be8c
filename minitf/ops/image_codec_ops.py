"""TF1's image codecs: tf.image.decode_png / encode_png (also under tf.io). Each op reads or
makes a scalar string on the host; the byte-level work is minitf/lib/image's (Python and
numpy, no imaging library), matching TensorFlow's decoded arrays bit for bit."""

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import TensorSpec
from minitf.lib.image import DecodeError, jpeg, png
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import dtype_error, rank_error

__all__ = ["decode_png", "encode_png", "decode_jpeg"]


def _scalar_string(op_type, arg, t):
    if t.dtype is not dtypes.string:
        raise dtype_error(arg, t.dtype, [dtypes.string], op_type)
    if t.shape.ndims not in (None, 0):
        raise rank_error(0, t.shape.ndims, " for %s with input shapes: %s." % (op_type, t.shape))


def _bytes(value):
    value = np.asarray(value, dtype=object).item()
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


class _Decode(OpDef):
    """A decoder: a scalar string in, an image [height, width, channels] out."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True

    def out_shape(self):
        return TensorShape([None, None, self.channels or None])

    def infer(self, contents):
        _scalar_string(self.type_name, "contents", contents)
        return TensorSpec(self.out_shape(), self.dtype)

    def check(self):
        """The attributes' run-time error message, or None."""
        return None

    def specialize(self, xp, op):
        def decode(contents):
            message = self.check()
            if message is None:
                try:
                    return self.decode(_bytes(contents))
                except DecodeError as e:
                    message = str(e)
            raise errors.InvalidArgumentError(None, op, message)
        return decode


_JPEG_DEFAULTS = dict(ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                      acceptable_fraction=1.0, dct_method="")


def _decode(data, channels, dtype, jpeg_options=_JPEG_DEFAULTS):
    """The image in `data`, whichever format its first bytes name (TF's decoders share one
    kernel that looks at them; a JPEG read by another decoder gets DecodeJpeg's defaults)."""
    if not data:
        raise DecodeError("Input is empty.")
    if png.is_png(data):
        return png.decode(data, channels, dtype)
    if jpeg.is_jpeg(data):
        if channels == 4:
            raise DecodeError("JPEG does not support 4 channels")
        return _widen(jpeg.decode(data, channels, **jpeg_options), dtype)
    raise DecodeError("Unknown image file format. One of JPEG, PNG, GIF, BMP required.")


def _widen(image, dtype):
    """A uint8 image as `dtype` (uint16: times 257, as TF converts)."""
    return image.astype(np.uint16) * np.uint16(257) if dtype == np.uint16 else image


@register
class DecodePng(_Decode):
    """A PNG file's pixels (uint8 or uint16), converted to `channels` (0: the file's)."""
    channels: int = 0
    dtype: dtypes.DType = dtypes.uint8

    def check(self):
        if self.channels not in (0, 1, 3, 4):
            return "`channels` must be 0, 1, 3 or 4 but got %d" % self.channels
        return None

    def __post_init__(self):
        if self.dtype not in (dtypes.uint8, dtypes.uint16):
            raise dtype_error("dtype", self.dtype, [dtypes.uint8, dtypes.uint16])

    def decode(self, data):
        return _decode(data, self.channels, self.dtype.as_numpy_dtype)


@register
class DecodeJpeg(_Decode):
    """A JPEG file's pixels (uint8) as TF's libjpeg-turbo decodes them."""
    channels: int = 0
    ratio: int = 1
    fancy_upscaling: bool = True
    try_recover_truncated: bool = False
    acceptable_fraction: float = 1.0
    dct_method: str = ""
    dtype = dtypes.uint8

    def check(self):
        if self.channels not in (0, 1, 3, 4):
            return "`channels` must be 0, 1, 3 or 4 but got %d" % self.channels
        if self.ratio not in (1, 2, 4, 8):
            return "ratio must be 1, 2, 4, or 8, got %d" % self.ratio
        if self.dct_method not in ("", "INTEGER_FAST", "INTEGER_ACCURATE"):
            return "dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}"
        return None

    def decode(self, data):
        options = dict(ratio=self.ratio, fancy_upscaling=self.fancy_upscaling,
                       try_recover_truncated=self.try_recover_truncated,
                       acceptable_fraction=self.acceptable_fraction, dct_method=self.dct_method)
        return _decode(data, self.channels, np.uint8, options)


@register
class EncodePng(OpDef):
    """PNG bytes of an image [height, width, channels] (uint8 or uint16)."""
    compression: int = -1
    differentiable = False
    host_only = True

    def infer(self, image):
        if image.dtype not in (dtypes.uint8, dtypes.uint16):
            raise dtype_error("image", image.dtype, [dtypes.uint8, dtypes.uint16], "EncodePng")
        if image.shape.ndims not in (None, 3):
            raise rank_error(3, image.shape.ndims, " for EncodePng with input shapes: %s."
                             % image.shape)
        return TensorSpec([], dtypes.string)

    def specialize(self, xp, op):
        def encode(image):
            image = np.asarray(image)
            if not 1 <= image.shape[2] <= 4:
                raise errors.InvalidArgumentError(
                    None, op, "image must have 1, 2, 3, or 4 channels, got %d" % image.shape[2])
            if not -1 <= self.compression <= 9:
                raise errors.InvalidArgumentError(
                    None, op, "compression should be in [-1,9], got %d" % self.compression)
            return np.array(png.encode(image, self.compression), dtype=object)
        return encode


def _create(opdef, inputs, name, default):
    """The op's output; `inputs` are (value, dtype or None, TF's input name), converted inside
    the op's name scope as TF's op wrappers do (a constant is named `<op>/<input name>`)."""
    with name_scope(name, default) as scope:
        inputs = [convert_to_tensor(x, dtype=dtype, name=arg) for x, dtype, arg in inputs]
        return get_default_graph().create_op(opdef, inputs, name=scope).outputs[0]


def _contents(contents):
    return (contents, dtypes.string, "contents")


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """tf.image.decode_png: the pixels [height, width, channels] of a PNG file (a scalar
    string), uint8 or uint16; `channels` 0 keeps the file's, 1 gray, 3 RGB, 4 RGBA."""
    return _create(DecodePng(int(channels), dtypes.as_dtype(dtype)), [_contents(contents)],
                   name, "DecodePng")


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """tf.image.decode_jpeg: the pixels [height, width, channels] (uint8) of a JPEG file, as
    TF's libjpeg-turbo decodes them: `ratio` 1, 2, 4 or 8 scales down in the IDCT,
    `fancy_upscaling` interpolates chroma, `dct_method` '' or 'INTEGER_FAST' (AA&N) or
    'INTEGER_ACCURATE' (islow); a truncated file fails unless `try_recover_truncated` or at
    least `acceptable_fraction` of its rows decoded."""
    opdef = DecodeJpeg(int(channels), int(ratio), bool(fancy_upscaling),
                       bool(try_recover_truncated), float(acceptable_fraction), str(dct_method))
    return _create(opdef, [_contents(contents)], name, "DecodeJpeg")


def encode_png(image, compression=-1, name=None):
    """tf.image.encode_png: PNG bytes of a uint8 or uint16 image [height, width, channels]
    (1 to 4 channels); `compression` -1 (zlib's default) to 9."""
    return _create(EncodePng(int(compression)), [(image, None, "image")], name,
                   "EncodePng")
