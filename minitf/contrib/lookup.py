"""tf.contrib.lookup: TF1's lookup tables under their contrib names (HashTable is
tf.lookup.StaticHashTable), the vocabulary helpers and the mutable hash table."""

from minitf.ops.lookup_ops import (FastHashSpec, IdTableWithHashBuckets,
                                   KeyValueTensorInitializer, MutableHashTable, TextFileIndex,
                                   TextFileInitializer, index_table_from_file,
                                   index_table_from_tensor, index_to_string_table_from_file,
                                   index_to_string_table_from_tensor)
from minitf.ops.lookup_ops import StaticHashTable as HashTable

__all__ = ["FastHashSpec", "HashTable", "IdTableWithHashBuckets", "KeyValueTensorInitializer",
           "MutableHashTable", "TextFileIndex", "TextFileInitializer", "index_table_from_file",
           "index_table_from_tensor", "index_to_string_table_from_file",
           "index_to_string_table_from_tensor"]
