"""Keras's Adam runs TF's fused ApplyAdam kernel and SGD without momentum ApplyGradientDescent
(as tf.keras's OptimizerV2 does) unless amsgrad or a weight constraint needs the op-by-op rule;
both paths give the same trajectory (SGD's bit for bit)."""

import numpy as np

import minitf as tf
from minitf import keras
from minitf.keras import backend as K
from minitf.keras import layers as L
from minitf.train.training_ops import ApplyAdam


def _trajectory(constraint, optimizer=None):
    K.clear_session()
    rng = np.random.RandomState(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = rng.randint(0, 3, 64)
    model = keras.Sequential([
        L.Dense(8, activation="tanh", input_shape=(5,), kernel_constraint=constraint,
                bias_constraint=constraint, kernel_initializer=keras.initializers.Constant(0.1)),
        L.Dense(3, activation="softmax", kernel_constraint=constraint,
                bias_constraint=constraint, kernel_initializer=keras.initializers.Constant(-0.1))])
    model.compile(optimizer or keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    losses = [model.train_on_batch(x[i::4], y[i::4]) for i in range(4)]
    ops = {op.type for op in tf.get_default_graph().get_operations()}
    return losses, model.get_weights(), ops


def test_fused_adam_follows_the_rule():
    fused_losses, fused_weights, fused_ops = _trajectory(None)
    rule_losses, rule_weights, rule_ops = _trajectory(lambda w: w)  # a constraint: the rule
    assert "ApplyAdam" in fused_ops and "ApplyAdam" not in rule_ops
    np.testing.assert_allclose(fused_losses, rule_losses, rtol=1e-5)
    for a, b in zip(fused_weights, rule_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert abs(fused_weights[0] - 0.1).max() > 0.05  # it did move


def test_sgd_without_momentum_runs_apply_gradient_descent_bit_for_bit():
    fused_losses, fused_weights, fused_ops = _trajectory(None, keras.optimizers.SGD(0.5))
    rule_losses, rule_weights, rule_ops = _trajectory(lambda w: w, keras.optimizers.SGD(0.5))
    assert "ApplyGradientDescent" in fused_ops and "ApplyGradientDescent" not in rule_ops
    assert fused_losses == rule_losses
    assert [w.tobytes() for w in fused_weights] == [w.tobytes() for w in rule_weights]
    assert abs(fused_weights[0] - 0.1).max() > 0.003  # it did move
    _, _, momentum_ops = _trajectory(None, keras.optimizers.SGD(0.5, momentum=0.5))
    assert "ApplyGradientDescent" not in momentum_ops


def _fit_weights():
    """A small Keras model's weights and Adam state after two epochs of fit."""
    K.clear_session()
    tf.set_random_seed(0)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = rng.randint(0, 3, 96)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(6,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    state = model.get_weights() + K.batch_get_value(model.optimizer.keras_weights())
    assert len(state) == 4 + 1 + 8  # (weights, iterations, m and v of each)
    return [w.tobytes() for w in state]


def test_the_weights_updates_grouped_give_the_bytes_of_one_kernel_each(monkeypatch):
    groups, bind_group = [], ApplyAdam.bind_group
    monkeypatch.setattr(ApplyAdam, "bind_group", lambda self, ctx, ops, producers=None: (
        groups.append(len(ops)), bind_group(self, ctx, ops, producers))[1])
    grouped = _fit_weights()
    assert groups == [4]  # the train function's plan: the four weights' updates as one
    monkeypatch.setattr(ApplyAdam, "group_key", lambda self, op: None)
    assert _fit_weights() == grouped
    assert groups == [4]
