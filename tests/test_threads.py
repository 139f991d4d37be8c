"""Session.run from many threads at once on one session: nothing is lost, nothing crashes."""

import threading
import time

import numpy as np
import pytest

import minitf as tf

THREADS = 8
STEPS = 300
SIZE = 100_000  # large enough that numpy releases the GIL inside each update


def _in_threads(work):
    errors = []
    start = threading.Barrier(THREADS)

    def body(k):
        try:
            start.wait()
            work(k)
        except BaseException as e:  # reported below, in the test's thread
            errors.append(e)
    threads = [threading.Thread(target=body, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors


def test_every_increment_arrives():
    g = tf.Graph()
    with g.as_default():
        counter = tf.Variable(0, name="counter")
        total = tf.Variable(np.zeros(SIZE), name="total")
        step = tf.placeholder(tf.float64, [SIZE])
        inc = counter.assign_add(1)
        add = total.assign_add(step)
        both = tf.group(inc, add)
        sess = tf.Session(graph=g)
    sess.run(tf.variables_initializer([counter, total]))
    seen = [[] for _ in range(THREADS)]
    ones = np.ones(SIZE)

    def work(k):
        for i in range(STEPS):
            if i % 3 == 0:
                sess.run(both, {step: ones * (k + 1)})  # also compiles plans concurrently
            else:
                seen[k].append(sess.run(inc))
                sess.run(add, feed_dict={step: ones * (k + 1)})
    _in_threads(work)
    assert sess.run(counter) == THREADS * STEPS
    expected = STEPS * sum(range(1, THREADS + 1))
    np.testing.assert_array_equal(sess.run(total), np.full(SIZE, expected))
    values = sorted(v for per_thread in seen for v in per_thread)
    assert len(set(values)) == len(values)  # each increment returned a distinct count
    sess.close()


def test_threads_building_their_own_graphs_do_not_mix():
    results = [None] * THREADS

    def work(k):
        g = tf.Graph()
        with g.as_default():  # the default-graph stack is per thread, as in TF1
            x = tf.placeholder(tf.float32, [])
            y = x * float(k)
            assert tf.get_default_graph() is g
            with tf.Session(graph=g) as s:
                results[k] = [s.run(y, {x: float(i)}) for i in range(50)]
    _in_threads(work)
    for k, got in enumerate(results):
        assert got == [float(i * k) for i in range(50)]


def test_a_name_scope_open_in_one_thread_does_not_name_ops_of_another():
    g = tf.Graph()
    inside, done = threading.Event(), threading.Event()
    names = {}

    def scoped():
        with g.as_default(), g.name_scope("A"), g.device("/cpu:0"):
            inside.set()
            done.wait(5)
            names["a"] = tf.constant(1.0, name="c").op

    t = threading.Thread(target=scoped)
    t.start()
    inside.wait(5)
    with g.as_default():
        names["b"] = tf.constant(1.0, name="c").op
    done.set()
    t.join(5)
    assert names["b"].name == "c" and names["b"].device == ""
    assert names["a"].name == "A/c" and names["a"].device == "/device:CPU:0"


def test_an_interactive_session_is_the_default_only_in_its_thread():
    g = tf.Graph()
    sess = tf.InteractiveSession(graph=g)
    seen = []
    t = threading.Thread(target=lambda: seen.append(tf.get_default_session()))
    t.start()
    t.join(5)
    assert seen == [None] and tf.get_default_session() is sess
    sess.close()


def test_closing_a_session_other_threads_run_gives_them_tf_closed_session_error():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [64, 64])
        v = tf.Variable(tf.zeros([64, 64]))
        step = tf.assign_add(v, tf.matmul(x, x) * 0.0 + 1.0)
    sess = tf.Session(graph=g)
    sess.run(v.initializer)
    call = sess.make_callable(step, [x])
    feed = np.ones((64, 64), np.float32)
    started = threading.Barrier(5)
    outcomes = []

    def worker(use_callable):
        started.wait(5)
        deadline = time.monotonic() + 10  # a failing test must not hang
        try:
            while time.monotonic() < deadline:
                call(feed) if use_callable else sess.run(step, {x: feed})
            outcomes.append("never saw the session closed")
        except Exception as e:  # every thread must end on TF's error, nothing else
            outcomes.append((type(e), str(e)))

    threads = [threading.Thread(target=worker, args=(i % 2 == 0,)) for i in range(4)]
    for t in threads:
        t.start()
    started.wait(5)
    time.sleep(0.05)
    sess.close()
    for t in threads:
        t.join(5)
    assert outcomes == [(RuntimeError, "Attempted to use a closed Session.")] * 4
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.make_callable(step, [x])
