"""tf.contrib.layers' layer functions, tf.contrib.framework and tf.contrib.slim against TF-Slim
(tests/record_tf_slim.py records tests/slim_programs.py with tf_slim into
tests/fixtures/tf_slim.json): variable names, shapes and collections, op names, outputs for
set weights, moving averages after the updates, and the errors of misuse."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import slim_programs

slim = tf.contrib.slim

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_slim.json")) as f:
    RECORDED = json.load(f)


def _array(value):
    """`value` as a float array when it is a (nested, rectangular) list of numbers."""
    if isinstance(value, float):
        return np.float64(value)
    if not isinstance(value, list) or not value:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array if array.dtype == np.float64 and array.size else None


def _compare(ours, theirs, path=""):
    """Equal structure and names; numbers (float32 outputs) to float32 rounding."""
    array = _array(theirs)
    if array is not None and not all(isinstance(v, int) for v in np.ravel(theirs)):
        np.testing.assert_allclose(np.asarray(ours, np.float64), array, rtol=2e-5, atol=2e-5,
                                   err_msg=path)
    elif isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), path
        for key in theirs:
            _compare(ours[key], theirs[key], path + "/" + key)
    elif isinstance(theirs, list) and isinstance(ours, (list, tuple)):
        assert len(ours) == len(theirs), (path, ours, theirs)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _compare(a, b, "%s[%d]" % (path, i))
    else:
        assert ours == theirs, (path, ours, theirs)


@pytest.mark.parametrize("mode", ["test", "train"])
def test_cnn_matches_tf_slim(mode):
    ours = slim_programs.cnn(tf, slim, mode == "train")
    _compare(ours, RECORDED["cnn"][mode], "cnn/" + mode)


@pytest.mark.parametrize("name", sorted(RECORDED["layers"]))
def test_layer_matches_tf_slim(name):
    ours, theirs = slim_programs.layer(tf, slim, name), RECORDED["layers"][name]
    if name in ("bn_rank3", "bn_plain_none"):
        # TF 2.21 running tf_slim names tf.nn.batch_normalization's scope `batchnorm_1` here
        # (a name it reserved on the way); minitf keeps the op's own `batchnorm`, as TF 1.15.
        assert theirs["outputs"][0][0] == "BatchNorm/batchnorm_1/add_1:0"
        theirs = dict(theirs, outputs=[["BatchNorm/batchnorm/add_1:0"] + theirs["outputs"][0][1:]])
    _compare(ours, theirs, name)


def test_framework_matches_tf_slim():
    _compare(slim_programs.framework(tf, slim), RECORDED["framework"], "framework")


# TF's own messages, where minitf gives the same text (the others name the same problem in
# minitf's words: TF's arg_scope message is a mis-formatted tuple, its batch_norm ones Keras').
SAME_MESSAGE = {"arg_scope_bad_kwarg", "arg_scope_not_list", "conv_rank2", "fc_float_outputs",
                "fc_unknown_last_dim", "layer_norm_axis", "pool_bad_format",
                "restore_not_list", "stack_args", "unit_norm_dim"}


@pytest.mark.parametrize("name", sorted(RECORDED["errors"]))
def test_errors_match_tf_slim(name):
    ours = slim_programs.error(tf, slim, name)
    theirs = RECORDED["errors"][name]
    assert ours is not None, "%s raised nothing; TF raised %s" % (name, theirs)
    assert ours[0] == theirs[0], (ours, theirs)
    if name in SAME_MESSAGE:
        assert ours[1] == theirs[1]


def _session_values(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_embed_sequence_looks_up_model_variable():
    tf.reset_default_graph()
    ids = tf.constant([[1, 3, 1], [0, 3, 2]])
    plain = slim.embed_sequence(ids, vocab_size=4, embed_dim=3)
    unique = slim.embed_sequence(ids, scope="EmbedSequence", reuse=True, unique=True)
    (table,) = tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)
    assert table.name == "EmbedSequence/embeddings:0" and table.shape.as_list() == [4, 3]
    assert plain.shape.as_list() == [2, 3, 3] and unique.shape.as_list() == [2, 3, 3]
    a, b, t = _session_values([plain, unique, table])
    np.testing.assert_array_equal(a, t[[[1, 3, 1], [0, 3, 2]]])
    np.testing.assert_array_equal(b, a)
    with pytest.raises(ValueError, match="Must specify vocab size and embedding dimension"):
        slim.embed_sequence(ids, vocab_size=4)


def test_arg_scoped_arguments_are_the_keyword_arguments():
    # TF slices co_varnames past the arguments (its list depends on the locals of TF's own
    # implementation); minitf lists exactly the arguments with defaults.
    assert slim.arg_scoped_arguments(slim.max_pool2d) == (
        "stride", "padding", "data_format", "outputs_collections", "scope")
    assert slim.has_arg_scope(slim.conv2d) and not slim.has_arg_scope(tf.nn.relu)
    with pytest.raises(ValueError, match="not decorated with @add_arg_scope"):
        slim.arg_scoped_arguments(tf.nn.relu)


def test_add_arg_scope_on_user_function_and_nesting():
    @slim.add_arg_scope
    def block(x, scale=1.0, shift=0.0):
        return x * scale + shift

    with slim.arg_scope([block], scale=2.0):
        with slim.arg_scope([block], shift=1.0):
            assert block(3.0) == 7.0
            assert block(3.0, shift=0.0) == 6.0
        assert block(3.0) == 6.0
    assert block(3.0) == 3.0 and block.__name__ == "block"
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with slim.arg_scope({}, scale=1.0):
            pass


def test_variables_collections_and_outputs_aliases():
    tf.reset_default_graph()
    x = tf.zeros([2, 4])
    y = slim.fully_connected(x, 3, variables_collections={"weights": ["w"], "biases": ["b"]},
                             outputs_collections=["ends"], scope="fc")
    z = slim.fully_connected(y, 2, variables_collections=["all"], trainable=False)
    assert [v.name for v in tf.get_collection("w")] == ["fc/weights:0"]
    assert [v.name for v in tf.get_collection("b")] == ["fc/biases:0"]
    assert [v.name for v in tf.get_collection("all")] == ["fully_connected/weights:0",
                                                         "fully_connected/biases:0"]
    assert [v.name for v in tf.trainable_variables()] == ["fc/weights:0", "fc/biases:0"]
    assert tf.get_collection("ends") == [y] and y.aliases == ["fc"]
    assert not hasattr(z, "aliases")


def test_default_weights_initializer_is_xavier_uniform():
    tf.reset_default_graph()
    slim.fully_connected(tf.zeros([1, 300]), 200)
    (w,) = slim.get_variables_by_name("weights")
    value = _session_values(w)
    limit = np.sqrt(6.0 / 500)
    assert np.abs(value).max() <= limit and np.abs(value).max() > 0.95 * limit
    assert abs(value.std() - limit / np.sqrt(3)) < 0.01


def test_batch_norm_tensor_flag_false_uses_moving_averages():
    tf.reset_default_graph()
    x = np.random.RandomState(3).randn(4, 3).astype(np.float32)
    flag = tf.placeholder(tf.bool, [])
    y = slim.batch_norm(tf.constant(x), is_training=flag, updates_collections=None)
    mean, var = slim.get_variables("BatchNorm/moving")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, m = sess.run([y, mean], {flag: False})
        np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-6)
        assert not m.any()
        sess.run(y, {flag: True})
        np.testing.assert_allclose(sess.run(mean), 0.001 * x.mean(0), rtol=1e-5)


def test_assign_from_checkpoint_and_values(tmp_path):
    tf.reset_default_graph()
    slim.fully_connected(tf.zeros([1, 2]), 3, scope="fc")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saved = sess.run(slim.get_model_variables())
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    tf.reset_default_graph()
    slim.fully_connected(tf.zeros([1, 2]), 3, scope="new")
    extra = slim.model_variable("extra", shape=[1])
    restore = slim.assign_from_checkpoint_fn(
        path, {"fc/weights": slim.get_unique_variable("new/weights")})
    restore_all = slim.assign_from_checkpoint_fn(
        path, {"fc/biases": slim.get_unique_variable("new/biases"), "missing": extra},
        ignore_missing_vars=True)
    op, feed = slim.assign_from_values({"extra": np.array([5.0], np.float32)})
    assert [t.op.name for t in feed] == ["placeholder/extra"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        restore(sess)
        restore_all(sess)
        sess.run(op, feed)
        w, b, e = sess.run(slim.get_model_variables())
    np.testing.assert_array_equal(w, saved[0])
    np.testing.assert_array_equal(b, saved[1])
    assert e.tolist() == [5.0]
    with pytest.raises(ValueError, match=r"Checkpoint is missing variable \[nope\]"):
        slim.assign_from_checkpoint(path, {"nope": extra})
    with pytest.raises(ValueError, match="var_list cannot be empty"):
        slim.assign_from_checkpoint_fn(path, [])
    assert slim.assign_from_checkpoint_fn(path, {"nope": extra}, ignore_missing_vars=True) \
        is None


def test_losses_match_tf_slim():
    _compare(slim_programs.losses(tf, slim), RECORDED["losses"], "losses")


@pytest.mark.parametrize("name", ["create_train_op", "optimize_loss", "metrics"])
def test_training_and_metrics_match_tf_slim(name):
    _compare(getattr(slim_programs, name)(tf, slim), RECORDED[name], name)


def test_learning_train_matches_tf_slim(tmp_path):
    _compare(slim_programs.learning_train(tf, slim, str(tmp_path)), RECORDED["learning_train"],
             "learning_train")


def test_optimize_loss_errors():
    tf.reset_default_graph()
    loss = tf.reduce_sum(tf.Variable([1.0, 2.0]))
    step = tf.train.get_or_create_global_step()
    with pytest.raises(ValueError, match="Optimizer name should be one of"):
        slim.optimize_loss(loss, step, 0.1, "Nope")
    with pytest.raises(ValueError, match="Learning rate is None"):
        slim.optimize_loss(loss, step, None, "SGD")
    with pytest.raises(ValueError, match="Summaries should be one of"):
        slim.optimize_loss(loss, step, 0.1, "SGD", summaries=["weights"])
    with pytest.raises(ValueError, match="Invalid learning_rate"):
        slim.optimize_loss(loss, step, -1.0, "SGD")


def test_learning_train_arguments_checked():
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="train_op cannot be None"):
        slim.learning.train(None, None)
    loss = tf.reduce_sum(tf.Variable([1.0]))
    with pytest.raises(ValueError, match="number_of_steps"):
        slim.learning.train(loss, None, number_of_steps=0)
    with pytest.raises(ValueError, match="Cannot provide saver because logdir=None"):
        slim.learning.train(loss, None, saver=tf.train.Saver())


def test_evaluation_matches_tf_slim(tmp_path):
    _compare(slim_programs.evaluation(tf, slim, str(tmp_path)), RECORDED["evaluation"],
             "evaluation")


def test_assign_from_checkpoint_fills_partitioned_parts(tmp_path):
    tf.reset_default_graph()
    value = np.arange(12, dtype=np.float32).reshape(4, 3)
    w = tf.Variable(value, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        path = tf.train.Saver([w]).save(sess, str(tmp_path / "full"))
    tf.reset_default_graph()
    parts = list(tf.get_variable("w", [4, 3], partitioner=tf.fixed_size_partitioner(2)))
    assert [slim.get_variable_full_name(p) for p in parts] == ["w", "w"]
    op, feed = slim.assign_from_checkpoint(path, parts)
    with tf.Session() as sess:
        sess.run(op, feed)
        np.testing.assert_array_equal(np.concatenate(sess.run(parts)), value)


def test_end_points_dict_from_outputs_collections():
    tf.reset_default_graph()
    with slim.arg_scope([slim.conv2d, slim.max_pool2d], outputs_collections="ends"):
        net = slim.conv2d(tf.zeros([1, 4, 4, 1]), 2, 3, scope="conv1")
        net = slim.max_pool2d(net, 2, scope="pool1")
    tf.add_to_collection("ends", tf.identity(net, name="plain"))
    ends = slim.utils.convert_collection_to_dict("ends", clear_collection=True)
    assert list(ends) == ["conv1", "pool1", "plain"]
    assert ends["pool1"] is net and ends["conv1"].name == "conv1/Relu:0"
    assert tf.get_collection("ends") == []
    assert slim.utils.gather_tensors_aliases([net]) == ["pool1"]


def test_learning_train_default_step_logs_summarizes_and_saves(tmp_path, caplog):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(0).randn(8, 3).astype(np.float32))
    loss = slim.losses.mean_squared_error(slim.fully_connected(x, 1, activation_fn=None),
                                          tf.ones([8, 1]))
    tf.summary.scalar("loss", loss)
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.1))
    with caplog.at_level("INFO"):
        final = slim.learning.train(train_op, str(tmp_path), number_of_steps=3,
                                    log_every_n_steps=2, save_summaries_secs=1000)
    logged = [r.getMessage() for r in caplog.records if "global step" in r.getMessage()]
    assert [m.split(":")[0] for m in logged] == ["global step 2"]
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-3")
    assert tf.train.load_variable(str(tmp_path), "global_step") == 3 and np.isfinite(final)
    tags = [v.tag for f in tmp_path.glob("events.out.tfevents*")
            for e in tf.train.summary_iterator(str(f)) for v in e.summary.value]
    assert "loss" in tags
