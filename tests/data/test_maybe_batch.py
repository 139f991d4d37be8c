"""tf.train.maybe_batch and its siblings, and what the batch functions return, against TF 1.x
(tests/fixtures/tf_maybe_batch.json, written by tests/record_tf_maybe_batch.py)."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.record_tf_maybe_batch import KEEP
from tests.record_tf_maybe_batch import drain as drain_on

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "tf_maybe_batch.json")) as f:
    TF = json.load(f)


def drain(fetch, limit=20):
    return drain_on(tf, fetch, limit)


def test_a_scalar_keep_input_batches_only_the_kept_elements():
    x = tf.train.range_input_producer(10, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.maybe_batch([x, x * 10], tf.equal(x % 3, 0), 2, allow_smaller_final_batch=True)
    assert [t.name for t in b] == TF["scalar"]["names"]
    assert drain(b) == TF["scalar"]["values"]


def test_a_vector_keep_input_picks_elements_of_an_enqueued_batch():
    b = tf.train.maybe_batch([tf.constant(np.arange(8))], tf.constant(KEEP), 3,
                             enqueue_many=True)
    assert b.name == TF["vector"]["name"]
    assert drain(b, 3) == TF["vector"]["values"]


def test_keep_input_known_at_build_time_builds_no_cond():
    x = tf.constant(1.0)
    tf.train.maybe_batch([x], True, 2)
    assert not [op for op in tf.get_default_graph().get_operations() if op.type == "If"]
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [])
    tf.train.maybe_batch([x], tf.placeholder(tf.bool, []), 2)
    assert [op for op in tf.get_default_graph().get_operations() if op.type == "If"]


@pytest.mark.parametrize("case", sorted(TF["errors"]))
def test_bad_keep_input_raises_tf1s_error(case):
    keep = {"vector_without_enqueue_many": (lambda: tf.constant([True, False]), False),
            "matrix": (lambda: tf.constant([[True]]), True),
            "unknown_rank": (lambda: tf.placeholder(tf.bool), False)}[case]
    with pytest.raises(ValueError) as e:
        tf.train.maybe_batch([tf.constant([1, 2])], keep[0](), batch_size=2, enqueue_many=keep[1])
    assert str(e.value) == TF["errors"][case]


BATCHERS = {"batch": lambda t: tf.train.batch(t, 2),
            "shuffle_batch": lambda t: tf.train.shuffle_batch(t, 2, 10, 2),
            "batch_join": lambda t: tf.train.batch_join([t], 2),
            "maybe_shuffle_batch": lambda t: tf.train.maybe_shuffle_batch(t, 2, 10, 2, True)}


@pytest.mark.parametrize("name", sorted(BATCHERS))
def test_a_list_of_one_tensor_gives_a_tensor_as_tf1_does(name):
    x = tf.constant(1.0)
    got = {kind: "Tensor" if isinstance(out, tf.Tensor) else type(out).__name__
           for kind, out in [("list1", BATCHERS[name]([x])), ("tuple1", BATCHERS[name]((x,))),
                             ("list2", BATCHERS[name]([x, x])),
                             ("dict1", BATCHERS[name]({"a": x}))]}
    tf.reset_default_graph()
    got["name"] = BATCHERS[name]([tf.constant(1.0)]).name
    assert got == TF["kinds"][name]


def test_maybe_batch_join_and_shuffle_batch_join_keep_only_selected_elements():
    x = tf.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.maybe_batch_join([[x], [x]], tf.less(x, 3), 1, allow_smaller_final_batch=True)
    assert b.name == "batch_join:0"
    assert sorted(v for batch in drain(b) for v in batch) == [0, 1, 2]
    tf.reset_default_graph()
    x = tf.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.maybe_shuffle_batch_join([[x], [x]], 1, 10, 0, tf.greater(x, 2), seed=3,
                                          allow_smaller_final_batch=True)
    assert sorted(v for batch in drain(b) for v in batch) == [3, 4, 5]
