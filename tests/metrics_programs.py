"""Programs for tf.metrics, run on TF by tests/record_tf_metrics.py and on minitf by
tests/test_metrics.py. Each takes the tf module and returns plain values: per metric, the names
of its value and update tensors and of its variables (by collection), the update op's value
after each of three batches fed through placeholders with a None batch dimension, and the value
tensor's reading at the end."""

import numpy as np

RNG = np.random.RandomState(7)
SIZES = (6, 5, 7)


def _batches(make):
    return [make(n) for n in SIZES]


# Three batches of each input (arrays of the batch's size n in the first dimension).
CLASSES = _batches(lambda n: RNG.randint(0, 4, n).astype(np.int64))
LOGITS = [RNG.randn(len(c), 4).astype(np.float32) + 1.2 * np.eye(4, dtype=np.float32)[c]
          for c in CLASSES]  # right about half the time
PROBS = _batches(lambda n: RNG.rand(n).astype(np.float32))
BINARY = _batches(lambda n: (RNG.rand(n) > 0.45).astype(np.int64))
BOOLS = _batches(lambda n: RNG.rand(n) > 0.5)
TARGETS = _batches(lambda n: RNG.randn(n, 3).astype(np.float32))
OUTPUTS = _batches(lambda n: RNG.randn(n, 3).astype(np.float32))
NORMALIZER = _batches(lambda n: np.where(RNG.rand(n, 3) > 0.2,
                                         RNG.rand(n, 3) + 0.5, 0).astype(np.float32))
UNIT_A = _batches(lambda n: RNG.randn(n, 3).astype(np.float32))
UNIT_B = _batches(lambda n: RNG.randn(n, 3).astype(np.float32))
for _a in UNIT_A + UNIT_B:
    _a /= np.linalg.norm(_a, axis=1, keepdims=True)
WEIGHTS = _batches(lambda n: RNG.rand(n).astype(np.float32).round(2))
WEIGHTS_COL = _batches(lambda n: RNG.rand(n, 1).astype(np.float32).round(2))
WEIGHTS_3 = _batches(lambda n: RNG.rand(n, 3).astype(np.float32).round(2))
PREDICTED = _batches(lambda n: RNG.randint(0, 4, n).astype(np.int64))
SEGMENT_LABELS = _batches(lambda n: RNG.randint(0, 3, (n, 2)).astype(np.int32))
SEGMENT_PREDICTIONS = _batches(lambda n: RNG.randint(0, 3, (n, 2)).astype(np.int32))
THRESHOLDS = [0.1, 0.3, 0.5, 0.7, 0.9]
MULTI_LABELS = _batches(lambda n: RNG.randint(-1, 6, (n, 2)).astype(np.int64))  # -1, 4, 5: none
# a class in the first column, possibly none in the second
SOME_LABELS = [np.stack([c, RNG.randint(-1, 6, len(c))], 1) for c in CLASSES]


def _sparse_rows(n):
    """A SparseTensorValue's (indices, values, dense_shape) of 0 to 3 class ids per row."""
    indices, values = [], []
    for row in range(n):
        ids = RNG.choice(5, RNG.randint(1, 4), replace=False)
        for j, c in enumerate(ids):
            indices.append([row, j])
            values.append(c)
    return (np.array(indices, np.int64).reshape(-1, 2), np.array(values, np.int64),
            np.array([n, 3], np.int64))


SPARSE_LABELS = _batches(_sparse_rows)

INPUTS = {"classes": CLASSES, "logits": LOGITS, "probs": PROBS, "binary": BINARY,
          "bools": BOOLS, "targets": TARGETS, "outputs": OUTPUTS, "normalizer": NORMALIZER,
          "unit_a": UNIT_A, "unit_b": UNIT_B, "w": WEIGHTS, "w_col": WEIGHTS_COL,
          "w3": WEIGHTS_3, "predicted": PREDICTED, "seg_labels": SEGMENT_LABELS,
          "seg_predictions": SEGMENT_PREDICTIONS, "multi": MULTI_LABELS,
          "some": SOME_LABELS}
SPARSE_INPUTS = {"sparse": SPARSE_LABELS}


def _core_cases(tf):
    m = tf.metrics
    cases = {
        "accuracy": lambda p: m.accuracy(p["classes"], tf.argmax(p["logits"], 1)),
        "accuracy_weighted": lambda p: m.accuracy(p["classes"], tf.argmax(p["logits"], 1),
                                                  weights=p["w"]),
        "accuracy_labels_col": lambda p: m.accuracy(tf.expand_dims(p["classes"], 1),
                                                    tf.argmax(p["logits"], 1),
                                                    weights=p["w_col"]),
        "mean": lambda p: m.mean(p["targets"]),
        "mean_weighted": lambda p: m.mean(p["targets"], weights=p["w_col"]),
        "mean_weighted_rank1": lambda p: m.mean(p["probs"], weights=p["w"]),
        "mean_tensor": lambda p: m.mean_tensor(tf.reduce_sum(p["targets"], 0)),
        "mean_tensor_weighted": lambda p: m.mean_tensor(tf.reshape(p["targets"][:2], [2, 3]),
                                                        weights=p["w3"][:2]),
        "mean_absolute_error": lambda p: m.mean_absolute_error(p["targets"], p["outputs"]),
        "mean_absolute_error_weighted": lambda p: m.mean_absolute_error(
            p["targets"], p["outputs"], weights=p["w3"]),
        "mean_squared_error": lambda p: m.mean_squared_error(p["targets"], p["outputs"],
                                                             weights=p["w_col"]),
        "root_mean_squared_error": lambda p: m.root_mean_squared_error(p["targets"],
                                                                       p["outputs"]),
        "mean_relative_error": lambda p: m.mean_relative_error(p["targets"], p["outputs"],
                                                               p["normalizer"]),
        "mean_cosine_distance": lambda p: m.mean_cosine_distance(p["unit_a"], p["unit_b"],
                                                                 dim=1),
        "mean_cosine_distance_weighted": lambda p: m.mean_cosine_distance(
            p["unit_a"], p["unit_b"], dim=1, weights=p["w_col"]),
        "percentage_below": lambda p: m.percentage_below(p["targets"], 0.25),
        "true_positives": lambda p: m.true_positives(p["binary"], p["bools"]),
        "false_positives": lambda p: m.false_positives(p["binary"], p["bools"],
                                                       weights=p["w"]),
        "true_negatives": lambda p: m.true_negatives(p["binary"], p["bools"]),
        "false_negatives": lambda p: m.false_negatives(p["binary"], p["bools"],
                                                       weights=p["w"]),
        "true_positives_at_thresholds": lambda p: m.true_positives_at_thresholds(
            p["binary"], p["probs"], THRESHOLDS),
        "false_positives_at_thresholds": lambda p: m.false_positives_at_thresholds(
            p["binary"], p["probs"], THRESHOLDS, weights=p["w"]),
        "true_negatives_at_thresholds": lambda p: m.true_negatives_at_thresholds(
            p["binary"], p["probs"], THRESHOLDS),
        "false_negatives_at_thresholds": lambda p: m.false_negatives_at_thresholds(
            p["bools"], p["probs"], THRESHOLDS),
        "precision": lambda p: m.precision(p["binary"], p["bools"]),
        "precision_weighted": lambda p: m.precision(p["binary"], p["bools"], weights=p["w"]),
        "recall": lambda p: m.recall(p["binary"], p["bools"]),
        "recall_weighted": lambda p: m.recall(p["binary"], p["bools"], weights=p["w"]),
        "precision_at_thresholds": lambda p: m.precision_at_thresholds(
            p["binary"], p["probs"], THRESHOLDS),
        "recall_at_thresholds": lambda p: m.recall_at_thresholds(
            p["binary"], p["probs"], THRESHOLDS, weights=p["w"]),
        "auc": lambda p: m.auc(p["binary"], p["probs"]),
        "auc_weighted": lambda p: m.auc(p["binary"], p["probs"], weights=p["w"],
                                        num_thresholds=50),
        "auc_given_thresholds": lambda p: m.auc(p["binary"], p["probs"],
                                                thresholds=[0.8, 0.2, 0.5]),
        "sensitivity_at_specificity": lambda p: m.sensitivity_at_specificity(
            p["binary"], p["probs"], 0.6),
        "specificity_at_sensitivity": lambda p: m.specificity_at_sensitivity(
            p["binary"], p["probs"], 0.7, weights=p["w"], num_thresholds=30),
        "mean_iou": lambda p: m.mean_iou(p["classes"], p["predicted"], 4),
        "mean_iou_weighted": lambda p: m.mean_iou(p["seg_labels"], p["seg_predictions"], 5,
                                                  weights=tf.ones_like(p["seg_labels"],
                                                                       tf.float32) * 0.5),
        "mean_per_class_accuracy": lambda p: m.mean_per_class_accuracy(
            p["classes"], p["predicted"], 5),
        "mean_per_class_accuracy_weighted": lambda p: m.mean_per_class_accuracy(
            p["seg_labels"], p["seg_predictions"], 3, weights=tf.cast(p["seg_labels"] + 1,
                                                                      tf.float32)),
    }
    for curve in ("ROC", "PR"):
        for method in ("trapezoidal", "careful_interpolation", "minoring", "majoring"):
            cases["auc_%s_%s" % (curve, method)] = (
                lambda p, c=curve, s=method: m.auc(p["binary"], p["probs"], weights=p["w"],
                                                   num_thresholds=20, curve=c,
                                                   summation_method=s))
    return cases


def _top_k_cases(tf):
    m = tf.metrics
    return {
        "recall_at_k": lambda p: m.recall_at_k(p["classes"], p["logits"], 2),
        "recall_at_k_class": lambda p: m.recall_at_k(p["classes"], p["logits"], 2, class_id=1),
        "recall_at_k_multi": lambda p: m.recall_at_k(p["multi"], p["logits"], 3,
                                                     weights=p["w"]),
        "recall_at_k_sparse": lambda p: m.recall_at_k(p["sparse"], p["logits"], 2),
        "recall_at_top_k": lambda p: m.recall_at_top_k(
            p["multi"], tf.nn.top_k(p["logits"], 2)[1], class_id=3),
        "precision_at_k": lambda p: m.precision_at_k(p["classes"], p["logits"], 1),
        "precision_at_k_multi": lambda p: m.precision_at_k(p["multi"], p["logits"], 2,
                                                           weights=p["w"]),
        "precision_at_k_class": lambda p: m.precision_at_k(p["sparse"], p["logits"], 3,
                                                           class_id=2),
        "precision_at_k_unseen_class": lambda p: m.precision_at_k(p["classes"], p["logits"],
                                                                  1, class_id=7),
        "precision_at_top_k": lambda p: m.precision_at_top_k(
            p["sparse"], tf.nn.top_k(p["logits"], 3)[1], k=3, weights=p["w"]),
        "sparse_precision_at_k": lambda p: m.sparse_precision_at_k(p["multi"], p["logits"], 2),
        "average_precision_at_k": lambda p: m.average_precision_at_k(p["classes"],
                                                                     p["logits"], 3),
        "average_precision_at_k_multi": lambda p: m.average_precision_at_k(
            p["some"], p["logits"], 2, weights=p["w"]),
        "average_precision_at_k_no_labels": lambda p: m.average_precision_at_k(
            p["multi"], p["logits"], 2),
        "average_precision_at_k_sparse": lambda p: m.average_precision_at_k(
            p["sparse"], p["logits"], 3),
        "sparse_average_precision_at_k": lambda p: m.sparse_average_precision_at_k(
            p["sparse"], p["logits"], 4, weights=p["w"]),
    }


def _names(tf, key):
    return [v.name for v in tf.get_collection(key)]


def _run_case(tf, build):
    with tf.Graph().as_default():
        placeholders = {k: tf.placeholder(tf.as_dtype(v[0].dtype), [None] + list(v[0].shape[1:]),
                                          name=k) for k, v in INPUTS.items()}
        placeholders.update({k: tf.sparse_placeholder(tf.int64, name=k)
                             for k in SPARSE_INPUTS})
        value, update = build(placeholders)
        out = {"value_name": value.name, "update_name": update.name,
               "value_shape": value.shape.as_list(), "value_dtype": value.dtype.name,
               "update_dtype": update.dtype.name,
               "local": _names(tf, tf.GraphKeys.LOCAL_VARIABLES),
               "metric": _names(tf, tf.GraphKeys.METRIC_VARIABLES),
               "global": _names(tf, tf.GraphKeys.GLOBAL_VARIABLES),
               "updates": []}
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            out["initial"] = np.asarray(sess.run(value)).tolist()
            for b in range(len(SIZES)):
                feed = {placeholders[k]: v[b] for k, v in INPUTS.items()}
                feed.update({placeholders[k]: tf.SparseTensorValue(*v[b])
                             for k, v in SPARSE_INPUTS.items()})
                out["updates"].append(np.asarray(sess.run(update, feed)).tolist())
            out["value"] = np.asarray(sess.run(value)).tolist()
        return out


def core(tf):
    return {key: _run_case(tf, build) for key, build in _core_cases(tf).items()}


def top_k(tf):
    return {key: _run_case(tf, build) for key, build in _top_k_cases(tf).items()}


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is recorded
        # TF 2 puts its runtime messages under a "Graph execution error:" header: keep the
        # line that says what failed.
        lines = [line for line in str(e).split("\n") if line.strip()]
        failed = [line for line in lines if "assertion failed" in line or "out of bound" in line]
        # minitf adds the failing op and where it was made after " (op "
        return [type(e).__name__, (failed or lines)[0].strip().split(" (op ")[0]]
    return None


def _run_error(tf, build, feed_values):
    """Builds in a fresh graph, then runs init and the update with constant feeds."""
    def go():
        with tf.Graph().as_default():
            placeholders = {k: tf.placeholder(tf.as_dtype(np.asarray(v).dtype),
                                              [None] * np.ndim(v), name=k)
                            for k, v in feed_values.items()}
            _, update = build(placeholders)
            with tf.Session() as sess:
                sess.run(tf.local_variables_initializer())
                sess.run(update, {placeholders[k]: v for k, v in feed_values.items()})
    return _error(go)


def errors(tf):
    m = tf.metrics
    out = {}

    def built(fn):
        def go():
            with tf.Graph().as_default():
                fn()
        return _error(go)
    out["accuracy_shapes"] = built(lambda: m.accuracy(tf.constant([1, 2, 3]),
                                                      tf.constant([1, 2, 3, 4])))
    out["accuracy_rank"] = built(lambda: m.accuracy(tf.zeros([3, 2]), tf.zeros([3, 2, 2])))
    out["mse_weights_rank"] = built(lambda: m.mean_squared_error(
        tf.zeros([4, 3]), tf.zeros([4, 3]), weights=tf.ones([3, 4, 3, 2])))
    out["mse_weights_dim"] = built(lambda: m.mean_squared_error(
        tf.zeros([4, 3]), tf.zeros([4, 3]), weights=tf.ones([4, 2])))
    out["auc_curve"] = built(lambda: m.auc(tf.zeros([3]), tf.zeros([3]), curve="XY"))
    out["auc_summation"] = built(lambda: m.auc(tf.zeros([3]), tf.zeros([3]),
                                               summation_method="simpson"))
    out["sensitivity_range"] = built(lambda: m.sensitivity_at_specificity(
        tf.zeros([3]), tf.zeros([3]), 1.5))
    out["specificity_range"] = built(lambda: m.specificity_at_sensitivity(
        tf.zeros([3]), tf.zeros([3]), -0.1))
    out["mean_iou_shapes"] = built(lambda: m.mean_iou(tf.zeros([3], tf.int32),
                                                      tf.zeros([4], tf.int32), 3))
    out["average_precision_k"] = built(lambda: m.average_precision_at_k(
        tf.constant([1]), tf.zeros([1, 4]), 0))
    out["recall_at_k_labels_rank"] = built(lambda: m.recall_at_k(
        tf.zeros([2, 2, 2], tf.int64), tf.zeros([2, 4]), 2))
    out["auc_static_out_of_range"] = built(lambda: m.auc(tf.constant([1, 0]),
                                                         tf.constant([0.5, 1.5])))
    out["auc_out_of_range"] = _run_error(
        tf, lambda p: m.auc(p["labels"], p["predictions"]),
        {"labels": np.array([1, 0, 1]), "predictions": np.array([0.2, 1.2, 0.4], np.float32)})
    out["auc_negative"] = _run_error(
        tf, lambda p: m.auc(p["labels"], p["predictions"]),
        {"labels": np.array([1, 0, 1]), "predictions": np.array([0.2, -0.2, 0.4], np.float32)})
    # bool labels and float32 predictions need no cast, and so no op waits on the asserts
    out["auc_bool_labels_unchecked"] = _run_error(
        tf, lambda p: m.auc(p["labels"], p["predictions"]),
        {"labels": np.array([True, False, True]),
         "predictions": np.array([0.2, 1.2, 0.4], np.float32)})
    out["precision_at_thresholds_out_of_range"] = _run_error(
        tf, lambda p: m.precision_at_thresholds(p["labels"], p["predictions"], [0.5]),
        {"labels": np.array([1, 0]), "predictions": np.array([0.2, 3.0], np.float32)})
    out["mean_weights_runtime"] = _run_error(
        tf, lambda p: m.mean(p["values"], weights=p["weights"]),
        {"values": np.ones([3, 4], np.float32), "weights": np.ones([3, 2], np.float32)})
    out["mean_iou_out_of_bound"] = _run_error(
        tf, lambda p: m.mean_iou(p["labels"], p["predictions"], 3),
        {"labels": np.array([0, 1, 3]), "predictions": np.array([0, 1, 2])})

    def uninitialized():
        with tf.Graph().as_default():
            acc, _ = m.accuracy(tf.constant([1, 2]), tf.constant([1, 1]))
            with tf.Session() as sess:
                sess.run(acc)
    out["uninitialized"] = _error(uninitialized)[0]
    return out


def naming(tf):
    """Names under explicit and repeated scopes, and the collections arguments."""
    m = tf.metrics
    out = {}
    with tf.Graph().as_default():
        labels, predictions = tf.constant([1, 0, 1, 1]), tf.constant([1, 1, 0, 1])
        first = m.accuracy(labels, predictions)
        second = m.accuracy(labels, predictions)
        named = m.precision(labels, predictions, name="eval_precision",
                            metrics_collections=["my_metrics"],
                            updates_collections=["my_updates"])
        rmse = m.root_mean_squared_error(tf.cast(labels, tf.float32),
                                         tf.cast(predictions, tf.float32),
                                         metrics_collections=["my_metrics"],
                                         updates_collections=["my_updates"])
        with tf.variable_scope("eval"):
            scoped = m.auc(labels, tf.constant([0.9, 0.2, 0.4, 0.7]), num_thresholds=5)
        out["tensors"] = [t.name for pair in (first, second, named, rmse, scoped) for t in pair]
        out["my_metrics"] = [t.name for t in tf.get_collection("my_metrics")]
        out["my_updates"] = [t.name for t in tf.get_collection("my_updates")]
        out["local"] = _names(tf, tf.GraphKeys.LOCAL_VARIABLES)
        out["trainable"] = _names(tf, tf.GraphKeys.TRAINABLE_VARIABLES)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            out["runs"] = [np.asarray(v).tolist() for v in sess.run(
                [first[1], named[1], rmse[1], scoped[1]])]
            # the update op of a second run returns the state after both
            out["second_run"] = [np.asarray(v).tolist() for v in sess.run(
                [first[1], named[1], rmse[1], scoped[1]])]
    return out


EVAL_X = RNG.randn(23, 4).astype(np.float32)
EVAL_Y = RNG.randint(0, 3, 23).astype(np.int64)
EVAL_W = RNG.randn(4, 3).astype(np.float32)


def eval_loop(tf):
    """A TF1 tutorial's evaluation: a tf.data pipeline in batches of 5, streaming metrics
    updated once per batch by a MonitoredSession until the data runs out, and read at the end
    by a FinalOpsHook."""
    with tf.Graph().as_default():
        dataset = tf.data.Dataset.from_tensor_slices((EVAL_X, EVAL_Y)).batch(5)
        features, labels = tf.data.make_one_shot_iterator(dataset).get_next()
        weights = tf.Variable(EVAL_W, name="weights")
        logits = tf.matmul(features, weights)
        probabilities = tf.nn.softmax(logits)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        metrics = {"accuracy": tf.metrics.accuracy(labels, tf.argmax(logits, 1)),
                   "auc": tf.metrics.auc(tf.equal(labels, 1), probabilities[:, 1]),
                   "loss": tf.metrics.mean(loss),
                   "per_class": tf.metrics.mean_per_class_accuracy(labels,
                                                                  tf.argmax(logits, 1), 3)}
        final = tf.train.FinalOpsHook({k: v[0] for k, v in metrics.items()})
        steps = 0
        with tf.train.MonitoredSession(hooks=[final]) as sess:
            while not sess.should_stop():
                sess.run({k: v[1] for k, v in metrics.items()})
                steps += 1
        out = {k: np.asarray(v).tolist() for k, v in final.final_ops_values.items()}
        out["steps"] = steps
        return out


def run_all(tf):
    return {"core": core(tf), "top_k": top_k(tf), "errors": errors(tf), "naming": naming(tf),
            "eval_loop": eval_loop(tf)}
