"""Image file codecs in Python and numpy (no imaging library): PNG, JPEG, GIF and BMP, decoding
to the arrays TensorFlow's decoders give (libpng's, libjpeg-turbo's and giflib's conversions,
reproduced bit for bit) and encoding PNG. Host code: bytes in, numpy arrays out; the ops of
minitf/ops/image_codec_ops.py wrap them."""


class DecodeError(ValueError):
    """Corrupt, truncated or unsupported image data; the message is TensorFlow's."""
