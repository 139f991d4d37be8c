"""tf.nest (TF 1.13+'s public nest): what TF 2.21's compat.v1 printed for the same calls (run by
hand): values, and error classes with the first line of their messages."""

import collections

import pytest

import minitf as tf

P = collections.namedtuple("P", "a b")
nest = tf.nest
SAME = "The two structures don't have the same nested structure."


def test_values():
    assert nest.flatten({"b": [1, (2, 3)], "a": P(4, 5)}) == [4, 5, 1, 2, 3]
    assert nest.flatten(7) == [7] and nest.flatten(None) == [None]
    assert nest.pack_sequence_as({"b": [0, (0, 0)], "a": P(0, 0)}, [1, 2, 3, 4, 5]) == \
        {"b": [3, (4, 5)], "a": P(a=1, b=2)}
    assert nest.map_structure(lambda x, y: x + y, (1, [2]), (10, [20])) == (11, [22])
    assert nest.map_structure(lambda x, y: x + y, (1, [2]), [10, (20,)],
                              check_types=False) == (11, [22])
    assert nest.assert_same_structure([1, 2], (1, 2), check_types=False) is None
    assert [nest.is_nested(x) for x in ([1], (), {}, 1, "ab", P(1, 2))] == \
        [True, True, True, False, False, True]


@pytest.mark.parametrize("call,error", [
    (lambda: nest.pack_sequence_as([0, 0], [1]), ValueError),
    (lambda: nest.pack_sequence_as(0, [1, 2]), ValueError),
    (lambda: nest.map_structure(lambda x, y: x + y, (1, [2]), [10, (20,)]), TypeError),
    (lambda: nest.assert_same_structure([1, 2], (1, 2)), TypeError),
    (lambda: nest.assert_same_structure([1, 2], [1]), ValueError),
    (lambda: nest.assert_same_structure({"a": 1}, {"b": 1}), ValueError),
])
def test_errors(call, error):
    with pytest.raises(error) as e:
        call()
    if "structure" in str(e.value) and "pack" not in str(e.value):
        assert str(e.value).startswith(SAME)
