"""tf.train.summary_iterator: the Event protocol buffers of an event file (what FileWriter and
TensorBoard's writers write), for reading logged scalars back in a notebook."""

from tensorboardX.proto.event_pb2 import Event

from minitf.lib.io.tf_record import tf_record_iterator

__all__ = ["summary_iterator"]


def summary_iterator(path):
    """Yields each Event of the event file `path` in order (the first is the file's version
    record). A truncated or corrupted record raises DataLossError, as reading a TFRecord file
    does.

        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "loss":
                    print(event.step, value.simple_value)"""
    for record in tf_record_iterator(path):
        yield Event.FromString(record)
