"""3-D pooling and the 3-D / separable 1-D tf.layers against what TF 2.21 compat.v1 (with
tf_keras for tf.layers) gives for the same programs (tests/pool3d_programs.py, recorded by
tests/record_tf_pool3d.py): output and gradient names, static shapes, values, variable names,
TF's choices on ties, and the error classes. The op table (tests/op_specs/conv_specs.py) checks
each op against direct-loop numpy and numerical gradients."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import pool3d_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_pool3d.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)


def test_pooling_and_its_gradients_are_tfs(recorded):
    got = programs.pooling(tf)
    for key, want in recorded["pooling"].items():
        if key in ("ties", "ties_second", "int_ksize_shape"):
            assert got[key] == want, key
            continue
        for field in ("name", "grad_name", "grad_type", "shape"):
            assert got[key][field] == want[field], (key, field)
        np.testing.assert_allclose(got[key]["y"], want["y"], rtol=1e-6, atol=1e-6, err_msg=key)
        np.testing.assert_allclose(got[key]["g"], want["g"], rtol=1e-5, atol=1e-6, err_msg=key)


def test_ties_go_where_tf_sends_them(recorded):
    """MaxPool3DGrad gives every tied maximum the gradient; MaxPool3DGradGrad reads the first
    (unlike 2-D max pooling, whose gradient goes to the first maximum alone)."""
    assert recorded["pooling"]["ties"] == [0, 1, 1, 0, 0, 1, 0, 0]
    assert recorded["pooling"]["ties_second"] == [2.0]
    got = programs.pooling(tf)
    assert got["ties"] == recorded["pooling"]["ties"]
    assert got["ties_second"] == recorded["pooling"]["ties_second"]


def test_layers_are_tfs(recorded):
    got = programs.layers(tf)
    assert sorted(got) == sorted(recorded["layers"])
    for key, want in recorded["layers"].items():
        assert got[key]["variables"] == want["variables"], key
        assert got[key]["name"] == want["name"], key
        assert got[key]["shape"] == want["shape"], key
        np.testing.assert_allclose(got[key]["y"], want["y"], rtol=1e-5, atol=1e-5, err_msg=key)


def test_error_classes_are_tfs(recorded):
    got = programs.errors(tf)
    for key, want in recorded["errors"].items():
        assert got[key][0] == want[0], (key, got[key], want)
    assert got["ksize_length"] == recorded["errors"]["ksize_length"]
    assert got["rank"][1].startswith("Shape must be rank 5 but is rank 4")
    assert got["too_small"][1].startswith("Negative dimension size caused by subtracting 2 "
                                          "from 1 for 'AvgPool3D'")


def test_pooling_over_the_batch_or_channels_is_refused_when_built():
    x = tf.placeholder(tf.float32, [2, 4, 4, 4, 3])
    with pytest.raises(ValueError, match="not yet supported on the batch dimension"):
        tf.nn.max_pool3d(x, [2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="not yet supported on the depth \\(channel\\)"):
        tf.nn.avg_pool3d(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 3], "VALID")


def test_a_small_3d_cnn_learns_to_tell_two_kinds_of_volume_apart():
    """Volumes with a bright cube in the front half or the back half: conv3d, max pooling,
    average pooling and a dense layer trained with Adam separate them."""
    rng = np.random.RandomState(0)
    n = 64
    x_value = rng.rand(n, 8, 8, 8, 1).astype(np.float32) * 0.3
    labels = rng.randint(0, 2, n)
    for i, label in enumerate(labels):
        d = rng.randint(0, 2) + (4 if label else 0)
        x_value[i, d:d + 2, 2:5, 2:5, 0] += 1.0
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 8, 8, 8, 1])
    y = tf.placeholder(tf.int64, [None])
    h = tf.layers.conv3d(x, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling3d(h, 2, 2)
    h = tf.layers.average_pooling3d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 2)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    step = tf.train.AdamOptimizer(0.05).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: x_value, y: labels})
        for _ in range(40):
            sess.run(step, {x: x_value, y: labels})
        last, acc = sess.run([loss, accuracy], {x: x_value, y: labels})
    assert last < 0.5 * first
    assert acc >= 0.95
