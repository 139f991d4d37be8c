"""Small hostile files (valid checksums, crafted fields) are refused quickly with the tf.errors
class TF uses, without allocating more than the files hold."""

import io
import time
import tracemalloc
import types
from pathlib import Path

import numpy as np
import pytest
from tensorboardX.proto import graph_pb2

import minitf as tf
from minitf import errors
from minitf.framework.graph_def import MAX_EXPANDED_TENSOR_BYTES
from minitf.protos import meta_graph_pb2, tensor_bundle_pb2
from minitf.tools import inspect_checkpoint
from minitf.train import bundle

MiB = 1 << 20


def _rewrite_index(prefix, entries, num_shards=1):
    """Replaces the bundle's index by one with these (name, BundleEntryProto) entries: every
    block CRC is valid, only the fields lie."""
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=num_shards)
    header.version.producer = 1
    items = [(b"", header.SerializeToString())]
    items += [(name.encode(), entry.SerializeToString()) for name, entry in sorted(entries)]
    Path(bundle.index_filename(prefix)).write_bytes(bundle._build_table(items))


class _Peak:
    """The peak of Python and numpy allocations inside the block (tracemalloc sees both)."""

    def __enter__(self):
        tracemalloc.start()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_a_header_declaring_two_billion_shards_is_refused_at_once(tmp_path):
    prefix = str(tmp_path / "ckpt")
    bundle.write_bundle(prefix, {})
    _rewrite_index(prefix, [], num_shards=2 ** 31 - 1)
    assert Path(prefix + ".index").stat().st_size < 200
    with _Peak() as peak, pytest.raises(errors.DataLossError, match="2147483647 shards"):
        bundle.BundleReader(prefix)
    assert peak.seconds < 1 and peak.bytes < MiB


def test_an_index_naming_one_data_block_many_times_is_refused_quickly(tmp_path):
    prefix = str(tmp_path / "ckpt")
    names = ["t%05d" % i for i in range(3000)]  # enough entries for a 100 KB data block
    bundle.write_bundle(prefix, {n: np.zeros(1, np.float32) for n in names})
    table = Path(prefix + ".index").read_bytes()
    first_handle = bundle._block_entries(bundle._read_block(
        table, *_index_handle(table), "index"), "index")[0][1]
    index = bundle._BlockBuilder(1)
    for i in range(1000):
        index.add(b"z%04d" % i, first_handle)
    block_end = bundle._read_varint(first_handle, 0, "")[0] + bundle._read_varint(
        first_handle, len(bundle._varint(bundle._read_varint(first_handle, 0, "")[0])), "")[0]
    body = bytearray(table[:block_end + bundle._BLOCK_TRAILER_SIZE])
    meta = _append_block(body, bundle._BlockBuilder(16).finish())
    handle = _append_block(body, index.finish())
    body += (bundle._block_handle(*meta) + bundle._block_handle(*handle)).ljust(40, b"\0")
    body += np.uint64(bundle._TABLE_MAGIC).tobytes()
    Path(prefix + ".index").write_bytes(bytes(body))
    with _Peak() as peak, pytest.raises(errors.DataLossError, match="overlaps"):
        bundle.BundleReader(prefix)
    assert peak.seconds < 2 and peak.bytes < 10 * len(body)


def _index_handle(table):
    footer = table[-bundle._FOOTER_SIZE:]
    pos = 0
    for _ in range(2):
        _, pos = bundle._read_varint(footer, pos, "")
    offset, pos = bundle._read_varint(footer, pos, "")
    size, _ = bundle._read_varint(footer, pos, "")
    return offset, size


def _append_block(out, contents):
    offset = len(out)
    out += contents + b"\0" + np.uint32(bundle.masked_crc32c(contents + b"\0")).tobytes()
    return offset, len(contents)


def _crafted(tmp_path, **fields):
    """A checkpoint holding x (float32 [4]) and s (2 strings) whose entry for `fields["name"]`
    has the other fields changed."""
    prefix = str(tmp_path / "ckpt")
    bundle.write_bundle(prefix, {"x": np.arange(4, dtype=np.float32),
                                 "s": np.array([b"abc", b"de"], object)})
    reader = bundle.BundleReader(prefix)
    entries = {name: reader.entry(name) for name in reader.keys()}
    target = entries[fields.pop("name")]
    dims = fields.pop("dims", None)
    if dims is not None:
        del target.shape.dim[:]
        for d in dims:
            target.shape.dim.add(size=d)
    for key, value in fields.items():
        setattr(target, key, value)
    _rewrite_index(prefix, entries.items())
    return prefix


@pytest.mark.parametrize("fields", [
    dict(name="x", offset=-8),
    dict(name="x", size=10 ** 12, dims=[250 * 10 ** 9]),
    dict(name="x", offset=2 ** 62),
    dict(name="x", dims=[-1, -4]),
    dict(name="x", dims=[2 ** 62, 2 ** 62]),
    dict(name="x", dims=[2 ** 31, 2 ** 31]),
    dict(name="s", dims=[10 ** 12]),
    dict(name="s", dims=[3]),
    dict(name="s", size=10 ** 12),
], ids=lambda f: ",".join("%s=%s" % kv for kv in f.items()))
def test_crafted_entry_fields_are_data_loss_naming_file_and_tensor(tmp_path, fields):
    name = fields["name"]
    prefix = _crafted(tmp_path, **dict(fields))
    reader = bundle.BundleReader(prefix)
    with _Peak() as peak, pytest.raises(errors.DataLossError) as info:
        reader.get_tensor(name)
    assert "ckpt." in str(info.value) and "tensor %r" % name in str(info.value)
    assert peak.bytes < MiB
    # The command-line tool prints one line, not a traceback.
    out, err = io.StringIO(), io.StringIO()
    args = types.SimpleNamespace(path=prefix, tensor=name, all=False)
    assert inspect_checkpoint.run(args, out, err) == 1
    assert err.getvalue().count("\n") == 1 and "DataLoss" not in err.getvalue()
    assert "corrupted checkpoint" in err.getvalue()


def _const_graph_def(name, datatype, size, field, values):
    """A GraphDef of one Const node of shape [size] whose TensorProto holds `values`."""
    graph_def = graph_pb2.GraphDef()
    node = graph_def.node.add(name=name, op="Const")
    node.attr["dtype"].type = datatype
    tensor = node.attr["value"].tensor
    tensor.dtype = datatype
    tensor.tensor_shape.dim.add(size=size)
    getattr(tensor, field).extend(values)
    return graph_def


def test_a_tiny_const_node_of_a_huge_shape_imports_without_allocating_it():
    graph_def = _const_graph_def("big", 1, 500_000_000, "float_val", [1.0])
    assert len(graph_def.SerializeToString()) < 60
    with tf.Graph().as_default():
        with _Peak() as peak:
            (big,) = tf.import_graph_def(graph_def, return_elements=["big:0"])
        assert peak.bytes < MiB
        assert big.shape.as_list() == [500_000_000]
        with tf.Session() as sess:
            assert sess.run(tf.reduce_max(big[:10])) == 1.0


def test_a_const_repeating_several_values_to_a_huge_shape_is_refused():
    graph_def = _const_graph_def("big", 1, MAX_EXPANDED_TENSOR_BYTES, "float_val", [1.0, 2.0])
    with tf.Graph().as_default() as g, _Peak() as peak:
        with pytest.raises(ValueError, match="above minitf's limit"):
            tf.import_graph_def(graph_def)
        assert g.get_operations() == []
    assert peak.bytes < MiB


def test_a_splat_const_exports_as_one_value_again():
    graph_def = _const_graph_def("c", 3, 1000, "int_val", [7])
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        exported = g.as_graph_def()
        with tf.Session() as sess:
            assert sess.run("c:0").tolist() == [7] * 1000
    (value,) = [n.attr["value"].tensor for n in exported.node if n.name == "c"]
    assert list(value.int_val) == [7] and not value.tensor_content


def _meta_with_variable(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        tf.add_to_collection("things", tf.constant(2.0, name="two"))
        return tf.train.Saver().export_meta_graph()


def test_a_damaged_variable_collection_is_data_loss_and_imports_nothing(tmp_path):
    meta = _meta_with_variable(tmp_path)
    meta.collection_def["variables"].bytes_list.value[0] = b"\xff\xff\xff"
    with tf.Graph().as_default() as g:
        with pytest.raises(errors.DataLossError, match="variables"):
            tf.train.import_meta_graph(meta)
        assert g.get_operations() == []


@pytest.mark.parametrize("damage", ["node_list", "variable_def"])
def test_a_collection_naming_a_missing_element_is_invalid_argument(tmp_path, damage):
    meta = _meta_with_variable(tmp_path)
    if damage == "node_list":
        meta.collection_def["things"].node_list.value[0] = "nowhere:0"
    else:
        from minitf.framework.meta_graph import VariableDef
        proto = VariableDef.FromString(meta.collection_def["variables"].bytes_list.value[0])
        proto.variable_name = "nowhere:0"
        meta.collection_def["variables"].bytes_list.value[0] = proto.SerializeToString()
    with tf.Graph().as_default() as g:
        with pytest.raises(errors.InvalidArgumentError, match="nowhere"):
            tf.train.import_meta_graph(meta)
        assert g.get_operations() == []
