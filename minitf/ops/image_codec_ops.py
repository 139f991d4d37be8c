"""TF1's image codecs: tf.image.decode_png / encode_png (also under tf.io). Each op reads or
makes a scalar string on the host; the byte-level work is minitf/lib/image's (Python and
numpy, no imaging library), matching TensorFlow's decoded arrays bit for bit."""

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.lib.image import DecodeError, bmp, gif, jpeg, jpeg_encode, png
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.image_ops import convert_image_dtype
from minitf.ops.math_ops import equal
from minitf.ops.op_util import dtype_error, rank_error
from minitf.ops.random_ops import random_uniform
from minitf.ops.string_ops import substr

__all__ = ["decode_png", "encode_png", "decode_jpeg", "decode_bmp", "decode_gif", "decode_image",
           "is_jpeg", "extract_jpeg_shape", "decode_and_crop_jpeg", "encode_jpeg",
           "adjust_jpeg_quality", "random_jpeg_quality"]


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


_FORMATS = ((png.is_png, "PNG", "decode_png"), (jpeg.is_jpeg, "JPEG", "decode_jpeg"),
            (gif.is_gif, "GIF", "decode_gif"), (bmp.is_bmp, "BMP", "decode_bmp"))


def _decode(op_type, data, channels, dtype, jpeg_options=_JPEG_DEFAULTS, animated=False,
            crop=None):
    """The image in `data`, whichever format its first bytes name, as TF 2's one kernel behind
    every decoder gives it: a JPEG read by another decoder gets DecodeJpeg's defaults, only
    DecodeBmp and DecodeImage read BMPs, only DecodeBmp refuses the others, and a GIF is
    [frames, height, width, 3] when `animated` (DecodeGif, DecodeImage expanding
    animations), else its one frame (DecodeImage: the first)."""
    if not data:
        raise DecodeError("Input is empty.")
    kind = next((k for k in _FORMATS if k[0](data)), None)
    if kind is None:
        raise DecodeError("Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, "
                          "WebP required.")
    name = kind[1]
    if op_type == "DecodeBmp" and name != "BMP":
        raise DecodeError("Trying to decode %s format using DecodeBmp op. Use `%s` or "
                          "`decode_image` instead." % (name, kind[2]))
    if name == "BMP":
        if op_type not in ("DecodeBmp", "DecodeImage"):
            raise DecodeError("Trying to decode BMP format using a wrong op. Use `decode_bmp` "
                              "or `decode_image` instead. Op used: %s" % op_type)
        if channels not in (0, 3, 4):
            raise DecodeError("`channels` must be 0, 3 or 4 for BMP, but got %d" % channels)
        image = bmp.decode(data, channels)
    elif name == "GIF":
        if channels not in (0, 3):
            raise DecodeError("channels must be 0 or 3 for GIF, got %d" % channels)
        image = gif.decode(data)
        if not animated:
            if len(image) > 1 and op_type != "DecodeImage":
                raise DecodeError("Got %d frames, but animated gifs can only be decoded by "
                                  "tf.io.decode_gif or tf.io.decode_image" % len(image))
            image = image[0]
        return _convert(image, dtype)
    elif name == "PNG":
        image = png.decode(data, channels, np.uint8 if dtype == np.uint8 else np.uint16)
    else:
        if channels == 4:
            raise DecodeError("JPEG does not support 4 channels")
        image = jpeg.decode(data, channels, crop=crop, **jpeg_options)
    image = _convert(image, dtype)
    return image[None] if animated and op_type == "DecodeGif" else image


def _convert(image, dtype):
    """A decoded image (uint8, or uint16 from a PNG, whose decoder widens 8-bit samples by
    257) as `dtype`: uint16 from 8 bits shifted left by 8, float32 times float32(1 / 255) or
    float32(1 / 65535), as TF's kernel converts."""
    if dtype == np.uint16 and image.dtype == np.uint8:
        return image.astype(np.uint16) << 8
    if dtype == np.float32:
        scale = np.float32(1 / (65535 if image.dtype == np.uint16 else 255))
        return image.astype(np.float32) * scale
    return image


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
        return _decode("DecodePng", data, self.channels, self.dtype.as_numpy_dtype)


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

    def options(self):
        return dict(ratio=self.ratio, fancy_upscaling=self.fancy_upscaling,
                    try_recover_truncated=self.try_recover_truncated,
                    acceptable_fraction=self.acceptable_fraction, dct_method=self.dct_method)

    def decode(self, data):
        return _decode("DecodeJpeg", data, self.channels, np.uint8, self.options())


@register
class DecodeAndCropJpeg(DecodeJpeg):
    """The window [y, x, height, width] (a second input) of a JPEG file's pixels, decoding only
    the iMCU columns it needs, as TF's libjpeg-turbo does."""

    def infer(self, contents, crop_window):
        _scalar_string(self.type_name, "contents", contents)
        if crop_window.shape.ndims not in (None, 1):
            raise rank_error(1, crop_window.shape.ndims, " for DecodeAndCropJpeg with input "
                             "shapes: %s." % crop_window.shape)
        window = constant_value(crop_window)
        h, w = (None, None) if window is None else (int(window[2]), int(window[3]))
        return TensorSpec([h, w, self.channels or None], dtypes.uint8)

    def specialize(self, xp, op):
        def decode(contents, crop_window):
            message = self.check()
            if message is None:
                window = [int(v) for v in np.asarray(crop_window).reshape(-1)]
                if len(window) != 4:
                    message = "crop_window must have four elements: %s" % window
                else:
                    try:
                        return _decode("DecodeJpeg", _bytes(contents), self.channels,
                                       np.uint8, self.options(), crop=window)
                    except DecodeError as e:
                        message = str(e)
            raise errors.InvalidArgumentError(None, op, message)
        return decode


@register
class DecodeBmp(_Decode):
    """A BMP file's pixels (uint8); `channels` 0, 3 or 4."""
    channels: int = 0
    dtype = dtypes.uint8

    def decode(self, data):
        return _decode("DecodeBmp", data, self.channels, np.uint8)


@register
class DecodeGif(_Decode):
    """A GIF file's frames [frames, height, width, 3] (uint8)."""
    dtype = dtypes.uint8

    def out_shape(self):
        return TensorShape([None, None, None, 3])

    def decode(self, data):
        return _decode("DecodeGif", data, 0, np.uint8, animated=True)


@register
class DecodeImage(_Decode):
    """Any of the four formats (TF 2's DecodeImage, which TF 1.15's decode_image became):
    [height, width, channels], or a GIF's frames [frames, ...] with `expand_animations`;
    uint8, uint16 or float32 in [0, 1]."""
    channels: int = 0
    dtype: dtypes.DType = dtypes.uint8
    expand_animations: bool = True

    def out_shape(self):
        return TensorShape(None) if self.expand_animations else super().out_shape()

    def check(self):
        if self.channels not in (0, 1, 3, 4):
            return "`channels` must be 0, 1, 3 or 4 but got %d" % self.channels
        return None

    def decode(self, data):
        return _decode("DecodeImage", data, self.channels, self.dtype.as_numpy_dtype,
                       animated=self.expand_animations)


@register
class ExtractJpegShape(OpDef):
    """[height, width, channels] of a JPEG file, from its frame header."""
    output_type: dtypes.DType = dtypes.int32
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True

    def infer(self, contents):
        _scalar_string("ExtractJpegShape", "contents", contents)
        return TensorSpec([3], self.output_type)

    def specialize(self, xp, op):
        def shape(contents):
            data = _bytes(contents)
            try:
                frame = jpeg.Frame(data, header_only=True)
            except DecodeError:
                raise errors.InvalidArgumentError(
                    None, op, "Invalid JPEG data, size %d" % len(data)) from None
            return np.array([frame.height, frame.width, len(frame.components)],
                            self.output_type.as_numpy_dtype)
        return shape


def _encoded_spec(op_type, image, allowed):
    """An encoder's output spec (a scalar string) for an image [height, width, channels]."""
    if image.dtype not in allowed:
        raise dtype_error("image", image.dtype, allowed, op_type)
    if image.shape.ndims not in (None, 3):
        raise rank_error(3, image.shape.ndims, " for %s with input shapes: %s."
                         % (op_type, image.shape))
    return TensorSpec([], dtypes.string)


@register
class EncodePng(OpDef):
    """PNG bytes of an image [height, width, channels] (uint8 or uint16)."""
    compression: int = -1
    differentiable = False
    host_only = True

    def infer(self, image):
        return _encoded_spec("EncodePng", image, [dtypes.uint8, dtypes.uint16])

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


@register
class EncodeJpeg(OpDef):
    """JPEG bytes of a uint8 image [height, width, 1 or 3], as TF's libjpeg-turbo writes them
    (baseline; standard or optimal Huffman tables)."""
    format: str = ""
    quality: int = 95
    progressive: bool = False
    optimize_size: bool = False
    chroma_downsampling: bool = True
    density_unit: str = "in"
    x_density: int = 300
    y_density: int = 300
    xmp_metadata: str = ""
    differentiable = False
    host_only = True

    def __post_init__(self):
        for attr, allowed in (("format", ("", "grayscale", "rgb")), ("density_unit",
                                                                      ("in", "cm"))):
            if getattr(self, attr) not in allowed:
                raise ValueError("Attr '%s' of 'EncodeJpeg' Op passed string '%s' not in: %s."
                                 % (attr, getattr(self, attr),
                                    ", ".join('"%s"' % a for a in allowed)))
        if self.progressive:
            raise errors.UnimplementedError(
                None, None, "minitf's encode_jpeg writes baseline files only (progressive=False)")

    def infer(self, image):
        return _encoded_spec("EncodeJpeg", image, [dtypes.uint8])

    def specialize(self, xp, op):
        def encode(image, quality=None):
            quality = self.quality if quality is None else int(np.asarray(quality))
            image = np.asarray(image)
            dims = "[%s]" % ",".join(str(d) for d in image.shape)
            want = {"grayscale": 1, "rgb": 3}.get(self.format)
            message = None
            if not 0 <= quality <= 100:
                message = "quality must be in [0,100], got %d" % quality
            elif want is not None and image.shape[2] != want:
                message = "format %s expects %d channels, got %s" % (self.format, want, dims)
            elif image.shape[2] not in (1, 3):
                message = "image must have 1 or 3 channels, got %s" % dims
            if message:
                raise errors.InvalidArgumentError(None, op, message)
            return np.array(jpeg_encode.encode(
                np.ascontiguousarray(image), quality, self.chroma_downsampling,
                1 if self.density_unit == "in" else 2, self.x_density, self.y_density,
                self.xmp_metadata.encode("utf-8"), self.optimize_size), dtype=object)
        return encode


@register
class EncodeJpegVariableQuality(EncodeJpeg):
    """EncodeJpeg with the quality a second input (a scalar int32), TF's defaults otherwise."""

    def infer(self, images, quality):
        if quality.shape.ndims not in (None, 0):
            raise rank_error(0, quality.shape.ndims, " for EncodeJpegVariableQuality with "
                             "input shapes: %s." % quality.shape)
        return _encoded_spec("EncodeJpegVariableQuality", images, [dtypes.uint8])


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


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                         name=None):
    """tf.image.decode_and_crop_jpeg: the window `crop_window` [y, x, height, width] of a JPEG
    file's pixels, with decode_jpeg's options."""
    opdef = DecodeAndCropJpeg(int(channels), int(ratio), bool(fancy_upscaling),
                              bool(try_recover_truncated), float(acceptable_fraction),
                              str(dct_method))
    return _create(opdef, [_contents(contents), (crop_window, dtypes.int32, "crop_window")],
                   name, "DecodeAndCropJpeg")


def decode_bmp(contents, channels=0, name=None):
    """tf.image.decode_bmp: the pixels [height, width, channels] (uint8) of a BMP file;
    `channels` 0 (the file's), 3 or 4."""
    return _create(DecodeBmp(int(channels)), [_contents(contents)], name, "DecodeBmp")


def decode_gif(contents, name=None):
    """tf.image.decode_gif: the frames [frames, height, width, 3] (uint8) of a GIF file."""
    return _create(DecodeGif(), [_contents(contents)], name, "DecodeGif")


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """tf.image.decode_image: a BMP, GIF, JPEG or PNG file's pixels, the format read from its
    first bytes: [height, width, channels], or a GIF's [frames, height, width, 3] unless
    `expand_animations` is False (then its first frame); dtype uint8, uint16 or float32 in
    [0, 1] from the op, any other through convert_image_dtype of uint16."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "decode_image"):
        if dtype in (dtypes.uint8, dtypes.uint16, dtypes.float32):
            return _create(DecodeImage(int(channels or 0), dtype, bool(expand_animations)),
                           [_contents(contents)], None, "DecodeImage")
        image = _create(DecodeImage(int(channels or 0), dtypes.uint16,
                                    bool(expand_animations)), [_contents(contents)], None,
                        "DecodeImage")  # as TF 2: through uint16
        return convert_image_dtype(image, dtype)


def is_jpeg(contents, name=None):
    """tf.image.is_jpeg: whether a string starts with JPEG's first three bytes (a bool
    scalar; TF's Substr and Equal)."""
    with name_scope(name, "is_jpeg"):
        return equal(substr(contents, 0, 3), b"\xff\xd8\xff", name=name)


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """tf.image.extract_jpeg_shape: [height, width, channels] of a JPEG file from its header,
    without decoding it."""
    return _create(ExtractJpegShape(dtypes.as_dtype(output_type)), [_contents(contents)], name,
                   "ExtractJpegShape")


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """tf.image.encode_jpeg: JPEG bytes of a uint8 image [height, width, 1 or 3], byte for byte
    TF's: libjpeg's quality-scaled standard tables, islow forward DCT, 2x2 chroma averaging
    (unless `chroma_downsampling` is False), standard Huffman tables or, with
    `optimize_size`, libjpeg's optimal ones; JFIF density and an XMP APP1 marker. Progressive
    files are not written (UnimplementedError)."""
    opdef = EncodeJpeg(str(format), int(quality), bool(progressive), bool(optimize_size),
                       bool(chroma_downsampling), str(density_unit), int(x_density),
                       int(y_density), str(xmp_metadata))
    return _create(opdef, [(image, None, "image")], name, "EncodeJpeg")


def adjust_jpeg_quality(image, jpeg_quality, name=None):
    """tf.image.adjust_jpeg_quality: the image through JPEG at `jpeg_quality` (TF's
    EncodeJpegVariableQuality then DecodeJpeg), in its own dtype."""
    with name_scope(name, "adjust_jpeg_quality"):
        image = convert_to_tensor(image, name="image")
        channels = image.shape.as_list()[-1]
        orig_dtype = image.dtype
        image = convert_image_dtype(image, dtypes.uint8, saturate=True)
        jpeg_quality = convert_to_tensor(jpeg_quality, dtype=dtypes.int32)
        encoded = get_default_graph().create_op(
            EncodeJpegVariableQuality(), [image, jpeg_quality],
            name="EncodeJpegVariableQuality").outputs[0]
        image = get_default_graph().create_op(DecodeJpeg(int(channels or 0)), [encoded],
                                              name="DecodeJpeg").outputs[0]
        return convert_image_dtype(image, orig_dtype, saturate=True)


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """tf.image.random_jpeg_quality: adjust_jpeg_quality at a quality drawn uniformly from
    [min_jpeg_quality, max_jpeg_quality) (minitf's random stream)."""
    if not (0 <= min_jpeg_quality <= 100 and 0 <= max_jpeg_quality <= 100):
        raise ValueError("jpeg encoding range must be between 0 and 100.")
    if min_jpeg_quality >= max_jpeg_quality:
        raise ValueError("`min_jpeg_quality` must be less than `max_jpeg_quality`.")
    quality = random_uniform([], min_jpeg_quality, max_jpeg_quality, seed=seed,
                             dtype=dtypes.int32)
    return adjust_jpeg_quality(image, quality)


def encode_png(image, compression=-1, name=None):
    """tf.image.encode_png: PNG bytes of a uint8 or uint16 image [height, width, channels]
    (1 to 4 channels); `compression` -1 (zlib's default) to 9."""
    return _create(EncodePng(int(compression)), [(image, None, "image")], name,
                   "EncodePng")
