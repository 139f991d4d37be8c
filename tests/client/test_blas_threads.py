"""The BLAS thread policy (minitf/client/threads.py): which count a run gets for given op
sizes, load, ConfigProto and environment; that the count is the one in force while the plan
runs (threadpoolctl.threadpool_info()); and that results repeat exactly for a fixed count."""

import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import minitf as tf
from minitf.client import threads

pytestmark = pytest.mark.usefixtures("fresh_graph")

SMALL = threads.SMALL_RUN_SECONDS / 10
BIG = threads.SMALL_RUN_SECONDS * 10

# (uses_blas, config_threads, env, single_run_seconds, free_cores, cores, library) -> threads
DECISIONS = [
    ("no BLAS op: library left alone", (False, 0, None, BIG, 2.0, 2, 2), None),
    ("no BLAS op, even with a config", (False, 3, 4, BIG, 2.0, 2, 2), None),
    ("config wins over env and load", (True, 3, 1, SMALL, 0.0, 2, 2), 3),
    ("env when no config", (True, 0, 2, SMALL, 0.0, 2, 2), 2),
    ("env 1 on an idle machine, big plan", (True, 0, 1, BIG, 2.0, 2, 2), 1),
    ("auto, first run: one thread", (True, 0, None, None, 2.0, 2, 2), 1),
    ("auto, small plan, idle machine", (True, 0, None, SMALL, 2.0, 2, 2), 1),
    ("auto, big plan, idle machine", (True, 0, None, BIG, 2.0, 2, 2), 2),
    ("auto, big plan, one core busy elsewhere", (True, 0, None, BIG, 1.0, 2, 2), 1),
    ("auto, big plan, 1.6 cores free", (True, 0, None, BIG, 1.6, 2, 2), 2),
    ("auto, big plan, loaded machine", (True, 0, None, BIG, 0.0, 2, 2), 1),
    ("auto, big plan, 8 free of 16 cores", (True, 0, None, BIG, 8.0, 16, 16), 8),
    ("auto never exceeds the library's count", (True, 0, None, BIG, 4.0, 4, 2), 2),
    ("auto never exceeds this process's cores", (True, 0, None, BIG, 8.0, 4, 8), 4),
]


@pytest.mark.parametrize("args, expected", [d[1:] for d in DECISIONS],
                         ids=[d[0] for d in DECISIONS])
def test_decide(args, expected):
    assert threads.decide(*args) == expected


ENVIRONMENTS = [
    ({}, None),
    ({"OPENBLAS_NUM_THREADS": "1"}, 1),
    ({"OMP_NUM_THREADS": "3"}, 3),
    ({"MKL_NUM_THREADS": "2", "OMP_NUM_THREADS": "3"}, 2),
    ({"OPENBLAS_NUM_THREADS": "4", "OMP_NUM_THREADS": "1"}, 4),
    ({"OPENBLAS_NUM_THREADS": "", "OMP_NUM_THREADS": "2"}, 2),
    ({"OPENBLAS_NUM_THREADS": "0"}, None),
    ({"OPENBLAS_NUM_THREADS": "many"}, None),
]


@pytest.mark.parametrize("environ, expected", ENVIRONMENTS)
def test_env_threads(environ, expected):
    assert threads.env_threads(environ) == expected


def blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


class RecordingPlan:
    """Stands in for a Plan: records the BLAS thread counts in force while it runs."""

    def __init__(self):
        self.seen = []

    def run(self, feeds):
        self.seen.append(blas_threads())
        return feeds


@pytest.fixture
def library_at_two():
    """The BLAS library at 2 threads for the test (as on a 2-core machine), put back after."""
    with threadpool_limits(2, user_api="blas"):
        yield
        threads.restore()


@pytest.mark.parametrize("config, env, expected", [(1, None, 1), (2, None, 2), (0, 1, 1),
                                                   (0, 2, 2), (2, 1, 2), (0, None, 1)])
def test_count_in_force_while_the_plan_runs(library_at_two, config, env, expected):
    policy = threads.PlanThreads(config, env)
    plan = RecordingPlan()
    for _ in range(3):
        assert policy.run(plan, ["feed"]) == ["feed"]
    assert plan.seen and all(seen == [expected] * len(seen) for seen in plan.seen)


def test_an_enclosing_threadpool_limit_is_obeyed(library_at_two):
    policy = threads.PlanThreads()
    policy.single_run_seconds = BIG  # a big plan: auto mode would use free cores
    plan = RecordingPlan()
    with threadpool_limits(1, user_api="blas"):
        policy.run(plan, None)
    assert plan.seen[-1] == [1] * len(plan.seen[-1])
    assert policy.last_threads == 1


def matmul_graph():
    x = tf.placeholder(tf.float32, (None, 64))
    w = tf.Variable(np.linspace(-1, 1, 64 * 48, dtype=np.float32).reshape(64, 48))
    return x, tf.nn.relu(tf.matmul(x, w))


@pytest.mark.parametrize("make_session", [
    lambda: tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)),
    lambda: tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=2,
                                             inter_op_parallelism_threads=1)),
], ids=["config-1", "config-2"])
def test_session_obeys_config(library_at_two, monkeypatch, make_session):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # the config wins over the environment
    x, y = matmul_graph()
    with make_session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {x: np.ones((8, 64), np.float32)})
        wanted = sess._state.intra_op_threads
        (policy,) = [p for p in sess._plan_threads.values() if p is not None]
        assert policy.last_threads == wanted
        assert set(blas_threads()) == {wanted}  # the count the run used is still set
    assert set(blas_threads()) == {2}  # closing the session gave the library back its count


@pytest.mark.parametrize("value", ["1", "2"])
def test_session_obeys_env(library_at_two, monkeypatch, value):
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    x, y = matmul_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {x: np.ones((8, 64), np.float32)})
        (policy,) = [p for p in sess._plan_threads.values() if p is not None]
        assert policy.last_threads == int(value)
        assert set(blas_threads()) == {int(value)}


def test_plans_without_blas_are_not_managed():
    x = tf.placeholder(tf.float32, (None,))
    y = tf.tanh(x) * 2.0
    with tf.Session() as sess:
        sess.run(y, {x: np.ones(3, np.float32)})
        assert list(sess._plan_threads.values()) == [None]


@pytest.mark.parametrize("count", [1, 2])
def test_results_repeat_exactly_for_a_fixed_count(library_at_two, count):
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, (None, 256))
    w1 = tf.Variable(rng.standard_normal((256, 256)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((256, 10)).astype(np.float32))
    loss = tf.reduce_sum(tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2) ** 2)
    grads = tf.gradients(loss, [w1, w2])
    feed = {x: rng.standard_normal((128, 256)).astype(np.float32)}
    config = tf.ConfigProto(intra_op_parallelism_threads=count)
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(grads, feed)
        for _ in range(3):
            again = sess.run(grads, feed)
            for a, b in zip(first, again):
                np.testing.assert_array_equal(a, b)


class SleepingPlan(RecordingPlan):
    """A big plan whose run takes `seconds[threads]` (the count in force)."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds

    def run(self, feeds):
        super().run(feeds)
        time.sleep(self.seconds[self.seen[-1][0]])


@pytest.mark.skipif(threads.available_cores() < 2, reason="needs two cores")
@pytest.mark.parametrize("two_threads_seconds, then", [(0.003, 2), (0.100, 1)],
                         ids=["two-threads-pay", "two-threads-slower"])
def test_big_plans_keep_more_threads_only_while_faster(library_at_two, monkeypatch,
                                                      two_threads_seconds, then):
    policy = threads.PlanThreads()
    monkeypatch.setattr(threads._load, "free_cores", lambda now: 2.0)  # an idle machine
    plan = SleepingPlan({1: 0.040, 2: two_threads_seconds})
    for _ in range(2 + threads.SLOW_RUNS):
        policy.run(plan, None)
    # one thread first (no estimate yet), then two; slower two-thread runs send the plan back
    # to one thread only after SLOW_RUNS of them in a row
    assert [seen[0] for seen in plan.seen] == [1] + [2] * threads.SLOW_RUNS + [then]
