"""Dataset.map(num_parallel_calls=N): N worker threads, results in input order, and no thread
left behind. Anything that could hang waits with a timeout."""

import dataclasses
import threading
import time

import numpy as np
import pytest

import minitf as tf
from minitf.framework.registry import OpDef
from minitf.framework.tensor import TensorSpec
from tests.data.test_dataset import drain, values_of

pytestmark = pytest.mark.usefixtures("fresh_graph")


def map_threads():
    return [t for t in threading.enumerate() if t.name.startswith("minitf-map-")]


def settled(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


@dataclasses.dataclass(frozen=True)
class _Meet(OpDef):
    """A toy stateless kernel that waits at a barrier of `parties` calls (so it returns only
    when that many calls run at the same time), then returns x + 1. Raises for x == `bad`."""

    parties: int = 2
    bad: int = -1
    type_name = "ToyMeet"

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def bind(self, ctx, op):
        barrier = _BARRIERS.setdefault(self.parties, threading.Barrier(self.parties, timeout=10))

        def meet(x):
            if self.parties > 1:
                barrier.wait()
            if int(x) == self.bad:
                raise ValueError("element %d is bad" % self.bad)
            return x + 1
        return meet


_BARRIERS = {}


def meet(x, parties, bad=-1):
    return tf.get_default_graph().create_op(_Meet(parties, bad), [x]).outputs[0]


# Elementwise maps run once per chunk, the others once per element; both keep the order.
MAPS = [
    ("elementwise", lambda x: tf.cast(x, tf.float32) * 0.5 + 1.0),
    ("per element", lambda x: tf.reduce_sum(tf.range(x % 5))),
    ("tuple out", lambda x: (x * 2, tf.fill([2], x))),
]


@pytest.mark.parametrize("threads", [1, 2, 3, tf.data.experimental.AUTOTUNE])
@pytest.mark.parametrize("name,fn", MAPS, ids=[m[0] for m in MAPS])
def test_parallel_map_gives_the_sequential_maps_elements_in_order(name, fn, threads):
    source = tf.data.Dataset.range(103)
    want = values_of(source.map(fn).batch(10))
    got = values_of(source.map(fn, num_parallel_calls=threads).batch(10))
    assert len(got) == len(want) == 11
    for g, w in zip(got, want):
        for a, b in zip(g if isinstance(g, tuple) else [g], w if isinstance(w, tuple) else [w]):
            np.testing.assert_array_equal(a, b)
    # one element at a time, too (chunks of one row)
    single = values_of(source.take(9).map(fn, num_parallel_calls=threads))
    assert len(single) == 9


def test_the_map_runs_on_n_threads_at_once():
    # Each call waits until three calls are in the kernel together: a map that ran its calls
    # one after another (or on fewer threads) would break the barrier after 10 s.
    ds = tf.data.Dataset.range(12).map(lambda x: meet(x, 3), num_parallel_calls=3).batch(12)
    start = time.monotonic()
    (got,) = values_of(ds)
    assert got.tolist() == list(range(1, 13))
    assert time.monotonic() - start < 5


def test_an_error_in_one_call_arrives_in_order_and_the_pipeline_goes_on():
    ds = tf.data.Dataset.range(8).map(lambda x: meet(x, 1, bad=5), num_parallel_calls=2)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        got = []
        with pytest.raises(tf.errors.InvalidArgumentError, match="element 5 is bad"):
            for _ in range(8):
                got.append(sess.run(nxt))
        # chunks of one element: the error takes the bad element's place, the rest follow
        assert got == [1, 2, 3, 4, 5]
        assert drain(sess, nxt) == [7, 8]


def test_random_functions_stay_deterministic():
    def noisy(x):
        return tf.cast(x, tf.float32) + tf.random_uniform([], seed=7)
    source = tf.data.Dataset.range(20)
    tf.set_random_seed(1)
    want = values_of(source.map(noisy))
    tf.set_random_seed(1)
    got = values_of(source.map(noisy, num_parallel_calls=4))
    np.testing.assert_array_equal(got, want)


def test_no_thread_outlives_its_session_or_initialization():
    assert settled(lambda: not map_threads())
    ds = tf.data.Dataset.range(10 ** 6).map(lambda x: x * 2, num_parallel_calls=3).prefetch(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    sess = tf.Session()
    for _ in range(3):
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
        assert len(map_threads()) == 3  # the previous initialization's threads have ended
    closing = threading.Thread(target=sess.close)
    closing.start()
    closing.join(10)
    assert not closing.is_alive()
    assert settled(lambda: not map_threads())


def test_closing_while_the_workers_are_busy_ends_them():
    # closed right after the first element, with chunks still queued and in flight
    ds = tf.data.Dataset.range(100).map(lambda x: x + 1, num_parallel_calls=2)
    nxt = ds.make_one_shot_iterator().get_next()
    sess = tf.Session()
    assert sess.run(nxt) == 1
    sess.close()
    assert settled(lambda: not map_threads())


@pytest.mark.parametrize("bad", [0, -2, 1.5])
def test_num_parallel_calls_must_be_positive_or_autotune(bad):
    with pytest.raises((ValueError, TypeError)):
        tf.data.Dataset.range(3).map(lambda x: x, num_parallel_calls=bad)
