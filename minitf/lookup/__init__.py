"""tf.lookup (TF 1.13+ names): static lookup tables and their initializers."""

from minitf.ops.lookup_ops import (KeyValueTensorInitializer, StaticHashTable,
                                   StaticVocabularyTable, TextFileIndex, TextFileInitializer)

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable",
           "TextFileIndex", "TextFileInitializer"]
