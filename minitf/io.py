"""tf.io (TF 1.13+ names): TFRecord files, Example parsing, CSV and raw-byte decoding."""

from minitf.lib.io.tf_record import (TFRecordCompressionType, TFRecordOptions, TFRecordWriter,
                                     tf_record_iterator)
from minitf.ops.parsing_ops import (FixedLenFeature, decode_csv, decode_raw, parse_example,
                                    parse_single_example)

__all__ = ["FixedLenFeature", "TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter",
           "decode_csv", "decode_raw", "parse_example", "parse_single_example",
           "tf_record_iterator"]
