"""Records what TF 2.x compat.v1 (TF 1.15's API) does with partitioned variables, for
tests/test_partitioned_variables.py: tf.get_variable(..., partitioner=) and
variable_scope(partitioner=) (part names, shapes, SaveSliceInfo specs, the concat ops a use
adds), the three partitioners, tf.create_partitioned_variables, tf.nn.embedding_lookup over
parts ("mod" and "div", values, names, static shapes, gradients), their errors, and
tf.train.Saver's checkpoints of them (SaveV2's names and slice specs, the SHA-256 of the files,
restoring into other partitionings). Run with tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_partitioned.py \
        > tests/fixtures/tf_partitioned.json

It also writes the TF checkpoint tests/fixtures/tf_checkpoints/partitioned/model.ckpt that
`restore_tf_checkpoint` reads (in TF and in minitf)."""

import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf_checkpoints", "partitioned")

W = np.arange(15, dtype=np.float32).reshape(5, 3) / 4
EMB = np.arange(14, dtype=np.float32).reshape(7, 2) - 3
BIG = (np.arange(260, dtype=np.float32).reshape(130, 2) % 17) / 8


def _err(build):
    try:
        build()
    except Exception as e:  # noqa: BLE001 - the recorded class is the test
        return [type(e).__name__, str(e).splitlines()[0]]
    return ["none"]


def _parts(pv):
    return [[v.name, v.shape.as_list(), v._save_slice_info.full_name,
             v._save_slice_info.spec] for v in pv]


def _model(tf):
    """The variables of the recorded checkpoint: a plain one, three partitioned ones (rows,
    columns, and 130 rows whose slice keys need two-byte numbers) and a plain scalar."""
    a = tf.get_variable("a", initializer=tf.constant(np.arange(3, dtype=np.float32)))
    w = tf.get_variable("w", initializer=tf.constant(W),
                        partitioner=tf.fixed_size_partitioner(2))
    emb = tf.get_variable("emb", initializer=tf.constant(EMB),
                          partitioner=tf.fixed_size_partitioner(2, axis=1))
    big = tf.get_variable("big", initializer=tf.constant(BIG),
                          partitioner=tf.fixed_size_partitioner(2))
    z = tf.get_variable("z", initializer=tf.constant(np.int64(9)))
    return a, w, emb, big, z


def get_variable_with_partitioner(tf, d):
    with tf.Graph().as_default():
        w = tf.get_variable("w", [5, 3], partitioner=tf.fixed_size_partitioner(2),
                            initializer=tf.constant_initializer(0.5))
        with tf.variable_scope("s", partitioner=tf.variable_axis_size_partitioner(40)):
            u = tf.get_variable("u", [10, 4], initializer=tf.zeros_initializer())
            scalar = tf.get_variable("c", [], initializer=tf.zeros_initializer())
        with tf.variable_scope("s", reuse=True):
            again = tf.get_variable("u", [10, 4],
                                    partitioner=tf.variable_axis_size_partitioner(40))
        one = tf.get_variable("one", [3, 2], partitioner=tf.fixed_size_partitioner(1))
        t1, t2 = w.as_tensor(), tf.convert_to_tensor(w)
        m = tf.matmul(tf.ones([2, 5]), w)
        rec = {"w": [w.name, w.shape.as_list(), w.dtype.name, len(w), w._get_partitions(),
                     _parts(w)],
               "u": _parts(u), "u_partitions": u._get_partitions(), "reused": again is u,
               "scalar": [hasattr(scalar, "_get_partitions"), scalar.name],
               "one": [one.as_tensor().name, _parts(one)],
               "uses": [t1.name, t1.shape.as_list(), t2.name, m.op.inputs[1].name,
                        [i.name for i in t1.op.inputs[0].op.inputs][:2]],  # TF: + axis
               "globals": [v.name for v in tf.global_variables()],
               "trainables": [v.name for v in tf.trainable_variables()]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            rec["values"] = sess.run(m).tolist()
            sess.run(w.assign(W))
            rec["assigned"] = sess.run(w.as_tensor()).tolist()
    return rec


def partitioners(tf, d):
    shapes = [([10, 4], "float32"), ([100, 4], "float32"), ([2, 4], "float32"),
              ([3, 100], "float64"), ([5], "string"), ([7, 3, 2], "int32")]
    rec = {}
    for key, p in {"fixed3": tf.fixed_size_partitioner(3),
                   "fixed3_axis1": tf.fixed_size_partitioner(3, axis=1),
                   "axis_size64": tf.variable_axis_size_partitioner(64),
                   "axis_size64_axis1_max3": tf.variable_axis_size_partitioner(
                       64, axis=1, max_shards=3),
                   "min_max4_16": tf.min_max_variable_partitioner(max_partitions=4,
                                                                  min_slice_size=16),
                   "min_max_default": tf.min_max_variable_partitioner(8)}.items():
        rec[key] = [_safe(lambda: p(shape=tf.TensorShape(s), dtype=tf.as_dtype(t)))
                    for s, t in shapes]
    rec["errors"] = [
        _err(lambda: tf.variable_axis_size_partitioner(0)),
        _err(lambda: tf.variable_axis_size_partitioner(10, axis=-1)),
        _err(lambda: tf.variable_axis_size_partitioner(10, max_shards=-2)),
        _err(lambda: tf.min_max_variable_partitioner(2, axis=2)(
            shape=tf.TensorShape([3, 4]), dtype=tf.float32)),
    ]
    return rec


def _safe(fn):
    try:
        return list(fn())
    except Exception as e:  # noqa: BLE001
        return [type(e).__name__, str(e).splitlines()[0]]


def create_partitioned(tf, d):
    with tf.Graph().as_default():
        pv = tf.create_partitioned_variables([7, 2], [3, 1], tf.ones_initializer())
        pv2 = tf.create_partitioned_variables([7, 2], [1, 2], tf.constant(EMB), name="named")
        with tf.variable_scope("outer"):
            pv3 = tf.create_partitioned_variables([4], [2], tf.zeros_initializer(),
                                                  dtype=tf.int64, trainable=False)
        rec = {"default": [type(pv).__name__, _parts(pv)], "named": _parts(pv2),
               "nested": _parts(pv3),
               "trainables": [v.name for v in tf.trainable_variables()],
               "errors": [_err(lambda: tf.create_partitioned_variables([4, 2], [2],
                                                                       tf.ones_initializer())),
                          _err(lambda: tf.create_partitioned_variables([], [],
                                                                       tf.ones_initializer())),
                          _err(lambda: tf.create_partitioned_variables(
                              [4, 4], [2, 2], tf.ones_initializer(), name="two"))]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            rec["values"] = [x.tolist() for x in sess.run(pv + pv2 + pv3)]
    return rec


def embedding_lookups(tf, d):
    with tf.Graph().as_default():
        w = tf.get_variable("w", initializer=tf.constant(W),
                            partitioner=tf.fixed_size_partitioner(2))
        t = tf.get_variable("t", initializer=tf.constant(np.arange(14, dtype=np.float32)
                                                         .reshape(7, 2)),
                            partitioner=tf.fixed_size_partitioner(3))
        ids = tf.constant([0, 4, 3, 1, 2, 4])
        ids2 = tf.constant([[0, 6], [3, 1], [5, 5]], dtype=tf.int64)
        looked = [tf.nn.embedding_lookup(w, ids),
                  tf.nn.embedding_lookup(w, ids, partition_strategy="div"),
                  tf.nn.embedding_lookup(t, ids2, partition_strategy="div", name="rows"),
                  tf.nn.embedding_lookup(t, ids2),
                  tf.nn.embedding_lookup(list(t), ids2, max_norm=4.0),
                  tf.nn.embedding_lookup([tf.constant(W)], ids)]
        loss = tf.reduce_sum(tf.square(looked[2])) + tf.reduce_sum(looked[1])
        grads = [tf.convert_to_tensor(g) for g in tf.gradients(loss, list(t) + list(w))]
        rec = {"static": [[x.name, x.shape.as_list(), x.dtype.name] for x in looked],
               "errors": [_err(lambda: tf.nn.embedding_lookup(w, ids,
                                                              partition_strategy="bad"))]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            rec["values"] = [x.tolist() for x in sess.run(looked)]
            rec["grads"] = [x.tolist() for x in sess.run(grads)]
    return rec


def reuse_errors(tf, d):
    def build(fn):
        with tf.Graph().as_default():
            return _err(fn)

    def twice():
        tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))
        tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))

    def reuse_other_shape():
        tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))
        with tf.variable_scope("", reuse=True):
            tf.get_variable("w", [6, 2], partitioner=tf.fixed_size_partitioner(2))

    def reuse_other_partitions():
        tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))
        with tf.variable_scope("", reuse=True):
            tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(4))

    def reuse_missing():
        with tf.variable_scope("", reuse=True):
            tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))

    def plain_then_partitioned():
        tf.get_variable("w", [4, 2])
        tf.get_variable("w", [4, 2], partitioner=tf.fixed_size_partitioner(2))

    return {"twice": build(twice), "reuse_other_shape": build(reuse_other_shape),
            "reuse_other_partitions": build(reuse_other_partitions),
            "reuse_missing": build(reuse_missing),
            "plain_then_partitioned": build(plain_then_partitioned),
            "unknown_shape": build(lambda: tf.get_variable(
                "w", initializer=tf.placeholder_with_default(W, [None, 3]),
                partitioner=tf.fixed_size_partitioner(2))),
            "two_axes": build(lambda: tf.get_variable(
                "w", [4, 4], partitioner=lambda shape, dtype: [2, 2])),
            "wrong_rank": build(lambda: tf.get_variable(
                "w", [4, 4], partitioner=lambda shape, dtype: [2])),
            "zero": build(lambda: tf.get_variable(
                "w", [4, 4], partitioner=lambda shape, dtype: [0, 1]))}


def _digest(prefix):
    return [hashlib.sha256(open(prefix + suffix, "rb").read()).hexdigest()
            for suffix in (".index", ".data-00000-of-00001")]


def save_checkpoint(tf, d):
    """The Saver's SaveV2 inputs, the saved files' SHA-256 (minitf must write the same bytes)
    and tf.train.list_variables."""
    with tf.Graph().as_default() as g:
        _model(tf)
        saver = tf.train.Saver()
        save = g.get_operation_by_name("save/SaveV2")
        restore = g.get_operation_by_name("save/RestoreV2")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            names, specs = sess.run(save.inputs[1:3])
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
        rec = {"names": [n.decode() for n in names], "specs": [s.decode() for s in specs],
               "restore_outputs": len(restore.outputs),
               "list_variables": sorted([n, s] for n, s in tf.train.list_variables(prefix)),
               "sha256": _digest(prefix)}
        reader = tf.train.load_checkpoint(prefix)
        rec["reader"] = {k: reader.get_tensor(k).tolist() for k in ["a", "big", "emb", "w"]}
    return rec


def restore_tf_checkpoint(tf, d):
    """The committed TF checkpoint restored into other partitionings (w in 3 parts, emb
    whole, big in 5 parts along rows) and read whole."""
    prefix = os.path.join(FIXTURE, "model.ckpt")
    with tf.Graph().as_default():
        w = tf.get_variable("w", [5, 3], partitioner=tf.fixed_size_partitioner(3))
        emb = tf.get_variable("emb", [7, 2])
        big = tf.get_variable("big", [130, 2], partitioner=tf.fixed_size_partitioner(5))
        saver = tf.train.Saver([w, emb, big])
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            parts = sess.run(list(w) + list(big))
            whole = sess.run([w.as_tensor(), emb, big.as_tensor()])
    return {"parts": [p.tolist() for p in parts], "whole": [x.tolist() for x in whole],
            "matches": [bool(np.array_equal(whole[0], W)), bool(np.array_equal(whole[1], EMB)),
                        bool(np.array_equal(whole[2], BIG))]}


def train_partitioned_embedding(tf, d):
    """Three Adam steps on a loss through a "div" lookup in a 3-part table and a matmul with
    a 2-part weight: the slots' names and every part's values (sparse updates of the rows
    looked up, dense ones of the weight), to 5 decimals: minitf's sparse Adam sums the
    repeated row's gradient in another order, a few float32 ulps from TF's)."""
    with tf.Graph().as_default():
        t = tf.get_variable("t", initializer=tf.constant(np.arange(14, dtype=np.float32)
                                                         .reshape(7, 2) / 10),
                            partitioner=tf.fixed_size_partitioner(3))
        w = tf.get_variable("w", initializer=tf.constant(W[:2] / 3),
                            partitioner=tf.fixed_size_partitioner(2, axis=1))
        rows = tf.nn.embedding_lookup(t, [[0, 6], [3, 3]], partition_strategy="div")
        loss = tf.reduce_sum(tf.square(tf.matmul(tf.reshape(rows, [4, 2]), w) - 1.0))
        opt = tf.train.AdamOptimizer(0.1)
        train = opt.minimize(loss)
        slots = sorted(opt.get_slot(v, n).op.name for v in list(t) + list(w)
                       for n in opt.get_slot_names())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [round(float(sess.run([train, loss])[1]), 5) for _ in range(3)]
            values = [np.round(x, 5).tolist() for x in sess.run(list(t) + list(w))]
    return {"slots": slots, "losses": losses, "values": values}


def init_from_partitioned_checkpoint(tf, d):
    """tf.train.init_from_checkpoint from the committed TF checkpoint: a name mapped to a
    partitioned variable (each part from its slice), a scope mapping whose variables include
    partitioned ones (counted once, by name), and a list of parts; the initializers' op names
    and the initialized values."""
    prefix = os.path.join(FIXTURE, "model.ckpt")
    with tf.Graph().as_default():
        w = tf.get_variable("new/w", [5, 3], partitioner=tf.fixed_size_partitioner(3))
        with tf.variable_scope("ft"):
            a = tf.get_variable("a", [3])
            big = tf.get_variable("big", [130, 2], partitioner=tf.fixed_size_partitioner(4))
            emb = tf.get_variable("emb", [7, 2], partitioner=tf.fixed_size_partitioner(2))
            z = tf.get_variable("z", [], dtype=tf.int64)
        parts = tf.get_variable("p", [7, 2], partitioner=tf.fixed_size_partitioner(3))
        tf.train.init_from_checkpoint(prefix, {"w": "new/w", "/": "ft/", "emb": list(parts)})
        names = sorted(v.initial_value.op.name for v in list(w) + list(parts))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run([w.as_tensor(), a, big.as_tensor(), emb.as_tensor(), z,
                               parts.as_tensor()])
        errors = []
        with tf.Graph().as_default():
            mixed = [tf.get_variable("m", [4, 2], partitioner=tf.fixed_size_partitioner(2)),
                     tf.get_variable("n", [4, 2], partitioner=tf.fixed_size_partitioner(2))]
            errors.append(_err(lambda: tf.train.init_from_checkpoint(
                prefix, {"w": [list(mixed[0])[0], list(mixed[1])[1]]})))
    return {"initializers": names, "values": [np.asarray(v).tolist() for v in values],
            "errors": errors}


def import_tf_meta_graph(tf, d):
    """The committed TF .meta imported (under a scope too): the parts keep their SaveSliceInfo,
    the imported saver restores the checkpoint, and a new Saver saves one key per full
    variable; a .meta exported again carries the slice infos."""
    prefix = os.path.join(FIXTURE, "model.ckpt")
    rec = {}
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(prefix + ".meta")
        rec["parts"] = [[v.name, v._save_slice_info.spec if v._save_slice_info else None]
                        for v in tf.global_variables()]
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            rec["restored"] = sess.run("w/part_1:0").tolist()
            again = tf.train.Saver()
            save = tf.get_default_graph().get_tensor_by_name(
                again.saver_def.save_tensor_name).op.control_inputs[0]
            rec["save_op"] = save.type  # (TF reuses the imported "save/" scope: SaveV2_1)
            names, specs = sess.run(save.inputs[1:3])
        rec["resaved"] = [[n.decode(), s.decode()] for n, s in zip(names, specs)]
        exported = again.export_meta_graph()
    with tf.Graph().as_default():
        tf.train.import_meta_graph(exported)
        rec["reimported"] = [[v.name, v._save_slice_info.spec if v._save_slice_info else None]
                             for v in tf.global_variables()]
    with tf.Graph().as_default():
        tf.train.import_meta_graph(prefix + ".meta", import_scope="imp")
        rec["scoped"] = [[v.name, v._save_slice_info.full_name if v._save_slice_info else None]
                         for v in tf.global_variables()]
    return rec


PROGRAMS = [get_variable_with_partitioner, partitioners, create_partitioned, embedding_lookups,
            reuse_errors, train_partitioned_embedding, save_checkpoint, restore_tf_checkpoint,
            init_from_partitioned_checkpoint, import_tf_meta_graph]


def write_fixture(tf):
    """The TF checkpoint restore_tf_checkpoint reads."""
    os.makedirs(FIXTURE, exist_ok=True)
    with tf.Graph().as_default():
        _model(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, os.path.join(FIXTURE, "model.ckpt"),
                                  write_state=False)


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    from record_tf_monitored_session import run_all
    tf1.disable_v2_behavior()
    write_fixture(tf1)
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
