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
    """For Dataset.apply: map(map_func, num_parallel_calls) then batch(batch_size,
    drop_remainder); `num_parallel_batches` (n x batch_size parallel calls in TF) runs the map
    on AUTOTUNE threads, one per core, rather than that many Python threads."""
    if num_parallel_calls is None and num_parallel_batches is not None:
        num_parallel_calls = AUTOTUNE
    return lambda dataset: dataset.map(map_func, num_parallel_calls).batch(batch_size,
                                                                          drop_remainder)


def unbatch():
    """For Dataset.apply: splits each element along its first dimension into elements."""
    return _UnbatchDataset
