"""`model.fit`: seconds per epoch of minitf.keras against tf-keras 2.x in graph mode (the TF1
Keras training loop: `tf.compat.v1.disable_eager_execution()`), and hand-written numpy for the
MLP, in one run. Each measurement runs in its own fresh process (benchmarks/run.py says why).

  mlp    the 784-256-256-10 ReLU MLP of benchmarks/run.py, softmax output,
         sparse_categorical_crossentropy, Adam(1e-3), metrics=['accuracy'], batch 512,
         one epoch of 60,000 generated samples (shuffled, as fit does by default)
  lenet  the LeNet of benchmarks/cnn.py as a Keras Sequential (conv 5x5 32, max pool,
         conv 5x5 64 without bias, batch norm, ReLU, max pool, dense 256, dropout 0.5,
         dense 10), same loss/optimizer/metric, batch 128, one epoch of --lenet-samples
         generated 28x28 images (6,000 by default: 60,000 would take minutes per epoch here)

Each process builds the model, fits one epoch to warm up (the train function and its plan are
built), then fits --epochs epochs and records each epoch's wall and CPU time (a callback's
on_epoch_begin/on_epoch_end, so shuffling, gathering the batches, the callbacks and the metric
bookkeeping are inside). The last column runs the same minitf epochs as a bare Session.run
loop on the graph fit runs, over batches gathered the same way (shuffled index arrays): what
fit's own loop costs is the difference from the first. Rounds alternate the frameworks;
printed are each round's median wall seconds per epoch (min-max over its epochs) and median
CPU seconds of the process per epoch (all its threads: BLAS's, TF's pools), then the ranges of
minitf / tf-keras over the rounds, in wall time (the target) and in CPU time (what a shared
machine distorts least).

    python benchmarks/keras_fit.py [--tf-python PATH] [--rounds R] [--epochs N]
                                   [--only mlp,lenet] [--verbose 0|1|2] [--load N]
                                   [--interleave PAIRS]

`--interleave PAIRS` measures the two frameworks side by side instead: one process each, which
take turns an epoch at a time (the order swapped every pair, after a warm-up epoch each), and
prints each pair's times and ratio. This host's fast and slow phases (docs/performance.md,
"The host's two speeds") last seconds to minutes, so fresh processes one after the other can
meet different phases; the two epochs of a pair meet the same one.

tf-keras is run by `--tf-python` (default /work/tfvenv/bin/python) with TF_USE_LEGACY_KERAS=1,
importing `tf_keras`; without a Python that imports it, its column is skipped. `--verbose`
passes fit's verbose (the progress bar goes to /dev/null in both frameworks).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import (DEFAULT_TF_PYTHON, MLP, blas_environment, blas_info, mlp_numpy,  # noqa: E402
                 start_load, stop_load, take_turns)

MLP_SAMPLES = 60000
LENET_BATCH = 128
FRAMEWORKS = ("minitf", "tf-keras", "numpy", "minitf-session")


def import_keras(framework):
    if framework == "tf-keras":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tensorflow as tf
        import tf_keras as keras
        tf.compat.v1.disable_eager_execution()
        tf.compat.v1.set_random_seed(0)
        return keras
    sys.path.insert(0, os.path.dirname(HERE))
    import minitf
    minitf.set_random_seed(0)
    return minitf.keras


def mlp_model(keras):
    sizes, batch = MLP
    layers = [keras.layers.Dense(sizes[1], activation="relu", input_shape=(sizes[0],))]
    layers += [keras.layers.Dense(n, activation="relu") for n in sizes[2:-1]]
    layers.append(keras.layers.Dense(sizes[-1], activation="softmax"))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MLP_SAMPLES, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], MLP_SAMPLES).astype(np.int64)
    return keras.Sequential(layers), x, y, batch


def lenet_model(keras, samples):
    L = keras.layers
    model = keras.Sequential([
        L.Conv2D(32, 5, padding="same", activation="relu", input_shape=(28, 28, 1)),
        L.MaxPooling2D(2),
        L.Conv2D(64, 5, padding="same", use_bias=False),
        L.BatchNormalization(),
        L.Activation("relu"),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(256, activation="relu"),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax")])
    rng = np.random.default_rng(1)
    x = rng.random((samples, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, samples).astype(np.int64)
    return model, x, y, LENET_BATCH


def keras_model(name, framework, lenet_samples):
    """The compiled model of workload `name` in `framework`, and its data and batch size."""
    keras = import_keras(framework)
    model, x, y, batch = mlp_model(keras) if name == "mlp" else \
        lenet_model(keras, lenet_samples)
    # tf-keras's graph-mode loop needs its OptimizerV2 (keras.optimizers.legacy), which is
    # what tf.keras.optimizers was in TF 1.15 and what minitf's optimizers follow
    optimizers = getattr(keras.optimizers, "legacy", keras.optimizers)
    model.compile(optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return keras, model, x, y, batch


def keras_fitter(name, framework, verbose, lenet_samples):
    """fit(epochs) -> the (wall, cpu) seconds of each of `epochs` epochs of model.fit."""
    keras, model, x, y, batch = keras_model(name, framework, lenet_samples)
    times = []

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            times.append((time.perf_counter() - self.t0[0], time.process_time() - self.t0[1]))

    def fit(epochs):
        del times[:]
        stdout = sys.stdout
        with open(os.devnull, "w") as sink:
            sys.stdout = sink  # the progress bar, if any; the result goes to the real stdout
            try:
                history = model.fit(x, y, batch_size=batch, epochs=epochs, verbose=verbose,
                                    callbacks=[EpochTimer()])
            finally:
                sys.stdout = stdout
        loss = history.history["loss"]
        assert np.all(np.isfinite(loss)), loss
        return list(times)
    return fit


def keras_epochs(name, framework, epochs, verbose, lenet_samples):
    """Seconds of each of `epochs` epochs of model.fit, after one warm-up epoch."""
    return keras_fitter(name, framework, verbose, lenet_samples)(epochs + 1)[1:]


def serve_epochs(name, framework, verbose, lenet_samples):
    """--interleave's worker: after a warm-up epoch, "ready"; then one epoch of model.fit for
    each line read, answered with its (wall, cpu) seconds, until the input ends."""
    fit = keras_fitter(name, framework, verbose, lenet_samples)
    fit(1)
    print("ready", flush=True)
    for _ in sys.stdin:
        print(json.dumps(fit(1)[0]), flush=True)


def minitf_session_epochs(name, epochs, lenet_samples):
    """The same epochs as a bare Session.run loop on the graph fit runs (the model's train
    function: its fetches, updates and feeds, the learning phase fed True), over the batches
    fit would gather (shuffled index arrays): fit's own cost is the difference."""
    keras, model, x, y, batch = keras_model(name, "minitf", lenet_samples)
    fn = model._make_function("train")
    sess = keras.backend.get_session()
    fetches = fn.outputs + [fn.updates_op]
    phase = keras.backend._phase_placeholder()
    x_in, y_in, w_in = fn.inputs
    y = y.reshape(-1, 1).astype(y_in.dtype.as_numpy_dtype)
    weights = np.ones(len(x), "float32")
    times = []
    for _ in range(epochs + 1):
        t0 = time.perf_counter(), time.process_time()
        index = np.random.permutation(len(x))
        for i in range(0, len(x), batch):
            sel = index[i:i + batch]
            feed = {x_in: x[sel], y_in: y[sel], w_in: weights[sel]}
            if phase is not None:
                feed[phase] = True
            sess.run(fetches, feed)
        times.append((time.perf_counter() - t0[0], time.process_time() - t0[1]))
    return times[1:]


def numpy_epochs(epochs):
    """The same MLP's Adam step (benchmarks/run.py's hand-written numpy), as many steps as an
    epoch of fit has, each on a full batch."""
    sizes, batch = MLP
    step = mlp_numpy(sizes, batch)
    steps = -(-MLP_SAMPLES // batch)
    step()
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t0[0], time.process_time() - t0[1]))
    return times


def run_worker(python, name, framework, args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1")
    out = subprocess.run([python, os.path.abspath(__file__), "--worker", name, "--framework",
                          framework, "--epochs", str(args.epochs), "--verbose",
                          str(args.verbose), "--lenet-samples", str(args.lenet_samples)],
                         capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError("%s %s failed:\n%s" % (name, framework, out.stderr[-3000:]))
    return json.loads(out.stdout.strip().splitlines()[-1])


def interleave(python_of, name, args):
    """--interleave: epochs of workload `name` in each framework, taking turns (run.py's
    take_turns). Returns {framework: [(wall, cpu) of each epoch]}."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1")
    return take_turns({fw: [python, os.path.abspath(__file__), "--serve", name, "--framework",
                            fw, "--verbose", str(args.verbose), "--lenet-samples",
                            str(args.lenet_samples)]
                       for fw, python in python_of.items()}, args.interleave, env)


def find_tf_keras_python(requested):
    """A Python that imports tf_keras (the legacy Keras 2 of TF 2.16+), or None."""
    candidates = [requested] if requested else [sys.executable, DEFAULT_TF_PYTHON]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_USE_LEGACY_KERAS="1")
    for python in candidates:
        if python and os.path.exists(python) and subprocess.run(
                [python, "-c", "import tensorflow, tf_keras"], capture_output=True,
                env=env).returncode == 0:
            return python
    return None


def fmt(times):
    """'wall median (min-max) cpu median' of a worker's (wall, cpu) seconds per epoch."""
    if not times:
        return "%27s" % "-"
    wall = [t[0] for t in times]
    return "%6.3f (%.3f-%.3f) %5.2f" % (statistics.median(wall), min(wall), max(wall),
                                        statistics.median(t[1] for t in times))


def median_ratio(a, b, i):
    return statistics.median(t[i] for t in a) / statistics.median(t[i] for t in b)


def print_interleaved(name, times):
    """Each pair of --interleave's epochs, and the range of their ratios."""
    mine, theirs = times["minitf"], times["tf-keras"]
    print("%s, %d pairs of epochs taking turns: wall s (cpu s)" % (name, len(mine)))
    print("  %-15s %-15s %s" % ("minitf", "tf-keras", "minitf/tf-keras wall"))
    ratios = []
    for a, b in zip(mine, theirs):
        ratios.append(a[0] / b[0])
        print("  %.3f (%5.2f)   %.3f (%5.2f)   %.2fx" % (a[0], a[1], b[0], b[1], ratios[-1]))
    print("-- %s minitf / tf-keras (target <= 1.0): wall %.2f-%.2fx, median %.2fx, %d of %d "
          "pairs at most 1.0; medians of the epochs %.3f / %.3f s = %.2fx; cpu %.2fx"
          % (name, min(ratios), max(ratios), statistics.median(ratios),
             sum(r <= 1.0 for r in ratios), len(ratios), statistics.median(t[0] for t in mine),
             statistics.median(t[0] for t in theirs), median_ratio(mine, theirs, 0),
             median_ratio(mine, theirs, 1)))
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf-python", help="a Python that imports tensorflow and tf_keras "
                        "(default: this one, else %s)" % DEFAULT_TF_PYTHON)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per process")
    parser.add_argument("--lenet-samples", type=int, default=6000)
    parser.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2))
    parser.add_argument("--only", help="comma-separated workloads (default: mlp,lenet)")
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes to run")
    parser.add_argument("--interleave", type=int, default=0, metavar="PAIRS",
                        help="instead of rounds of fresh processes: one process per "
                        "framework, PAIRS epochs each, taking turns")
    parser.add_argument("--worker", choices=("mlp", "lenet"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=("mlp", "lenet"), help=argparse.SUPPRESS)
    parser.add_argument("--framework", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve_epochs(args.serve, args.framework, args.verbose, args.lenet_samples)
        return 0
    if args.worker:
        if args.framework == "numpy":
            times = numpy_epochs(args.epochs)
        elif args.framework == "minitf-session":
            times = minitf_session_epochs(args.worker, args.epochs, args.lenet_samples)
        else:
            times = keras_epochs(args.worker, args.framework, args.epochs, args.verbose,
                                 args.lenet_samples)
        print(json.dumps(times))
        return 0

    names = args.only.split(",") if args.only else ["mlp", "lenet"]
    for name in names:
        if name not in ("mlp", "lenet"):
            parser.error("unknown workload %r (choose from mlp, lenet)" % name)
    tf_python = find_tf_keras_python(args.tf_python)
    print("numpy %s, BLAS: %s" % (np.__version__, blas_info()))
    print(blas_environment())
    print("tf-keras: %s" % (tf_python or "no Python that imports tensorflow and tf_keras: "
                            "its column is skipped"))
    print("%d cores, load average %s, %d busy-loop processes; verbose=%d"
          % (os.cpu_count(), " ".join("%.2f" % v for v in os.getloadavg()), args.load,
             args.verbose))
    print("mlp: %d samples, batch %d; lenet: %d samples, batch %d; %d timed epochs per process"
          % (MLP_SAMPLES, MLP[1], args.lenet_samples, LENET_BATCH, args.epochs))
    if args.interleave:
        if not tf_python:
            parser.error("--interleave needs a Python that imports tensorflow and tf_keras "
                         "(--tf-python PATH)")
        load = start_load(args.load, 3600)
        try:
            for name in names:
                print_interleaved(name, interleave({"minitf": sys.executable,
                                                    "tf-keras": tf_python}, name, args))
        finally:
            stop_load(load)
        return 0
    ratios = {name: [] for name in names}  # (wall, cpu) of minitf / tf-keras, each round
    load = start_load(args.load, 3600)
    try:
        print("%-6s %-27s %-27s %-27s %-12s %s" % (
            "", "minitf fit s/epoch", "tf-keras fit s/epoch", "numpy s/epoch", "mt/keras",
            "minitf Session.run loop"))
        print("%-6s %-27s %-27s %-27s %-12s %s" % (("", ) + ("wall (min-max) cpu",) * 3 + (
            "wall  cpu", "wall (min-max) cpu")))
        for r in range(args.rounds):
            print("-- round %d of %d (load average %.2f)" % (r + 1, args.rounds,
                                                             os.getloadavg()[0]))
            for name in names:
                res = {}
                for fw in FRAMEWORKS:
                    if (fw == "tf-keras" and not tf_python) or (fw == "numpy" and name != "mlp"):
                        continue
                    res[fw] = run_worker(tf_python if fw == "tf-keras" else sys.executable,
                                         name, fw, args)
                ratio = "%-12s" % "-"
                if "tf-keras" in res:
                    ratios[name].append([median_ratio(res["minitf"], res["tf-keras"], i)
                                         for i in (0, 1)])
                    ratio = "%.2fx %.2fx" % tuple(ratios[name][-1])
                print("%-6s %-27s %-27s %-27s %-12s %s" % (
                    name, fmt(res.get("minitf")), fmt(res.get("tf-keras")),
                    fmt(res.get("numpy")), ratio, fmt(res.get("minitf-session"))))
                sys.stdout.flush()
    finally:
        stop_load(load)
    print("-- minitf / tf-keras over %d round(s) (target <= 1.0), load average now %s"
          % (args.rounds, " ".join("%.2f" % v for v in os.getloadavg())))
    for name in names:
        got = ratios[name]
        print("%-6s %s" % (name, "wall %.2f-%.2fx, cpu %.2f-%.2fx" % (
            min(g[0] for g in got), max(g[0] for g in got), min(g[1] for g in got),
            max(g[1] for g in got)) if got else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
