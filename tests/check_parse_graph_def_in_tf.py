"""The by-hand check that TensorFlow imports and runs the GraphDefs minitf writes with
ParseSequenceExampleV2 (tests cannot import TensorFlow). Two steps, from the repository root:

    python tests/check_parse_graph_def_in_tf.py write /tmp/seq_graph      # minitf writes
    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/check_parse_graph_def_in_tf.py \
        check /tmp/seq_graph

`write` saves minitf's GraphDefs of tests/record_tf_parse_graph_def.py's sequence_batch_graph
(parse_sequence_example: context defaults as inputs, a required context feature, VarLenFeatures,
dense feature lists) and of a named parse_single_sequence_example, with their fetch names.
`check` imports them in TensorFlow's compat.v1, parses the recorder's SequenceExamples and
raises unless TF gives the values it recorded for its own graphs
(tests/fixtures/tf_parse_graph_def.json).
"""

import json
import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))


def write(directory):
    sys.path.insert(0, os.path.dirname(TESTS))
    import minitf as tf
    from tests import record_tf_parse_graph_def as recorder
    os.makedirs(directory, exist_ok=True)
    for name, (g, out) in [("batch", recorder.sequence_batch_graph(tf)),
                           ("single", recorder.sequence_single_graph(tf))]:
        with open(os.path.join(directory, name + ".pb"), "wb") as f:
            f.write(g.as_graph_def().SerializeToString())
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(recorder.sequence_fetches(out), f)
    print("wrote", directory)


def check(directory):
    sys.path.insert(0, os.path.dirname(TESTS))
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    from tests import record_tf_parse_graph_def as recorder
    with open(os.path.join(TESTS, "fixtures", "tf_parse_graph_def.json")) as f:
        recorded = json.load(f)["sequence_examples"]
    records = recorder.sequence_records(tf)
    for name, feed, want in [("batch", records, recorded["values"]),
                             ("single", records[0], recorded["single_values"])]:
        graph_def = tf.GraphDef()
        with open(os.path.join(directory, name + ".pb"), "rb") as f:
            graph_def.ParseFromString(f.read())
        with open(os.path.join(directory, name + ".json")) as f:
            fetches = json.load(f)
        with tf.Graph().as_default():
            tf.import_graph_def(graph_def, name="")
            with tf.Session() as sess:
                got = sess.run([names for _, names in fetches], {"s:0": feed})
        values = [[recorder._values(a) for a in value] if isinstance(names, list)
                  else recorder._values(value) for (_, names), value in zip(fetches, got)]
        expected = [v for part in want for _, v in sorted(part.items())]
        if values != expected:
            raise AssertionError("%s: TF gave %s on minitf's graph, %s on its own"
                                 % (name, values, expected))
        print(name, "OK: TF imports minitf's ParseSequenceExampleV2 graph and parses as TF")


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
