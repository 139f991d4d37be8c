"""TF1 programs using the string ops (tf.string_split / tf.strings.split, string_join, substr,
string_strip, string_to_number, as_string, reduce_join, regex_replace, encode/decode_base64,
tf.strings.length / lower / upper, read_file / write_file), each a function of the `tf` module
it runs on returning what a user observes: values, op and tensor names, static shapes, dtypes,
and the class and message of errors.

tests/test_tf1_string_ops.py runs them with minitf and compares with what TensorFlow gave,
recorded by running this file in a TensorFlow venv (TF is never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/tf1_string_programs.py \
        > tests/fixtures/tf_string_ops.json
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.tf1_parity_programs import error, value  # noqa: E402
from tests.tf1_sparse_ops_programs import _describe, _fetched, _sparse  # noqa: E402
from tests.tf1_sparse_programs import run_program  # noqa: E402,F401 - the tests run them so

LINES = ["hello  world", "", " a,b,,c ", "one"]


def split(tf):
    """tf.string_split (delimiter characters, skip_empty) and tf.strings.split (a separator
    string, or runs of whitespace; maxsplit)."""
    obs = {}
    lines = tf.placeholder(tf.string, [None], name="lines")
    outs = {"default": tf.string_split(lines),
            "comma": tf.string_split(lines, ",", skip_empty=False),
            "chars": tf.string_split(lines, delimiter=" ,"),
            "bytes": tf.string_split(["ab", "c"], ""),
            "v2_whitespace": tf.strings.split(lines),
            "v2_sep": tf.strings.split(input=lines, sep=","),
            "v2_maxsplit": tf.strings.split(lines, " ", maxsplit=1, name="first")}
    with tf.Session() as sess:
        for n, sp in outs.items():
            obs[n] = _sparse(sp) + [_fetched(sess.run(sp, {lines: LINES}))]
    obs["scalar"] = error(lambda: tf.string_split("a b"))
    obs["not_strings"] = error(lambda: tf.string_split(tf.constant([1, 2])))
    return obs


def join_substr_strip(tf):
    """string_join (with a scalar broadcast), substr (scalar and per-element pos / len),
    string_strip, tf.strings.length / lower / upper."""
    obs = {}
    words = tf.placeholder(tf.string, [None], name="words")
    feed = {words: ["  Apple ", "b", "Cherry\t\n"]}
    outs = {"join": tf.string_join([words, "x", words], separator="-"),
            "join_v2": tf.strings.join(["a", "b"], name="ab"),
            "substr": tf.substr(words, 1, 3),
            "substr_vec": tf.strings.substr(words, [0, 0, 2], [2, 5, 1]),
            "strip": tf.string_strip(words),
            "strip_v2": tf.strings.strip(words),
            "length": tf.strings.length(words),
            "lower": tf.strings.lower(words),
            "upper": tf.strings.upper(words, name="up"),
            "substr_negative": tf.substr(["abc", "de"], -2, 5),
            "length_chars": tf.strings.length(["h\u00e9llo", "\u00e9"], unit="UTF8_CHAR"),
            "substr_chars": tf.strings.substr(["h\u00e9llo"], 1, 2, unit="UTF8_CHAR")}
    with tf.Session() as sess:
        for n, y in outs.items():
            obs[n] = _describe(y) + [value(sess.run(y, feed))]
        obs["substr_out_of_range"] = error(lambda: sess.run(tf.substr(words, 2, 1), feed))
    obs["join_shapes"] = error(lambda: tf.string_join([["a", "b"], ["c", "d", "e"]]))
    obs["join_not_strings"] = error(lambda: tf.string_join([words, tf.constant(1)]))
    return obs


def numbers(tf):
    """string_to_number to each out_type (and its error), as_string of ints, floats and bools
    with its formatting options."""
    obs = {}
    text = tf.placeholder(tf.string, [None], name="text")
    feed = {text: ["1.5", "-3", "1e3", " 7", "0x10"]}
    outs = {"float32": tf.string_to_number(text),
            "float64": tf.strings.to_number(text, tf.float64, name="f64")}
    ints = tf.constant(["12", "-7", "+3"])
    outs["int32"] = tf.string_to_number(ints, out_type=tf.int32)
    outs["int64"] = tf.string_to_number(ints, tf.int64)
    x = tf.constant([3.14159, -0.5, 12345.678, 1e-7], tf.float32)
    n = tf.constant([7, -42, 0], tf.int64)
    outs["as_float"] = tf.as_string(x)
    outs["as_float_precision"] = tf.as_string(x, precision=2)
    outs["as_float_scientific"] = tf.as_string(x, precision=3, scientific=True)
    outs["as_float_shortest"] = tf.as_string(x, shortest=True)
    outs["as_int_width"] = tf.as_string(n, width=5)
    outs["as_int_fill"] = tf.as_string(n, width=4, fill="0")
    outs["as_bool"] = tf.as_string(tf.constant([True, False]), name="flags")
    outs["as_double"] = tf.as_string(tf.constant([0.1, 2.5], tf.float64))
    with tf.Session() as sess:
        for k, y in outs.items():
            obs[k] = _describe(y) + [value(sess.run(y, feed))]
        obs["bad_number"] = error(lambda: sess.run(outs["float32"], {text: ["1", "abc"]}))
        obs["bad_int"] = error(lambda: sess.run(tf.string_to_number(["1.5"], tf.int32)))
    obs["bad_out_type"] = error(lambda: tf.string_to_number(text, tf.bool))
    return obs


def reduce_join(tf):
    """reduce_join over all axes, one axis, keep_dims, a negative axis, a separator."""
    obs = {}
    table = tf.placeholder(tf.string, [2, None], name="table")
    feed = {table: [["a", "b", "c"], ["d", "e", "f"]]}
    outs = {"all": tf.reduce_join(table),
            "rows": tf.reduce_join(table, 1, separator=","),
            "cols_keep": tf.reduce_join(table, axis=0, keep_dims=True),
            "last_keep": tf.strings.reduce_join(table, -1, keepdims=True, separator=" "),
            "indices": tf.reduce_join(table, reduction_indices=[0, 1], name="flat")}
    with tf.Session() as sess:
        for k, y in outs.items():
            obs[k] = _describe(y) + [value(sess.run(y, feed))]
    obs["bad_axis"] = error(lambda: tf.reduce_join(table, 2))
    return obs


def regex_and_base64(tf):
    """regex_replace (global or first match only, groups; a pattern tensor), encode_base64 with
    and without padding, decode_base64 (and its error)."""
    obs = {}
    text = tf.placeholder(tf.string, [None], name="text")
    feed = {text: ["aaa bbb", "hello world", "x-1 y-22", "\xff?"[1:]]}
    pattern = tf.placeholder(tf.string, [], name="pattern")
    outs = {"global": tf.regex_replace(text, "[ab]", "_"),
            "first": tf.regex_replace(text, "o", "0", replace_global=False),
            "groups": tf.strings.regex_replace(text, r"(\w)-(\d+)", r"\2:\1"),
            "tensor_pattern": tf.regex_replace(text, pattern, "#", name="dyn"),
            "b64": tf.encode_base64(text),
            "b64_pad": tf.encode_base64(text, pad=True)}
    outs["roundtrip"] = tf.decode_base64(outs["b64"])
    outs["roundtrip_pad"] = tf.decode_base64(outs["b64_pad"])
    with tf.Session() as sess:
        for k, y in outs.items():
            obs[k] = _describe(y) + [value(sess.run(y, {**feed, pattern: "l+"}))]
        obs["web_safe"] = value(sess.run(tf.encode_base64(tf.constant([b"\xfb\xff\xfe", b"?>"]))))
        obs["bad_base64"] = error(lambda: sess.run(tf.decode_base64(["ab$c"])))
    return obs


def files(tf):
    """write_file then read_file (and tf.io's names), the error reading a missing file."""
    obs = {}
    folder = tempfile.mkdtemp()
    path = tf.placeholder(tf.string, [], name="path")
    contents = tf.placeholder(tf.string, [], name="contents")
    write = tf.write_file(path, contents)
    read = tf.read_file(path)
    read_io = tf.io.read_file(path, name="io_read")
    write_io = tf.io.write_file(path, contents)
    obs["write"] = [write.name, write.type, [o.name for o in write.outputs]]
    obs["write_io"] = [write_io.name, write_io.type]
    obs["read"] = _describe(read)
    obs["read_io"] = _describe(read_io)
    target = os.path.join(folder, "note.txt")
    with tf.Session() as sess:
        obs["wrote"] = sess.run(write, {path: target, contents: b"line 1\nline 2"})
        obs["read_value"] = value(sess.run(read, {path: target}))
        sess.run(write_io, {path: target, contents: "again"})
        obs["read_io_value"] = value(sess.run(read_io, {path: target}))
        missing = error(lambda: sess.run(read, {path: os.path.join(folder, "nope")}))
        obs["missing"] = [missing[0], missing[1].replace(folder, "<dir>"), missing[2]]
    obs["not_scalar"] = error(lambda: tf.read_file(["a", "b"]))
    return obs


def hash_buckets(tf):
    """string_to_hash_bucket_fast (FarmHash Fingerprint64 modulo num_buckets) on strings of
    every length class FarmHash treats apart (0, 1-3, 4-7, 8-16, 17-32, 33-64, longer)."""
    obs = {}
    text = tf.placeholder(tf.string, [None], name="text")
    strings = [("x%d-" % n * 40)[:n] for n in (0, 1, 3, 4, 7, 8, 16, 17, 32, 33, 64, 65, 128,
                                               129, 200)]
    outs = {"big": tf.string_to_hash_bucket_fast(text, 2 ** 63 - 1),
            "small": tf.strings.to_hash_bucket_fast(text, 10, name="ten"),
            "prime": tf.string_to_hash_bucket_fast(text, 1000003)}
    with tf.Session() as sess:
        for k, y in outs.items():
            obs[k] = _describe(y) + [value(sess.run(y, {text: strings}))]
    obs["no_buckets"] = error(lambda: tf.string_to_hash_bucket_fast(text, 0))
    return obs


def full_match(tf):
    """tf.strings.regex_full_match with a Python pattern and with a tensor one."""
    obs = {}
    text = tf.placeholder(tf.string, [None], name="text")
    pattern = tf.placeholder(tf.string, [], name="pattern")
    outs = {"static": tf.strings.regex_full_match(text, r"[a-z]+\d?"),
            "tensor": tf.strings.regex_full_match(text, pattern, name="dyn")}
    feed = {text: ["abc", "abc1", "abc12", "", "Abc"], pattern: "a.*"}
    with tf.Session() as sess:
        for k, y in outs.items():
            obs[k] = _describe(y) + [value(sess.run(y, feed))]
    return obs


PROGRAMS = [split, join_substr_strip, numbers, reduce_join, regex_and_base64, files,
            hash_buckets, full_match]


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    recorded = {p.__name__: run_program(tf1, p) for p in PROGRAMS}
    print(json.dumps(recorded, indent=1, sort_keys=True))
