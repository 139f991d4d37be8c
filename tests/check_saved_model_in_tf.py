"""The by-hand check that TensorFlow loads the SavedModels minitf writes (tests cannot import
TensorFlow). Two steps, from the repository root:

    python tests/check_saved_model_in_tf.py write /tmp/sm          # minitf writes, records
    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/check_saved_model_in_tf.py check /tmp/sm

`write` exports three SavedModels with minitf: simple_save of a trained two-layer model; a
builder with two MetaGraphDefs, an asset fed to the main op, strip_default_attrs=True and
as_text=True; and the TF fixture (tests/fixtures/tf_saved_model) loaded under an import scope
and exported again. `check` loads each in TensorFlow's compat.v1 loader, compares what it
computes with what minitf computed, and saves a checkpoint through the loaded SaverDef (so
TF runs minitf's save ops). It raises on any difference.
"""

import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(directory):
    sys.path.insert(0, ROOT)
    import minitf as tf
    from tests.saved_model.test_saved_model import RECORDED, TF_MODEL, _train_small_model
    os.makedirs(directory)
    want = {}
    with tf.Graph().as_default(), tf.Session() as sess:
        data, labels, x, y, probs, step = _train_small_model()
        sess.run(tf.global_variables_initializer())
        for _ in range(20):
            sess.run(step, {x: data, y: labels})
        want["data"], want["simple"] = data.tolist(), sess.run(probs, {x: data}).tolist()
        tf.saved_model.simple_save(sess, os.path.join(directory, "simple"), {"x": x},
                                   {"probs": probs})
    vocab = os.path.join(directory, "vocab.txt")
    with open(vocab, "w") as f:
        f.write("a\nb\n")
    with tf.Graph().as_default(), tf.Session() as sess:
        v = tf.get_variable("v", [2], initializer=tf.constant_initializer([1.5, -2.0]))
        asset = tf.constant(vocab, name="vocab_path")
        path = tf.get_variable("path", [], tf.string, initializer=tf.constant_initializer(""),
                               collections=[tf.GraphKeys.LOCAL_VARIABLES])
        main_op = tf.group(tf.assign(path, asset), name="main")
        tf.identity(v * 2.0, name="out")
        sess.run(tf.global_variables_initializer())
        builder = tf.saved_model.Builder(os.path.join(directory, "builder"))
        builder.add_meta_graph_and_variables(sess, ["serve"], assets_collection=[asset],
                                             main_op=main_op, strip_default_attrs=True)
        builder.add_meta_graph(["train", "gpu"])
        builder.save(as_text=True)
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.load(sess, ["serve"], TF_MODEL, import_scope="m")
        sig = meta.signature_def["serving_default"]
        x = tf.saved_model.get_tensor_from_tensor_info(sig.inputs["x"], import_scope="m")
        y = tf.saved_model.get_tensor_from_tensor_info(sig.outputs["y"], import_scope="m")
        want["input"] = RECORDED["input"]
        want["again"] = sess.run(y, {x: np.array(RECORDED["input"], np.float32)}).tolist()
        tf.saved_model.simple_save(sess, os.path.join(directory, "again"), {"x": x}, {"y": y})
    with open(os.path.join(directory, "want.json"), "w") as f:
        json.dump(want, f)


def check(directory):
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    with open(os.path.join(directory, "want.json")) as f:
        want = json.load(f)

    def run_signature(name, key, x):
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, ["serve"], os.path.join(directory, name))
            sig = meta.signature_def["serving_default"]
            got = sess.run(sig.outputs[key].name, {sig.inputs["x"].name: x})
            saver = tf.train.Saver(saver_def=meta.saver_def)
            os.makedirs(os.path.join(directory, "ck"), exist_ok=True)
            saver.save(sess, os.path.join(directory, "ck", name), write_meta_graph=False)
        return got

    got = run_signature("simple", "probs", np.array(want["data"], np.float32))
    np.testing.assert_allclose(got, want["simple"], rtol=1e-6)
    got = run_signature("again", "y", np.array(want["input"], np.float32))
    np.testing.assert_allclose(got, want["again"], rtol=1e-6)
    for tags in (["serve"], ["gpu", "train"]):
        with tf.Session(graph=tf.Graph()) as sess:
            tf.saved_model.loader.load(sess, tags, os.path.join(directory, "builder"))
            np.testing.assert_array_equal(sess.run("out:0"), [3.0, -4.0])
            assert sess.run("path:0").decode() == os.path.join(directory, "builder", "assets",
                                                               "vocab.txt")
    print("TensorFlow %s loaded minitf's SavedModels and computed the same" % tf.__version__)


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](os.path.abspath(sys.argv[2]))
