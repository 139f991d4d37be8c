"""tf.data (TF1): datasets, their transformations, and iterators over them."""

from minitf.data import experimental
from minitf.data.dataset_ops import (AUTOTUNE, Dataset, FixedLengthRecordDataset,
                                     TextLineDataset, TFRecordDataset)
from minitf.data.options import Options
from minitf.data.transformations import INFINITE as INFINITE_CARDINALITY
from minitf.data.transformations import UNKNOWN as UNKNOWN_CARDINALITY
from minitf.data.iterator_ops import (Iterator, get_output_classes, get_output_shapes,
                                      get_output_types, make_initializable_iterator,
                                      make_one_shot_iterator)

__all__ = ["AUTOTUNE", "Dataset", "FixedLengthRecordDataset", "INFINITE_CARDINALITY", "Iterator",
           "Options", "TextLineDataset", "TFRecordDataset", "UNKNOWN_CARDINALITY", "experimental",
           "get_output_classes", "get_output_shapes", "get_output_types",
           "make_initializable_iterator", "make_one_shot_iterator"]
