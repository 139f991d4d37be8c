"""Run as a plain process (one rank, no mpiexec) by test_horovod.py: build-time checks, names,
the exported graph, and DistributedOptimizer on one rank (identity, as Horovod)."""

import numpy as np

import minitf as tf
import minitf.horovod as hvd


def expect(error, fn, text):
    try:
        fn()
    except error as e:
        assert text in str(e), (text, str(e))
        return
    raise AssertionError("%s did not raise %s" % (fn, error.__name__))


def main():
    hvd.init()
    assert (hvd.rank(), hvd.size(), hvd.local_rank(), hvd.local_size()) == (0, 1, 0, 1)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    s = hvd.allreduce(x, op=hvd.Sum)
    assert s.op.name == "HorovodAllreduce_x_0" and s.op.type == "HorovodAllreduce"
    assert s.shape.as_list() == [None, 3] and s.dtype == tf.float32
    g = hvd.allgather(x)
    assert g.op.name == "HorovodAllgather_x_0" and g.shape.as_list() == [None, 3]
    b = hvd.broadcast(x, 0)
    assert b.op.name == "HorovodBroadcast_x_0"
    expect(TypeError, lambda: hvd.allreduce(tf.constant(["a", "b"])), "cannot allreduce a string")
    expect(ValueError, lambda: hvd.broadcast(x, 1), "root_rank must be a rank of the job, 0 .. 0")
    expect(ValueError, lambda: hvd.broadcast(x, -1), "got -1")
    expect(ValueError, lambda: hvd.allgather(tf.constant(1.0)), "rank >= 1")
    expect(ValueError, lambda: hvd.allreduce(x, average=True, op=hvd.Sum), "only one of them")
    expect(NotImplementedError, lambda: hvd.allreduce(x, op=hvd.Adasum), "Adasum")

    # gradients flow through the collectives (one rank: allreduce is the identity)
    w = tf.Variable(np.arange(6, dtype="float32").reshape(2, 3), name="w")
    y = tf.reduce_sum(hvd.allreduce(w * w, op=hvd.Sum)) + tf.reduce_sum(hvd.broadcast(w, 0))
    (dw,) = tf.gradients(y, [w])
    opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))
    assert opt.get_name() == "DistributedGradientDescentOptimizer"
    step = opt.minimize(tf.reduce_sum(w * w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = np.array([[1, 2, 3], [4, 5, 6]], "float32")
        out = sess.run([s, g, b], {x: v})
        for o in out:
            np.testing.assert_array_equal(o, v)
        np.testing.assert_allclose(sess.run(dw), 2 * sess.run(w) + 1)
        sess.run(step)
        np.testing.assert_allclose(sess.run(w), np.arange(6).reshape(2, 3) * 0.8, rtol=1e-6)

    nodes = {n.name: n.op for n in tf.get_default_graph().as_graph_def().node}
    assert nodes["HorovodAllreduce_x_0"] == "HorovodAllreduce"
    assert nodes["HorovodBroadcast_x_0"] == "HorovodBroadcast"

    # BroadcastGlobalVariablesHook is a SessionRunHook: MonitoredTrainingSession runs it
    # after initializing, as in Horovod's TF1 examples
    hook = hvd.BroadcastGlobalVariablesHook(0)
    assert isinstance(hook, tf.train.SessionRunHook)
    gstep = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w * w),
                                                            global_step=gstep)
    with tf.train.MonitoredTrainingSession(hooks=[hook, tf.train.StopAtStepHook(last_step=2)],
                                           log_step_count_steps=None) as mon:
        assert hook.bcast_op is not None and hook.bcast_op.graph is tf.get_default_graph()
        runs = 0
        while not mon.should_stop():
            mon.run(train)
            runs += 1
    assert runs == 2, runs
    hvd.shutdown()
    expect(ValueError, hvd.rank, "use hvd.init()")
    print("single OK")


if __name__ == "__main__":
    main()
