"""Recorder (runs in the TF venv, never in the tests): a GraphDef written by TF 2.21's
compat.v1 with control flow v2 (a tf.cond and a tf.while_loop as StatelessIf / While nodes
with a function library) and its values, for tests/test_control_flow.py's import check.

    /work/tfvenv/bin/python tests/record_tf_control_flow_graph.py
"""

import json

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.enable_control_flow_v2()

FEEDS = [[1., 2., 3.], [-1., -2., 0.5]]
with tf.Graph().as_default() as g:
    x = tf.placeholder(tf.float32, [3], name="x")
    w = tf.constant([1., 2., 3.], name="w")
    y = tf.cond(tf.reduce_sum(x) > 0., lambda: x * w, lambda: x - 1.)
    _, acc = tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, a * 0.5 + y),
                           [tf.constant(0), y])
    tf.identity(acc, name="out")
    with tf.Session() as s:
        values = [s.run("out:0", {x: v}).tolist() for v in FEEDS]
    with open("tests/data/tf_control_flow_v2.pb", "wb") as f:
        f.write(g.as_graph_def().SerializeToString())
with open("tests/data/tf_control_flow_v2.json", "w") as f:
    json.dump({"feeds": FEEDS, "out": values,
               "ops": sorted({n.op for n in g.as_graph_def().node})}, f, indent=1)
    f.write("\n")
