"""ParseExampleV2 and ParseSequenceExampleV2 in TF's GraphDef form: the programs of
tests/record_tf_parse_graph_def.py run on minitf and must give what TF 2.15 gave
(tests/fixtures/tf_parse_graph_def.json): the nodes tf.io.parse_example and
tf.io.parse_(single_)sequence_example add, the ops' inputs (protos, names, the key vectors,
ParseSequenceExampleV2's missing-assumed-empty flags, one default tensor per (context) dense
key) and attrs (Tdense, dense_shapes, num_sparse, sparse_types, ragged_*; Ncontext_sparse,
Tcontext_dense, Nfeature_list_*, ...), and the parsed values. A GraphDef TF wrote with
ParseSequenceExampleV2 (tests/fixtures/tf_parse_sequence_graph_def.json) imports and parses as
TF parsed."""

import json

import pytest

import minitf as tf
from tests.helpers import TESTS, recorded_program_tests

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


def _run_sequence_graph(graph_def, fetches):
    """Imports `graph_def` into a new graph and runs `fetches` (names; a SparseTensor's as a
    triple) on the recorder's two SequenceExamples fed to `s:0`, as the recorder lists values."""
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        op = g.get_operation_by_name("ParseSequenceExample/ParseSequenceExample/"
                                     "ParseSequenceExampleV2")
        with tf.Session() as sess:
            got = sess.run([names for _, names in fetches],
                           {"s:0": RECORDER.sequence_records(tf)})
    values = [[RECORDER._values(a) for a in value] if isinstance(names, list)
              else RECORDER._values(value) for (_, names), value in zip(fetches, got)]
    return op, values


def _tf_values():
    """The values TF parsed in the recorder's sequence_examples, in the fetches' order."""
    recorded = json.loads((TESTS / "fixtures" / "tf_parse_graph_def.json").read_text())
    return [v for part in recorded["sequence_examples"]["values"]
            for _, v in sorted(part.items())]


def test_tf_sequence_graph_def_imports_and_parses_as_tf():
    """TF 2.15's GraphDef of sequence_batch_graph (context defaults as inputs) runs in minitf
    with the values TF gave for the same protos."""
    written = json.loads((TESTS / "fixtures" / "tf_parse_sequence_graph_def.json").read_text())
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(bytes.fromhex(written["graph_def"]))
    op, values = _run_sequence_graph(graph_def, written["fetches"])
    assert [t.op.name for t in op.inputs][-3:] == [
        "ParseSequenceExample/ParseSequenceExample/ParseSequenceExampleV2/"
        "feature_list_dense_missing_assumed_empty",
        "ParseSequenceExample/ParseSequenceExample/Reshape",
        "ParseSequenceExample/ParseSequenceExample/Const"]
    assert op.get_attr("Tcontext_dense") == (tf.int64, tf.float32)
    assert op.outputs[3].shape.as_list() == [None, 2]  # context c, as TF infers it
    assert values == _tf_values()


def test_sequence_graph_def_round_trip_parses_the_same():
    """minitf's own GraphDef of sequence_batch_graph imports back and parses as TF parsed."""
    g, out = RECORDER.sequence_batch_graph(tf)
    op, values = _run_sequence_graph(g.as_graph_def(), RECORDER.sequence_fetches(out))
    assert len(op.inputs) == 11 and op.inputs[1].op.name.endswith("/debug_name")
    assert values == _tf_values()


def test_sequence_graph_def_with_mismatched_defaults_fails_at_import():
    """Tcontext_dense must give each context default's dtype (one default per type), checked
    when the node is built (the import's ValueError names the node and a TypeError), and
    ragged features are refused."""
    written = json.loads((TESTS / "fixtures" / "tf_parse_sequence_graph_def.json").read_text())
    for attr, types, error, message in [
            ("Tcontext_dense", [tf.float32, tf.float32], ValueError, "^Node 'ParseSequenceExample/"
             ".*TypeError: ParseSequenceExampleV2: a dense default of int64 where "
             "Tcontext_dense says float32"),
            ("Tcontext_dense", [tf.int64], ValueError, r"^ParseSequenceExampleV2: 2 "
             r"dense_defaults for 1 dense types \(Tcontext_dense\) for 'ParseSequenceExample/"),
            ("context_ragged_value_types", [tf.int64], NotImplementedError,
             "^ParseSequenceExampleV2: minitf parses no ragged features")]:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(bytes.fromhex(written["graph_def"]))
        node = [n for n in graph_def.node if n.op == "ParseSequenceExampleV2"][0]
        node.attr[attr].list.ClearField("type")
        node.attr[attr].list.type.extend(t.as_datatype_enum for t in types)
        with tf.Graph().as_default():
            with pytest.raises(error, match=message):
                tf.import_graph_def(graph_def, name="")
