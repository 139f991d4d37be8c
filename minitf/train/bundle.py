"""Reads and writes TensorFlow's V2 checkpoint format (a "tensor bundle") byte for byte as TensorFlow does.

A bundle with prefix P is two files:

- `P.data-00000-of-00001`: the raw little-endian bytes of every tensor, concatenated in key
  order with no padding (bool is one byte per element; strings use TF's length-prefixed
  layout, see `_encode_strings`).
- `P.index`: a LevelDB-style sorted table (SSTable). Its first entry has the empty key and
  holds a BundleHeaderProto; then one BundleEntryProto per tensor, keyed by the tensor name
  (dtype, shape, shard, offset, size and the masked CRC32C of the bytes).

Table layout (LevelDB's, with TensorFlow's options: no compression, a restart point every
16 keys, blocks cut at 256 KiB):

    data block*  metaindex block (empty)  index block  footer (48 bytes)

A block is its entries, each `varint shared | varint non_shared | varint value_len |
key[shared:] | value` where `shared` is the prefix length shared with the previous key
(0 at a restart point), then the uint32 offsets of the restart points and their count; on
disk it is followed by a trailer of one compression-type byte (0) and the masked CRC32C of
block + type byte. The index block maps a short key >= each data block's last key (and < the
next block's first key) to that block's (offset, size) as two varints. The footer holds the
metaindex and index handles, zero-padded to 40 bytes, then the magic number.

API: `write_bundle(prefix, {name: array})` writes both files atomically; `BundleReader(prefix)`
reads them (`keys()`, `get_tensor(name)`, `dtype_map()`, `shape_map()`, `entry(name)`);
`crc32c` / `masked_crc32c` are the checksums TF uses everywhere. Errors are minitf's tf.errors:
NotFoundError for a missing file or tensor, DataLossError (naming the file) for any damage.

Supported: every numpy-representable TF dtype (float16/32/64, int8..64, uint8..64, bool,
complex64/128) and strings, and partitioned tensors (a full entry listing the slices, one entry
per slice under an OrderedCode key, both ways). Not supported: bfloat16 and TF's quantized
types (no numpy dtype), and writing more than one shard (reading several shards works).

Only graph-independent numpy and protobuf code lives here; `checkpoint_reader.py` puts
TensorFlow's public reader API on top, and the Saver writes with `write_bundle`.
"""

import os
import re
import struct
import uuid

import numpy as np

from minitf import errors
from minitf.protos import tensor_bundle_pb2

__all__ = ["write_bundle", "Slices", "slice_key", "BundleReader", "data_filename", "index_filename",
           "write_file_atomically", "write_files_atomically", "crc32c", "masked_crc32c"]


# --------------------------------------------------------------------------------------------
# CRC32C (Castagnoli), reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF.
#
# A byte loop in Python runs at about 10 MB/s, too slow for real checkpoints. The fast path
# splits the data into K equal chunks, runs the table-driven CRC on all K chunks at once
# as numpy vector operations (4 bytes per step), and then merges the K partial CRCs. Merging
# uses the linearity of the CRC register: appending n zero bytes is a fixed GF(2)-linear map
# Z_n on the 32-bit register, so reg(A + B) = Z_len(B)(reg(A)) ^ reg_from_zero(B). The
# chunks are merged pairwise in a tree, which only needs Z for chunk sizes that are powers of
# two; those maps are cached as four 256-entry byte tables each.
# --------------------------------------------------------------------------------------------

_CRC_POLY = 0x82F63B78


def _crc_tables():
    t0 = np.zeros(256, dtype=np.uint32)
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ (_CRC_POLY if c & 1 else 0)
        t0[b] = c
    # tables[k][b]: the register after byte b is followed by k zero bytes ("slicing-by-4").
    tables = [t0]
    for _ in range(3):
        tables.append((tables[-1] >> 8) ^ t0[tables[-1] & 0xFF])
    return tables


_CRC_T = _crc_tables()
_CRC_T0_LIST = _CRC_T[0].tolist()  # Python ints: faster than numpy scalars in the byte loop
_UNIT_BITS = np.array([1 << j for j in range(32)], dtype=np.uint32)
_BYTE_VALUES = np.arange(256, dtype=np.uint32)
_ZERO_SHIFTS = []  # _ZERO_SHIFTS[k]: byte tables of Z_(2**k)
_VECTOR_MIN_BYTES = 2048  # below this the plain byte loop is faster (measured)
_MIN_LOG_LANE = 5  # lanes of at least 32 bytes
_TARGET_LANES = 1 << 15  # enough lanes to amortise numpy's per-call cost, few enough for cache


def _linear_map_tables(images):
    """Byte tables of the GF(2)-linear map on uint32 that sends bit j to images[j]."""
    tables = np.zeros((4, 256), dtype=np.uint32)
    for k in range(4):
        for i in range(8):
            tables[k] ^= np.where((_BYTE_VALUES >> i) & 1, images[8 * k + i], 0).astype(np.uint32)
    return tables


def _apply_linear_map(tables, x):
    return (tables[0][x & 0xFF] ^ tables[1][(x >> 8) & 0xFF]
            ^ tables[2][(x >> 16) & 0xFF] ^ tables[3][x >> 24])


def _zero_shift_tables(k):
    """Byte tables of Z_(2**k), the register map for appending 2**k zero bytes (cached)."""
    while len(_ZERO_SHIFTS) <= k:
        if not _ZERO_SHIFTS:
            images = _CRC_T[0][_UNIT_BITS & 0xFF] ^ (_UNIT_BITS >> 8)  # one zero byte
        else:
            previous = _ZERO_SHIFTS[-1]  # Z_(2n) = Z_n o Z_n
            images = _apply_linear_map(previous, _apply_linear_map(previous, _UNIT_BITS))
        _ZERO_SHIFTS.append(_linear_map_tables(images))
    return _ZERO_SHIFTS[k]


def _crc_register(register, data):
    """Runs the raw CRC register (no init or final xor) over a bytes-like object."""
    view = memoryview(data).cast("B")
    n = len(view)
    if n < _VECTOR_MIN_BYTES:
        table = _CRC_T0_LIST
        for byte in view.tobytes():
            register = table[(register ^ byte) & 0xFF] ^ (register >> 8)
        return register
    log_lane = max(_MIN_LOG_LANE, (n // _TARGET_LANES).bit_length())
    lane = 1 << log_lane
    lanes = n // lane
    # Row i holds word i of every lane, so each step below is one contiguous vector.
    words = np.frombuffer(view, dtype="<u4", count=lanes * lane // 4)
    words = np.ascontiguousarray(words.reshape(lanes, lane // 4).T)
    regs = np.zeros(lanes, dtype=np.uint32)
    regs[0] = register  # the other lanes start from zero: their CRC is merged in linearly
    t0, t1, t2, t3 = _CRC_T
    for row in words:
        x = regs ^ row
        regs = t3[x & 0xFF] ^ t2[(x >> 8) & 0xFF] ^ t1[(x >> 16) & 0xFF] ^ t0[x >> 24]
    k = log_lane
    while len(regs) > 1:
        if len(regs) & 1:
            # A zero register in front changes nothing (Z(0) = 0) and makes the count even.
            regs = np.concatenate([np.zeros(1, dtype=np.uint32), regs])
        regs = _apply_linear_map(_zero_shift_tables(k), regs[0::2]) ^ regs[1::2]
        k += 1
    return _crc_register(int(regs[0]), view[lanes * lane:])


def crc32c(data, crc=0):
    """The CRC32C of a bytes-like object; pass a previous result as `crc` to extend it."""
    return _crc_register(crc ^ 0xFFFFFFFF, data) ^ 0xFFFFFFFF


def _mask(crc):
    # LevelDB/TF store "masked" CRCs so that a CRC of data that embeds CRCs stays well mixed.
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def masked_crc32c(data):
    """The masked CRC32C that TensorFlow stores in tables, bundles and TFRecords."""
    return _mask(crc32c(data))


# --------------------------------------------------------------------------------------------
# Data types
# --------------------------------------------------------------------------------------------

# TF's DataType enum numbers (types.proto). Literal numbers because tensorboardX's copy of the
# enum predates DT_UINT32 and DT_UINT64; proto3 enums accept any number on the wire.
_NP_BY_DATATYPE = {
    1: np.dtype(np.float32),      # DT_FLOAT
    2: np.dtype(np.float64),      # DT_DOUBLE
    3: np.dtype(np.int32),        # DT_INT32
    4: np.dtype(np.uint8),        # DT_UINT8
    5: np.dtype(np.int16),        # DT_INT16
    6: np.dtype(np.int8),         # DT_INT8
    7: np.dtype(object),          # DT_STRING
    8: np.dtype(np.complex64),    # DT_COMPLEX64
    9: np.dtype(np.int64),        # DT_INT64
    10: np.dtype(np.bool_),       # DT_BOOL
    17: np.dtype(np.uint16),      # DT_UINT16
    18: np.dtype(np.complex128),  # DT_COMPLEX128
    19: np.dtype(np.float16),     # DT_HALF
    22: np.dtype(np.uint32),      # DT_UINT32
    23: np.dtype(np.uint64),      # DT_UINT64
}
_DT_STRING = 7
_DATATYPE_BY_NP = {v: k for k, v in _NP_BY_DATATYPE.items()}


def _datatype_of(array, name):
    if array.dtype.kind in "SUO":
        return _DT_STRING
    try:
        return _DATATYPE_BY_NP[array.dtype.newbyteorder("=")]
    except KeyError:
        raise TypeError("Cannot write tensor %r: dtype %s has no TensorFlow DataType"
                        % (name, array.dtype)) from None


# --------------------------------------------------------------------------------------------
# Tensor bytes
# --------------------------------------------------------------------------------------------

def _varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _as_bytes(element, name):
    if isinstance(element, bytes):
        return element
    if isinstance(element, str):
        return element.encode("utf-8")
    if isinstance(element, (bytearray, memoryview, np.bytes_)):
        return bytes(element)
    raise TypeError("Cannot write tensor %r: string tensors hold bytes or str, not %s"
                    % (name, type(element).__name__))


def _encode_strings(array, name):
    """TF's string tensor layout and its CRC: varint64 lengths, a masked CRC32C of the lengths
    (as uint32 little-endian values), then the bytes; the entry CRC covers the uint32
    lengths, the 4-byte length checksum and the bytes, in that order."""
    elements = [_as_bytes(e, name) for e in array.reshape(-1).tolist()]
    lengths = struct.pack("<%dI" % len(elements), *[len(e) & 0xFFFFFFFF for e in elements])
    crc = crc32c(lengths)
    length_checksum = struct.pack("<I", _mask(crc))
    crc = crc32c(length_checksum, crc)
    body = b"".join(elements)
    crc = crc32c(body, crc)
    raw = b"".join(_varint(len(e)) for e in elements) + length_checksum + body
    return raw, crc


def _decode_strings(raw, count, where):
    """Inverse of `_encode_strings`: (object array of bytes, the entry CRC)."""
    lengths, pos = [], 0
    for _ in range(count):
        length, pos = _read_varint(raw, pos, where)
        lengths.append(length)
    packed = struct.pack("<%dI" % count, *[n & 0xFFFFFFFF for n in lengths])
    crc = crc32c(packed)
    if pos + 4 > len(raw) or struct.unpack_from("<I", raw, pos)[0] != _mask(crc):
        raise _corrupt(where, "string lengths checksum mismatch")
    crc = crc32c(raw[pos:pos + 4], crc)
    pos += 4
    if pos + sum(lengths) != len(raw):
        raise _corrupt(where, "string lengths do not add up to the entry size")
    crc = crc32c(raw[pos:], crc)
    out = np.empty(count, dtype=object)
    for i, length in enumerate(lengths):
        out[i] = bytes(raw[pos:pos + length])
        pos += length
    return out, crc


def _tensor_bytes(array, name):
    """(bytes-like to write, CRC32C) of one tensor in TF's on-disk layout."""
    if array.dtype.kind in "SUO":
        return _encode_strings(array, name)
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    raw = little.reshape(-1).view(np.uint8)
    return raw, _chunked_crc(raw)


_CRC_CHUNK = 16 << 20  # bytes checksummed at a time: the vector CRC copies what it is given


def _chunked_crc(raw, crc=0):
    """crc32c of a large bytes-like object, a chunk at a time, so the CRC's working copy
    stays small."""
    view = memoryview(raw).cast("B")
    for start in range(0, len(view), _CRC_CHUNK):
        crc = crc32c(view[start:start + _CRC_CHUNK], crc)
    return crc


# --------------------------------------------------------------------------------------------
# SSTable writer
# --------------------------------------------------------------------------------------------

_TABLE_MAGIC = 0xDB4775248B80FB57
_FOOTER_SIZE = 48
_HANDLES_SIZE = 40  # two block handles, each at most 2 varint64s of 10 bytes
_BLOCK_TRAILER_SIZE = 5
_BLOCK_SIZE = 256 * 1024  # TF's table option: cut a data block once it reaches this
_RESTART_INTERVAL = 16
_NO_COMPRESSION = 0


class _BlockBuilder:
    """Accumulates sorted entries of one block with shared-prefix key compression."""

    def __init__(self, restart_interval):
        self._interval = restart_interval
        self._buffer = bytearray()
        self._restarts = [0]
        self._since_restart = 0
        self._last_key = b""

    def add(self, key, value):
        shared = 0
        if self._since_restart < self._interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buffer))
            self._since_restart = 0
        self._buffer += _varint(shared) + _varint(len(key) - shared) + _varint(len(value))
        self._buffer += key[shared:]
        self._buffer += value
        self._last_key = key
        self._since_restart += 1

    def size_estimate(self):
        return len(self._buffer) + 4 * len(self._restarts) + 4

    def empty(self):
        return not self._buffer

    def finish(self):
        return (bytes(self._buffer) + struct.pack("<%dI" % len(self._restarts), *self._restarts)
                + struct.pack("<I", len(self._restarts)))


def _shortest_separator(start, limit):
    """A short key k with start <= k < limit (LevelDB's bytewise FindShortestSeparator)."""
    common = 0
    n = min(len(start), len(limit))
    while common < n and start[common] == limit[common]:
        common += 1
    if common < n:
        byte = start[common]
        if byte < 0xFF and byte + 1 < limit[common]:
            return start[:common] + bytes([byte + 1])
    return start


def _short_successor(key):
    """A short key >= key (LevelDB's bytewise FindShortSuccessor)."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def _block_handle(offset, size):
    return _varint(offset) + _varint(size)


def _build_table(items):
    """The bytes of an SSTable holding `items`, (key, value) byte pairs in sorted key order."""
    out = bytearray()

    def write_block(contents):
        offset = len(out)
        out.extend(contents)
        out.append(_NO_COMPRESSION)
        out.extend(struct.pack("<I", masked_crc32c(contents + bytes([_NO_COMPRESSION]))))
        return offset, len(contents)

    data_block = _BlockBuilder(_RESTART_INTERVAL)
    index_block = _BlockBuilder(1)  # every index entry is a restart point, as in LevelDB
    pending, last_key = None, b""
    for key, value in items:
        if pending is not None:
            # The separator is only known once the next block's first key is.
            index_block.add(_shortest_separator(last_key, key), _block_handle(*pending))
            pending = None
        data_block.add(key, value)
        last_key = key
        if data_block.size_estimate() >= _BLOCK_SIZE:
            pending = write_block(data_block.finish())
            data_block = _BlockBuilder(_RESTART_INTERVAL)
    if not data_block.empty():
        pending = write_block(data_block.finish())
    metaindex = write_block(_BlockBuilder(_RESTART_INTERVAL).finish())
    if pending is not None:
        index_block.add(_short_successor(last_key), _block_handle(*pending))
    index = write_block(index_block.finish())
    handles = _block_handle(*metaindex) + _block_handle(*index)
    out.extend(handles.ljust(_HANDLES_SIZE, b"\0"))
    out.extend(struct.pack("<Q", _TABLE_MAGIC))
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Writing a bundle
# --------------------------------------------------------------------------------------------

def data_filename(prefix, shard=0, num_shards=1):
    """The name of one data file of a bundle: `<prefix>.data-00000-of-00001`."""
    return "%s.data-%05d-of-%05d" % (prefix, shard, num_shards)


def index_filename(prefix):
    """The name of a bundle's index file: `<prefix>.index`."""
    return prefix + ".index"


def _header_bytes():
    header = tensor_bundle_pb2.BundleHeaderProto(
        num_shards=1, endianness=tensor_bundle_pb2.BundleHeaderProto.LITTLE)
    header.version.producer = 1
    return header.SerializeToString()


def write_file_atomically(path, chunks):
    """Writes the bytes-like `chunks` to a new file in path's directory, syncs it, then renames
    it onto `path`, so a reader sees either the old file or the whole new one."""
    write_files_atomically([(path, chunks)])


_TEMP_MARK = ".tempstate"
_TEMP_NAME = re.compile(r".+\.tempstate(\d+)-[0-9a-f]{32}$")


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or no way to tell
        return True
    return True


def remove_stale_temporaries(directory):
    """Deletes the temporary files that writers killed mid-write left in `directory`: those
    named by `write_files_atomically` whose writing process no longer runs. Returns their
    names. Failures to list or delete are ignored (the next save tries again)."""
    removed = []
    try:
        entries = list(os.scandir(directory or "."))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        try:
            os.remove(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
    return removed


def write_files_atomically(files):
    """Writes every (path, chunks) pair to a synced temporary file first, and only when all of
    them are complete renames them into place, back to back: a write that fails (a full disk)
    leaves every old file as it was, and only a kill between the renames can mix old and new.
    Temporary files are named `<path>.tempstate<pid>-<random>`; ones whose process is gone (a
    killed save) are deleted from the directories written to."""
    temps = []
    for directory in {os.path.dirname(os.fspath(path)) for path, _ in files}:
        remove_stale_temporaries(directory)
    try:
        for path, chunks in files:
            # A fresh name per call (not mkstemp) so the file gets the usual umask-based mode.
            temp = "%s%s%d-%s" % (path, _TEMP_MARK, os.getpid(), uuid.uuid4().hex)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o666)
            temps.append((temp, path))
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
        while temps:
            temp, path = temps[0]
            os.replace(temp, path)
            temps.pop(0)
    except BaseException:
        for temp, _ in temps:
            try:
                os.remove(temp)
            except OSError:
                pass
        raise


def _sync_directory(directory):
    # Makes the renames themselves durable; POSIX only (Windows cannot open a directory).
    if os.name != "posix":
        return
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Slices:
    """A partitioned variable's value for write_bundle: its full shape and its slices, each
    ((start, length) per dimension, array), in the order they are written."""

    def __init__(self, full_shape, slices):
        self.full_shape = tuple(full_shape)
        self.slices = list(slices)


def _ordered_num(value):
    """TF's OrderedCode for a non-negative number: a length byte, then big-endian bytes."""
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return bytes([len(raw)]) + raw


def _ordered_signed(value):
    """TF's OrderedCode for a signed number: its two's complement in the fewest bytes that
    leave room for a unary length header, xored with that header."""
    x = ~value if value < 0 else value
    length = x.bit_length() // 7 + 1
    raw = bytearray((value & ((1 << (8 * length)) - 1)).to_bytes(length, "big"))
    header = (0xFF00 >> length) & 0xFF if length <= 8 else 0xFF
    raw[0] ^= header
    if length > 8:
        raw[1] ^= (0xFF00 >> (length - 8)) & 0xFF
    return bytes(raw)


def slice_key(name, extents):
    """The index key of one slice of tensor `name` (TF's EncodeTensorNameSlice): a 0, the
    escaped name, the rank, then each dimension's start and length (-1: the whole one)."""
    escaped = b"".join(b"\x00\xff" if c == 0 else b"\xff\x00" if c == 0xFF else bytes([c])
                       for c in name.encode("utf-8"))
    key = _ordered_num(0) + escaped + b"\x00\x01" + _ordered_num(len(extents))
    for start, length in extents:
        key += _ordered_signed(start) + _ordered_signed(length)
    return key


def _data_entry(array, name, offset):
    """(BundleEntryProto, bytes) of one tensor's data written at `offset`."""
    entry = tensor_bundle_pb2.BundleEntryProto(dtype=_datatype_of(array, name))
    entry.shape.SetInParent()  # TF writes the shape even for a scalar (an empty message)
    for dim in array.shape:
        entry.shape.dim.add(size=dim)
    raw, crc = _tensor_bytes(array, name)
    entry.offset = offset
    entry.size = len(raw)
    entry.crc32c = _mask(crc)
    return entry, raw


def write_bundle(prefix, tensors):
    """Writes `tensors` ({name: array-like, or a Slices}) as the V2 checkpoint `prefix`, as
    TensorFlow's SaveV2 does for the same tensors given in sorted name order (a Slices'
    slices in their order): a sliced tensor is an entry holding its shape and the slices'
    extents, and one entry per slice under slice_key.

    Values are converted with `np.asarray`; numeric and bool dtypes, and strings (bytes or str
    elements, or numpy 'S'/'U' arrays; str is written as UTF-8) are supported. The parent
    directory is created if needed. The data and index files are both written to synced
    temporary files in the same directory and then renamed into place, data first: a save that
    fails leaves the old checkpoint intact, and an interrupted one never leaves a truncated file
    under the final names. Returns the prefix.
    """
    prefix = os.fspath(prefix)
    entries = []
    for name, value in tensors.items():
        if not isinstance(name, str) or not name:
            raise ValueError("Tensor names must be non-empty strings, got %r" % (name,))
        entries.append((name.encode("utf-8"), name,
                        value if isinstance(value, Slices) else np.asarray(value)))
    entries.sort(key=lambda e: e[0])  # LevelDB's bytewise order: UTF-8 bytes, not str order

    chunks, index_items, offset = [], [(b"", _header_bytes())], 0
    for key, name, value in entries:
        if not isinstance(value, Slices):
            entry, raw = _data_entry(value, name, offset)
            offset += len(raw)
            chunks.append(raw)
            index_items.append((key, entry.SerializeToString()))
            continue
        full = None
        for extents, part in value.slices:
            part = np.asarray(part)
            entry, raw = _data_entry(part, name, offset)
            offset += len(raw)
            chunks.append(raw)
            index_items.append((slice_key(name, extents), entry.SerializeToString()))
            if full is None:
                full = tensor_bundle_pb2.BundleEntryProto(dtype=entry.dtype)
                full.shape.SetInParent()
                for dim in value.full_shape:
                    full.shape.dim.add(size=dim)
            extent_proto = full.slices.add()
            for start, length in extents:
                extent = extent_proto.extent.add(start=start)
                if length >= 0:
                    extent.length = length
        index_items.append((key, full.SerializeToString()))
    index_items.sort(key=lambda item: item[0])

    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)
    write_files_atomically([(data_filename(prefix), chunks),
                            (index_filename(prefix), [_build_table(index_items)])])
    _sync_directory(directory)
    return prefix


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def _corrupt(where, what):
    return errors.DataLossError(None, None, "%s: corrupted checkpoint: %s" % (where, what))


def _read_varint(buf, pos, where):
    result, shift = 0, 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise _corrupt(where, "bad varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _read_block(table, offset, size, where):
    """The contents of the block at (offset, size) of a table, after checking its trailer."""
    end = offset + size + _BLOCK_TRAILER_SIZE
    if end > len(table) - _FOOTER_SIZE:
        raise _corrupt(where, "block at offset %d runs past the end of the file" % offset)
    contents = table[offset:offset + size]
    kind = table[offset + size]
    (stored,) = struct.unpack_from("<I", table, offset + size + 1)
    if stored != masked_crc32c(table[offset:offset + size + 1]):
        raise _corrupt(where, "block checksum mismatch at offset %d" % offset)
    if kind != _NO_COMPRESSION:
        raise _corrupt(where, "unsupported block compression type %d" % kind)
    return contents


def _block_entries(block, where):
    """The (key, value) pairs of one block, in order."""
    if len(block) < 4:
        raise _corrupt(where, "block too short")
    (num_restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    entries_end = len(block) - 4 - 4 * num_restarts
    if num_restarts < 1 or entries_end < 0:
        raise _corrupt(where, "bad restart array")
    entries, pos, key = [], 0, b""
    while pos < entries_end:
        shared, pos = _read_varint(block, pos, where)
        unshared, pos = _read_varint(block, pos, where)
        value_len, pos = _read_varint(block, pos, where)
        if shared > len(key) or pos + unshared + value_len > entries_end:
            raise _corrupt(where, "bad block entry")
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        entries.append((key, block[pos:pos + value_len]))
        pos += value_len
    return entries


def _read_table(table, where):
    """All (key, value) pairs of an SSTable's bytes, checking every block's CRC and the order."""
    if len(table) < _FOOTER_SIZE:
        raise _corrupt(where, "file too short (%d bytes)" % len(table))
    footer = table[-_FOOTER_SIZE:]
    if struct.unpack_from("<Q", footer, _HANDLES_SIZE)[0] != _TABLE_MAGIC:
        raise _corrupt(where, "bad magic number")
    meta_offset, pos = _read_varint(footer, 0, where)
    meta_size, pos = _read_varint(footer, pos, where)
    index_offset, pos = _read_varint(footer, pos, where)
    index_size, pos = _read_varint(footer, pos, where)
    if pos > _HANDLES_SIZE or any(footer[pos:_HANDLES_SIZE]):
        raise _corrupt(where, "bad footer")
    # The metaindex block holds nothing a bundle uses (no filters), but checking it means
    # every byte of the file is covered by some check.
    _read_block(table, meta_offset, meta_size, where)
    items = []
    next_free = 0
    for _, handle in _block_entries(_read_block(table, index_offset, index_size, where), where):
        offset, pos = _read_varint(handle, 0, where)
        size, _ = _read_varint(handle, pos, where)
        # Data blocks follow each other in the file: an index naming one block twice (or
        # overlapping blocks) would make the work grow with the square of the file size.
        if offset < next_free:
            raise _corrupt(where, "data block at offset %d overlaps the previous one" % offset)
        next_free = offset + size + _BLOCK_TRAILER_SIZE
        block_items = _block_entries(_read_block(table, offset, size, where), where)
        items.extend(block_items)
    for (previous, _), (key, _) in zip(items, items[1:]):
        if not previous < key:
            raise _corrupt(where, "keys out of order")
    return items


class BundleReader:
    """Reads a V2 checkpoint (one written by TensorFlow or by `write_bundle`).

    The index is read and checked when the reader is made: a missing `<prefix>.index` or data
    file raises NotFoundError naming it; a damaged index raises DataLossError naming the file.
    Tensors are read on demand and their CRCs checked; a damaged or truncated data file
    raises DataLossError naming it. A partitioned (sliced) tensor is listed once, under its
    full name and shape, and read whole.
    """

    def __init__(self, prefix):
        self.prefix = os.fspath(prefix)
        path = index_filename(self.prefix)
        try:
            with open(path, "rb") as f:
                table = f.read()
        except FileNotFoundError:
            raise errors.NotFoundError(
                None, None, "Failed to find any matching files for %s (no file %s)"
                % (self.prefix, path)) from None
        items = _read_table(table, path)
        if not items or items[0][0] != b"":
            raise _corrupt(path, "no bundle header")
        header = self._parse(tensor_bundle_pb2.BundleHeaderProto, items[0][1], path, "header")
        if header.version.min_consumer > 1 or 1 in header.version.bad_consumers:
            raise errors.InvalidArgumentError(
                None, None, "%s: checkpoint needs a newer reader (version %s)"
                % (path, str(header.version).replace("\n", " ")))
        self._byte_order = "<" if header.endianness == header.LITTLE else ">"
        self._entries, self._slices = {}, {}
        for key, value in items[1:]:
            if key.startswith(b"\x00"):  # one slice of a partitioned tensor (see slice_key)
                self._slices[key] = self._parse(tensor_bundle_pb2.BundleEntryProto, value,
                                                path, repr(key))
                continue
            name = key.decode("utf-8", errors="surrogateescape")
            self._entries[name] = self._parse(tensor_bundle_pb2.BundleEntryProto, value, path, name)
        # Every shard holds at least one tensor (an empty bundle has one, empty, shard), so a
        # header declaring more shards than entries is damaged: checked before naming them.
        if not 1 <= header.num_shards <= max(1, len(self._entries) + len(self._slices)):
            raise _corrupt(path, "the header declares %d shards for %d tensors"
                           % (header.num_shards, len(self._entries) + len(self._slices)))
        self._data_files = [data_filename(self.prefix, i, header.num_shards)
                            for i in range(header.num_shards)]
        for entry in list(self._entries.values()) + list(self._slices.values()):
            if not 0 <= entry.shard_id < header.num_shards:
                raise _corrupt(path, "entry names shard %d of %d" % (entry.shard_id, header.num_shards))
        for data_file in self._data_files:
            if not os.path.exists(data_file):
                raise errors.NotFoundError(
                    None, None, "%s: data file %s of the checkpoint is missing" % (path, data_file))

    @staticmethod
    def _parse(message_class, value, path, what):
        message = message_class()
        try:
            message.ParseFromString(bytes(value))
        except Exception as e:  # protobuf's DecodeError differs between runtimes
            raise _corrupt(path, "unparsable entry %r (%s)" % (what, e)) from None
        return message

    def keys(self):
        """The tensor names, in sorted order."""
        return list(self._entries)

    def __contains__(self, name):
        return name in self._entries

    def entry(self, name):
        """The BundleEntryProto of a tensor; KeyError when absent."""
        return self._entries[name]

    def dtype_map(self):
        """{name: numpy dtype} (object for strings)."""
        return {name: self._numpy_dtype(name, e) for name, e in self._entries.items()}

    def shape_map(self):
        """{name: shape tuple}."""
        return {name: tuple(d.size for d in e.shape.dim) for name, e in self._entries.items()}

    def _numpy_dtype(self, name, entry):
        try:
            return _NP_BY_DATATYPE[entry.dtype]
        except KeyError:
            raise errors.UnimplementedError(
                None, None, "%s: tensor %r has DataType %d, which minitf cannot read"
                % (index_filename(self.prefix), name, entry.dtype)) from None

    def check_tensor(self, name):
        """Reads the tensor's bytes and checks them (sizes, CRC) without keeping them: memory
        stays at one chunk whatever the tensor's size. Raises as `get_tensor`."""
        self.get_tensor(name, _check_only=True)

    def read_into(self, name, out):
        """Reads the tensor `name` straight into `out`, a C-contiguous writable numpy array of
        its shape and dtype (no other array of its size is allocated). The bytes are checked
        as they arrive: on DataLossError, `out` holds some of them."""
        self.get_tensor(name, _out=out)

    def get_tensor(self, name, _out=None, _check_only=False):
        """The tensor `name` as a new numpy array (0-d for scalars, object of bytes for strings);
        a partitioned tensor is put together from its slices.

        Raises NotFoundError when absent and DataLossError when its bytes are damaged."""
        try:
            entry = self._entries[name]
        except (KeyError, TypeError):
            raise errors.NotFoundError(
                None, None, "Key %s not found in checkpoint %s" % (name, self.prefix)) from None
        if entry.slices:
            return self._assemble(name, entry, _out, _check_only)
        return self._read(name, entry, name, _out, _check_only)

    def _assemble(self, name, entry, out, check_only):
        """A sliced tensor: each slice's entry read and put in its place."""
        shape = tuple(d.size for d in entry.shape.dim)
        dtype = self._numpy_dtype(name, entry)
        full = None if check_only else (out if out is not None else np.empty(shape, dtype))
        for proto in entry.slices:
            if len(proto.extent) != len(shape):
                raise _corrupt(index_filename(self.prefix), "slice of %r has rank %d, not %d"
                               % (name, len(proto.extent), len(shape)))
            extents = [(e.start, e.length if e.HasField("length") else -1)
                       for e in proto.extent]
            key = slice_key(name, extents)
            part = self._slices.get(key)
            if part is None:
                raise _corrupt(index_filename(self.prefix), "slice %s of %r has no entry"
                               % (extents, name))
            value = self._read(name, part, "%s%s" % (name, extents), None, check_only)
            if full is not None:
                full[tuple(slice(s, None if n < 0 else s + n) for s, n in extents)] = value
        return full

    def _read(self, name, entry, label, _out, _check_only):
        """The array one (unsliced) entry holds."""
        dtype = self._numpy_dtype(name, entry)
        data_file = self._data_files[entry.shard_id]
        where = "%s (tensor %r)" % (data_file, label)
        in_index = "%s (tensor %r)" % (index_filename(self.prefix), label)
        shape = tuple(d.size for d in entry.shape.dim)
        if any(d < 0 for d in shape):
            raise _corrupt(in_index, "negative dimension in shape %s" % list(shape))
        count = 1
        for d in shape:
            count *= d  # Python ints: no overflow
        if dtype == object and count > entry.size:  # each string takes its one-byte length
            raise _corrupt(in_index, "%d strings cannot fit in %d bytes" % (count, entry.size))
        if dtype != object and entry.size != count * dtype.itemsize:
            raise _corrupt(in_index, "stored size %d, but shape %s of %s needs %d bytes"
                           % (entry.size, list(shape), dtype, count * dtype.itemsize))
        try:
            f = open(data_file, "rb")
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, "%s: data file is missing" % data_file) from None
        except OSError as e:
            raise errors._from_os_error(e, None, data_file) from None
        with f:
            file_size = os.fstat(f.fileno()).st_size
            # Checked against the file before anything is allocated: a crafted entry (valid
            # CRCs) must not make the reader allocate more than the file holds.
            if entry.offset < 0 or entry.size < 0 or entry.offset + entry.size > file_size:
                raise _corrupt(where, "entry wants %d bytes at offset %d of a %d-byte file"
                               % (entry.size, entry.offset, file_size))
            f.seek(entry.offset)
            if dtype == object:
                raw = _read_exactly(f, entry.size, where)
                array, crc = _decode_strings(raw, count, where)
                array = array.reshape(shape)
            elif _check_only:
                array, crc = None, _read_into(f, bytearray(min(entry.size, _READ_CHUNK)),
                                              where, entry.size)
            else:
                if _out is not None and (_out.shape != shape or _out.dtype != dtype
                                         or not _out.flags.c_contiguous
                                         or not _out.flags.writeable):
                    raise ValueError("read_into(%r) needs a writable C-contiguous %s array of "
                                     "shape %s" % (name, dtype, shape))
                array = np.empty(shape, dtype=dtype) if _out is None else _out
                crc = _read_into(f, array.reshape(-1).view(np.uint8), where, entry.size)
                if self._byte_order != "<" and dtype.itemsize > 1 and array is not None:
                    # Bytes were stored big-endian: swap in place (the CRC is of the bytes).
                    array.byteswap(inplace=True)
        if _mask(crc) != entry.crc32c:
            raise _corrupt(where, "checksum mismatch")
        return array


_READ_CHUNK = 16 << 20  # bytes read (and checksummed) at a time


def _read_exactly(f, size, where):
    raw = f.read(size)
    if len(raw) != size:
        raise _corrupt(where, "file truncated: wanted %d bytes, got %d" % (size, len(raw)))
    return raw


def _read_into(f, buffer, where, size):
    """Reads `size` bytes from `f` into the writable bytes-like `buffer` a chunk at a time
    (when `buffer` is smaller than `size`, it is reused for each chunk: a check that keeps
    nothing) and returns the CRC32C register of the bytes read."""
    view = memoryview(buffer).cast("B")
    crc, done = 0, 0
    while done < size:
        start = done % len(view) if len(view) < size else done
        chunk = view[start:start + min(_READ_CHUNK, size - done)]
        got = f.readinto(chunk)
        if not got:
            raise _corrupt(where, "file truncated: wanted %d bytes, got %d" % (size, done))
        crc = crc32c(chunk[:got], crc)
        done += got
    return crc
