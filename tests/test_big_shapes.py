"""Shapes are int64, as in TF: arguments of 2**31 or more never wrap around, and an allocation
that cannot fit raises ResourceExhaustedError naming the op and the bytes instead of getting
the process killed."""

import pytest

import minitf as tf
from minitf import backend, errors


@pytest.mark.parametrize("build, shape", [
    (lambda: tf.zeros([2 ** 32 + 3]), [2 ** 32 + 3]),
    (lambda: tf.ones([3 * 10 ** 9]), [3 * 10 ** 9]),
    (lambda: tf.zeros([2 ** 40, 2 ** 40]), [2 ** 40, 2 ** 40]),
    (lambda: tf.fill([2 ** 32 + 3], 1.0), [2 ** 32 + 3]),
    (lambda: tf.random_uniform([2 ** 32 + 3]), [2 ** 32 + 3]),
    (lambda: tf.broadcast_to(1.0, [2 ** 31, 2]), [2 ** 31, 2]),
    (lambda: tf.zeros(tf.constant([2 ** 32 + 3], tf.int64)), [2 ** 32 + 3]),
], ids=["zeros", "ones", "zeros_2d", "fill", "random_uniform", "broadcast_to", "int64_tensor"])
def test_static_shapes_beyond_int32_do_not_wrap(build, shape):
    with tf.Graph().as_default():
        assert build().shape.as_list() == shape


def test_reshape_to_a_shape_beyond_int32_fails_at_build_time_as_in_tf():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"6 elements to shape \[4294967298,3\]"):
            tf.reshape(tf.zeros([6]), [2 ** 32 + 2, 3])


def test_a_shape_beyond_int64_is_refused():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="does not fit in int64"):
            tf.zeros([2 ** 63])


def test_an_impossible_allocation_is_resource_exhausted_naming_op_and_bytes():
    with tf.Graph().as_default():
        z = tf.zeros([2 ** 40, 2 ** 40], name="huge")
        with tf.Session() as sess:
            with pytest.raises(errors.ResourceExhaustedError,
                               match=r"%d bytes.*op Fill 'huge'" % (2 ** 82)):
                sess.run(z)


@pytest.mark.numpy_engine
@pytest.mark.parametrize("build, nbytes", [
    (lambda: tf.zeros([3 * 10 ** 9]), 12 * 10 ** 9),
    (lambda: tf.random_normal([2 ** 31]), 2 ** 33),
    (lambda: tf.random_uniform([2 ** 31], maxval=5, dtype=tf.int64), 2 ** 34),
    (lambda: tf.broadcast_to(1.0, [2 ** 31]), 2 ** 33),
], ids=["zeros", "random_normal", "random_uniform_int", "broadcast_to"])
def test_an_allocation_above_the_machines_memory_is_refused_before_trying(
        monkeypatch, build, nbytes):
    # A pretend 1 GiB machine, so the test never really tries to allocate gigabytes.
    monkeypatch.setattr(backend, "host_memory_bytes", lambda: 1 << 30)
    with tf.Graph().as_default():
        t = build()
        with tf.Session() as sess:
            with pytest.raises(errors.ResourceExhaustedError, match="%d bytes" % nbytes) as info:
                sess.run(t)
    assert info.value.op is not None and info.value.op.name.startswith(t.op.name)
