"""tf.estimator.inputs.numpy_input_fn: an input_fn that feeds numpy arrays through a queue, as
TF 1.15 does: a feeding thread (a QueueRunner) enqueues rows in order (or in a random order per
epoch with shuffle=True, into a RandomShuffleQueue), one stream across epochs, and the input_fn
dequeues batches: dequeue_many (static batch size) when num_epochs is None (forever), else
dequeue_up_to, so the last batch may be partial and the end of the input is an
OutOfRangeError that ends train/evaluate/predict."""

import collections

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.ops.array_ops import placeholder
from minitf.ops.data_flow_ops import FIFOQueue, RandomShuffleQueue
from minitf.ops.math_ops import cast, maximum
from minitf.ops.random_ops import get_seed
from minitf.summary.summary_ops import scalar
from minitf.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["numpy_input_fn"]

_TARGET_KEY = "__target_key__"


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):
    """An input_fn returning (features, targets): `features` a dict with x's keys (or one
    tensor when x is an array), `targets` y's tensor or dict (features alone when y is None).
    `shuffle` must be given (True or False). One feeding thread reads the arrays (TF's
    num_threads only multiplies the threads of its shuffled feeding)."""
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         "recommended to set it as True for training); got {}".format(shuffle))

    def input_fn():
        data = _columns(x)
        feature_keys = list(data)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            y_columns = collections.OrderedDict(sorted(y.items()))
            target_keys = list(y_columns)
            duplicates = set(feature_keys) & set(target_keys)
            if duplicates:
                raise ValueError("{} duplicate keys are found in both x and y: {}"
                                 .format(len(duplicates), duplicates))
            data.update(y_columns)
        else:
            target_keys = _TARGET_KEY
            while target_keys in data:
                target_keys += "_n"
            data[target_keys] = y
        if len(set(v.shape[0] for v in data.values())) != 1:
            if target_keys is None:
                y_shapes = None
            elif isinstance(target_keys, str):
                y_shapes = y.shape
            else:
                y_shapes = {k: data[k].shape for k in target_keys}
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x and "
                             "y must have the same length.\nShapes in x: {}\nShapes in y: {}\n"
                             .format({k: data[k].shape for k in feature_keys}, y_shapes))
        batch = _enqueue_data(data, queue_capacity, shuffle, batch_size, num_epochs)
        if isinstance(x, np.ndarray):
            features = batch[0]
        else:
            features = dict(zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))
    return input_fn


def _columns(x):
    """x as an ordered dict of arrays (sorted keys; an array is one column)."""
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted(x.items()))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict([("__direct_np_input__", x)])
    raise TypeError("x must be a dict or array; got {}".format(type(x).__name__))


def _enqueue_data(data, capacity, shuffle, batch_size, num_epochs):
    """The dequeued batch (a list of tensors, one per column) of a queue that a feeding
    QueueRunner fills with `data`'s rows; the queue's row index is TF's first component,
    dropped here as TF drops it."""
    arrays = [np.asarray(a) for a in data.values()]
    types = [dtypes.int64] + [dtypes.as_dtype(a.dtype) for a in arrays]
    shapes = [()] + [a.shape[1:] for a in arrays]
    with name_scope("enqueue_input"):
        if shuffle:
            min_after_dequeue = int(capacity / 4)
            queue = RandomShuffleQueue(capacity, min_after_dequeue, dtypes=types, shapes=shapes)
            seed = get_seed(None)[0]
        else:
            min_after_dequeue = 0
            queue = FIFOQueue(capacity, dtypes=types, shapes=shapes)
            seed = None
        feeds = [placeholder(t, shape=(None,) + tuple(s)) for t, s in zip(types, shapes)]
        enqueue_op = queue.enqueue_many(feeds)
        add_queue_runner(_FeedingQueueRunner(
            queue, enqueue_op, feeds, _RowFeeder(arrays, batch_size, num_epochs, shuffle, seed)))
        # TF's fill summary, tag included: the queue op's full name runs into "fraction"
        # (queue.name would be TF's full name too, but minitf's QueueBase.name is the last part).
        full = cast(maximum(0, queue.size() - min_after_dequeue), dtypes.float32) * (
            1.0 / (capacity - min_after_dequeue))
        scalar("queue/%sfraction_over_%d_of_%d_full" % (queue.queue_ref.op.name, min_after_dequeue,
                                                         capacity - min_after_dequeue), full)
    if num_epochs is None:
        batch = queue.dequeue_many(batch_size)
    else:
        batch = queue.dequeue_up_to(batch_size)
    return list(batch)[1:]


class _RowFeeder:
    """The next `batch_size` rows of the stream of epochs (the rows in order, or a random
    permutation per epoch): a list with the row indices first; OutOfRangeError after
    `num_epochs` epochs (the last list may be short)."""

    def __init__(self, arrays, batch_size, num_epochs, shuffle, seed):
        self._arrays = arrays
        self._batch_size = batch_size
        self._num_epochs = num_epochs
        self._rows = len(arrays[0])
        self._rng = np.random.RandomState(seed) if shuffle else None
        self._epoch = 0
        self._order = self._new_epoch()
        self._position = 0

    def _new_epoch(self):
        if self._rng is None:
            return np.arange(self._rows)
        return self._rng.permutation(self._rows)

    def __call__(self):
        parts, needed = [], self._batch_size
        while needed and (self._num_epochs is None or self._epoch < self._num_epochs):
            take = self._order[self._position:self._position + needed]
            parts.append(take)
            needed -= len(take)
            self._position += len(take)
            if self._position == self._rows:
                self._epoch += 1
                self._order = self._new_epoch()
                self._position = 0
        if not parts:
            raise errors.OutOfRangeError(None, None, "Already emitted %s epochs."
                                         % self._num_epochs)
        index = np.concatenate(parts).astype(np.int64)
        return [index] + [a[index] for a in self._arrays]


class _FeedingQueueRunner(QueueRunner):
    """A QueueRunner whose one enqueue op is fed `feeder()`'s rows on each run."""

    def __init__(self, queue, enqueue_op, placeholders, feeder):
        super().__init__(queue, [enqueue_op])
        self._placeholders = placeholders
        self._feeder = feeder

    def _enqueue(self, sess, enqueue_op):
        sess.run(enqueue_op, feed_dict=dict(zip(self._placeholders, self._feeder())))
