"""On a GPU, an optimizer's update is one fused elementwise kernel per variable (training_ops.ApplyOp
.fused): the same float operations in the same order as the numpy kernel, compiled without
fused multiply-adds, so the trajectories are the same bits."""

import numpy as np
import pytest

import minitf as tf

pytestmark = pytest.mark.gpu


def trajectory(device, optimizer, dtype, steps=5):
    rng = np.random.default_rng(3)
    start = rng.standard_normal((37, 11)).astype(dtype)
    grads = [rng.standard_normal((37, 11)).astype(dtype) for _ in range(steps)]
    g = tf.Graph()
    with g.as_default(), g.device(device):
        var = tf.Variable(start)
        grad = tf.placeholder(dtype, (37, 11))
        train = optimizer().apply_gradients([(grad, var)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for value in grads:
                sess.run(train, {grad: value})
            return sess.run(var)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", [
    lambda: tf.train.AdamOptimizer(0.01),
    lambda: tf.train.AdamOptimizer(0.01, beta1=0.8, epsilon=1e-3),
    lambda: tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True),
    lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
    lambda: tf.train.AdagradOptimizer(0.1),
    lambda: tf.train.AdadeltaOptimizer(1.0),
], ids=["adam", "adam_other_betas", "nesterov_momentum", "centered_rmsprop", "adagrad",
        "adadelta"])
def test_fused_update_gives_the_numpy_bits(optimizer, dtype):
    on_gpu = trajectory("/gpu:0", optimizer, dtype)
    on_cpu = trajectory("/cpu:0", optimizer, dtype)
    assert on_gpu.dtype == on_cpu.dtype
    assert on_gpu.tobytes() == on_cpu.tobytes()
    assert not np.array_equal(on_cpu, trajectory("/cpu:0", optimizer, dtype, steps=4))
