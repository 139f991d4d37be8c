"""Failures while saving and feeding raise the tf.errors class TF's errno mapping gives, a
killed save's temporary files are cleaned by the next save, and `minitf demo` fails in one line."""

import os
import subprocess
import sys

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.__main__ import main as minitf_main
from minitf.train import bundle


def _saver_and_session():
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(v.initializer)
    return saver, sess


def test_a_directory_in_the_way_of_the_meta_file_is_failed_precondition(tmp_path):
    (tmp_path / "model.ckpt.meta").mkdir()
    with tf.Graph().as_default():
        saver, sess = _saver_and_session()
        with pytest.raises(errors.FailedPreconditionError, match=r"model\.ckpt\.meta"):
            saver.save(sess, str(tmp_path / "model.ckpt"))
        with pytest.raises(errors.FailedPreconditionError, match="MetaGraphDef"):
            tf.train.export_meta_graph(str(tmp_path / "model.ckpt.meta"))


def test_a_directory_in_the_way_of_the_checkpoint_state_is_failed_precondition(tmp_path):
    (tmp_path / "checkpoint").mkdir()
    with tf.Graph().as_default():
        saver, sess = _saver_and_session()
        with pytest.raises(errors.FailedPreconditionError, match="checkpoint state"):
            saver.save(sess, str(tmp_path / "model.ckpt"))


def test_a_file_in_the_way_of_the_meta_directory_is_failed_precondition(tmp_path):
    (tmp_path / "sub").write_text("not a directory")
    with tf.Graph().as_default():
        with pytest.raises(errors.FailedPreconditionError):
            tf.train.export_meta_graph(str(tmp_path / "sub" / "graph.meta"))


_KILLED_WRITER = """
import os, signal, sys
from minitf.train import bundle
def chunks():
    yield b"half of a checkpoint"
    os.kill(os.getpid(), signal.SIGKILL)
bundle.write_file_atomically(sys.argv[1], chunks())
"""


def test_temporaries_of_a_killed_save_are_removed_by_the_next_save(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    killed = subprocess.run([sys.executable, "-c", _KILLED_WRITER, prefix + ".index"],
                            cwd=root, env=dict(os.environ, PYTHONPATH=root))
    assert killed.returncode == -9
    (stray,) = [f for f in os.listdir(tmp_path) if ".tempstate" in f]
    # Another live writer's temporary file (this process's pid) is left alone.
    live = "%s.data-00000-of-00001.tempstate%d-%s" % (prefix, os.getpid(), "0" * 32)
    open(live, "wb").close()
    with tf.Graph().as_default():
        saver, sess = _saver_and_session()
        saver.save(sess, prefix)
    left = sorted(f for f in os.listdir(tmp_path) if ".tempstate" in f)
    assert stray not in left and left == [os.path.basename(live)]
    assert bundle.BundleReader(prefix).get_tensor("v").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("dtype, value", [
    (tf.int32, [1, 2 ** 40]),
    (tf.int32, np.array([1, 2 ** 40])),
    (tf.uint8, 300),
    (tf.uint8, -1),
    (tf.int16, np.int64(2 ** 20)),
], ids=["list", "int64_array", "uint8_300", "uint8_negative", "numpy_scalar"])
def test_an_out_of_range_integer_feed_is_invalid_argument_naming_feed_and_dtype(dtype, value):
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, name="counts")
        with tf.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError, match="counts:0.*%s" % dtype.name):
                sess.run(x, {x: value})
            assert sess.run(x, {x: np.array(7)}) == 7  # in-range values still convert


def test_a_failing_demo_prints_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert minitf_main(["demo", "--epochs", "1", "--logdir", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("minitf demo: ") and err.count("\n") == 1 and "Traceback" not in err
