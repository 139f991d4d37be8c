"""ParseExampleV2 in TF's GraphDef form: the programs of tests/record_tf_parse_graph_def.py
run on minitf and must give what TF 2.15 gave (tests/fixtures/tf_parse_graph_def.json): the
nodes tf.io.parse_example adds, the op's inputs (protos, names, sparse, dense and ragged keys,
one default tensor per dense key) and attrs (Tdense, dense_shapes, num_sparse, sparse_types,
ragged_*), and the parsed values."""

import minitf as tf
from tests.helpers import recorded_program_tests

RECORDER, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = (
    recorded_program_tests("tf_parse_graph_def"))


def test_graph_def_round_trip_parses_the_same():
    """A graph written with the op in TF's form and imported back parses as the original."""
    with tf.Graph().as_default() as g:
        serialized = tf.placeholder(tf.string, [None], name="s")
        out = tf.io.parse_example(serialized, {"x": tf.io.FixedLenFeature([2], tf.int64),
                                               "y": tf.io.FixedLenFeature([], tf.float32,
                                                                          default_value=0.5)})
    examples = [RECORDER._example(tf, x=[1, 2]), RECORDER._example(tf, x=[3, 4], y=[2.0])]
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(g.as_graph_def(), name="")
        with tf.Session() as sess:
            x, y = sess.run([out["x"].name, out["y"].name], {"s:0": examples})
    assert x.tolist() == [[1, 2], [3, 4]] and y.tolist() == [0.5, 2.0]
    assert g2.get_operation_by_name("ParseExample/ParseExampleV2").inputs[5].op.name == \
        "ParseExample/Const"
