"""Records what TF 1.15's tf.estimator (TF 2.15 with tensorflow-estimator 2.15, compat.v1)
does with a small linear-regression program, for tests/test_estimator.py: per-step losses,
the files and checkpoints in model_dir, event tags per directory, evaluate's dict, predict's
outputs, get_variable_value, the log lines users read, and the errors misuse raises. Run:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_estimator.py \
        > tests/fixtures/tf_estimator.json

The same programs (PROGRAMS) run on minitf in the test (they only use names both have), so
the test compares minitf's record with this one.
"""
import glob
import json
import logging
import os
import re
import sys

import numpy as np

X = (np.arange(10, dtype=np.float32) / 10.0).reshape(10, 1)
Y = 2.0 * X + 1.0


def _events(tf, logdir):
    """Per event file: [step, kind, sorted tags] rows (no wall times or rates, which vary)."""
    tf.summary.FileWriterCache.get(logdir).flush()  # the hooks' shared writer, still open
    out = []
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        rows = []
        for e in tf.train.summary_iterator(path):
            if e.HasField("file_version"):
                continue
            if e.HasField("graph_def"):
                rows.append([e.step, "graph"])
            elif e.HasField("meta_graph_def"):
                rows.append([e.step, "meta_graph"])
            elif e.HasField("session_log"):
                rows.append([e.step, "session_log", int(e.session_log.status)])
            elif e.HasField("summary"):
                rows.append([e.step, "summary", sorted(v.tag for v in e.summary.value)])
        out.append(rows)
    return out


def _eval_values(tf, logdir):
    """The simple values an evaluation wrote: {step: {tag: value}}, and the checkpoint_path
    string summaries as basenames."""
    tf.summary.FileWriterCache.get(logdir).flush()
    out = {}
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        for e in tf.train.summary_iterator(path):
            if not e.HasField("summary"):
                continue
            for v in e.summary.value:
                if v.HasField("tensor"):
                    value = os.path.basename(v.tensor.string_val[0].decode())
                else:
                    value = float(v.simple_value)
                out.setdefault(str(e.step), {})[v.tag] = value
    return out


def _as_lists(value):
    """Arrays in nested tuples and dicts as lists."""
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_as_lists(v) for v in value]
    return value.tolist()


def _files(d):
    return sorted(f for f in os.listdir(d) if not f.startswith("events.out"))


def _err(e, model_dir=None):
    """[class, first line of the message] with object addresses and model_dir taken out."""
    message = re.sub(r" at 0x[0-9a-f]+>", ">", str(e).splitlines()[0] if str(e) else "")
    return [type(e).__name__, message.replace(model_dir, "MODEL_DIR") if model_dir else message]


class _Lines(logging.Handler):
    """The log lines a user reads: the estimator's and the training hooks' messages, with
    times and paths taken out."""
    KEEP = ("loss = ", "Loss for final step", "Saving dict", "Saving checkpoints",
            "Skipping training", "Could not find trained model", "Saving 'checkpoint_path'",
            "Evaluation [", "Calling model_fn", "Done calling model_fn",
            "Training with estimator made no steps")

    def __init__(self, model_dir):
        super().__init__()
        self.lines = []
        self.model_dir = model_dir

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith(self.KEEP):
            msg = re.sub(r" \(\d+\.\d+ sec\)", "", msg).replace(self.model_dir, "MODEL_DIR")
            self.lines.append(msg)


def linear_model_fn(tf, step_log):
    """y = x w + b from constants, MSE loss, plain SGD at params["lr"], two metrics; each
    training step appends [global step, loss] to `step_log`."""
    def model_fn(features, labels, mode, params):
        w = tf.get_variable("w", initializer=tf.constant([[0.5]]))
        b = tf.get_variable("b", initializer=tf.constant([0.1]))
        pred = tf.matmul(features["x"], w) + b
        predictions = {"y": pred, "twice": 2.0 * pred}
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=predictions)
        loss = tf.losses.mean_squared_error(labels, pred)
        if mode == tf.estimator.ModeKeys.EVAL:
            return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={
                "rmse": tf.metrics.root_mean_squared_error(labels, pred),
                "mae": tf.metrics.mean_absolute_error(labels, pred)})

        class StepHook(tf.train.SessionRunHook):
            def before_run(self, run_context):
                return tf.train.SessionRunArgs([loss, tf.train.get_global_step()])

            def after_run(self, run_context, run_values):
                step_log.append([int(run_values.results[1]), float(run_values.results[0])])

        train_op = tf.train.GradientDescentOptimizer(params["lr"]).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op,
                                          training_hooks=[StepHook()])
    return model_fn


def linear_regression(tf, root):
    """Train, evaluate and predict with numpy_input_fn and a Dataset input_fn."""
    model_dir = os.path.join(root, "model")
    rec = {}
    lines = _Lines(model_dir)
    logger = tf.get_logger()
    logger.addHandler(lines)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        log = []
        config = tf.estimator.RunConfig(save_summary_steps=2, log_step_count_steps=3,
                                        keep_checkpoint_max=3)
        est = tf.estimator.Estimator(linear_model_fn(tf, log), model_dir=model_dir,
                                     config=config, params={"lr": 0.1})
        rec["model_dir"] = est.model_dir == model_dir
        rec["config_model_dir"] = est.config.model_dir == model_dir
        rec["params_keys"] = sorted(est.params)
        forever = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4,
                                                     shuffle=False, num_epochs=None)
        rec["train_returns_self"] = est.train(forever, steps=5) is est
        rec["after_steps_5"] = _files(model_dir)
        est.train(forever, max_steps=8)
        est.train(forever, max_steps=8)  # already there: skipped
        one_epoch = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4,
                                                       shuffle=False, num_epochs=1)
        est.train(one_epoch)  # 3 steps (4, 4, 2 examples), ended by the end of input

        def dataset_fn():
            return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(3)
        est.train(dataset_fn, steps=2)
        rec["train_log"] = log
        rec["files"] = _files(model_dir)
        rec["latest_checkpoint"] = os.path.basename(est.latest_checkpoint())
        rec["variable_names"] = est.get_variable_names()
        rec["w"] = est.get_variable_value("w").tolist()
        rec["b"] = est.get_variable_value("b").tolist()
        rec["global_step"] = int(est.get_variable_value("global_step"))
        rec["events"] = _events(tf, model_dir)

        def as_py(d):
            return {k: (v.item() if hasattr(v, "item") else v) for k, v in d.items()}
        rec["evaluate"] = as_py(est.evaluate(one_epoch))
        rec["evaluate_steps_1"] = as_py(est.evaluate(one_epoch, steps=1, name="one"))
        first = os.path.join(model_dir, "model.ckpt-11")
        rec["evaluate_ckpt_11"] = as_py(est.evaluate(dataset_fn, checkpoint_path=first,
                                                     name="old"))
        rec["eval_dirs"] = sorted(d for d in os.listdir(model_dir) if d.startswith("eval"))
        rec["eval_events"] = {d: _events(tf, os.path.join(model_dir, d))
                              for d in rec["eval_dirs"]}
        rec["eval_values"] = {d: _eval_values(tf, os.path.join(model_dir, d))
                              for d in rec["eval_dirs"]}
        predict_fn = tf.estimator.inputs.numpy_input_fn({"x": X}, batch_size=4, shuffle=False)
        rec["predict"] = [{k: v.tolist() for k, v in p.items()}
                          for p in est.predict(predict_fn)]
        rec["predict_keys"] = [sorted(p) for p in est.predict(predict_fn, predict_keys=["y"])]
        rec["predict_batches"] = [{k: list(v.shape) for k, v in p.items()} for p in
                                  est.predict(predict_fn, yield_single_examples=False)]
        rec["predict_ckpt_11"] = [p["y"].tolist() for p in
                                  est.predict(predict_fn, checkpoint_path=first)][:2]
    finally:
        logger.removeHandler(lines)
        logger.setLevel(old_level)
    rec["log_lines"] = lines.lines
    return rec


def step_checkpoints(tf, root):
    """Checkpoints every 2 steps (keeping 2), no summaries, no loss log; a model_fn taking
    (features, labels, mode, config) whose predictions are one tensor; a tf.data input."""
    model_dir = os.path.join(root, "steps")
    rec = {}

    def model_fn(features, labels, mode, config):
        w = tf.get_variable("w", initializer=tf.constant([[1.5], [-0.5]]))
        pred = tf.squeeze(tf.matmul(features, w), 1)
        loss = None if labels is None else tf.reduce_mean(tf.square(pred - labels))
        train_op = None
        if mode == tf.estimator.ModeKeys.TRAIN:
            train_op = tf.train.AdamOptimizer(0.05).minimize(
                loss, global_step=tf.train.get_global_step())
        rec.setdefault("seen_config", []).append(
            [mode, config.save_checkpoints_steps, config.model_dir == model_dir])
        return tf.estimator.EstimatorSpec(mode, predictions=pred, loss=loss, train_op=train_op)

    features = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0], [-2.0, 1.0], [0.0, 0.5]],
                        dtype=np.float32)
    labels = np.array([1.0, -1.0, 2.0, 0.0, 0.5], dtype=np.float32)

    def train_fn():
        return tf.data.Dataset.from_tensor_slices((features, labels)).repeat().batch(2)

    def predict_fn():
        return tf.data.Dataset.from_tensor_slices(features).batch(2)

    config = tf.estimator.RunConfig(save_checkpoints_steps=2, keep_checkpoint_max=2,
                                    save_summary_steps=0, log_step_count_steps=None,
                                    tf_random_seed=7)
    est = tf.estimator.Estimator(model_fn, model_dir=model_dir, config=config)
    est.train(train_fn, steps=5)
    rec["files"] = _files(model_dir)
    rec["events"] = _events(tf, model_dir)
    rec["variable_names"] = est.get_variable_names()
    rec["w"] = est.get_variable_value("w").tolist()
    rec["predict"] = [float(p) for p in est.predict(predict_fn)]
    rec["predict_batches"] = [p.tolist() for p in est.predict(predict_fn,
                                                              yield_single_examples=False)]
    return rec


def numpy_input(tf, root):
    """numpy_input_fn's batches: order without shuffle, epochs in one stream, the last partial
    batch, an array x, a dict y, and its errors."""
    rec = {}
    x = {"b": np.arange(6, dtype=np.int64), "a": np.arange(6, dtype=np.float32) * 10}
    y = np.arange(6, dtype=np.float64) + 100

    def batches(input_fn, n):
        with tf.Graph().as_default():
            out = input_fn()
            features = out[0] if isinstance(out, tuple) else out
            shapes = {k: v.shape.as_list() for k, v in features.items()} \
                if isinstance(features, dict) else features.shape.as_list()
            dtypes = {k: v.dtype.name for k, v in features.items()} \
                if isinstance(features, dict) else features.dtype.name
            got = []
            with tf.train.MonitoredSession() as sess:
                for _ in range(n):
                    if sess.should_stop():
                        break
                    got.append(_as_lists(sess.run(out)))
            return {"shapes": shapes, "dtypes": dtypes, "batches": got}

    rec["two_epochs"] = batches(tf.estimator.inputs.numpy_input_fn(
        x, y, batch_size=4, shuffle=False, num_epochs=2), 10)
    rec["forever"] = batches(tf.estimator.inputs.numpy_input_fn(
        x, y, batch_size=4, shuffle=False, num_epochs=None), 4)
    rec["array_x"] = batches(tf.estimator.inputs.numpy_input_fn(
        np.arange(5, dtype=np.float32), None, batch_size=2, shuffle=False), 10)
    rec["dict_y"] = batches(tf.estimator.inputs.numpy_input_fn(
        {"a": x["a"]}, {"t": y, "u": y * 2}, batch_size=5, shuffle=False), 10)
    shuffled = batches(tf.estimator.inputs.numpy_input_fn(
        x, y, batch_size=3, shuffle=True, num_epochs=1), 10)
    rec["shuffled_sizes"] = [len(b[1]) for b in shuffled["batches"]]
    rec["shuffled_rows"] = sorted(v for b in shuffled["batches"] for v in b[1])
    rec["shuffled_pairs_kept"] = all(
        a * 10 == f and bb + 100 == t for b in shuffled["batches"]
        for a, bb, f, t in zip(b[0]["b"], b[0]["b"], b[0]["a"], b[1]))
    errors = {}
    for name, call in [
            ("shuffle_none", lambda: tf.estimator.inputs.numpy_input_fn(x, y)),
            ("x_list", lambda: tf.estimator.inputs.numpy_input_fn([1, 2], shuffle=False)()),
            ("x_empty", lambda: tf.estimator.inputs.numpy_input_fn({}, shuffle=False)()),
            ("y_empty", lambda: tf.estimator.inputs.numpy_input_fn(x, {}, shuffle=False)()),
            ("dup", lambda: tf.estimator.inputs.numpy_input_fn(x, {"a": y}, shuffle=False)()),
            ("length", lambda: tf.estimator.inputs.numpy_input_fn(x, y[:5], shuffle=False)())]:
        with tf.Graph().as_default():
            try:
                call()
                errors[name] = None
            except Exception as e:  # noqa: BLE001 - the class is what is recorded
                errors[name] = _err(e)
    rec["errors"] = errors
    return rec


def errors(tf, root):
    """The classes and messages of the estimator's validation errors."""
    model_dir = os.path.join(root, "errs")
    est_mod = tf.estimator
    rec = {}

    def attempt(name, call):
        try:
            call()
            rec[name] = None
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            rec[name] = _err(e, model_dir)

    def no_features(labels, mode):
        return None

    def with_params(features, labels, mode, params):
        return None

    def odd_arg(features, labels, other):
        return None

    attempt("no_model_fn", lambda: est_mod.Estimator(None))
    attempt("no_features", lambda: est_mod.Estimator(no_features))
    attempt("params_not_taken", lambda: est_mod.Estimator(odd_arg, params={"a": 1}))

    def labels_free(features, mode):
        return None
    attempt("params_unexpected", lambda: est_mod.Estimator(
        lambda features, labels, mode, lr: None))
    attempt("dir_conflict", lambda: est_mod.Estimator(
        with_params, model_dir=model_dir + "/a", config=est_mod.RunConfig(model_dir=model_dir)))
    attempt("both_ckpt", lambda: est_mod.RunConfig(save_checkpoints_steps=1,
                                                   save_checkpoints_secs=1))
    cfg = est_mod.RunConfig(save_checkpoints_steps=7)
    rec["config_steps"] = [cfg.save_checkpoints_steps, cfg.save_checkpoints_secs]
    rec["config_default"] = [est_mod.RunConfig().save_checkpoints_steps,
                             est_mod.RunConfig().save_checkpoints_secs,
                             est_mod.RunConfig().save_summary_steps,
                             est_mod.RunConfig().keep_checkpoint_max,
                             est_mod.RunConfig().log_step_count_steps,
                             est_mod.RunConfig().tf_random_seed,
                             est_mod.RunConfig().keep_checkpoint_every_n_hours,
                             est_mod.RunConfig().is_chief,
                             est_mod.RunConfig().master,
                             est_mod.RunConfig().task_type,
                             est_mod.RunConfig().task_id,
                             est_mod.RunConfig().num_ps_replicas,
                             est_mod.RunConfig().num_worker_replicas]
    replaced = cfg.replace(save_checkpoints_secs=30, tf_random_seed=3)
    rec["config_replaced"] = [replaced.save_checkpoints_steps, replaced.save_checkpoints_secs,
                              replaced.tf_random_seed, cfg.tf_random_seed]
    attempt("replace_bad", lambda: cfg.replace(master="x"))
    rec["mode_keys"] = [est_mod.ModeKeys.TRAIN, est_mod.ModeKeys.EVAL,
                        est_mod.ModeKeys.PREDICT]

    est = est_mod.Estimator(linear_model_fn(tf, []), model_dir=model_dir, params={"lr": 0.1})
    attempt("no_checkpoint_names", lambda: est.get_variable_names())
    rec["no_checkpoint_latest"] = est.latest_checkpoint()
    forever = est_mod.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, shuffle=False,
                                            num_epochs=None)
    attempt("steps_and_max", lambda: est.train(forever, steps=1, max_steps=2))
    attempt("steps_0", lambda: est.train(forever, steps=0))
    attempt("max_steps_0", lambda: est.train(forever, max_steps=-1))
    attempt("hook_type", lambda: est.train(forever, steps=1, hooks=[1]))
    attempt("eval_steps_0", lambda: est.evaluate(forever, steps=0))
    attempt("predict_keys_bad", lambda: list(est.predict(forever, predict_keys=["zz"])))

    def spec_errors():
        out = {}
        with tf.Graph().as_default():
            loss = tf.constant(1.0)
            vec = tf.constant([1.0, 2.0])
            op = tf.no_op()
            ModeKeys = est_mod.ModeKeys
            for name, kwargs in [
                    ("train_no_loss", dict(mode=ModeKeys.TRAIN, train_op=op)),
                    ("train_no_op", dict(mode=ModeKeys.TRAIN, loss=loss)),
                    ("eval_no_loss", dict(mode=ModeKeys.EVAL)),
                    ("predict_no_predictions", dict(mode=ModeKeys.PREDICT)),
                    ("loss_vector", dict(mode=ModeKeys.EVAL, loss=vec)),
                    ("loss_float", dict(mode=ModeKeys.EVAL, loss=1.0)),
                    ("train_op_str", dict(mode=ModeKeys.TRAIN, loss=loss, train_op="x")),
                    ("predictions_str", dict(mode=ModeKeys.PREDICT, predictions={"a": 1})),
                    ("metrics_list", dict(mode=ModeKeys.EVAL, loss=loss, eval_metric_ops=[])),
                    ("metrics_value", dict(mode=ModeKeys.EVAL, loss=loss,
                                           eval_metric_ops={"m": loss})),
                    ("hooks", dict(mode=ModeKeys.TRAIN, loss=loss, train_op=op,
                                   training_hooks=[1])),
                    ("scaffold", dict(mode=ModeKeys.TRAIN, loss=loss, train_op=op,
                                      scaffold=1))]:
                try:
                    est_mod.EstimatorSpec(**kwargs)
                    out[name] = None
                except Exception as e:  # noqa: BLE001
                    out[name] = _err(e)
            spec = est_mod.EstimatorSpec(ModeKeys.PREDICT, predictions=vec)
            rec["predict_export_outputs"] = sorted(spec.export_outputs)
            rec["spec_fields"] = list(spec._fields)
            rec["spec_defaults"] = [spec.loss, spec.train_op, spec.eval_metric_ops,
                                    list(spec.training_hooks)]
            try:
                spec._replace(mode=ModeKeys.TRAIN)
            except Exception as e:  # noqa: BLE001
                out["replace_mode"] = _err(e)
            loss1 = tf.constant([3.0])
            rec["loss_shape_1"] = est_mod.EstimatorSpec(
                ModeKeys.EVAL, loss=loss1).loss.shape.as_list()
        return out
    rec["spec"] = spec_errors()

    def loss_metric_fn(features, labels, mode):
        loss = tf.reduce_mean(tf.get_variable("v", initializer=1.0) * features["x"])
        return est_mod.EstimatorSpec(mode, loss=loss, train_op=tf.no_op(),
                                     eval_metric_ops={"loss": tf.metrics.mean(loss)})
    est2 = est_mod.Estimator(loss_metric_fn, model_dir=model_dir + "_2")
    one_epoch = est_mod.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, shuffle=False)
    attempt("loss_metric", lambda: est2.evaluate(one_epoch))

    def no_labels_fn(features, mode):
        return None
    attempt("labels_not_taken", lambda: est_mod.Estimator(
        no_labels_fn, model_dir=model_dir + "_3").train(one_epoch, steps=1))

    def not_spec_fn(features, labels):
        return {"loss": features}
    attempt("not_a_spec", lambda: est_mod.Estimator(
        not_spec_fn, model_dir=model_dir + "_4").train(one_epoch, steps=1))
    return rec


def _signatures(tf, export_dir):
    """The SavedModel's tags and signatures as TF's loader gives them: per signature its method
    and its inputs and outputs (tensor name, dtype, shape)."""
    with tf.Graph().as_default() as g, tf.Session(graph=g) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        out = {"tags": list(meta.meta_info_def.tags), "signatures": {}}
        for key, sig in sorted(meta.signature_def.items()):
            def info(m):
                return {k: [v.name, tf.as_dtype(v.dtype).name,
                            [d.size for d in v.tensor_shape.dim]] for k, v in m.items()}
            out["signatures"][key] = [sig.method_name, info(sig.inputs), info(sig.outputs)]
    return out


def _run_signature(tf, export_dir, key, feeds):
    """The outputs of signature `key` of the SavedModel at export_dir for `feeds`."""
    with tf.Graph().as_default() as g, tf.Session(graph=g) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], export_dir)
        sig = meta.signature_def[key]
        feed = {g.get_tensor_by_name(sig.inputs[k].name): v for k, v in feeds.items()}
        fetch = {k: g.get_tensor_by_name(v.name) for k, v in sig.outputs.items()}
        return {k: v.tolist() for k, v in sess.run(fetch, feed).items()}


def _listing(d):
    return sorted(os.path.relpath(os.path.join(root, f), d)
                  for root, _, files in os.walk(d) for f in files)


def export(tf, root):
    """export_saved_model with a raw receiver and a parsing one; the signatures the outputs
    give (a regression one only over serialized Examples); the SavedModel loaded back."""
    model_dir = os.path.join(root, "model")
    rec = {}

    def model_fn(features, labels, mode):
        w = tf.get_variable("w", initializer=tf.constant([[0.5]]))
        b = tf.get_variable("b", initializer=tf.constant([0.1]))
        pred = tf.matmul(features["x"], w) + b
        if mode == tf.estimator.ModeKeys.PREDICT:
            flat = tf.reshape(pred, [-1])
            return tf.estimator.EstimatorSpec(mode, predictions={"y": pred}, export_outputs={
                "serving_default": tf.estimator.export.PredictOutput({"y": pred}),
                "regress": tf.estimator.export.RegressionOutput(flat)})
        loss = tf.losses.mean_squared_error(labels, pred)
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    est = tf.estimator.Estimator(model_fn, model_dir=model_dir)
    try:
        est.export_saved_model(os.path.join(root, "none"),
                               lambda: None)
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        rec["no_checkpoint"] = _err(e, model_dir)
    est.train(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, shuffle=False),
              steps=2)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1], name="x")
    raw_fn = tf.estimator.export.build_raw_serving_input_receiver_fn({"x": x})
    path = est.export_saved_model(os.path.join(root, "raw"), raw_fn)
    rec["returns"] = type(path).__name__
    path = path.decode()
    rec["raw_parent"] = os.listdir(os.path.join(root, "raw")) == [os.path.basename(path)]
    rec["raw_name_is_time"] = bool(re.fullmatch(r"\d{10}", os.path.basename(path)))
    rec["raw_files"] = _listing(path)
    rec["raw"] = _signatures(tf, path)
    rec["raw_run"] = _run_signature(tf, path, "serving_default", {"x": X[:3]})
    spec = {"x": tf.FixedLenFeature([1], tf.float32)}  # (required: an empty default input)
    parse_fn = tf.estimator.export.build_parsing_serving_input_receiver_fn(spec)
    path = est.export_saved_model(os.path.join(root, "parse"), parse_fn,
                                  assets_extra={"notes/readme.txt": __file__}).decode()
    rec["parse_files"] = [f for f in _listing(path) if not f.startswith("assets.extra")] + [
        f for f in _listing(path) if f.startswith("assets.extra")]
    rec["parse"] = _signatures(tf, path)
    examples = [tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[float(v)]))}))
        .SerializeToString() for v in X[:2, 0]]
    rec["parse_run"] = _run_signature(tf, path, "regress", {"inputs": examples})
    rec["parse_run_predict"] = _run_signature(tf, path, "serving_default",
                                              {"examples": examples})
    errors = {}
    for name, call in [
            ("receiver_none", lambda: tf.estimator.export.ServingInputReceiver(None, x)),
            ("receiver_key", lambda: tf.estimator.export.ServingInputReceiver({1: x}, {1: x})),
            ("receiver_value", lambda: tf.estimator.export.ServingInputReceiver({"a": 1}, x)),
            ("predict_output", lambda: tf.estimator.export.PredictOutput({"a": 1})),
            ("regression_int", lambda: tf.estimator.export.RegressionOutput(
                tf.constant([1]))),
            ("classification_empty", lambda: tf.estimator.export.ClassificationOutput()),
            ("no_receiver_fn", lambda: est.export_saved_model(root, None))]:
        try:
            with tf.Graph().as_default():
                call()
            errors[name] = None
        except Exception as e:  # noqa: BLE001
            errors[name] = _err(e, model_dir)
    rec["errors"] = errors
    receiver = tf.estimator.export.ServingInputReceiver(x, x)
    rec["receiver_keys"] = [sorted(receiver.features), sorted(receiver.receiver_tensors)]
    tensor_receiver = tf.estimator.export.TensorServingInputReceiver(x, {"in": x})
    rec["tensor_receiver"] = [tensor_receiver.features.name,
                              sorted(tensor_receiver.receiver_tensors)]
    return rec


def train_and_evaluate(tf, root):
    """train_and_evaluate locally: checkpoints every 2 steps to max_steps 5, an evaluation of
    2 batches after each (throttle_secs=0) and at the end, a FinalExporter; the returned
    metrics and exports; the eval events."""
    model_dir = os.path.join(root, "model")
    log = []
    config = tf.estimator.RunConfig(save_checkpoints_steps=2, log_step_count_steps=None,
                                    save_summary_steps=0)
    est = tf.estimator.Estimator(linear_model_fn(tf, log), model_dir=model_dir, config=config,
                                 params={"lr": 0.1})
    forever = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, shuffle=False,
                                                 num_epochs=None)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1], name="x")
    exporter = tf.estimator.FinalExporter(
        "final", tf.estimator.export.build_raw_serving_input_receiver_fn({"x": x}))
    evaluated = []

    class EvalHook(tf.train.SessionRunHook):
        def end(self, session):
            evaluated.append(int(session.run(tf.train.get_global_step())))

    metrics, exports = tf.estimator.train_and_evaluate(
        est, tf.estimator.TrainSpec(forever, max_steps=5),
        tf.estimator.EvalSpec(forever, steps=2, name="loop", throttle_secs=0,
                              exporters=exporter, hooks=[EvalHook()]))
    rec = {"metrics": {k: v.item() for k, v in metrics.items()},
           "exports": [type(e).__name__ for e in exports],
           "evaluated_at": evaluated,
           "train_log": log,
           "files": _files(model_dir),
           "export_dirs": len(os.listdir(os.path.join(model_dir, "export", "final"))),
           "eval_values": _eval_values(tf, os.path.join(model_dir, "eval_loop"))}
    errors = {}
    spec = tf.estimator.EvalSpec(forever)
    rec["eval_spec_defaults"] = [spec.steps, spec.name, list(spec.hooks), list(spec.exporters),
                                 spec.start_delay_secs, spec.throttle_secs]
    train_spec = tf.estimator.TrainSpec(forever)
    rec["train_spec_defaults"] = [train_spec.max_steps, list(train_spec.hooks),
                                  list(train_spec.saving_listeners)]
    for name, call in [
            ("train_fn", lambda: tf.estimator.TrainSpec(1)),
            ("train_max", lambda: tf.estimator.TrainSpec(forever, max_steps=0)),
            ("train_hooks", lambda: tf.estimator.TrainSpec(forever, hooks=[1])),
            ("train_listeners", lambda: tf.estimator.TrainSpec(forever,
                                                               saving_listeners=[1])),
            ("eval_steps", lambda: tf.estimator.EvalSpec(forever, steps=0)),
            ("eval_name", lambda: tf.estimator.EvalSpec(forever, name=1)),
            ("eval_exporters", lambda: tf.estimator.EvalSpec(forever, exporters=[1])),
            ("eval_exporter_names", lambda: tf.estimator.EvalSpec(
                forever, exporters=[exporter, exporter])),
            ("eval_throttle", lambda: tf.estimator.EvalSpec(forever, throttle_secs=-1)),
            ("eval_delay", lambda: tf.estimator.EvalSpec(forever, start_delay_secs=-1)),
            ("latest_keep", lambda: tf.estimator.LatestExporter("l", None, exports_to_keep=0)),
            ("not_eval_spec", lambda: tf.estimator.train_and_evaluate(est, train_spec, 1)),
            ("not_train_spec", lambda: tf.estimator.train_and_evaluate(est, 1, spec)),
            ("not_estimator", lambda: tf.estimator.train_and_evaluate(1, train_spec, spec))]:
        try:
            call()
            errors[name] = None
        except Exception as e:  # noqa: BLE001
            errors[name] = _err(e, model_dir)
    rec["errors"] = errors
    return rec


PROGRAMS = [linear_regression, step_checkpoints, numpy_input, errors, export,
            train_and_evaluate]


if __name__ == "__main__":
    from record_tf_monitored_session import run_all  # (tests/ is sys.path[0] for a script)
    sys.path.remove(os.path.dirname(os.path.abspath(__file__)))  # tests/keras is not keras
    import tensorflow.compat.v1 as tf_v1
    tf_v1.disable_v2_behavior()
    print(json.dumps(run_all(tf_v1, PROGRAMS), indent=1, sort_keys=True))
