"""tf.io (TF 1.13+ names): TFRecord files, Example parsing, CSV and raw-byte decoding, image codecs, and
tf.io.gfile. Further readers and writers are added here, one import line each."""

from minitf.io import gfile  # noqa: F401
from minitf.framework.graph_io import write_graph
from minitf.ops.io_ops import matching_files
from minitf.ops.data_flow_ops import (PaddingFIFOQueue, PriorityQueue, QueueBase,
                                      RandomShuffleQueue)
from minitf.train.input import match_filenames_once
from minitf.lib.io.tf_record import (TFRecordCompressionType, TFRecordOptions, TFRecordWriter,
                                     tf_record_iterator)
from minitf.ops.image_codec_ops import *  # noqa: F401,F403
from minitf.ops import image_codec_ops as _image_codec_ops
from minitf.ops.string_ops import (decode_base64, decode_compressed, encode_base64, read_file,
                                   write_file)
from minitf.ops.serialization_ops import (deserialize_many_sparse, parse_tensor,
                                          serialize_many_sparse, serialize_sparse,
                                          serialize_tensor)
from minitf.ops.parsing_ops import (FixedLenFeature, FixedLenSequenceFeature, SparseFeature,
                                    VarLenFeature, decode_csv, decode_json_example, decode_raw,
                                    parse_example, parse_sequence_example, parse_single_example,
                                    parse_single_sequence_example)

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "SparseFeature", "VarLenFeature",
           "decode_json_example", "parse_sequence_example", "parse_single_sequence_example", "TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter",
           "decode_csv", "decode_raw", "matching_files", "parse_example", "parse_single_example",
           "tf_record_iterator", "write_graph", "read_file", "write_file", "decode_base64",
           "encode_base64", "decode_compressed", "serialize_tensor", "parse_tensor",
           "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse",
           "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue",
           "match_filenames_once"] + list(_image_codec_ops.__all__)
