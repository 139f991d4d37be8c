"""A graph file is a program: importing one refuses ops that write files of the file's
choosing unless the caller opts in, and reading checkpoints or graphs never executes code."""

import os
import re
import sys

import pytest

import minitf as tf
from minitf import errors
from minitf.train.saver import SaveV2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _ops(graph):
    return [(op.name, op.type) for op in graph.get_operations()]


def _print_to_file_graph_def(path):
    with tf.Graph().as_default() as g:
        x = tf.constant([1.0, 2.0], name="x")
        tf.print("pwned", x, output_stream="file://" + path, name="evil")
    return g.as_graph_def()


def _constant_prefix_save_graph_def(prefix):
    with tf.Graph().as_default() as g:
        v = tf.Variable([1.0, 2.0], name="v")
        g.create_op(SaveV2((tf.float32,)), [tf.constant(prefix), tf.constant(["v"]),
                                              tf.constant([""]), v._ref()], name="sneaky_save")
    return g.as_graph_def()


def test_a_print_to_a_file_is_refused_at_import_and_nothing_is_written(tmp_path):
    target = str(tmp_path / "bashrc")
    graph_def = _print_to_file_graph_def(target)
    with tf.Graph().as_default() as g:
        before = _ops(g)
        with pytest.raises(errors.PermissionDeniedError, match="evil.*PrintV2.*bashrc"):
            tf.import_graph_def(graph_def)
        assert _ops(g) == before
    assert not os.path.exists(target)


def test_a_print_to_a_file_imports_when_the_caller_allows_file_writes(tmp_path):
    target = str(tmp_path / "log.txt")
    with tf.Graph().as_default():
        tf.import_graph_def(_print_to_file_graph_def(target), name="", allow_file_writes=True)
        with tf.Session() as sess:
            sess.run("evil")
    with open(target) as f:
        assert f.read() == "pwned [1 2]\n"


@pytest.mark.parametrize("stream", ["log(info)", "/etc/passwd"])
def test_a_print_to_any_other_named_stream_is_refused(stream):
    with tf.Graph().as_default() as g:
        tf.print("x", output_stream=sys.stdout, name="p")
    graph_def = g.as_graph_def()
    node = next(n for n in graph_def.node if n.name == "p")
    node.attr["output_stream"].s = stream.encode()
    with tf.Graph().as_default():
        with pytest.raises(errors.PermissionDeniedError, match=re.escape(repr(stream))):
            tf.import_graph_def(graph_def)


def test_a_save_op_with_a_prefix_the_file_chooses_is_refused(tmp_path):
    prefix = str(tmp_path / "elsewhere" / "ckpt")
    with tf.Graph().as_default() as g:
        with pytest.raises(errors.PermissionDeniedError, match="sneaky_save.*SaveV2.*elsewhere"):
            tf.import_graph_def(_constant_prefix_save_graph_def(prefix))
        assert g.get_operations() == []
        tf.import_graph_def(_constant_prefix_save_graph_def(prefix), allow_file_writes=True)
        assert "import/sneaky_save" in [op.name for op in g.get_operations()]


def test_a_saver_whose_default_filename_has_a_directory_is_refused(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        saver = tf.train.Saver(filename=str(tmp_path / "sub" / "model"))
        meta = saver.export_meta_graph()
    with tf.Graph().as_default():
        with pytest.raises(errors.PermissionDeniedError, match="save/SaveV2.*sub"):
            tf.train.import_meta_graph(meta)


def test_the_imported_saver_still_saves_and_restores_at_the_callers_path(tmp_path):
    with tf.Graph().as_default():
        v = tf.Variable([3.0, 4.0], name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(v.initializer)
            prefix = saver.save(sess, str(tmp_path / "a" / "model.ckpt"))
    with tf.Graph().as_default():
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        (v,) = tf.global_variables()
        with tf.Session() as sess:
            restorer.restore(sess, prefix)
            sess.run(v.assign([5.0, 6.0]))
            second = restorer.save(sess, str(tmp_path / "b" / "model.ckpt"))
    assert tf.train.load_variable(second, "v").tolist() == [5.0, 6.0]
    assert sorted(os.listdir(tmp_path)) == ["a", "b"]


# Modules whose behaviour is driven by the bytes of a checkpoint, GraphDef or .meta file.
_DATA_READERS = ["minitf/train/bundle.py", "minitf/train/checkpoint_reader.py",
                 "minitf/train/checkpoint_state.py", "minitf/train/saver.py",
                 "minitf/framework/importer.py", "minitf/framework/meta_graph.py",
                 "minitf/framework/graph_def.py", "minitf/framework/tensor_util.py",
                 "minitf/tools/inspect_checkpoint.py", "minitf/datasets/__init__.py",
                 "minitf/keras/saving.py"]


def test_reading_files_never_executes_code():
    pattern = re.compile(r"\bpickle\b|\bmarshal\b|\beval\s*\(|\bexec\s*\(|allow_pickle\s*=\s*True"
                         r"|\b__import__\b|import_module|\bshelve\b|yaml\.load\b")
    found = []
    for path in _DATA_READERS:
        with open(os.path.join(ROOT, path)) as f:
            for number, line in enumerate(f, 1):
                if pattern.search(line):
                    found.append("%s:%d: %s" % (path, number, line.strip()))
    assert found == []
