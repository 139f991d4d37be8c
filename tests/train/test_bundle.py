"""Tests of the V2 checkpoint ("tensor bundle") reader and writer against files TensorFlow wrote."""

import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from minitf import errors
from minitf.protos import tensor_bundle_pb2
from minitf.train import bundle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tf_checkpoints"
# (fixture directory, checkpoint prefix inside it); written by TF's tf.train.Saver.
CHECKPOINTS = [("dtypes_and_shapes", "model.ckpt"), ("adam_mlp", "model.ckpt-5"),
               ("many_vars", "model.ckpt-0")]
DATA_SUFFIX = ".data-00000-of-00001"


def fixture_prefix(name, prefix):
    return str(FIXTURES / name / prefix)


def copy_checkpoint(tmp_path, name="dtypes_and_shapes", prefix="model.ckpt"):
    """A writable copy of a fixture checkpoint; returns its prefix."""
    for suffix in (".index", DATA_SUFFIX):
        (tmp_path / (prefix + suffix)).write_bytes((FIXTURES / name / (prefix + suffix)).read_bytes())
    return str(tmp_path / prefix)


def reference_crc32c(data, crc=0):
    """Bit-at-a-time CRC32C straight from the definition, to check the fast one against."""
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


# ------------------------------------------------------------------------------------------
# CRC32C
# ------------------------------------------------------------------------------------------

def test_crc32c_known_vectors():
    # "123456789" is the standard check value; the other four are RFC 3720's (iSCSI) vectors.
    assert bundle.crc32c(b"123456789") == 0xE3069283
    assert bundle.crc32c(bytes(32)) == 0x8A9136AA
    assert bundle.crc32c(b"\xff" * 32) == 0x62A8AB43
    assert bundle.crc32c(bytes(range(32))) == 0x46DD794E
    assert bundle.crc32c(bytes(range(31, -1, -1))) == 0x113FDB5C
    # TF's stored CRC of an empty tensor (see the fixture index): mask(0) = 0xA282EAD8.
    assert bundle.masked_crc32c(b"") == 0xA282EAD8


@pytest.mark.parametrize("length", [0, 1, 7, 100, 2047])
def test_crc32c_byte_loop_matches_definition(length):
    data = np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8).tobytes()
    assert bundle.crc32c(data) == reference_crc32c(data)
    assert bundle.crc32c(data[length // 2:], bundle.crc32c(data[:length // 2])) == reference_crc32c(data)


@pytest.mark.parametrize("length", [2048, 2049, 4099, 65 * 1024 + 3, 300 * 1024 + 5, 2 ** 20 + 77])
def test_crc32c_vector_path_matches_byte_loop(length):
    # Lengths around the vectorised path's thresholds, with odd lane counts and remainders.
    # Inputs under 2048 bytes take the byte loop (checked above against the definition), so
    # chaining such pieces through the `crc` argument gives an independent answer.
    data = np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8).tobytes()
    chained = 0
    for start in range(0, length, 2000):
        chained = bundle.crc32c(data[start:start + 2000], chained)
    assert bundle.crc32c(data) == chained
    cut = length // 3
    assert bundle.crc32c(data[cut:], bundle.crc32c(data[:cut])) == chained


def test_crc32c_accepts_numpy_arrays():
    array = np.arange(3000, dtype=np.float32)
    assert bundle.crc32c(array.view(np.uint8)) == reference_crc32c(array.tobytes())


# ------------------------------------------------------------------------------------------
# Reading TensorFlow's checkpoints
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,prefix", CHECKPOINTS)
def test_reads_every_tensor_exactly(name, prefix):
    reader = bundle.BundleReader(fixture_prefix(name, prefix))
    expected = np.load(FIXTURES / name / "expected.npz")
    assert reader.keys() == sorted(expected.files)
    for key in expected.files:
        value = reader.get_tensor(key)
        want = expected[key]
        assert value.dtype == want.dtype, key
        assert value.shape == want.shape, key
        assert value.tobytes() == want.tobytes(), key  # bit-exact, not just close
        assert reader.shape_map()[key] == want.shape
        assert reader.dtype_map()[key] == want.dtype


def test_fixture_covers_scalar_empty_bool_and_nested_names():
    reader = bundle.BundleReader(fixture_prefix("dtypes_and_shapes", "model.ckpt"))
    assert reader.get_tensor("scalar_f32").shape == ()
    assert reader.get_tensor("scalar_f32") == np.float32(2.5)
    assert reader.get_tensor("empty").shape == (0, 3)
    assert reader.get_tensor("flags").tolist() == [True, False, True]
    assert reader.get_tensor("scope/inner/cube_f32").shape == (2, 3, 4)
    assert reader.get_tensor("ints/i64").dtype == np.int64


def test_tensors_are_writable_copies():
    reader = bundle.BundleReader(fixture_prefix("dtypes_and_shapes", "model.ckpt"))
    value = reader.get_tensor("ints/i32")
    value[0] = 99  # must not raise (read-only frombuffer view) nor change the next read
    assert reader.get_tensor("ints/i32")[0] != 99


# ------------------------------------------------------------------------------------------
# Writing byte for byte as TensorFlow does
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,prefix", CHECKPOINTS)
def test_rewrite_is_byte_identical_to_tensorflow(tmp_path, name, prefix):
    expected = np.load(FIXTURES / name / "expected.npz")
    out = str(tmp_path / prefix)
    assert bundle.write_bundle(out, {key: expected[key] for key in expected.files}) == out
    for suffix in (".index", DATA_SUFFIX):
        theirs = (FIXTURES / name / (prefix + suffix)).read_bytes()
        ours = Path(out + suffix).read_bytes()
        assert ours == theirs, suffix


# --- TF reference cases (begin) -------------------------------------------------------------
# The SHA-256 digests below are of the files TensorFlow 2.21's SaveV2 op wrote for these
# tensors, given in sorted name order (as tf.train.Saver does); only the digests are stored.
def tf_reference_cases():
    """Tensor sets that exercise what the small fixtures do not: an index of several data
    blocks (separator keys), many restart points, UTF-8 names, every dtype, strings."""
    cases = {"multi_block": {"v%05d_%s" % (i, "x" * 100): np.float32(i) for i in range(3000)}}
    state = [2463534242]

    def rand():  # xorshift32: the same names on every numpy and Python version
        x = state[0]
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        state[0] = x
        return x

    alphabet = "ab~/_-.09AZz\u00e9\u4e2d"
    names = {}
    while len(names) < 6000:
        name = "".join(alphabet[rand() % len(alphabet)] for _ in range(1 + rand() % 120))
        names[name] = np.arange(rand() % 4, dtype=np.float32) + len(names)
    cases["random_names"] = names
    cases["dtypes"] = {
        "f16": np.array([1.5, -2], np.float16), "f32": np.array([[1.25, -0.0]], np.float32),
        "f64": np.array([np.pi, 1e300]), "u8": np.array([200, 1], np.uint8),
        "i8": np.array([-3], np.int8), "i16": np.array([-300], np.int16),
        "u16": np.array([60000], np.uint16), "i32": np.array([-(2 ** 31)], np.int32),
        "i64": np.array([2 ** 62], np.int64), "u32": np.array([4000000000], np.uint32),
        "u64": np.array([2 ** 63 + 5], np.uint64), "c64": np.array([1 + 2j], np.complex64),
        "c128": np.array([[1 + 2j, 3]], np.complex128), "b": np.array([[True], [False]]),
        "scalar_b": np.array(True), "empty_i64": np.zeros((2, 0, 5), np.int64),
    }
    cases["strings"] = {
        "s": np.array([b"ab", b"", b"xyz" * 50], dtype=object),
        "s0": np.array(b"hello", dtype=object),
        "s2": np.array([[b"a", b"b"], [b"c", b"\xff\x00"]], dtype=object),
        "empty_s": np.zeros((0,), dtype=object),
        "long": np.array([b"q" * 300] * 5, dtype=object),
    }
    return cases
# --- TF reference cases (end) ---------------------------------------------------------------


_CASES = []


def reference_case(name):
    if not _CASES:  # built once: the 6000 random names take a moment
        _CASES.append(tf_reference_cases())
    return _CASES[0][name]


TF_DIGESTS = {
    # case: (sha256 of .index, sha256 of .data-00000-of-00001)
    "multi_block": ("4a64ef0858c7ba8a433f3da1abd836e93def5e868f42f7440b64ddbee46e6785",
                    "79f08fbaf2064bbef9c63477bc07d002d0ed3ce58a91bc01b6d972f1c4e394b7"),
    "random_names": ("278032fb1eaca01fb71c9f83b58591439b52716d8a17d16255d0a4c2396b5b7e",
                     "7c1485bc4541af5d9f20ccc0dc232b1082cd55f11e93fbc6c1040dff31f9ba71"),
    "dtypes": ("7d6e75dea9f86eb86d752d60e52d2c1929ecd727ed35153e366caa3d556c4709",
               "c530cb5da59a83c9d09653db8de79dee02febefd8ddaf0a29218315460e8f3b1"),
    "strings": ("9fd1393ec9057bf93348389b38e0afaa29b76679a137165da1b31c3a2b9abae3",
                "231ce62a5e3f2a8002d5f86b2538d10242bfe75a5316a03d5310615f41dc5b69"),
}


@pytest.mark.parametrize("case", sorted(TF_DIGESTS))
def test_write_matches_tensorflow_digests(tmp_path, case):
    tensors = reference_case(case)
    prefix = bundle.write_bundle(str(tmp_path / "ckpt"), tensors)
    index_digest, data_digest = TF_DIGESTS[case]
    assert hashlib.sha256(Path(prefix + ".index").read_bytes()).hexdigest() == index_digest
    assert hashlib.sha256(Path(prefix + DATA_SUFFIX).read_bytes()).hexdigest() == data_digest
    reader = bundle.BundleReader(prefix)
    assert reader.keys() == sorted(tensors, key=lambda k: k.encode("utf-8"))
    for key, value in tensors.items():
        got = reader.get_tensor(key)
        assert got.dtype == np.asarray(value).dtype and got.shape == np.asarray(value).shape
        assert np.array_equal(got, value), key


def data_block_handles(table):
    """[(offset, size)] of an SSTable's data blocks, from its footer and index block."""
    footer, pos, numbers = table[-48:], 0, []
    for _ in range(4):  # metaindex offset and size, index offset and size
        value, pos = bundle._read_varint(footer, pos, "test")
        numbers.append(value)
    handles = []
    for _, handle in bundle._block_entries(bundle._read_block(table, *numbers[2:], "test"), "test"):
        offset, pos = bundle._read_varint(handle, 0, "test")
        handles.append((offset, bundle._read_varint(handle, pos, "test")[0]))
    return handles


def test_multi_block_index_really_has_several_blocks(tmp_path):
    prefix = bundle.write_bundle(str(tmp_path / "ckpt"), reference_case("multi_block"))
    handles = data_block_handles(Path(prefix + ".index").read_bytes())
    assert len(handles) == 2
    assert handles[0][1] >= 256 * 1024 - 200  # cut when it reached TF's 256 KiB block size


def test_round_trip_converts_inputs(tmp_path):
    big_endian = np.arange(6, dtype=">f4").reshape(2, 3)
    transposed = np.arange(12, dtype=np.int64).reshape(3, 4).T
    tensors = {"be": big_endian, "t": transposed, "list": [[1.5, 2.5]], "py_int": 7,
               "unicode": np.array(["h\u00e9", "\u4e2d"]), "\u4e2d/name": np.float32(1)}
    reader = bundle.BundleReader(bundle.write_bundle(str(tmp_path / "ckpt"), tensors))
    assert reader.get_tensor("be").dtype == np.float32  # stored little-endian, read native
    assert reader.get_tensor("be").tolist() == big_endian.tolist()
    assert reader.get_tensor("t").tolist() == transposed.tolist()
    assert reader.get_tensor("list").tolist() == [[1.5, 2.5]]
    assert reader.get_tensor("py_int").shape == ()
    assert reader.get_tensor("unicode").tolist() == ["h\u00e9".encode(), "\u4e2d".encode()]
    assert reader.get_tensor("\u4e2d/name") == 1


def test_write_rejects_bad_names_and_dtypes(tmp_path):
    with pytest.raises(ValueError):
        bundle.write_bundle(str(tmp_path / "a"), {"": np.zeros(1)})  # "" is the header's key
    with pytest.raises(TypeError, match="datetime"):
        bundle.write_bundle(str(tmp_path / "b"), {"d": np.array(["2020-01-01"], "datetime64[D]")})
    with pytest.raises(TypeError, match="bytes or str"):
        bundle.write_bundle(str(tmp_path / "c"), {"s": np.array([b"a", 1], dtype=object)})
    assert os.listdir(tmp_path) == []  # nothing written when the tensors are rejected


def test_empty_bundle_round_trips(tmp_path):
    prefix = bundle.write_bundle(str(tmp_path / "sub" / "dir" / "ckpt"), {})  # makes dirs
    assert bundle.BundleReader(prefix).keys() == []
    assert Path(prefix + DATA_SUFFIX).read_bytes() == b""


def test_write_is_atomic(tmp_path, monkeypatch):
    prefix = bundle.write_bundle(str(tmp_path / "ckpt"), {"x": np.ones(3, np.float32)})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        bundle.write_bundle(prefix, {"x": np.zeros(3, np.float32)})
    # The old checkpoint is intact and no temporary file is left behind.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    monkeypatch.undo()
    bundle.write_bundle(prefix, {"y": np.zeros(2, np.int32)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt" + DATA_SUFFIX, "ckpt.index"]
    assert bundle.BundleReader(prefix).keys() == ["y"]


# ------------------------------------------------------------------------------------------
# Damaged and missing files
# ------------------------------------------------------------------------------------------

def test_missing_prefix_raises_not_found(tmp_path):
    prefix = str(tmp_path / "nope" / "model.ckpt")
    with pytest.raises(errors.NotFoundError, match="nope/model.ckpt") as info:
        bundle.BundleReader(prefix)
    assert info.value.error_code == errors.NOT_FOUND


def test_missing_data_file_raises_not_found(tmp_path):
    prefix = copy_checkpoint(tmp_path)
    os.remove(prefix + DATA_SUFFIX)
    with pytest.raises(errors.NotFoundError, match="model.ckpt.data-00000-of-00001"):
        bundle.BundleReader(prefix)


def test_missing_tensor_raises_not_found():
    reader = bundle.BundleReader(fixture_prefix("dtypes_and_shapes", "model.ckpt"))
    with pytest.raises(errors.NotFoundError, match="Key nope not found"):
        reader.get_tensor("nope")
    with pytest.raises(errors.NotFoundError):
        reader.get_tensor("")  # the header's key is not a tensor


def test_every_corrupted_index_byte_is_detected(tmp_path):
    prefix = copy_checkpoint(tmp_path)
    path = Path(prefix + ".index")
    original = path.read_bytes()
    for i in range(len(original)):
        damaged = bytearray(original)
        damaged[i] ^= 0x10
        path.write_bytes(bytes(damaged))
        with pytest.raises(errors.DataLossError, match=r"model\.ckpt\.index"):
            bundle.BundleReader(prefix)


@pytest.mark.parametrize("length", [0, 10, 47, 48, 200, 348])
def test_truncated_index_is_detected(tmp_path, length):
    prefix = copy_checkpoint(tmp_path)
    path = Path(prefix + ".index")
    path.write_bytes(path.read_bytes()[:length])
    with pytest.raises(errors.DataLossError, match=r"model\.ckpt\.index"):
        bundle.BundleReader(prefix)


def test_corrupted_data_byte_is_detected(tmp_path):
    prefix = copy_checkpoint(tmp_path)
    reader = bundle.BundleReader(prefix)
    entry = reader.entry("scope/mat_f64")
    path = Path(prefix + DATA_SUFFIX)
    damaged = bytearray(path.read_bytes())
    damaged[entry.offset + 5] ^= 0x01  # one bit of one float64
    path.write_bytes(bytes(damaged))
    with pytest.raises(errors.DataLossError, match=r"model\.ckpt\.data-00000-of-00001") as info:
        reader.get_tensor("scope/mat_f64")
    assert "scope/mat_f64" in str(info.value)
    assert reader.get_tensor("big").shape == (300, 200)  # other tensors are still readable


def test_truncated_data_file_is_detected(tmp_path):
    prefix = copy_checkpoint(tmp_path)
    path = Path(prefix + DATA_SUFFIX)
    path.write_bytes(path.read_bytes()[:-3])
    reader = bundle.BundleReader(prefix)  # the index alone is fine
    last = max(reader.keys(), key=lambda k: reader.entry(k).offset)
    with pytest.raises(errors.DataLossError, match=r"model\.ckpt\.data-00000-of-00001"):
        reader.get_tensor(last)


def test_entry_size_inconsistent_with_shape_is_detected(tmp_path):
    # A well-formed index (valid CRCs) whose entry disagrees with its own dtype and shape.
    prefix = str(tmp_path / "ckpt")
    bundle.write_bundle(prefix, {"x": np.zeros(4, np.float32)})
    entry = bundle.BundleReader(prefix).entry("x")
    entry.size = 8
    header = bundle._header_bytes()
    Path(prefix + ".index").write_bytes(
        bundle._build_table([(b"", header), (b"x", entry.SerializeToString())]))
    with pytest.raises(errors.DataLossError, match="ckpt.index"):
        bundle.BundleReader(prefix).get_tensor("x")


def test_string_length_checksum_is_checked(tmp_path):
    prefix = bundle.write_bundle(str(tmp_path / "ckpt"), {"s": np.array([b"abc", b"de"], object)})
    path = Path(prefix + DATA_SUFFIX)
    raw = bytearray(path.read_bytes())
    raw[2] ^= 0xFF  # inside the 4-byte length checksum that follows the two varint lengths
    path.write_bytes(bytes(raw))
    with pytest.raises(errors.DataLossError, match="checksum"):
        bundle.BundleReader(prefix).get_tensor("s")


def test_block_trailer_layout():
    # Each block's trailer is a 0 type byte and the masked CRC of block + type byte.
    table = (FIXTURES / "dtypes_and_shapes" / "model.ckpt.index").read_bytes()
    assert struct.unpack("<Q", table[-8:])[0] == 0xDB4775248B80FB57
    ((offset, size),) = data_block_handles(table)
    assert table[offset + size] == 0
    stored = struct.unpack_from("<I", table, offset + size + 1)[0]
    assert stored == bundle.masked_crc32c(table[offset:offset + size + 1])


def test_reads_big_endian_bundles(tmp_path):
    # TF records the writer's byte order in the header; a big-endian machine's bundle must
    # read back as the same values here.
    raw = np.array([1.5, -2.0, 3.25], dtype=">f4").tobytes()
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=1, endianness=1)
    header.version.producer = 1
    entry = tensor_bundle_pb2.BundleEntryProto(dtype=1, size=len(raw),
                                               crc32c=bundle.masked_crc32c(raw))
    entry.shape.dim.add(size=3)
    prefix = str(tmp_path / "ckpt")
    Path(prefix + ".index").write_bytes(bundle._build_table(
        [(b"", header.SerializeToString()), (b"x", entry.SerializeToString())]))
    Path(prefix + DATA_SUFFIX).write_bytes(raw)
    value = bundle.BundleReader(prefix).get_tensor("x")
    assert value.dtype == np.float32 and value.tolist() == [1.5, -2.0, 3.25]


def test_a_failed_rewrite_of_a_prefix_leaves_the_old_checkpoint_loadable(tmp_path, monkeypatch):
    """A full disk while writing the index must not strand new data beside the old index."""
    import errno
    prefix = str(tmp_path / "model.ckpt")
    bundle.write_bundle(prefix, {"v": np.arange(4, dtype=np.float32)})
    real_fsync, calls = bundle.os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # the second temporary file: the index
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(bundle.os, "fsync", fsync)
    with pytest.raises(OSError):
        bundle.write_bundle(prefix, {"v": np.arange(4, dtype=np.float32) * 10})
    monkeypatch.setattr(bundle.os, "fsync", real_fsync)
    np.testing.assert_array_equal(bundle.BundleReader(prefix).get_tensor("v"), np.arange(4))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "model.ckpt.data-00000-of-00001", "model.ckpt.index"]  # no temporary files left
