"""The graph and signatures built by both TensorFlow (tests/record_tf_saved_model.py records
the SignatureDefs) and minitf (tests/saved_model/test_saved_model.py compares), as functions
of the `tf` module."""


def signature_graph(tf):
    """Placeholders of several dtypes and shapes (unknown rank, a SparseTensor), a variable,
    and outputs of float, int and string dtypes, by name."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    examples = tf.placeholder(tf.string, [None], name="examples")
    k = tf.placeholder(tf.int64, [], name="k")
    anything = tf.placeholder(tf.float64, None, name="anything")
    sp = tf.sparse_placeholder(tf.float32, [5, 4], name="sp")
    w = tf.get_variable("w", [3, 2], initializer=tf.zeros_initializer())
    logits = tf.matmul(x, w, name="logits")
    scores = tf.nn.softmax(logits, name="scores")
    classes = tf.constant(["neg", "pos"], name="classes")
    prediction = tf.reduce_sum(logits, 1, name="prediction")
    count = tf.cast(k, tf.int32, name="count")
    default = tf.constant(2.5, name="default")
    return dict(x=x, examples=examples, k=k, anything=anything, sp=sp, logits=logits,
                scores=scores, classes=classes, prediction=prediction, count=count,
                default=default, w=w)


def signatures(tf, t):
    """{key: SignatureDef} of every helper over the tensors `t` of signature_graph."""
    sm = tf.saved_model
    info = sm.build_tensor_info
    return {
        "predict": sm.predict_signature_def(
            {"x": t["x"], "k": t["k"], "sp": t["sp"], "anything": t["anything"]},
            {"scores": t["scores"], "logits": t["logits"], "count": t["count"]}),
        "classify": sm.classification_signature_def(t["examples"], t["classes"], t["scores"]),
        "classify_scores": sm.classification_signature_def(t["examples"], None, t["scores"]),
        "regress": sm.regression_signature_def(t["examples"], t["prediction"]),
        "custom": sm.build_signature_def({"x": info(t["x"])}, {"y": info(t["scores"])},
                                         "custom/method", defaults={"x": t["default"]}),
        "empty": sm.build_signature_def(),
        "variable": sm.predict_signature_def({"x": t["x"]}, {"w": t["w"]}),
    }
