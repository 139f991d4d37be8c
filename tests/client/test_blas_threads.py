"""The thread policy (minitf/client/threads.py): which BLAS count and split participants a run
gets for a ConfigProto, environment and core count; that they are the ones in force while the
plan runs (threadpoolctl.threadpool_info(), workers.participants()); and that results are the
same bits for every count."""


import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import minitf as tf
from minitf import workers
from minitf.client import threads
from minitf.ops import gemm, products

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]

# (uses_blas, config_threads, env, cores, library, one-thread run seconds, free cores, tiled)
# -> (BLAS threads, split participants)
BIG, SMALL = 0.01, 0.0001
DECISIONS = [
    ("no BLAS op: library left alone", (False, 0, None, 2, 2, BIG, 2, True), None),
    ("no BLAS op, even with a config", (False, 3, 4, 2, 2, BIG, 2, True), None),
    ("config wins over env", (True, 3, 1, 2, 2, None, 0, False), (1, 3)),
    ("config 1: no split", (True, 1, None, 2, 2, BIG, 2, True), (1, 1)),
    ("env when no config: the library's own threads", (True, 0, 2, 2, 2, None, 0, True), (2, 1)),
    ("env 1", (True, 0, 1, 2, 2, BIG, 2, True), (1, 1)),
    ("auto, not run yet", (True, 0, None, 2, 2, None, 2, True), (1, 1)),
    ("auto, a small plan", (True, 0, None, 2, 2, SMALL, 2, True), (1, 1)),
    ("auto, big tiled plan, 2 idle cores: splits", (True, 0, None, 2, 2, BIG, 2, True), (1, 2)),
    ("auto, big product plan, 2 idle cores: BLAS threads", (True, 0, None, 2, 2, BIG, 2, False),
     (2, 1)),
    ("auto, one free core", (True, 0, None, 2, 2, BIG, 1.2, True), (1, 1)),
    ("auto, no free core", (True, 0, None, 2, 2, BIG, 0, False), (1, 1)),
    ("auto, 16 cores", (True, 0, None, 16, 16, BIG, 16, True), (1, 16)),
    ("auto never exceeds the library's count", (True, 0, None, 4, 2, BIG, 4, True), (1, 2)),
    ("auto under threadpool_limits(1)", (True, 0, None, 2, 1, BIG, 2, False), (1, 1)),
    ("auto never exceeds this process's cores", (True, 0, None, 4, 8, BIG, 8, True), (1, 4)),
    ("auto, library count unknown", (True, 0, None, 2, None, BIG, 2, False), (2, 1)),
    # (..., other processes' runnable threads, given for inference plans of compiled products)
    ("auto, every core busy with one other thread: two", (True, 0, None, 2, 2, BIG, 0, False, 2),
     (2, 1)),
    ("auto, more other threads than cores: one", (True, 0, None, 2, 2, BIG, 0, False, 3), (1, 1)),
    ("auto, a core left free: one, alone on it", (True, 0, None, 2, 2, BIG, 1, False, 1),
     (1, 1)),
    ("auto, 16 busy cores: two at most", (True, 0, None, 16, 16, BIG, 0, False, 16), (2, 1)),
    ("auto, busy cores under threadpool_limits(1)", (True, 0, None, 2, 1, BIG, 0, False, 2),
     (1, 1)),
    ("auto, busy cores, a small plan", (True, 0, None, 2, 2, SMALL, 0, False, 2), (1, 1)),
    ("auto, busy cores, one core", (True, 0, None, 1, 1, BIG, 0, False, 1), (1, 1)),
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
    """Stands in for a Plan: records the BLAS thread counts and the split participants in
    force while it runs."""

    def __init__(self):
        self.seen = []

    def run(self, feeds):
        self.seen.append((blas_threads(), workers.participants()))
        return feeds


@pytest.fixture
def library_at_two():
    """The BLAS library at 2 threads for the test (as on a 2-core machine), put back after."""
    with threadpool_limits(2, user_api="blas"):
        yield
        threads.restore()
    workers.set_participants(1)


AUTO = min(2, threads.available_cores())


@pytest.mark.parametrize("config, env, blas, participants", [
    (1, None, 1, 1), (2, None, 1, 2), (0, 1, 1, 1), (0, 2, 2, 1), (2, 1, 1, 2),
    (0, None, 1, 1)])  # (auto: a plan this small stays on one thread)
def test_counts_in_force_while_the_plan_runs(library_at_two, config, env, blas, participants):
    policy = threads.PlanThreads(config, env)
    plan = RecordingPlan()
    for _ in range(3):
        assert policy.run(plan, ["feed"]) == ["feed"]
    assert len(plan.seen) == 3
    for counts, parts in plan.seen:
        assert counts and set(counts) == {blas}
        assert parts == participants


def test_an_enclosing_threadpool_limit_is_obeyed(library_at_two):
    policy = threads.PlanThreads()
    plan = RecordingPlan()
    with threadpool_limits(1, user_api="blas"):
        policy.run(plan, None)
    counts, parts = plan.seen[-1]
    assert set(counts) == {1} and parts == 1
    assert (policy.last_threads, policy.last_participants) == (1, 1)


def matmul_graph():
    x = tf.placeholder(tf.float32, (None, 64))
    w = tf.Variable(np.linspace(-1, 1, 64 * 48, dtype=np.float32).reshape(64, 48))
    return x, tf.nn.relu(tf.matmul(x, w))


@pytest.mark.parametrize("make_session, participants", [
    (lambda: tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)), 1),
    (lambda: tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=2,
                                              inter_op_parallelism_threads=1)), 2),
], ids=["config-1", "config-2"])
def test_session_obeys_config(library_at_two, monkeypatch, make_session, participants):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # the config wins over the environment
    x, y = matmul_graph()
    with make_session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {x: np.ones((8, 64), np.float32)})
        (policy,) = [p for p in sess._plan_threads.values() if p is not None]
        assert (policy.last_threads, policy.last_participants) == (1, participants)
        assert workers.participants() == participants
        assert set(blas_threads()) == {1}  # the count the run used is still set
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
        assert (policy.last_threads, policy.last_participants) == (int(value), 1)
        assert set(blas_threads()) == {int(value)}


def test_plans_without_blas_are_not_managed():
    # (an elementwise op of unknown size may be large enough to split: that plan is managed)
    x = tf.placeholder(tf.float32, (3,))
    y = tf.tanh(x) * 2.0
    with tf.Session() as sess:
        sess.run(y, {x: np.ones(3, np.float32)})
        assert list(sess._plan_threads.values()) == [None]


def test_results_are_the_same_bits_for_every_count(library_at_two, monkeypatch):
    """Splits give the bits of a one-thread product, and the compiled product (ops/gemm.py)
    the same bits at any thread count: a config of 1 or 2 threads gives the same gradients;
    with two participants, the big products did split or ran on two threads of the compiled
    product. (Auto mode gives a plan of products alone OpenBLAS's own threads on idle cores,
    whose float32 sums may differ.)"""
    splits = []
    real_split = products.split
    monkeypatch.setattr(products, "split", lambda *a: splits.append(a[0]) or real_split(*a))
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, (None, 512))
    w1 = tf.Variable(rng.standard_normal((512, 256)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((256, 10)).astype(np.float32))
    loss = tf.reduce_sum(tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2) ** 2)
    grads = tf.gradients(loss, [w1, w2])
    feed = {x: rng.standard_normal((600, 512)).astype(np.float32)}
    results = []
    compiled = gemm.kernel() is not None
    for config in (tf.ConfigProto(intra_op_parallelism_threads=1),
                   tf.ConfigProto(intra_op_parallelism_threads=2)):
        splits.clear()
        before = gemm.calls[0]
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(2):
                results.append([g.tobytes() for g in sess.run(grads, feed)])
            parts = sess._plan_threads and [p for p in sess._plan_threads.values() if p][
                0].last_participants
            assert gemm.threads() == parts
        # x @ w1 and w1's gradient, 600 x 512 x 256, among others
        assert (gemm.calls[0] > before) == compiled
        assert bool(splits) == (parts > 1 and not compiled)
    assert all(r == results[0] for r in results)


def test_large_elementwise_kernels_split_and_keep_their_bits(library_at_two, monkeypatch):
    calls = []
    real = workers.split
    monkeypatch.setattr(workers, "split", lambda *a: calls.append(a[0]) or real(*a))
    x = tf.placeholder(tf.float32, (None, 1024))
    b = tf.constant(np.linspace(-1, 1, 1024, dtype=np.float32))
    y = tf.reduce_sum(tf.tanh(tf.nn.bias_add(x * 3.0, b)))  # no BLAS op: managed for the split
    value = np.random.default_rng(0).standard_normal((2048, 1024)).astype(np.float32)
    results = []
    for threads_ in (1, 2):
        config = tf.ConfigProto(intra_op_parallelism_threads=threads_)
        with tf.Session(config=config) as sess:
            results.append([sess.run(y, {x: value}) for _ in range(3)])
        assert bool(calls) == (threads_ == 2)
    assert results[0] == results[1]


class FakeTime:
    """The clocks minitf/client/threads.py reads, moved only by the plans' runs and the tests:
    the policy's rules decide these tests, not how busy the machine is (a preempted run of
    real wall time once raised the one-thread estimate and made two-thread runs "pay")."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now

    perf_counter = process_time = monotonic


class TimedPlan:
    """A plan whose runs take `seconds` on the fake clock; records the counts in force."""

    def __init__(self, seconds):
        self.seconds, self.seen = seconds, []

    def run(self, feeds):
        self.seen.append((blas_threads(), workers.participants()))
        threads.time.now += self.seconds
        return feeds


@pytest.fixture
def auto_on_two_free_cores(library_at_two, monkeypatch):
    """The automatic policy (no thread variable in the environment), with two cores free,
    on the fake clock."""
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads._Load, "free_cores", lambda self, now, idle=0.0: 2.0)
    monkeypatch.setattr(threads, "time", FakeTime())


@pytest.mark.parametrize("tiled, expected", [(True, (1, AUTO)), (False, (AUTO, 1))])
def test_a_big_plan_gets_the_free_cores_as_splits_or_blas_threads(auto_on_two_free_cores,
                                                                   tiled, expected):
    policy = threads.PlanThreads(tiled=tiled)
    plan = TimedPlan(0.002)
    policy.run(plan, None)  # the first run measures the one-thread time
    assert plan.seen[0] == ([1], 1)
    policy.run(plan, None)
    counts, parts = plan.seen[1]
    assert (counts[0], parts) == expected


def test_more_threads_that_do_not_pay_go_back_to_one(auto_on_two_free_cores):
    if AUTO < 2:
        pytest.skip("one core")
    policy = threads.PlanThreads(tiled=True)
    plan = TimedPlan(0.002)  # as slow on two threads as on one
    policy.run(plan, None)
    policy.single_run_seconds = 0.002  # (the first run's time, without a busy machine's noise)
    multi = threads.WARMUP_RUNS + threads.SLOW_RUNS
    for _ in range(multi):
        policy.run(plan, None)
    assert [parts for _, parts in plan.seen] == [1] + [2] * multi
    policy.run(plan, None)
    assert plan.seen[-1][1] == 1  # backed off for BACKOFF_SECONDS


def test_the_first_runs_on_more_threads_do_not_count_as_slow(auto_on_two_free_cores):
    # Starting or waking OpenBLAS's threads makes the first multi-thread runs slow by
    # themselves; they must not send a plan that gains from threads back to one thread.
    # (Times far apart, so that another test's spinning BLAS threads cannot blur them.)
    if AUTO < 2:
        pytest.skip("one core")
    policy = threads.PlanThreads(tiled=True)
    plan = TimedPlan(0.010)
    policy.run(plan, None)
    policy.single_run_seconds = 0.010
    for _ in range(threads.WARMUP_RUNS):  # slow: as long as one thread
        policy.run(plan, None)
    plan.seconds = 0.001  # then ten times as fast
    for _ in range(threads.SLOW_RUNS + 2):
        policy.run(plan, None)
    assert [parts for _, parts in plan.seen][1:] == [2] * (
        threads.WARMUP_RUNS + threads.SLOW_RUNS + 2)


def test_product_plans_and_tiled_plans_are_told_apart():
    x = tf.placeholder(tf.float32, (None, 8, 8, 3))
    w = tf.constant(np.ones((3, 3, 3, 4), np.float32))
    conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    m = tf.placeholder(tf.float32, (None, 16))
    # (relu's output may be large, and BiasAddGrad is a tiled kernel that calls no BLAS: the
    # MLP step's plan, which gives its threads to BLAS)
    bias = tf.zeros(16)
    product = tf.gradients(tf.nn.relu(tf.nn.bias_add(tf.matmul(m, tf.ones((16, 16))), bias)),
                           [m, bias])
    big = tf.placeholder(tf.float32, (None, 16))
    elementwise = tf.tanh(big)  # no BLAS op, may be large: splits
    with tf.Session() as sess:
        sess.run(conv, {x: np.ones((2, 8, 8, 3), np.float32)})
        sess.run(product, {m: np.ones((16, 16), np.float32)})
        sess.run(elementwise, {big: np.ones((16, 16), np.float32)})
        policies = [p for p in sess._plan_threads.values() if p is not None]
        assert sorted(p.tiled for p in policies) == [False, True, True]


def test_back_offs_start_short_and_grow_while_threads_do_not_pay(auto_on_two_free_cores):
    if AUTO < 2:
        pytest.skip("one core")
    clock = threads.time
    policy = threads.PlanThreads(tiled=True)
    plan = TimedPlan(0.002)  # as slow on two threads as on one
    policy.run(plan, None)
    policy.single_run_seconds = 0.002
    lengths = []
    for _ in range(5):
        for _ in range(threads.WARMUP_RUNS + threads.SLOW_RUNS):
            policy.run(plan, None)
        assert plan.seen[-1][1] == 2
        lengths.append(policy.backoff_until - clock.now)
        policy.run(plan, None)
        assert plan.seen[-1][1] == 1  # backed off
        clock.now = policy.backoff_until  # the back-off is over
    first = threads.FIRST_BACKOFF_SECONDS
    assert lengths == [min(first * 2 ** i, threads.BACKOFF_SECONDS) for i in range(5)]
    # a multi-thread run that pays makes the next back-off short again
    plan.seconds = 0.0005
    for _ in range(threads.WARMUP_RUNS + 1):
        policy.run(plan, None)
    assert policy.backoff == first


def test_a_smaller_batch_does_not_make_the_full_ones_look_slow(auto_on_two_free_cores):
    # An epoch's last batch is smaller and runs faster; the one-thread time is kept per shape
    # of the feeds, so the full batches' two-thread runs are compared with their own (compared
    # with the small batch's, they looked slow and went back to one thread).
    if AUTO < 2:
        pytest.skip("one core")
    policy = threads.PlanThreads(tiled=True)
    full, last = [np.zeros((512, 4))], [np.zeros((96, 4))]
    plan = TimedPlan(0.0008)
    policy.run(plan, last)  # the small batch on one thread: 0.8 ms
    plan.seconds = 0.004
    policy.run(plan, full)  # a full batch's first run: one thread, 4 ms
    plan.seconds = 0.0025  # full batches on two threads: pays against 4 ms, not against 0.8
    runs = threads.WARMUP_RUNS + threads.SLOW_RUNS + 2
    for _ in range(runs):
        policy.run(plan, full)
    assert [parts for _, parts in plan.seen] == [1, 1] + [2] * runs
    assert policy.single_run_seconds == pytest.approx(0.004)


class FakeMachine:
    """/proc/stat's busy seconds of all CPUs and this process's CPU seconds, moved by the
    test: `run(seconds, ours, others)` passes `seconds` with this process busy on `ours` cores
    and other processes on `others`."""

    def __init__(self):
        self.now, self.busy, self.own = 1000.0, 0.0, 0.0

    def monotonic(self):
        return self.now

    def process_time(self):
        return self.own

    def run(self, seconds, ours, others):
        self.now += seconds
        self.own += seconds * ours
        self.busy += seconds * (ours + others)


@pytest.fixture
def machine(monkeypatch):
    fake = FakeMachine()
    monkeypatch.setattr(threads, "time", fake)
    monkeypatch.setattr(threads._Load, "_busy_seconds", lambda self: fake.busy)
    return fake


def load_on_two_cores():
    load = threads._Load()
    load.cores = load.total_cores = 2
    return load


# a little over the sampling periods (the fake clock's sums are not exact)
FIRST, WINDOW = threads.FIRST_SAMPLE_SECONDS * 1.01, threads.SAMPLE_SECONDS * 1.01


def test_free_cores_are_the_cores_other_processes_left(machine):
    load = load_on_two_cores()
    assert load.free_cores(machine.now) == 1.0  # one sample: no estimate yet
    machine.run(FIRST, ours=1, others=0)
    assert load.free_cores(machine.now) == pytest.approx(2.0)  # this process's own CPU is not
    machine.run(WINDOW / 2, ours=1, others=1.5)  # counted against it
    assert load.free_cores(machine.now) == pytest.approx(2.0)  # re-sampled only every 0.25 s
    machine.run(WINDOW / 2, ours=1, others=1.5)
    assert load.free_cores(machine.now) == pytest.approx(0.5)


def test_a_pause_does_not_count_what_others_did_meanwhile(machine):
    # Another process busy on both cores while this one ran nothing (another framework's epoch,
    # taken in turn) said nothing of the machine once it stopped: the estimate from before the
    # pause holds until a fresh first look.
    load = load_on_two_cores()
    load.free_cores(machine.now)
    machine.run(WINDOW, ours=2, others=0)
    assert load.free_cores(machine.now) == pytest.approx(2.0)
    load.ran = machine.now
    machine.run(0.5, ours=0, others=2)  # the pause
    assert load.free_cores(machine.now, idle=0.5) == pytest.approx(2.0)
    machine.run(FIRST / 2, ours=2, others=0)
    assert load.free_cores(machine.now) == pytest.approx(2.0)
    machine.run(FIRST / 2, ours=2, others=0)
    assert load.free_cores(machine.now) == pytest.approx(2.0)
    # ... and a machine that stays busy is seen by that first look
    load.ran = machine.now
    machine.run(0.5, ours=0, others=2)
    assert load.free_cores(machine.now, idle=0.5) == pytest.approx(2.0)
    machine.run(FIRST, ours=1, others=1.8)
    assert load.free_cores(machine.now) == pytest.approx(0.2)
    # without a pause, a window's busy others count as before
    machine.run(WINDOW, ours=1, others=1.8)
    assert load.free_cores(machine.now, idle=0.0) == pytest.approx(0.2)


def test_a_run_notes_when_it_ended(auto_on_two_free_cores):
    policy = threads.PlanThreads()
    plan = TimedPlan(0.002)
    policy.run(plan, None)
    assert threads._load.ran == threads.time.now


def test_free_cores_notes_the_other_processes_runnable_threads(machine, monkeypatch):
    # /proc/loadavg's runnable count, less the thread that asks and the compiled products'
    # workers awake (spinning for the next product)
    load = load_on_two_cores()
    monkeypatch.setattr(threads._Load, "_running_threads", lambda self: 4)
    monkeypatch.setattr(gemm, "awake_workers", lambda: 1)
    load.free_cores(machine.now)
    assert load.others_running == 2
    monkeypatch.setattr(threads._Load, "_running_threads", lambda self: 1)
    machine.run(FIRST, ours=1, others=0)
    load.free_cores(machine.now)
    assert load.others_running == 0


@pytest.fixture
def two_busy_cores(library_at_two, monkeypatch):
    """The automatic policy on two cores that two other processes keep busy, each one thread,
    on the fake clock."""
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)

    def busy(self, now, idle=0.0):
        self.others_running = 2
        return 0.0
    monkeypatch.setattr(threads._Load, "free_cores", busy)
    monkeypatch.setattr(threads, "time", FakeTime())
    monkeypatch.setattr(threads, "_load", None)
    policy = threads.PlanThreads()  # (makes the _Load)
    threads._load.cores = 2
    yield
    gemm.set_threads(1)


@pytest.mark.parametrize("inference", [True, False])
def test_busy_cores_give_two_threads_to_compiled_products_stealing_in_training(
        two_busy_cores, inference):
    policy = threads.PlanThreads(tiled=False, inference=inference)
    plan = TimedPlan(0.002)
    policy.run(plan, None)  # the one-thread time
    assert policy.last_threads == 1 and not gemm.stealing()
    policy.native = True  # (as after a run whose products ran in the compiled kernel)
    policy.run(plan, None)
    assert policy.last_threads == 2 and gemm.threads() == 2
    # a training step's products (b written by the plan's updates) run stealing; an
    # inference plan's pack b per thread and meet only at their ends
    assert gemm.stealing() == (not inference) == policy.steal


def test_steal_only_where_every_core_runs_another_thread(two_busy_cores, monkeypatch):
    def one_busy(self, now, idle=0.0):
        self.others_running = 1
        return 1.0
    monkeypatch.setattr(threads._Load, "free_cores", one_busy)
    policy = threads.PlanThreads(tiled=False)
    plan = TimedPlan(0.002)
    policy.run(plan, None)
    policy.native = True
    policy.run(plan, None)
    assert policy.last_threads == 1 and not gemm.stealing() and not policy.steal


def test_inference_plans_are_told_from_training_steps():
    x = tf.placeholder(tf.float32, (None, 8))
    w = tf.Variable(np.ones((8, 4), np.float32))
    logits = tf.matmul(tf.matmul(x, w), tf.constant(np.eye(4, dtype=np.float32)))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(logits))
    feed = {x: np.ones((2, 8), np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(logits, feed)
        sess.run(step, feed)
        found = {}
        for key, plan in sess._plans.items():
            types = {s.op.type for s in plan.steps if s.op is not None}
            if "MatMul" in types:
                found["ApplyGradientDescent" in types] = (threads.inference(plan),
                                                          sess._plan_threads[key].inference)
    # the training step's products read w, which its update writes; the forward pass's do not
    assert found == {False: (True, True), True: (False, False)}
