"""tf.train.init_from_checkpoint: variables initialized from a checkpoint's tensors, by name, by
Variable, and scope to scope; TF's op names and error messages (recorded from TF 2.21's
compat.v1 running the same programs); a checkpoint TensorFlow wrote (tests/fixtures) loaded
into a fine-tuned model's first layer."""

import os

import numpy as np
import pytest

import minitf as tf

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_checkpoints")


@pytest.fixture
def checkpoint(tmp_path):
    with tf.Graph().as_default():
        with tf.variable_scope("old"):
            tf.get_variable("w", initializer=np.arange(6, dtype=np.float32).reshape(2, 3))
            tf.get_variable("b", initializer=np.float32([7, 8, 9]))
            with tf.variable_scope("inner"):
                tf.get_variable("k", initializer=np.float32(5))
        tf.Variable(np.float32(42), name="other")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, str(tmp_path / "model"))
    return str(tmp_path)


def _new_model():
    with tf.variable_scope("new"):
        w = tf.get_variable("w", [2, 3])
        b = tf.get_variable("b", [3])
        with tf.variable_scope("inner"):
            k = tf.get_variable("k", [])
    return w, b, k, tf.Variable(0.0, name="v")


def _initialized(variables):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(variables)


W, B, K = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [7.0, 8.0, 9.0], 5.0


def test_scope_to_scope_and_a_variable_object(checkpoint):
    with tf.Graph().as_default() as g:
        w, b, k, v = _new_model()
        tf.train.init_from_checkpoint(checkpoint, {"old/": "new/", "other": v})
        assert [x.tolist() for x in _initialized([w, b, k, v])] == [W, B, K, 42.0]
        assert sorted(o.name for o in g.get_operations()
                      if "checkpoint_initializer" in o.name)[:6] == [
            "checkpoint_initializer", "checkpoint_initializer/prefix",
            "checkpoint_initializer/shape_and_slices", "checkpoint_initializer/tensor_names",
            "checkpoint_initializer_1", "checkpoint_initializer_1/prefix"]
        assert w.initializer.name == "Assign_2" and w.initial_value.shape.as_list() == [2, 3]


def test_names_one_to_one_leave_the_others_to_their_initializers(checkpoint):
    with tf.Graph().as_default():
        w, b, k, v = _new_model()
        tf.train.init_from_checkpoint(checkpoint + "/model", {"old/w": "new/w",
                                                              "old/inner/k": k})
        got = _initialized([w, b, k, v])
        assert got[0].tolist() == W and got[2] == K and got[3] == 0.0
        assert got[1].tolist() != B  # its own (random) initializer


def test_an_inner_scope_alone(checkpoint):
    with tf.Graph().as_default():
        w, b, k, v = _new_model()
        tf.train.init_from_checkpoint(checkpoint, {"old/inner/": "new/inner/"})
        got = _initialized([w, b, k])
        assert got[2] == K and got[0].tolist() != W


@pytest.mark.parametrize("mapping,message", [
    ({"/": "new/"}, "Tensor b (b in /) is not found in CKPT checkpoint"),
    ({"old/b": "new/w"}, "Shape of variable new/w:0 ((2, 3)) doesn't match with shape of "
                         "tensor old/b ([3]) from checkpoint reader."),
    ({"old/zz": "new/w"}, "Tensor old/zz is not found in CKPT checkpoint {"),
    ({"old": "new/"}, "Assignment map with scope only name new should map to scope only old. "
                      "Should be 'scope/': 'other_scope/'."),
])
def test_tfs_errors(checkpoint, mapping, message):
    with tf.Graph().as_default():
        _new_model()
        with pytest.raises(ValueError) as e:
            tf.train.init_from_checkpoint(checkpoint, mapping)
        assert str(e.value).startswith(message.replace("CKPT", checkpoint))


def test_a_tensorflow_checkpoint_starts_a_fine_tuned_model():
    # the first layer of the MLP TF trained (tests/fixtures/tf_checkpoints/adam_mlp) under
    # a new scope; the new head keeps its own initializer, and the model runs
    path = os.path.join(FIXTURES, "adam_mlp")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 8])
        with tf.variable_scope("pretrained"):
            h = tf.layers.dense(x, 16, activation=tf.nn.relu, name="dense")
        logits = tf.layers.dense(h, 3, name="head")
        tf.train.init_from_checkpoint(path, {"dense/": "pretrained/dense/"})
        kernel, bias, head = tf.trainable_variables()[:3]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got_kernel, got_bias, got_head = sess.run([kernel, bias, head])
            xv = np.ones((2, 8), np.float32)
            out = sess.run(logits, {x: xv})
    reader = tf.train.load_checkpoint(path)
    np.testing.assert_array_equal(got_kernel, reader.get_tensor("dense/kernel"))
    np.testing.assert_array_equal(got_bias, reader.get_tensor("dense/bias"))
    hidden = np.maximum(xv @ got_kernel + got_bias, 0)
    np.testing.assert_allclose(out, hidden @ got_head, rtol=1e-5, atol=1e-6)
