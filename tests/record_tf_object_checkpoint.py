"""Records TensorFlow 2.21's object-based checkpoints (tf.compat.v1.train.Checkpoint and
CheckpointManager in graph mode) for tests/train/test_object_checkpoint.py (TF is never a
minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_object_checkpoint.py

writes tests/fixtures/tf_checkpoints/object_graph/ (TF's checkpoint `ckpt-1` of
tests/checkpoint_programs.py after two Adam steps, and its `checkpoint` file) and
tests/fixtures/tf_object_checkpoint.json:

- "keys": the checkpoint's keys with their dtypes and shapes; "object_graph": the
  _CHECKPOINTABLE_OBJECT_GRAPH proto in text form; "values": every variable after the steps;
- "manager": what CheckpointManager returns and leaves on disk over a sequence of saves;
- "errors": the exception class and message of misuses and failed assertions."""

import json
import os
import shutil
import sys
import tempfile

import tensorflow.compat.v1 as tf
from google.protobuf import text_format
from tensorflow.core.protobuf import trackable_object_graph_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint_programs  # noqa: E402

tf.disable_v2_behavior()

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
OUT = os.path.join(FIXTURES, "tf_checkpoints", "object_graph")


def checkpoint():
    shutil.rmtree(OUT, ignore_errors=True)
    path, values = checkpoint_programs.train_and_save(tf, os.path.join(OUT, "ckpt"))
    reader = tf.train.load_checkpoint(path)
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    dtypes = reader.get_variable_to_dtype_map()
    keys = [[k, dtypes[k].name, s] for k, s in sorted(tf.train.list_variables(path))]
    return {"path": os.path.basename(path), "keys": keys, "values": values,
            "object_graph": text_format.MessageToString(graph),
            "state": open(os.path.join(OUT, "checkpoint")).read()}


if __name__ == "__main__":
    directory = tempfile.mkdtemp()
    try:
        manager = checkpoint_programs.manager_run(tf, directory)
    finally:
        shutil.rmtree(directory)
    result = {"checkpoint": checkpoint(), "manager": manager,
              "errors": checkpoint_programs.misuses(tf, os.path.join(OUT, "ckpt-1"))}
    with open(os.path.join(FIXTURES, "tf_object_checkpoint.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
