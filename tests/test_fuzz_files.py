"""Fuzzing the readers of untrusted files (hypothesis, bounded): damaged checkpoints and
GraphDefs raise only tf.errors classes (and ValueError from import_graph_def, TF's class for
a bad GraphDef), each case finishes quickly, memory stays under an address-space limit, and a
failed import leaves the graph as it was.

Each reader runs in one subprocess whose address space is limited (resource.setrlimit) to
what it uses at the start plus 1 GiB, so an allocation a hostile file asks for fails there
as MemoryError (a finding) instead of swapping the machine."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("hypothesis")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_PRELUDE = r"""
import json, os, resource, sys, tempfile, time
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st
import minitf as tf
from minitf import errors

def vm_size():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")

LIMIT = vm_size() + (1 << 30)
resource.setrlimit(resource.RLIMIT_AS, (LIMIT, resource.RLIM_INFINITY))
SETTINGS = settings(max_examples=int(sys.argv[1]), derandomize=True, deadline=None,
                    database=None, suppress_health_check=list(HealthCheck))
stats = {"cases": 0, "errors": {}, "slowest": 0.0}

def timed(fn):
    start = time.perf_counter()
    try:
        fn()
    except errors.OpError as e:
        stats["errors"][type(e).__name__] = stats["errors"].get(type(e).__name__, 0) + 1
    finally:
        stats["cases"] += 1
        stats["slowest"] = max(stats["slowest"], time.perf_counter() - start)
"""

_BUNDLE = _PRELUDE + r"""
from minitf.protos import tensor_bundle_pb2
from minitf.train import bundle

directory = tempfile.mkdtemp()
prefix = os.path.join(directory, "ckpt")
bundle.write_bundle(prefix, {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
                             "b/int": np.array([1, 2, 3], np.int64), "c": np.float64(2.5),
                             "s": np.array([b"xy", b"", b"zzz"], object),
                             "t": np.ones((4, 5), np.float16)})
INDEX = open(prefix + ".index", "rb").read()
DATA = open(prefix + ".data-00000-of-00001", "rb").read()
reader = bundle.BundleReader(prefix)
ENTRIES = {k: reader.entry(k) for k in reader.keys()}
FIELDS = ["dtype", "shard_id", "offset", "size", "crc32c", "dims"]
BIG = st.one_of(st.integers(-2**63, 2**63 - 1), st.sampled_from(
    [-1, 0, 1, 7, 2**31 - 1, 2**31, 2**32, 10**12, 2**62, -2**63]))

def read_all():
    r = bundle.BundleReader(prefix)
    for key in r.keys():
        try:
            r.get_tensor(key)
        except errors.OpError:
            pass
        r.shape_map(); r.dtype_map()

def write(index, data):
    with open(prefix + ".index", "wb") as f:
        f.write(index)
    with open(prefix + ".data-00000-of-00001", "wb") as f:
        f.write(data)

@SETTINGS
@given(which=st.sampled_from(["index", "data"]),
       flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))
def damaged_bytes(which, flips, cut):
    raw = bytearray(INDEX if which == "index" else DATA)
    for pos, value in flips:
        raw[pos % len(raw)] = value
    if cut is not None:
        del raw[cut % (len(raw) + 1):]
    write(bytes(raw), DATA) if which == "index" else write(INDEX, bytes(raw))
    timed(read_all)

@SETTINGS
@given(key=st.sampled_from(sorted(ENTRIES)), field=st.sampled_from(FIELDS), value=BIG,
       shards=st.one_of(st.none(), st.integers(-5, 2**31 - 1)),
       dims=st.lists(BIG, max_size=4))
def crafted_fields(key, field, value, shards, dims):
    entry = tensor_bundle_pb2.BundleEntryProto()
    entry.CopyFrom(ENTRIES[key])
    try:
        if field == "dims":
            del entry.shape.dim[:]
            for d in dims:
                entry.shape.dim.add(size=d)
        elif field in ("dtype", "shard_id"):
            setattr(entry, field, max(-2**31, min(2**31 - 1, value)))
        elif field == "crc32c":
            setattr(entry, field, value % 2**32)
        else:
            setattr(entry, field, value)
    except ValueError:
        return
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=1 if shards is None else shards)
    header.version.producer = 1
    items = [(b"", header.SerializeToString())] + [
        (k.encode(), (entry if k == key else e).SerializeToString())
        for k, e in sorted(ENTRIES.items())]
    write(bundle._build_table(items), DATA)
    timed(read_all)

damaged_bytes()
crafted_fields()
print(json.dumps(stats))
"""

_IMPORTER = _PRELUDE + r"""
from tensorboardX.proto import graph_pb2
from minitf.framework.registry import REGISTRY

with tf.Graph().as_default() as source:
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(tf.ones([3, 2]), name="w")
    y = tf.nn.softmax(tf.matmul(x, w) + tf.zeros([2]), name="y")
    loss = tf.reduce_mean(tf.square(y), axis=1, name="loss")
    tf.reshape(tf.concat([loss, tf.fill([2], 1.0)], 0), [-1, 1], name="out")
    tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(loss), name="train")
GRAPH_DEF = source.as_graph_def(add_shapes=True) if "add_shapes" in \
    tf.Graph.as_graph_def.__code__.co_varnames else source.as_graph_def()
NODES = len(GRAPH_DEF.node)
OPS = sorted(REGISTRY)
ATTR_VALUES = st.one_of(
    st.integers(-2**63, 2**63 - 1).map(lambda i: ("i", i)),
    st.sampled_from([0, 1, 2, 3, 7, 9, 14, 20, 99, 2**31 - 1]).map(lambda t: ("type", t)),
    st.lists(st.integers(-2, 2**40), max_size=4).map(lambda d: ("shape", d)),
    st.binary(max_size=8).map(lambda s: ("s", s)),
    st.tuples(st.integers(0, 23), st.lists(st.integers(-1, 5 * 10**8), max_size=3),
              st.lists(st.floats(allow_nan=False, width=32), max_size=3)).map(
        lambda t: ("tensor", t)))

def set_attr(attr, kind_value):
    kind, value = kind_value
    if kind == "shape":
        attr.shape.Clear()
        for d in value:
            attr.shape.dim.add(size=d)
    elif kind == "tensor":
        dtype, dims, floats = value
        attr.tensor.Clear()
        attr.tensor.dtype = dtype
        for d in dims:
            attr.tensor.tensor_shape.dim.add(size=d)
        attr.tensor.float_val.extend(floats)
    else:
        setattr(attr, kind, value)

def import_and_compare(graph_def):
    with tf.Graph().as_default() as g:
        tf.constant(1.0, name="already_here")
        before = [(op.name, op.type) for op in g.get_operations()]
        try:
            tf.import_graph_def(graph_def)
        except ValueError:  # TF's class for a GraphDef it cannot import
            stats["errors"]["ValueError"] = stats["errors"].get("ValueError", 0) + 1
            assert [(op.name, op.type) for op in g.get_operations()] == before
            return
        except errors.OpError:
            assert [(op.name, op.type) for op in g.get_operations()] == before
            raise

@SETTINGS
@given(edits=st.lists(st.tuples(
    st.integers(0, 10**6), st.sampled_from(["op", "attr", "input", "drop", "device"]),
    st.sampled_from(OPS), ATTR_VALUES, st.integers(0, 10**6)), min_size=1, max_size=3))
def mutated_nodes(edits):
    graph_def = graph_pb2.GraphDef()
    graph_def.CopyFrom(GRAPH_DEF)
    for index, what, op_type, attr_value, other in edits:
        nodes = graph_def.node
        if not len(nodes):
            break
        node = nodes[index % len(nodes)]
        if what == "op":
            node.op = op_type
        elif what == "attr":
            keys = sorted(node.attr) or ["value"]
            set_attr(node.attr[keys[other % len(keys)]], attr_value)
        elif what == "input":
            source_node = nodes[other % len(nodes)].name
            suffix = ["", ":1", ":7", "^"][other % 4]
            entry = "^" + source_node if suffix == "^" else source_node + suffix
            if node.input and other % 2:
                node.input[other % len(node.input)] = entry
            else:
                node.input.append(entry)
        elif what == "drop":
            del nodes[index % len(nodes)]
        else:
            node.device = "/device:GPU:%d" % (other % 3)
    timed(lambda: import_and_compare(graph_def))

mutated_nodes()
print(json.dumps(stats))
"""


def _run(program, examples):
    out = subprocess.run([sys.executable, "-c", program, str(examples)], cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and RLIMIT_AS")
def test_damaged_checkpoints_raise_only_tf_errors_quickly_in_bounded_memory():
    stats = _run(_BUNDLE, 60)
    assert stats["cases"] == 120 and stats["slowest"] < 2.0, stats
    assert stats["errors"].get("DataLossError", 0) > 20, stats  # the fuzzing reached the checks


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and RLIMIT_AS")
def test_mutated_graph_defs_import_or_fail_cleanly_in_bounded_memory():
    stats = _run(_IMPORTER, 80)
    assert stats["cases"] == 80 and stats["slowest"] < 2.0, stats
    assert stats["errors"].get("ValueError", 0) > 10, stats
