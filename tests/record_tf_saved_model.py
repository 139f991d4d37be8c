"""Records what TensorFlow 1.x's SavedModel API does, for tests/saved_model/ (TF is never a
minitf dependency; run in a venv with TensorFlow, from the repository root):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_saved_model.py

Writes tests/fixtures/tf_saved_model/ (a small SavedModel TF's SavedModelBuilder wrote: a
dense softmax layer scaled by a local variable that its main op initializes, tagged "serve"
with two signatures; one MetaGraphDef, to keep it small) and
tests/fixtures/tf_saved_model.json:

- the constants of tf.saved_model's namespaces and the names each namespace has;
- SignatureDefs TF builds for one graph (predict, classify, regress, build_signature_def
  with defaults, TensorInfos of dense, sparse and unknown-rank tensors), serialized;
- what the fixture SavedModel predicts for a fixed input;
- what StringJoin, StaticRegexFullMatch and ShardedFilename (ops of TF's sharded Saver's
  graph, which minitf imports with every SavedModel TF writes) compute;
- the errors the builder, the loader and the signature helpers raise (class and message,
  with the export directory replaced by {dir}).
"""

import base64
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from saved_model_programs import signature_graph, signatures  # noqa: E402

tf.disable_v2_behavior()

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.join(HERE, "fixtures", "tf_saved_model")
INPUT = (np.arange(12, dtype=np.float32).reshape(4, 3) / 7.0 - 0.5).tolist()
NAMESPACES = ["builder", "loader", "tag_constants", "signature_constants",
              "signature_def_utils", "utils", "constants"]


def error(fn, directory=None):
    try:
        fn()
    except Exception as e:  # what TF raises is the record
        message = str(e)
        if directory:
            message = message.replace(directory, "{dir}")
        return [type(e).__name__, message]
    return None


def write_model():
    """The fixture SavedModel, and its predictions for INPUT."""
    shutil.rmtree(MODEL_DIR, ignore_errors=True)
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.variable_scope("dense"):
            kernel = tf.get_variable("kernel", [3, 2], initializer=tf.constant_initializer(
                [[2.0, -1.0], [0.5, 0.25], [-0.75, 1.5]]))
            bias = tf.get_variable("bias", [2], initializer=tf.constant_initializer([0.1, -0.2]))
            logits = tf.matmul(x, kernel) + bias
        scale = tf.get_variable("scale", [], initializer=tf.constant_initializer(3.0),
                                collections=[tf.GraphKeys.LOCAL_VARIABLES])
        y = tf.multiply(tf.nn.softmax(logits), scale, name="y")
        label = tf.argmax(y, 1, name="label")
        sess.run(tf.global_variables_initializer())
        sess.run(tf.local_variables_initializer())
        sess.run(scale.assign(99.0))  # not saved: the main op sets it back to 3 on load
        builder = tf.saved_model.Builder(MODEL_DIR)
        builder.add_meta_graph_and_variables(
            sess, [tf.saved_model.SERVING],
            signature_def_map={
                "serving_default": tf.saved_model.predict_signature_def({"x": x}, {"y": y}),
                "label": tf.saved_model.predict_signature_def({"inputs": x},
                                                              {"label": label})},
            main_op=tf.local_variables_initializer(), strip_default_attrs=True)
        path = builder.save()
    with tf.Graph().as_default(), tf.Session() as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], MODEL_DIR)
        sig = meta.signature_def["serving_default"]
        y = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: INPUT})
    return y.tolist(), path


def record_errors(out):
    tmp = tempfile.mkdtemp()
    try:
        with tf.Graph().as_default(), tf.Session() as sess:
            tf.get_variable("v", [1])
            sess.run(tf.global_variables_initializer())
            full = os.path.join(tmp, "full")
            os.makedirs(full)
            open(os.path.join(full, "x"), "w").close()
            out["not_empty"] = error(lambda: tf.saved_model.Builder(full), tmp)
            b = tf.saved_model.Builder(os.path.join(tmp, "b"))
            out["add_meta_graph_first"] = error(lambda: b.add_meta_graph(["x"]))
            out["bad_main_op"] = error(lambda: b.add_meta_graph_and_variables(
                sess, ["x"], main_op="init"))
            bad = tf.saved_model.build_signature_def(
                {"x": tf.saved_model.build_tensor_info(tf.constant(1.0))})
            bad.inputs["x"].dtype = 0
            out["no_dtype"] = error(lambda: b.add_meta_graph_and_variables(
                sess, ["x"], signature_def_map={"s": bad}))
            b.add_meta_graph_and_variables(sess, ["x"])
            out["twice"] = error(lambda: b.add_meta_graph_and_variables(sess, ["y"]))
            b.save()
        with tf.Graph().as_default(), tf.Session() as sess:
            missing = os.path.join(tmp, "missing")
            out["load_missing"] = error(lambda: tf.saved_model.loader.load(sess, ["x"], missing),
                                        tmp)
        with tf.Graph().as_default(), tf.Session() as sess:
            out["load_tags"] = error(lambda: tf.saved_model.loader.load(
                sess, ["serve", "gpu"], MODEL_DIR))
        with tf.Graph().as_default():
            t = signature_graph(tf)
            sm = tf.saved_model
            out["predict_empty_inputs"] = error(lambda: sm.predict_signature_def({}, {"y": t["x"]}))
            out["predict_no_outputs"] = error(lambda: sm.predict_signature_def({"x": t["x"]}, None))
            out["classify_not_string"] = error(lambda: sm.classification_signature_def(
                t["x"], t["classes"], None))
            out["classify_no_outputs"] = error(lambda: sm.classification_signature_def(
                t["examples"], None, None))
            out["classify_int_scores"] = error(lambda: sm.classification_signature_def(
                t["examples"], None, t["count"]))
            out["regress_int"] = error(lambda: sm.regression_signature_def(
                t["examples"], t["count"]))
            out["regress_none"] = error(lambda: sm.regression_signature_def(None, t["x"]))
            out["tensor_info_empty"] = error(lambda: sm.get_tensor_from_tensor_info(
                tf.saved_model.build_tensor_info(t["x"]).__class__()))
            out["tensor_info_missing"] = error(lambda: sm.get_tensor_from_tensor_info(
                tf.saved_model.build_tensor_info(t["x"]), import_scope="nowhere"))
    finally:
        shutil.rmtree(tmp)


def record_string_ops():
    """The ops of TF's sharded Saver graph, on small inputs."""
    raw = tf.raw_ops
    with tf.Graph().as_default(), tf.Session() as sess:
        words = tf.constant([["a", "bc"], ["", "d/e"]])
        joined = raw.StringJoin(inputs=[words, tf.constant("_x"), words], separator="-")
        match = raw.StaticRegexFullMatch(input=tf.constant(["s3://b/c", "/tmp/s3://", "s3:/"]),
                                         pattern="^s3://.*")
        shard = raw.ShardedFilename(basename=tf.constant("dir/model_temp/part"), shard=3,
                                    num_shards=12)
        values = sess.run([joined, match, shard])
    return {"joined": [[b.decode() for b in row] for row in values[0]],
            "match": values[1].tolist(), "sharded": values[2].decode(),
            "shapes": [joined.shape.as_list(), match.shape.as_list(), shard.shape.as_list()]}


def main():
    sm = tf.saved_model
    out = {"version": tf.__version__, "input": INPUT, "namespaces": {}, "constants": {}}
    for ns in NAMESPACES:
        module = getattr(sm, ns)
        out["namespaces"][ns] = sorted(n for n in dir(module) if not n.startswith("_"))
        if ns.endswith("constants"):
            out["constants"][ns] = {n: getattr(module, n) for n in out["namespaces"][ns]}
    with tf.Graph().as_default():
        t = signature_graph(tf)
        sigs = signatures(tf, t)
        out["signatures"] = {k: base64.b64encode(v.SerializeToString(deterministic=True))
                             .decode("ascii") for k, v in sigs.items()}
        out["is_valid"] = {k: sm.is_valid_signature(v) for k, v in sigs.items()}
        out["tensor_names"] = {k: v.name for k, v in t.items() if hasattr(v, "name")}
        out["sparse_names"] = [t["sp"].indices.name, t["sp"].values.name,
                               t["sp"].dense_shape.name]
    out["predictions"], save_path = write_model()
    out["save_returns"] = [type(save_path).__name__,
                           os.path.relpath(save_path.decode(), MODEL_DIR.encode().decode())]
    out["model_files"] = sorted(os.path.relpath(os.path.join(d, f), MODEL_DIR)
                                for d, _, fs in os.walk(MODEL_DIR) for f in fs)
    out["string_ops"] = record_string_ops()
    out["errors"] = {}
    record_errors(out["errors"])
    path = os.path.join(HERE, "fixtures", "tf_saved_model.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", path, "and", MODEL_DIR)


if __name__ == "__main__":
    main()
