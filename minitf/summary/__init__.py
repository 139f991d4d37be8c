"""tf.summary: summary ops and FileWriter for TensorBoard."""

from tensorboardX.proto.event_pb2 import Event, SessionLog, TaggedRunMetadata
from tensorboardX.proto.summary_pb2 import Summary, SummaryDescription

from minitf.summary.summary_ops import (audio, histogram, image, merge, merge_all, scalar,
                                        tensor_summary, text)
from minitf.summary.writer import FileWriter, FileWriterCache

__all__ = ["scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge",
           "merge_all", "FileWriter", "FileWriterCache", "Summary", "Event", "SessionLog",
           "SummaryDescription", "TaggedRunMetadata"]
