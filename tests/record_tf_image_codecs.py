"""Records what TensorFlow's image codecs do, for tests/test_image_codecs.py (TF is never a
minitf dependency; run with TensorFlow's venv after tests/make_image_fixtures.py):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_image_codecs.py

- writes the files TF's own encoders make (tf_*.png, tf_*.jpg) into tests/fixtures/images/
  (with `--minitf`, run with minitf first, the same files as minitf's encoders make them:
  minitf_*.png, which TF then decodes like every other file);
- for every case of CASES (a tf.image function, a file, its arguments): the output's static
  shape, name and dtype, and its value's shape and SHA-256, or the error class and message;
- for minitf's encoders: the SHA-256 of the bytes minitf makes and whether TF decodes them to
  the encoded array (tests/fixtures/tf_image_codecs.json).

Tests run `run` of this file on minitf; TensorFlow is imported only under __main__."""

import hashlib
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "fixtures", "images")
FIXTURE = os.path.join(HERE, "fixtures", "tf_image_codecs.json")
sys.path.insert(0, HERE)
from make_image_fixtures import pattern  # noqa: E402

PNG_FILES = sorted(f for f in os.listdir(IMAGES) if f.endswith(".png"))

CASES = []
for _f in PNG_FILES:
    for _ch in (0, 1, 2, 3, 4):
        for _dt in ("uint8", "uint16"):
            CASES.append(("decode_png", _f, dict(channels=_ch, dtype=_dt)))
JPEG_FILES = sorted(f for f in os.listdir(IMAGES) if f.endswith(".jpg"))
JPEG_OPTIONS = [{}, dict(channels=1), dict(channels=3), dict(ratio=2), dict(ratio=4),
                dict(ratio=8), dict(fancy_upscaling=False), dict(dct_method="INTEGER_ACCURATE"),
                dict(dct_method="INTEGER_FAST"), dict(ratio=2, fancy_upscaling=False),
                dict(ratio=4, channels=1, dct_method="INTEGER_ACCURATE"),
                dict(ratio=8, channels=3, fancy_upscaling=False)]
CASES += [("decode_jpeg", f, o) for f in JPEG_FILES for o in JPEG_OPTIONS]
CASES += [
    ("decode_jpeg", "pil_420.jpg", dict(channels=4)), ("decode_jpeg", "pil_420.jpg",
                                                        dict(channels=2)),
    ("decode_jpeg", "pil_420.jpg", dict(ratio=3)),
    ("decode_jpeg", "pil_420.jpg", dict(dct_method="FLOAT")),
    ("decode_jpeg", "rgba8.png", {}), ("decode_jpeg", "rgba8.png", dict(channels=3)),
    ("decode_jpeg", "rgb8.png|rank1", {}),
]
for _f in ("pil_420_big.jpg", "pil_444.jpg", "pil_gray.jpg", "pil_420_restart.jpg"):
    _n = os.path.getsize(os.path.join(IMAGES, _f))
    for _cut in (_n * 2 // 3, _n - 2, 400):
        for _o in ({}, dict(try_recover_truncated=True), dict(acceptable_fraction=0.3),
                   dict(try_recover_truncated=True, acceptable_fraction=0.3)):
            CASES.append(("decode_jpeg", "%s|cut=%d" % (_f, _cut), _o))
    CASES += [("decode_jpeg", "%s|flip=%d" % (_f, _i), {}) for _i in (3, 30, 200, _n // 2)]
OTHER = ["rgb24.bmp", "rgba32.bmp", "pal8.bmp", "gray8.bmp", "one.gif", "anim3.gif",
         "anim_disposal.gif"]
CASES += [(fn, f, o) for f in OTHER for fn in ("decode_bmp", "decode_gif", "decode_png",
                                                 "decode_jpeg") for o in ({}, )]
CASES += [("decode_bmp", f, dict(channels=c)) for f in OTHER[:4] for c in (1, 3, 4)]
CASES += [("decode_bmp", f, {}) for f in ("rgb8.png", "pil_420.jpg")]
CASES += [("decode_gif", f, {}) for f in ("rgb8.png", "pil_420.jpg")]
CASES += [("decode_image", f, o) for f in ("rgb8.png", "rgba16.png", "palette4_trns.png",
                                            "pil_420.jpg", "pil_gray.jpg", "rgb24.bmp",
                                            "rgba32.bmp", "one.gif", "anim3.gif")
          for o in ({}, dict(channels=3), dict(channels=1), dict(expand_animations=False),
                    dict(dtype="uint16"), dict(dtype="float32"),
                    dict(channels=4, expand_animations=False))]
CASES += [("decode_image", "rgb8.png|cut=0", {}), ("decode_image", "rgb8.png|flip=0", {}),
          ("decode_image", "rgb8.png", dict(channels=2)),
          ("decode_image", "rgb8.png", dict(dtype="int32"))]
CASES += [("is_jpeg", f, {}) for f in ("pil_420.jpg", "rgb8.png", "one.gif", "rgb8.png|cut=0")]
CASES += [("extract_jpeg_shape", f, o) for f in ("pil_420.jpg", "pil_gray.jpg",
                                                  "pil_420_progressive.jpg", "rgb8.png",
                                                  "pil_420.jpg|cut=100")
          for o in ({}, dict(output_type="int64"))]
CASES += [("decode_and_crop_jpeg", f, dict(crop_window=w, **o))
          for f in ("pil_420.jpg", "pil_444.jpg", "pil_422_odd.jpg", "pil_gray.jpg",
                    "pil_420_big.jpg", "pil_420_progressive.jpg")
          for w in ([0, 0, 29, 37], [3, 5, 10, 12], [8, 16, 13, 17], [1, 1, 1, 1])
          for o in ({}, dict(channels=1), dict(fancy_upscaling=False))]
CASES += [("decode_and_crop_jpeg", "pil_420.jpg", dict(crop_window=w))
          for w in ([20, 30, 10, 10], [0, 0, 0, 5], [-1, 0, 5, 5])]
CASES += [("encode_jpeg", "pixels:19x23x3", o) for o in (
    {}, dict(quality=50), dict(quality=0), dict(quality=100), dict(quality=101),
    dict(chroma_downsampling=False), dict(optimize_size=True), dict(density_unit="cm"),
    dict(x_density=72, y_density=96), dict(xmp_metadata="<x:xmpmeta/>"), dict(format="rgb"),
    dict(format="grayscale"), dict(format="bogus"), dict(density_unit="px"),
    dict(quality=30, optimize_size=True, chroma_downsampling=False))]
CASES += [("encode_jpeg", "pixels:19x23x1", o) for o in (
    {}, dict(format="grayscale"), dict(format="rgb"), dict(optimize_size=True, quality=20))]
CASES += [("encode_jpeg", "pixels:70x90x3", o) for o in ({}, dict(quality=75, optimize_size=True))]
CASES += [("encode_jpeg", "pixels:5x4x4", {}), ("encode_jpeg", "pixels:5x4x2", {})]
CASES += [("adjust_jpeg_quality", "pixels:19x23x3", dict(jpeg_quality=q)) for q in (50, 10, 95)]
CASES += [("adjust_jpeg_quality", "pixels:19x23x1", dict(jpeg_quality=30)),
          ("adjust_jpeg_quality", "pixels:19x23x3", dict(jpeg_quality=101))]
CASES += [("random_jpeg_quality", "pixels:5x4x3", dict(min_jpeg_quality=a, max_jpeg_quality=b))
          for a, b in ((-1, 50), (60, 40), (50, 50), (0, 101))]
CASES += [  # damaged files ("name|how"), other formats, misuse at build time
    ("decode_png", "tf_c3.png|cut=60", {}), ("decode_png", "tf_c3.png|cut=20", {}),
    ("decode_png", "tf_c3.png|flip=40", {}), ("decode_png", "tf_c3.png|cut=0", {}),
    ("decode_png", "rgb8_adam7.png|flip=70", {}), ("decode_png", "pil_420.jpg", {}),
    ("decode_png", "rgb8.png", dict(dtype="float32")),
    ("decode_png", "rgb8.png|rank1", {}),
    ("encode_png", "rgb8.png|pixels", dict(compression=10)),
    ("encode_png", "rgb8.png|pixels5", {}),
]


def encoded(tf, prefix):
    """The files `tf`'s encoders write (TF's, or minitf's to be checked by TF): {name: bytes}."""
    images = {"c%d" % c: pattern(19, 23, c, 40 + c).astype(np.uint8) for c in (1, 2, 3, 4)}
    images.update({"c%d_16" % c: pattern(19, 23, c, 50 + c, 65535).astype(np.uint16)
                   for c in (1, 2, 3, 4)})
    levels = {"c3_level0": 0, "c3_level9": 9}
    images.update({k: pattern(19, 23, 3, 60).astype(np.uint8) for k in levels})
    with tf.Graph().as_default(), tf.Session() as sess:
        out = {"%s_%s.png" % (prefix, k): sess.run(tf.image.encode_png(
            v, compression=levels.get(k, -1))) for k, v in images.items()}
    return out, images


def _data(name):
    """The bytes of a file of tests/fixtures/images, damaged as `name` says after a '|'; or
    for "pixels:HxWxC" a uint8 pattern of that shape."""
    if name.startswith("pixels:"):
        h, w, c = (int(v) for v in name[7:].split("x"))
        return pattern(h, w, c, h + w + c).astype(np.uint8)
    name, _, how = name.partition("|")
    with open(os.path.join(IMAGES, name), "rb") as f:
        data = f.read()
    if how.startswith("cut="):
        data = data[:int(how[4:])]
    elif how.startswith("flip="):
        i = int(how[5:])
        data = data[:i] + bytes([data[i] ^ 0x55]) + data[i + 1:]
    return data


def _sha(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def _value(array):
    if isinstance(array, bytes):  # an encoder's output: the bytes themselves
        return {"size": len(array), "sha256": hashlib.sha256(array).hexdigest()}
    return {"shape": list(array.shape), "dtype": array.dtype.name, "sha256": _sha(array)}


def approximate(case):
    """Damaged JPEGs whose decoded rows minitf matches only up to the damage: a file cut
    mid-scan read with try_recover_truncated (libjpeg-turbo zero-fills past the end in ways
    not modelled), a damaged quantisation table or entropy-coded byte (its SIMD IDCT wraps
    16-bit values; corrupt Huffman data desynchronises differently). The recording keeps a
    SHA-256 per row and how many leading rows are those of the undamaged file."""
    fn, name, kwargs = case
    return fn == "decode_jpeg" and ("|flip=" in name or (
        "|cut=" in name and kwargs.get("try_recover_truncated")))


def _message(e):
    """An OpError's own message: TF 2's adds the node and where it was defined around it."""
    lines = [ln for ln in e.message.split("\n") if ln.strip() and not ln.startswith("\t [[")]
    return lines[-1]


def run(tf, case):
    """What `tf` does for one case: static facts of the output and its value, or the error."""
    fn, name, kwargs = case
    data = _data(name)
    kwargs = dict(kwargs)
    for key in ("dtype", "output_type"):
        if key in kwargs:
            kwargs[key] = getattr(tf, kwargs[key])
    with tf.Graph().as_default():
        contents = tf.placeholder(tf.string, [None] if name.endswith("|rank1") else [])
        if name.startswith("pixels:"):
            contents = tf.placeholder(tf.uint8, [None, None, None])
        elif name.endswith("|rank1"):
            data = [data, data]
        elif "|pixels" in name:
            pixels = pattern(5, 4, 5 if name.endswith("5") else 3, 70).astype(np.uint8)
            contents, data = tf.placeholder(tf.uint8, [None, None, None]), pixels
        try:
            out = getattr(tf.image, fn)(contents, **kwargs)
        except Exception as e:  # noqa: BLE001 - the class and message are what is recorded
            return {"build_error": type(e).__name__, "message": str(e)}
        record = {"name": out.name, "static": str(out.shape), "out_dtype": out.dtype.name}
        with tf.Session() as sess:
            try:
                value = sess.run(out, {contents: data})
                record.update(_value(value))
                if approximate(case):
                    record["row_sha256"] = [_sha(row) for row in value]
                    whole = sess.run(out, {contents: _data(name.partition("|")[0])})
                    same = [(a == b).all() for a, b in zip(value, whole)] + [False]
                    record["intact_rows"] = same.index(False)
            except Exception as e:  # noqa: BLE001
                record.update(error=type(e).__name__, message=_message(e))
    return record


def case_id(case):
    fn, name, kwargs = case
    return "%s:%s:%s" % (fn, name, ",".join("%s=%s" % kv for kv in sorted(kwargs.items())))


if __name__ == "__main__":
    if sys.argv[1:] == ["--minitf"]:  # minitf's encoded files, for TensorFlow to check
        import minitf as tf
        prefix = "minitf"
    else:
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        prefix = "tf"
    for fname, blob in encoded(tf, prefix)[0].items():
        with open(os.path.join(IMAGES, fname), "wb") as f:
            f.write(blob)
    if prefix == "minitf" or sys.argv[1:] == ["--files-only"]:
        sys.exit()
    recorded = {case_id(c): run(tf, c) for c in CASES}
    with open(FIXTURE, "w") as f:
        json.dump(recorded, f, indent=0, sort_keys=True)
