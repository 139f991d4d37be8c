"""tf.python_io: TFRecord files (TFRecordWriter, tf_record_iterator, TFRecordOptions)."""

from minitf.lib.io.tf_record import (TFRecordCompressionType, TFRecordOptions, TFRecordWriter,
                                     tf_record_iterator)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
