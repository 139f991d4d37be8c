"""Keras's Adam, SGD and Adagrad run TF's fused kernels (ApplyAdam; ApplyGradientDescent or
ApplyKerasMomentum; ApplyAdagradV2), as tf.keras's OptimizerV2 does, unless amsgrad or a weight
constraint needs the op-by-op rule; both paths give the same trajectory (bit for bit but for
Adam's and Nesterov's order of operations, which are TF's)."""

import numpy as np
import pytest

import minitf as tf
from minitf import keras
from minitf.keras import backend as K
from minitf.keras import layers as L
from minitf.train.training_ops import ApplyAdagradV2, ApplyAdam, ApplyKerasMomentum


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


@pytest.mark.parametrize("make, op_type, exact", [
    (lambda: keras.optimizers.SGD(0.5), "ApplyGradientDescent", True),
    (lambda: keras.optimizers.SGD(0.5, momentum=0.5), "ApplyKerasMomentum", True),
    (lambda: keras.optimizers.SGD(0.5, momentum=0.5, nesterov=True), "ApplyKerasMomentum",
     False),
    (lambda: keras.optimizers.Adagrad(0.5), "ApplyAdagradV2", True),
])
def test_sgd_and_adagrad_run_tfs_kernels(make, op_type, exact):
    fused_losses, fused_weights, fused_ops = _trajectory(None, make())
    rule_losses, rule_weights, rule_ops = _trajectory(lambda w: w, make())
    assert op_type in fused_ops and op_type not in rule_ops
    if exact:
        assert fused_losses == rule_losses
        assert [w.tobytes() for w in fused_weights] == [w.tobytes() for w in rule_weights]
    else:  # (TF's kernel adds accum * momentum - grad * lr to var; the rule, term by term)
        np.testing.assert_allclose(fused_losses, rule_losses, rtol=1e-6)
        for a, b in zip(fused_weights, rule_weights):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert abs(fused_weights[0] - 0.1).max() > 0.003  # it did move


def _fit_weights(optimizer):
    """A small Keras model's weights and optimizer state after two epochs of fit."""
    K.clear_session()
    tf.set_random_seed(0)
    rng = np.random.RandomState(0)
    x = rng.normal(size=(96, 6)).astype("float32")
    y = rng.randint(0, 3, 96)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(6,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    state = model.get_weights() + K.batch_get_value(model.optimizer.keras_weights())
    assert len(state) > 4 + 1  # (weights, iterations, slots)
    return [w.tobytes() for w in state]


@pytest.mark.numpy_engine
@pytest.mark.parametrize("make, opdef", [
    (lambda: keras.optimizers.Adam(0.01), ApplyAdam),
    (lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), ApplyKerasMomentum),
    (lambda: keras.optimizers.Adagrad(0.1), ApplyAdagradV2),
])
def test_the_weights_updates_grouped_give_the_bytes_of_one_kernel_each(monkeypatch, make, opdef):
    groups, bind_group = [], opdef.bind_group
    monkeypatch.setattr(opdef, "bind_group", lambda self, ctx, ops, producers=None: (
        groups.append(len(ops)), bind_group(self, ctx, ops, producers))[1])
    grouped = _fit_weights(make())
    assert groups == [4]  # the train function's plan: the four weights' updates as one
    monkeypatch.setattr(opdef, "group_key", lambda self, op: None)
    assert _fit_weights(make()) == grouped
    assert groups == [4]
