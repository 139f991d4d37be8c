"""tf.data.experimental: the names TF1 programs use from it (as functions for
Dataset.apply)."""

from minitf.data.dataset_ops import AUTOTUNE, _FlatMapDataset, _UnbatchDataset
from minitf.data.options import (DistributeOptions, MapVectorizationOptions,
                                 OptimizationOptions, StatsOptions, ThreadingOptions)
from minitf.data.readers import CsvDataset, make_batched_features_dataset, make_csv_dataset
from minitf.data.transformations import INFINITE as INFINITE_CARDINALITY
from minitf.data.transformations import UNKNOWN as UNKNOWN_CARDINALITY
from minitf.data.transformations import (_CounterDataset,
                                         _DirectedInterleaveDataset, _IgnoreErrorsDataset,
                                         _ScanDataset, _TakeWhileDataset, _UniqueDataset,
                                         bucket_by_sequence_length, cardinality,
                                         get_single_element, group_by_window,
                                         rejection_resample)
from minitf import dtypes

__all__ = ["AUTOTUNE", "Counter", "CsvDataset", "DistributeOptions", "INFINITE_CARDINALITY",
           "MapVectorizationOptions", "OptimizationOptions", "StatsOptions", "ThreadingOptions",
           "UNKNOWN_CARDINALITY", "bucket_by_sequence_length", "cardinality",
           "choose_from_datasets", "enumerate_dataset", "get_single_element", "group_by_window",
           "ignore_errors", "make_batched_features_dataset", "make_csv_dataset",
           "map_and_batch", "parallel_interleave", "rejection_resample",
           "sample_from_datasets", "scan", "shuffle_and_repeat", "take_while", "unbatch",
           "unique"]


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


def Counter(start=0, step=1, dtype=dtypes.int64):  # noqa: N802 - TF's name
    """A dataset counting from `start` by `step`, for ever."""
    return _CounterDataset(start, step, dtype)


def enumerate_dataset(start=0):
    """For Dataset.apply: (index, element) pairs, as Dataset.enumerate(start)."""
    return lambda dataset: dataset.enumerate(start)


def scan(initial_state, scan_func):
    """For Dataset.apply: `scan_func(state, element)` returns (new state, output element)."""
    return lambda dataset: _ScanDataset(dataset, initial_state, scan_func)


def take_while(predicate):
    """For Dataset.apply: the elements before the first for which `predicate` is False."""
    return lambda dataset: _TakeWhileDataset(dataset, predicate)


def unique():
    """For Dataset.apply: each distinct element once, first occurrences in order."""
    return _UniqueDataset


def ignore_errors():
    """For Dataset.apply: the elements, skipping those whose computation raised an error."""
    return _IgnoreErrorsDataset


def choose_from_datasets(datasets, choice_dataset):
    """The element of `datasets[i]` for each i of `choice_dataset` (int64 scalars); an
    exhausted dataset's turns are skipped."""
    return _DirectedInterleaveDataset(datasets, selector=choice_dataset)


def sample_from_datasets(datasets, weights=None, seed=None):
    """Elements of `datasets` picked at random with probabilities `weights` (uniform by
    default), until every dataset is exhausted; minitf's random stream (see `seed`)."""
    return _DirectedInterleaveDataset(datasets, weights=weights, seed=seed)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """For Dataset.apply: interleave(map_func, cycle_length, block_length). minitf pulls the
    cycle's datasets in order in one thread, so `sloppy` output is the deterministic order."""
    return lambda dataset: _FlatMapDataset(dataset, map_func, cycle_length, block_length)
