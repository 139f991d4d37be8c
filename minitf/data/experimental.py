"""tf.data.experimental: the names TF1 programs use from it (as functions for
Dataset.apply)."""

from minitf.data.dataset_ops import AUTOTUNE, _UnbatchDataset

__all__ = ["AUTOTUNE", "map_and_batch", "shuffle_and_repeat", "unbatch"]


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """For Dataset.apply: shuffle(buffer_size, seed) then repeat(count), a new order each
    epoch."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """For Dataset.apply: map(map_func) then batch(batch_size, drop_remainder) (minitf already
    runs an elementwise map once per block)."""
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder)


def unbatch():
    """For Dataset.apply: splits each element along its first dimension into elements."""
    return _UnbatchDataset
