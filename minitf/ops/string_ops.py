"""String ops: the ones TensorFlow's sharded Saver puts in every graph it saves (StringJoin
builds the shard prefix, StaticRegexFullMatch picks its suffix) and TF1's public string
functions (tf.string_split, string_join, substr, string_to_number, as_string, reduce_join,
regex_replace, string_strip, encode/decode_base64, read_file / write_file, tf.strings.*).
Strings are object arrays of bytes on the host."""

import base64
import builtins
import os
import re
import struct
import zlib

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import (broadcast_dims, format_dims, merge_dims, normalize_axis,
                                     reduce_dims)
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import TensorSpec
from minitf.lib.farmhash import fingerprint64
from minitf.lib.string_hashes import hash64, siphash24
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import static_ints

__all__ = ["string_join", "string_split", "substr", "string_strip", "string_to_number",
           "as_string", "reduce_join", "regex_replace", "encode_base64", "decode_base64",
           "read_file", "write_file", "string_to_hash_bucket_fast", "string_to_hash_bucket",
           "string_to_hash_bucket_strong", "fingerprint", "decode_compressed"]


def _as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _check_strings(op_name, inputs):
    for i, t in enumerate(inputs):
        if t.dtype is not dtypes.string:
            raise TypeError("%s expects string inputs; input %d (%s) is %s"
                            % (op_name, i, t.name, t.dtype.name))


@register
class StringJoin(OpDef):
    """Joins the strings of its inputs element-wise with `separator` (TF's StringJoin): the
    non-scalar inputs must have one shape; scalars are used for every element."""
    tf_signature = TFSignature(type_attrs=(), n_list=0)

    separator: str = ""
    differentiable = False
    host_only = True

    def infer(self, *inputs):
        _check_strings("StringJoin", inputs)
        dims = ()  # all scalars so far
        for t in inputs:
            shape = t.shape.as_tuple()
            if shape == ():
                continue
            if dims and shape is not None and len(dims) == len(shape):
                for d, (x, y) in enumerate(zip(dims, shape)):
                    if x is not None and y is not None and x != y:
                        raise ValueError(
                            "Dimension %d in both shapes must be equal, but are %d and %d. "
                            "Shapes are %s and %s." % (d, x, y, format_dims(dims),
                                                       format_dims(shape)))
            try:
                dims = shape if dims == () else merge_dims(dims, shape)
            except ValueError:
                raise ValueError("StringJoin: the non-scalar inputs must have one shape: %s "
                                 "has %s, an earlier input %s" % (t.name, t.shape, dims)) from None
        return TensorSpec(dims, dtypes.string)

    def compute(self, xp, *inputs):
        arrays = [xp.asarray(x, dtype=object) for x in inputs]
        shape = next((a.shape for a in arrays if a.ndim), ())
        out = xp.empty(shape, dtype=object)
        columns = [xp.broadcast_to(a, shape).reshape(-1) for a in arrays]
        separator = self.separator.encode("utf-8")
        out.reshape(-1)[:] = [separator.join(_as_bytes(v) for v in row)
                              for row in zip(*columns)] if columns else b""
        return out


@register
class StaticRegexFullMatch(OpDef):
    """Whether each string matches `pattern` as a whole (TF's StaticRegexFullMatch; Python's
    re syntax, which agrees with TF's RE2 on the patterns TF's Saver uses)."""
    tf_signature = TFSignature(type_attrs=())

    pattern: str = ""
    differentiable = False
    host_only = True

    def infer(self, input):
        _check_strings("StaticRegexFullMatch", [input])
        return TensorSpec(input.shape, dtypes.bool)

    def compute(self, xp, input):
        regex = re.compile(self.pattern.encode("utf-8"))
        flat = xp.asarray(input, dtype=object).reshape(-1)
        return xp.array([regex.fullmatch(_as_bytes(v)) is not None for v in flat],
                        dtype=bool).reshape(xp.shape(input))


# -- TF1's string ops -----------------------------------------------------------------------------

def _map(xp, x, fn, dtype=object):
    """fn applied to every string of the object array x, keeping its shape."""
    flat = [fn(_as_bytes(v)) for v in xp.asarray(x, dtype=object).reshape(-1)]
    out = xp.empty(len(flat), dtype=dtype)
    out[:] = flat
    return out.reshape(xp.shape(x))


class _StringMap(OpDef):
    """Base of the ops that map each string of one input to a string (or, `out_dtype`, a
    number) of the same shape with `transform(self, bytes)`."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True
    out_dtype = dtypes.string

    def infer(self, input):
        _check_strings(type(self).__name__, [input])
        return TensorSpec(input.shape, self.out_dtype)

    def compute(self, xp, input):
        return _map(xp, input, self.transform,
                    object if self.out_dtype is dtypes.string else self.out_dtype.as_numpy_dtype)


@register
class StringStrip(_StringMap):
    """Each string without its leading and trailing whitespace."""
    transform = staticmethod(bytes.strip)


@register
class StringLower(_StringMap):
    """Each string with its ASCII letters in lower case (TF's encoding='' )."""
    encoding: str = ""
    transform = staticmethod(bytes.lower)


@register
class StringUpper(_StringMap):
    """Each string with its ASCII letters in upper case (TF's encoding='')."""
    encoding: str = ""
    transform = staticmethod(bytes.upper)


@register
class StringLength(_StringMap):
    """Each string's length in bytes, or in UTF-8 characters (unit='UTF8_CHAR')."""
    unit: str = "BYTE"
    out_dtype = dtypes.int32

    def transform(self, s):
        return len(s.decode("utf-8")) if self.unit == "UTF8_CHAR" else len(s)


_WEB_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


@register
class EncodeBase64(_StringMap):
    """Each string in web-safe base64 ('-' and '_' for '+' and '/'), '=' padded if `pad`."""
    pad: bool = False

    def transform(self, s):
        out = base64.urlsafe_b64encode(s)
        return out if self.pad else out.rstrip(b"=")


@register
class DecodeBase64(_StringMap):
    """The bytes of each web-safe base64 string (padded or not)."""

    def transform(self, s):
        if not set(s) <= _WEB_SAFE or len(s.rstrip(b"=")) % 4 == 1:
            raise ValueError("Invalid character found in base64.")
        return base64.urlsafe_b64decode(s.rstrip(b"=") + b"=" * (-len(s.rstrip(b"=")) % 4))


def _re2_rewrite(rewrite):
    """A re.sub replacement function for an RE2 rewrite string (\\1-\\9 groups, \\\\ a
    backslash, everything else literal)."""
    parts = re.split(rb"(\\[0-9\\])", rewrite)

    def fn(match):
        return b"".join(match.group(int(p[1:])) or b"" if p[1:].isdigit() else
                        (b"\\" if p == b"\\\\" else p) for p in parts)
    return fn


@register
class StaticRegexReplace(_StringMap):
    """Each string with the matches of `pattern` (all, or the first) replaced by `rewrite`
    (RE2 syntax: \\1 is a group)."""
    pattern: str = ""
    rewrite: str = ""
    replace_global: bool = True

    def transform(self, s):
        return re.sub(self.pattern.encode("utf-8"), _re2_rewrite(self.rewrite.encode("utf-8")),
                      s, count=0 if self.replace_global else 1)


@register
class RegexReplace(OpDef):
    """StaticRegexReplace with the pattern and rewrite given as scalar string tensors."""
    tf_signature = TFSignature(type_attrs=())
    replace_global: bool = True
    differentiable = False
    host_only = True

    def infer(self, input, pattern, rewrite):
        _check_strings("RegexReplace", [input, pattern, rewrite])
        for t, what in ((pattern, "pattern"), (rewrite, "rewrite")):
            if t.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d for %s"
                                 % (t.shape.ndims, what))
        return TensorSpec(input.shape, dtypes.string)

    def compute(self, xp, input, pattern, rewrite):
        regex, fn = re.compile(_as_bytes(pattern.item())), _re2_rewrite(_as_bytes(rewrite.item()))
        count = 0 if self.replace_global else 1
        return _map(xp, input, lambda s: regex.sub(fn, s, count=count))


def _float_text(s):
    try:
        return float(s)
    except ValueError:
        text = s.decode("ascii").strip()
        if not text.lstrip("+-").lower().startswith("0x"):  # strtod's hex floats only
            raise
        return float.fromhex(text)


@register
class StringToNumber(_StringMap):
    """Each string parsed as a number of out_type (floats as C's strtod reads them, hex
    included; integers in decimal, in range)."""
    out_type: object = dtypes.float32

    @property
    def out_dtype(self):
        return self.out_type

    def transform(self, s):
        try:
            if self.out_type.is_floating:
                return _float_text(s)
            if b"_" in s:
                raise ValueError(s)
            value = int(s)
            info = np.iinfo(self.out_type.as_numpy_dtype)
            if not info.min <= value <= info.max:
                raise ValueError(s)
            return value
        except (ValueError, UnicodeDecodeError):
            raise ValueError("StringToNumberOp could not correctly convert string: %s"
                             % s.decode("utf-8", "replace")) from None


@register
class RegexFullMatch(OpDef):
    """StaticRegexFullMatch with the pattern given as a scalar string tensor."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True

    def infer(self, input, pattern):
        _check_strings("RegexFullMatch", [input, pattern])
        if pattern.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d" % pattern.shape.ndims)
        return TensorSpec(input.shape, dtypes.bool)

    def compute(self, xp, input, pattern):
        regex = re.compile(_as_bytes(pattern.item()))
        return _map(xp, input, lambda s: regex.fullmatch(s) is not None, bool)


@register
class StringToHashBucketFast(_StringMap):
    """Each string's bucket: FarmHash Fingerprint64 of its bytes modulo num_buckets."""
    num_buckets: int = 1
    out_dtype = dtypes.int64

    def transform(self, s):
        return fingerprint64(s) % self.num_buckets


@register
class StringToHashBucket(_StringMap):
    """Each string's bucket: TF's Hash64 (MurmurHash64A) of its bytes modulo num_buckets."""
    num_buckets: int = 1
    out_dtype = dtypes.int64

    def transform(self, s):
        return hash64(s) % self.num_buckets


_MASK64 = (1 << 64) - 1  # (a key attr is an int64: TF reads its bits as uint64)


@register
class StringToHashBucketStrong(_StringMap):
    """Each string's bucket: SipHash-2-4 of its bytes under `key` modulo num_buckets."""
    num_buckets: int = 1
    key: tuple = ()
    out_dtype = dtypes.int64

    def transform(self, s):
        return siphash24(self.key[0] & _MASK64, self.key[1] & _MASK64, s) % self.num_buckets


@register
class Fingerprint(OpDef):
    """A FarmHash Fingerprint64 of each row (the slices along the first axis) of `data`, as
    8 little-endian bytes: of a row's bytes for numbers; of each string, then of those
    fingerprints together when a row holds several strings."""
    tf_signature = TFSignature()
    differentiable = False
    host_only = True

    def infer(self, data, method):
        if data.shape.ndims == 0:
            raise ValueError("Fingerprint: `data` should have at least one dimension, got a "
                             "scalar")
        if method.dtype is not dtypes.string or method.shape.ndims not in (None, 0):
            raise ValueError("Fingerprint: `method` must be a string scalar")
        return TensorSpec(data.shape[:1].concatenate([8]), dtypes.uint8)

    def compute(self, xp, data, method):
        if _as_bytes(method.item()) != b"farmhash64":
            raise errors.InvalidArgumentError(
                None, None, "Unsupported fingerprint method: %s"
                % _as_bytes(method.item()).decode("utf-8", "replace"))
        rows = data.reshape(len(data), -1) if len(data) else data.reshape(0, 0)
        if data.dtype == object:
            hashes = [[struct.pack("<Q", fingerprint64(_as_bytes(v))) for v in row]
                      for row in rows]
            digests = [h[0] if len(h) == 1 else struct.pack("<Q", fingerprint64(b"".join(h)))
                       for h in hashes]
        else:
            rows = xp.ascontiguousarray(rows)
            digests = [struct.pack("<Q", fingerprint64(row.tobytes())) for row in rows]
        return xp.frombuffer(b"".join(digests), dtype=xp.uint8).reshape(len(data), 8)


@register
class DecodeCompressed(_StringMap):
    """Each string decompressed: ZLIB or GZIP (compression_type), or as it is ('')."""
    compression_type: str = ""

    def transform(self, s):
        if not self.compression_type:
            return s
        wbits = {"ZLIB": zlib.MAX_WBITS, "GZIP": 16 + zlib.MAX_WBITS}.get(self.compression_type)
        if wbits is None:
            raise errors.InvalidArgumentError(
                None, None, "Only ZLIB, GZIP or NONE are supported compressions")
        try:
            return zlib.decompress(s, wbits)
        except zlib.error as e:
            match = re.match(r"Error (-?\d+) while \w+ data: (.*)", str(e))
            raise errors.DataLossError(None, None, "inflate() failed with error %s: %s" % (
                match.groups() if match else ("?", e))) from None


@register
class AsString(OpDef):
    """Each number as text: C printf's %d for integers, %f / %e / %g for floats (precision,
    scientific, shortest), padded to `width` with `fill`; booleans as true / false."""
    tf_signature = TFSignature()
    precision: int = -1
    scientific: bool = False
    shortest: bool = False
    width: int = -1
    fill: str = ""
    differentiable = False
    host_only = True

    def infer(self, input):
        d = input.dtype
        if not (d.is_integer or d.is_floating or d is dtypes.bool):
            raise TypeError("Value passed to parameter 'input' has DataType %s not in list of "
                            "allowed values: float32, float64, int32, uint8, int16, int8, int64, "
                            "bool" % d.name)
        if self.scientific and self.shortest:
            raise ValueError("Cannot select both scientific and shortest notation")
        if len(self.fill) > 1:
            raise ValueError("Fill string must be one or fewer characters")
        if d.is_integer and self.precision > -1:
            raise ValueError("Cannot select precision for integer types")
        return TensorSpec(input.shape, dtypes.string)

    def _format(self, kind):
        spec = "%" + self.fill + (str(self.width) if self.width > -1 else "")
        if kind == "f":
            if self.precision > -1:
                spec += ".%d" % self.precision
            spec += "e" if self.scientific else "g" if self.shortest else "f"
        else:
            spec += "d"
        return spec

    def compute(self, xp, input):
        flat = xp.asarray(input).reshape(-1)
        if flat.dtype == bool:
            texts = ["true" if v else "false" for v in flat]
            spec = "%" + self.fill + (str(self.width) if self.width > -1 else "") + "s"
            texts = [spec % t for t in texts]
        else:
            spec = self._format("f" if flat.dtype.kind == "f" else "d")
            texts = [spec % v for v in flat.tolist()]
        out = xp.empty(len(texts), dtype=object)
        out[:] = [t.encode("ascii") for t in texts]
        return out.reshape(xp.shape(input))


@register
class Substr(OpDef):
    """The substrings input[pos:pos + len] (pos and len broadcast against input; a negative
    pos counts from the end); a pos outside the string is an error."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))
    unit: str = "BYTE"
    differentiable = False
    host_only = True

    def infer(self, input, pos, len):
        _check_strings("Substr", [input])
        if not pos.dtype.is_integer or pos.dtype is not len.dtype:
            raise TypeError("pos and len must be int32 or int64 of one dtype, got %s and %s"
                            % (pos.dtype.name, len.dtype.name))
        dims = input.shape.as_tuple()
        for t in (pos, len):
            try:
                dims = broadcast_dims(dims, t.shape.as_tuple())
            except ValueError as e:
                raise ValueError("Substr: %s cannot broadcast against input %s: %s"
                                 % (t.name, input.shape, e)) from None
        return TensorSpec(dims, dtypes.string)

    def compute(self, xp, input, pos, len):
        strings, pos, len = xp.broadcast_arrays(xp.asarray(input, dtype=object), pos, len)
        out = xp.empty(strings.size, dtype=object)
        for i, (s, p, n) in enumerate(zip(strings.reshape(-1), pos.reshape(-1).tolist(),
                                          len.reshape(-1).tolist())):
            s = _as_bytes(s)
            text = s.decode("utf-8") if self.unit == "UTF8_CHAR" else s
            size = builtins.len(text)
            start = p if p >= 0 else size + p
            if not 0 <= start <= size:
                raise ValueError("pos %d out of range for string b'%s' at index %d"
                                 % (p, s.decode("utf-8", "backslashreplace"), i))
            part = text[start:start + max(n, 0)]
            out[i] = part.encode("utf-8") if self.unit == "UTF8_CHAR" else part
        return out.reshape(strings.shape)


@register
class ReduceJoin(OpDef):
    """The strings joined with `separator` over `axis` (in the order given: the first axis
    varies fastest), as TF's ReduceJoin."""
    tf_signature = TFSignature(type_attrs=(),
                               const_input=("axis", "reduction_indices", 1, 2))
    axis: tuple = ()
    keep_dims: bool = False
    separator: str = ""
    differentiable = False
    host_only = True

    def infer(self, inputs):
        _check_strings("ReduceJoin", [inputs])
        dims = inputs.shape.as_tuple()
        if dims is not None:
            normalize_axis(self.axis, len(dims))  # TF's error for an axis out of range
        return TensorSpec(reduce_dims(dims, self.axis, self.keep_dims), dtypes.string)

    def compute(self, xp, inputs):
        a = xp.asarray(inputs, dtype=object)
        axes = [ax % a.ndim for ax in self.axis]
        kept = [d for d in range(a.ndim) if d not in axes]
        moved = a.transpose(kept + axes[::-1])
        rows = moved.reshape([a.shape[d] for d in kept] + [-1])
        separator = self.separator.encode("utf-8")
        out = xp.empty(rows.shape[:-1], dtype=object)
        flat = out.reshape(-1)
        for i, row in enumerate(rows.reshape(-1, rows.shape[-1])):
            flat[i] = separator.join(_as_bytes(v) for v in row)
        if self.keep_dims:
            out = out.reshape([1 if d in axes else n for d, n in enumerate(a.shape)])
        return out


class _Split(OpDef):
    """Base of the two split ops: input (a vector of strings) and a scalar separator in; the
    tokens as a SparseTensor's (indices [N, 2], values, dense_shape [rows, most tokens]) out."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True

    def infer(self, input, sep):
        _check_strings(type(self).__name__, [input, sep])
        if input.shape.ndims not in (None, 1):
            raise ValueError("Shape must be rank 1 but is rank %d" % input.shape.ndims)
        if sep.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d" % sep.shape.ndims)
        return [TensorSpec([None, 2], dtypes.int64), TensorSpec([None], dtypes.string),
                TensorSpec([2], dtypes.int64)]

    def compute(self, xp, input, sep):
        sep = _as_bytes(sep.item())
        rows = [self.tokens(_as_bytes(s), sep) for s in xp.asarray(input, dtype=object)]
        indices = [(r, k) for r, tokens in enumerate(rows) for k in range(len(tokens))]
        values = xp.empty(len(indices), dtype=object)
        values[:] = [t for tokens in rows for t in tokens]
        width = max((len(t) for t in rows), default=0)
        return (xp.array(indices, dtype=xp.int64).reshape(-1, 2), values,
                xp.array([len(rows), width], dtype=xp.int64))


@register
class StringSplit(_Split):
    """TF1's split: at any byte of the delimiter (every byte apart when it is empty); empty
    tokens dropped when skip_empty; an empty string has no tokens."""
    skip_empty: bool = True

    def tokens(self, s, delimiter):
        if not s:
            return []
        if not delimiter:
            return [s[i:i + 1] for i in range(len(s))]
        tokens = re.split(b"[" + re.escape(delimiter) + b"]", s)
        return [t for t in tokens if t] if self.skip_empty else tokens


@register
class StringSplitV2(_Split):
    """tf.strings.split's: at each occurrence of the separator string, or at runs of
    whitespace when it is empty (Python's str.split), at most maxsplit times (-1: no limit)."""
    maxsplit: int = -1

    def tokens(self, s, sep):
        return s.split(sep or None, self.maxsplit)


@register
class ReadFile(OpDef):
    """The contents of the file named by a scalar string."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True

    def infer(self, filename):
        _check_strings("ReadFile", [filename])
        if filename.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d" % filename.shape.ndims)
        return TensorSpec([], dtypes.string)

    def specialize(self, xp, op):
        def read(filename):
            path = os.fsdecode(_as_bytes(np.asarray(filename, dtype=object).item()))
            try:
                with open(path, "rb") as f:
                    return np.array(f.read(), dtype=object)
            except FileNotFoundError:
                raise errors.NotFoundError(None, op, "%s; No such file or directory"
                                           % path) from None
        return read


@register
class WriteFile(OpDef):
    """Writes a scalar string to the file named by another (its folder made if missing)."""
    tf_signature = TFSignature(type_attrs=())
    differentiable = False
    host_only = True
    stateful = True

    def infer(self, filename, contents):
        _check_strings("WriteFile", [filename, contents])
        for t in (filename, contents):
            if t.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d" % t.shape.ndims)
        return []

    def bind(self, ctx, op):
        def write(filename, contents):
            path = os.fsdecode(_as_bytes(np.asarray(filename, dtype=object).item()))
            if os.path.dirname(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(_as_bytes(np.asarray(contents, dtype=object).item()))
        return write


# -- the public functions ---------------------------------------------------------------------

def _strings(value, name):
    return convert_to_tensor(value, dtype=dtypes.string, name=name)


def string_join(inputs, separator="", name=None):
    """tf.string_join (tf.strings.join): the strings of `inputs` joined element-wise (scalars
    broadcast)."""
    inputs = [convert_to_tensor(x) for x in inputs]
    kinds = [t.dtype for t in inputs]
    if any(k is not dtypes.string for k in kinds):
        raise TypeError("Tensors in list passed to 'inputs' of 'StringJoin' Op have types [%s] "
                        "that do not match expected type string."
                        % ", ".join(k.name for k in kinds))
    return StringJoin(separator)(*inputs, name=name or "StringJoin")


def _split(op, source, sep, name):
    with name_scope(name, "StringSplit", [source]):
        sep = _strings(sep, "sep")
        source = _strings(source, "source")
        return SparseTensor(*op(source, sep, name=op.type_name))


def string_split(source, sep=None, skip_empty=True, delimiter=None, result_type="SparseTensor",
                 name=None):
    """tf.string_split: the strings of a vector split at any character of `sep` (default " ";
    each byte apart when ""), as a SparseTensor [rows, most tokens]; empty tokens are dropped
    when skip_empty."""
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'.")
    sep = " " if sep is None and delimiter is None else (delimiter if sep is None else sep)
    _sparse_result(result_type)
    return _split(StringSplit(bool(skip_empty)), source, sep, name)


def strings_split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None,
                  name=None):
    """tf.strings.split (TF 1.x's): the strings of a vector split at each `sep` (runs of
    whitespace when None), at most maxsplit times, as a SparseTensor."""
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'.")
    _sparse_result(result_type)
    return _split(StringSplitV2(int(maxsplit)), source if input is None else input,
                  sep or "", name)


def _sparse_result(result_type):
    if result_type != "SparseTensor":
        raise ValueError("minitf has no RaggedTensor: result_type must be 'SparseTensor', got %r"
                         % (result_type,))


def substr(input, pos, len, name=None, unit="BYTE"):
    """tf.substr (tf.strings.substr): input[pos:pos + len] per string, pos and len broadcast
    (a negative pos counts from the end); unit "BYTE" or "UTF8_CHAR"."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError("unit must be 'BYTE' or 'UTF8_CHAR', got %r" % (unit,))
    pos = convert_to_tensor(pos, name="pos")
    return Substr(unit)(_strings(input, "input"), pos,
                        convert_to_tensor(len, dtype=pos.dtype, name="len"),
                        name=name or "Substr")


def _string_map(op, input, name):
    return op(_strings(input, "input"), name=name or op.type_name)


def string_strip(input, name=None):
    """tf.string_strip (tf.strings.strip): each string without leading and trailing
    whitespace."""
    return _string_map(StringStrip(), input, name)


def string_length(input, name=None, unit="BYTE"):
    """tf.strings.length: each string's length (int32) in bytes or UTF-8 characters."""
    return _string_map(StringLength(unit), input, name)


def string_lower(input, encoding="", name=None):
    """tf.strings.lower: ASCII letters in lower case."""
    return _string_map(StringLower(encoding), input, name)


def string_upper(input, encoding="", name=None):
    """tf.strings.upper: ASCII letters in upper case."""
    return _string_map(StringUpper(encoding), input, name)


def encode_base64(input, pad=False, name=None):
    """tf.encode_base64: web-safe base64 ('-', '_'), '=' padded only if `pad`."""
    return _string_map(EncodeBase64(bool(pad)), input, name)


def decode_base64(input, name=None):
    """tf.decode_base64: the bytes of web-safe base64 strings (padded or not)."""
    return _string_map(DecodeBase64(), input, name)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """tf.regex_replace (tf.strings.regex_replace): the matches of `pattern` replaced by
    `rewrite` (RE2's \\1 groups), all of them or the first; StaticRegexReplace when both are
    Python strings, as TF."""
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        as_text = [p.decode("utf-8") if isinstance(p, bytes) else p for p in (pattern, rewrite)]
        return _string_map(StaticRegexReplace(*as_text, bool(replace_global)), input, name)
    return RegexReplace(bool(replace_global))(
        _strings(input, "input"), _strings(pattern, "pattern"), _strings(rewrite, "rewrite"),
        name=name or "RegexReplace")


def regex_full_match(input, pattern, name=None):
    """tf.strings.regex_full_match: whether each string matches `pattern` as a whole
    (StaticRegexFullMatch when it is a Python string, RegexFullMatch for a tensor)."""
    if isinstance(pattern, (str, bytes)):
        text = pattern.decode("utf-8") if isinstance(pattern, bytes) else pattern
        return StaticRegexFullMatch(text)(_strings(input, "input"),
                                          name=name or "StaticRegexFullMatch")
    return RegexFullMatch()(_strings(input, "input"), _strings(pattern, "pattern"),
                            name=name or "RegexFullMatch")


_NUMBER_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.uint32,
                 dtypes.uint64)


def string_to_number(string_tensor=None, out_type=dtypes.float32, name=None, input=None):
    """tf.string_to_number (tf.strings.to_number): each string parsed as a number of
    out_type; a string that is not one is an InvalidArgumentError."""
    if string_tensor is not None and input is not None:
        raise ValueError("Cannot specify both 'string_tensor' and 'input'.")
    out_type = dtypes.as_dtype(out_type)
    if out_type not in _NUMBER_TYPES:
        raise TypeError("Value passed to parameter 'out_type' has DataType %s not in list of "
                        "allowed values: %s" % (out_type.name,
                                                ", ".join(t.name for t in _NUMBER_TYPES)))
    text = string_tensor if input is None else input
    return _string_map(StringToNumber(out_type), text, name)


def string_to_hash_bucket_fast(input, num_buckets, name=None):
    """tf.string_to_hash_bucket_fast (tf.strings.to_hash_bucket_fast): each string's bucket in
    [0, num_buckets), TF's FarmHash Fingerprint64 modulo num_buckets (the same buckets)."""
    if int(num_buckets) < 1:
        raise ValueError("Attr 'num_buckets' of 'StringToHashBucketFast' Op passed %d less "
                         "than minimum 1." % int(num_buckets))
    return _string_map(StringToHashBucketFast(int(num_buckets)), input, name)


def string_to_hash_bucket(string_tensor, num_buckets, name=None, input=None):
    """tf.string_to_hash_bucket: each string's bucket in [0, num_buckets), TF's Hash64 of its
    bytes (not Fingerprint64: use string_to_hash_bucket_fast for those buckets)."""
    if int(num_buckets) < 1:
        raise ValueError("Attr 'num_buckets' of 'StringToHashBucket' Op passed %d less than "
                         "minimum 1." % int(num_buckets))
    text = string_tensor if input is None else input
    with name_scope(name, "StringToHashBucket", [text]) as scope:
        return StringToHashBucket(int(num_buckets))(_strings(text, "string_tensor"),
                                                    name=scope)


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):
    """tf.string_to_hash_bucket_strong (tf.strings.to_hash_bucket_strong): each string's
    bucket, SipHash-2-4 under `key` (two non-negative ints) modulo num_buckets, TF's buckets."""
    if int(num_buckets) < 1:
        raise ValueError("Attr 'num_buckets' of 'StringToHashBucketStrong' Op passed %d less "
                         "than minimum 1." % int(num_buckets))
    key = tuple(int(k) for k in key)
    if len(key) != 2:
        raise errors.InvalidArgumentError(None, None, "Key must have 2 elements")
    return _string_map(StringToHashBucketStrong(int(num_buckets), key), input, name)


def fingerprint(data, method="farmhash64", name=None):
    """tf.fingerprint: a [rows, 8] uint8 fingerprint of each row of `data` (FarmHash
    Fingerprint64, little-endian), the same bytes as TF's."""
    with name_scope(name, "Fingerprint", [data]) as scope:
        data = convert_to_tensor(data, name="data")
        method = convert_to_tensor(method, dtype=dtypes.string, name="method")
        return Fingerprint()(data, method, name=scope)


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TF's name
    """tf.decode_compressed (tf.io.decode_compressed): each string decompressed ('ZLIB',
    'GZIP', or '' for none); a damaged stream is TF's DataLossError."""
    return _string_map(DecodeCompressed(compression_type or ""), bytes, name)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):
    """tf.as_string (tf.strings.as_string): numbers and booleans as text, formatted as C's
    printf does (%d, %f, %e with scientific, %g with shortest; width and fill pad)."""
    op = AsString(int(precision), bool(scientific), bool(shortest), int(width), fill)
    return op(convert_to_tensor(input, name="input"), name=name or "AsString")


def reduce_join(inputs, axis=None, keep_dims=None, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """tf.reduce_join (tf.strings.reduce_join): strings joined with `separator` over `axis`
    (all axes when None; the first axis listed varies fastest)."""
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'.")
    axis = reduction_indices if axis is None else axis
    with name_scope(None, "ReduceJoin", [inputs, axis]):
        inputs = _strings(inputs, "inputs")
        if axis is None:
            rank = inputs.shape.ndims
            if rank is None:
                raise ValueError("minitf needs the rank of inputs known to join over all axes")
            axis = list(range(rank - 1, -1, -1))
        axes = tuple(static_ints(axis, "axis"))
        return ReduceJoin(axes, bool(keep_dims if keepdims is None else keepdims),
                          separator)(inputs, name=name or "ReduceJoin")


def read_file(filename, name=None):
    """tf.read_file (tf.io.read_file): a file's contents as a scalar string."""
    return ReadFile()(_strings(filename, "filename"), name=name or "ReadFile")


def write_file(filename, contents, name=None):
    """tf.write_file (tf.io.write_file): the Operation that writes `contents` to `filename`
    (making its folder)."""
    return WriteFile()(_strings(filename, "filename"), _strings(contents, "contents"),
                       name=name or "WriteFile")
