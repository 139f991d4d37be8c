"""minitf against real TF1 and hand-written numpy on the same float32 workloads, in one run.

Workloads (each timed in its own fresh Python process, per framework):

  lecture     one `s.run([step, x, f])` of the lecture's x**2 gradient-descent example
  mlp         one Adam step of a 784-256-256-10 ReLU MLP, batch 512, fed from numpy
  forward     the same MLP's forward pass (logits), batch 512
  big-mlp     one Adam step of a 1024-1024-1024-10 ReLU MLP, batch 4096
  chain       one gradient-descent step through 500 layers of tanh(h @ w + b), 4x16 tensors

Prints, per round, the median time per call of each framework (with the min-max of the
batches) and the ratios minitf / TF1 and minitf / numpy, then the range of each ratio over the
rounds next to issue 11's targets. For the MLP step it also prints the peak memory newly
allocated during the timed runs (tracemalloc; minitf and numpy only).

    python benchmarks/run.py [--against tf] [--tf-python PATH] [--load N] [--rounds R]
                             [--repeat N] [--only lecture,mlp,...] [--interleave PAIRS]

`--against tf` adds real TF1 (tensorflow.compat.v1 with v2 behaviour disabled), run by the
Python at `--tf-python` (default: this Python if it imports tensorflow, else
/work/tfvenv/bin/python when it exists); without one the TF column is skipped. To make such a
throwaway venv: `python -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow numpy`
and pass `--tf-python /tmp/tfvenv/bin/python`. TF is never a dependency of minitf.

`--interleave PAIRS` (with `--against tf`) measures minitf and TF1 side by side instead: one
process each, which take turns of about `--turn-seconds` (0.5 s; the order swapped every pair,
after a warm-up each), and prints the ratio of each pair's times per call. This host's fast and
slow phases (docs/performance.md, "The host's two speeds") last seconds to minutes, so fresh
processes one after the other can meet different phases; the two turns of a pair meet the same
one. Each turn starts cold (the other process ran meanwhile), in both frameworks.

`--load N` starts N busy-loop Python processes for the duration of the measurements (each
exits by itself after `--load-seconds`, and all are killed by pid at the end, also on Ctrl-C)
to measure under contention, as on a shared 2-core machine.

Why one process per measurement: glibc's mmap and trim thresholds are process-wide and adapt to
what was freed before, so whichever workload ran second in a shared process would inherit the
first one's heap tuning (the numpy MLP step runs 5 ms instead of 8 ms after minitf ran in the
same process).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TF_PYTHON = "/work/tfvenv/bin/python"


def import_framework(kind):
    if kind == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        return tf
    sys.path.insert(0, ROOT)
    import minitf
    return minitf


def timed(fn, repeat, inner, memory=False):
    """Median, min and max seconds per call over `repeat` batches of `inner` calls, the median
    CPU seconds of the process per call (all its threads), and (with `memory`) the peak bytes
    allocated while running one more batch."""
    fn()  # warm up: plans compile, buffers are allocated
    fn()
    samples, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    peak = None
    if memory:
        tracemalloc.start()
        for _ in range(inner):
            fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "cpu": statistics.median(cpu), "peak": peak}


# -- the lecture's x**2 step ---------------------------------------------------------------------

def lecture_graph(tf):
    tf.reset_default_graph()
    x = tf.get_variable("X", shape=(), dtype=tf.float32, initializer=tf.constant_initializer(3.0))
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(f, var_list=[x])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return lambda: sess.run([step, x, f])


def lecture_numpy():
    state = {"x": np.float32(3.0)}
    lr = np.float32(0.1)

    def step():
        x = state["x"]
        f = x ** 2
        grad = np.float32(2) * x
        state["x"] = x - lr * grad
        return x, f
    return step


# -- MLPs ----------------------------------------------------------------------------------------

MLP = ((784, 256, 256, 10), 512)
BIG_MLP = ((1024, 1024, 1024, 10), 4096)


def mlp_data(sizes, batch, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch).astype(np.int64)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, np.float32))
    return x, y, weights


def mlp_graph(tf, sizes, batch, train=True):
    """The MLP's Adam step (or, with train=False, its logits), fed from numpy. The data stays
    alive while it trains, as in a real program."""
    x_value, y_value, weights = mlp_data(sizes, batch)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, sizes[0]))
    y = tf.placeholder(tf.int64, (None,))
    h = x
    for i in range(len(sizes) - 1):
        w = tf.Variable(weights[2 * i], name="w%d" % i)
        b = tf.Variable(weights[2 * i + 1], name="b%d" % i)
        h = tf.nn.bias_add(tf.matmul(h, w), b)
        if i < len(sizes) - 2:
            h = tf.nn.relu(h)
    sess = tf.Session()
    if not train:
        sess.run(tf.global_variables_initializer())
        return lambda: sess.run(h, {x: x_value})
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess.run(tf.global_variables_initializer())
    feed = {x: x_value, y: y_value}
    return lambda: sess.run(step, feed)


def mlp_numpy(sizes, batch, train=True):
    """Straightforward numpy: forward, backward, and TF1's Adam update, no tricks."""
    x, y, weights = mlp_data(sizes, batch)
    params = [w.copy() for w in weights]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    powers = [1.0, 1.0]
    n_layers = len(sizes) - 1

    def forward():
        acts = [x]
        h = x
        for i in range(n_layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < n_layers - 1:
                h = np.maximum(h, 0)
            acts.append(h)
        return acts

    def step():
        acts = forward()
        logits = acts[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        dlogits = probs
        dlogits[np.arange(len(y)), y] -= 1
        dlogits /= len(y)
        grads = [None] * len(params)
        d = dlogits
        for i in reversed(range(n_layers)):
            grads[2 * i] = acts[i].T @ d
            grads[2 * i + 1] = d.sum(axis=0)
            if i > 0:
                d = (d @ params[2 * i].T) * (acts[i] > 0)
        powers[0] *= beta1
        powers[1] *= beta2
        lr_t = lr * np.sqrt(1 - powers[1]) / (1 - powers[0])
        for p, g, mi, vi in zip(params, grads, m, v):
            mi += (g - mi) * (1 - beta1)
            vi += (g * g - vi) * (1 - beta2)
            p -= lr_t * mi / (np.sqrt(vi) + eps)
    return step if train else (lambda: forward()[-1])


# -- a deep chain of small ops -------------------------------------------------------------------

CHAIN_LAYERS, CHAIN_BATCH, CHAIN_WIDTH = 500, 4, 16


def chain_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((CHAIN_BATCH, CHAIN_WIDTH)).astype(np.float32)
    ws = [(rng.standard_normal((CHAIN_WIDTH, CHAIN_WIDTH)) * 0.25).astype(np.float32)
          for _ in range(CHAIN_LAYERS)]
    return x, ws


def chain_graph(tf):
    """One gradient-descent step on sum(h) through the chain: 500 forward layers, their
    gradients (1,500 kernels) and 1,000 variable updates."""
    x_value, ws = chain_data()
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (CHAIN_BATCH, CHAIN_WIDTH))
    h = x
    for i, w in enumerate(ws):
        h = tf.tanh(tf.matmul(h, tf.Variable(w, name="w%d" % i))
                    + tf.Variable(np.zeros(CHAIN_WIDTH, np.float32), name="b%d" % i))
    step = tf.train.GradientDescentOptimizer(1e-3).minimize(tf.reduce_sum(h))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return lambda: sess.run(step, {x: x_value})


def chain_numpy():
    x, ws = chain_data()
    ws = [w.copy() for w in ws]
    bs = [np.zeros(CHAIN_WIDTH, np.float32) for _ in ws]
    lr = np.float32(1e-3)

    def step():
        acts = [x]
        h = x
        for w, b in zip(ws, bs):
            h = np.tanh(h @ w + b)
            acts.append(h)
        d = np.ones_like(h)
        for i in reversed(range(len(ws))):
            d = d * (1 - acts[i + 1] * acts[i + 1])
            gw = acts[i].T @ d
            gb = d.sum(axis=0)
            d = d @ ws[i].T
            ws[i] -= lr * gw
            bs[i] -= lr * gb
    return step


# name: (graph builder given the framework module, numpy builder, calls per timed batch,
#        target minitf/TF1 idle, target minitf/TF1 with --load 2 (None: no target))
WORKLOADS = {
    "lecture": (lecture_graph, lecture_numpy, 2000, 0.2, None),
    "mlp": (lambda tf: mlp_graph(tf, *MLP), lambda: mlp_numpy(*MLP), 20, 0.9, 1.0),
    "forward": (lambda tf: mlp_graph(tf, *MLP, train=False),
                lambda: mlp_numpy(*MLP, train=False), 20, 1.0, 1.0),
    "big-mlp": (lambda tf: mlp_graph(tf, *BIG_MLP), lambda: mlp_numpy(*BIG_MLP), 2, 1.0, None),
    "chain": (chain_graph, chain_numpy, 20, 1.0, None),
}
FRAMEWORKS = ("minitf", "tf", "numpy")


def build(name, framework):
    """Workload `name`'s step in `framework`, and the calls per timed batch."""
    graph, numpy_fn, inner, _, _ = WORKLOADS[name]
    return (numpy_fn() if framework == "numpy" else graph(import_framework(framework))), inner


def worker(name, framework, repeat):
    fn, inner = build(name, framework)
    return timed(fn, repeat, inner, memory=(name == "mlp" and framework != "tf"))


def serve(name, framework, turn_seconds):
    """--interleave's worker: builds the workload, warms it up, prints "ready"; then for each
    line read, batches of its calls for about `turn_seconds`, answered with the median
    seconds per call over those batches and the CPU seconds per call."""
    fn, inner = build(name, framework)
    batches = max(1, round(turn_seconds / timed(fn, 3, inner)["median"] / inner))
    print("ready", flush=True)
    for _ in sys.stdin:
        r = timed(fn, batches, inner)
        print(json.dumps([r["median"], r["cpu"]]), flush=True)


def take_turns(commands, pairs, env=None):
    """One long-lived process per framework (`commands`: {framework: its command line}), each
    printing "ready" once warmed up and then answering every line it reads with one JSON
    value; they take turns, the order swapped every pair, so that each pair meets the same
    state of the machine (this host's fast and slow phases last seconds to minutes:
    docs/performance.md, "The host's two speeds"). Returns {framework: [each answer]}."""
    procs = {}
    errors = tempfile.TemporaryFile("w+")  # TF's warnings; shown if a process fails

    def failed(fw, what):
        errors.seek(0)
        return RuntimeError("%s %s (exit status %s):\n%s" % (
            fw, what, procs[fw].wait(), errors.read()[-3000:]))
    try:
        for fw, command in commands.items():  # one at a time: the warm-ups do not overlap
            procs[fw] = proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE, stderr=errors,
                                                text=True, env=env)
            if proc.stdout.readline().strip() != "ready":
                raise failed(fw, "failed")
        answers = {fw: [] for fw in procs}
        order = list(procs)
        for i in range(pairs):
            for fw in (order if i % 2 == 0 else order[::-1]):
                procs[fw].stdin.write("go\n")
                procs[fw].stdin.flush()
                line = procs[fw].stdout.readline()
                if not line:
                    raise failed(fw, "stopped")
                answers[fw].append(json.loads(line))
        return answers
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait()
        errors.close()


def interleave(python_of, name, pairs, turn_seconds):
    """--interleave: turns of about `turn_seconds` of workload `name` in each framework
    (take_turns). Returns {framework: [(seconds per call, cpu seconds per call) of each
    turn]}."""
    return take_turns({fw: [python, os.path.abspath(__file__), "--serve", name, "--framework",
                            fw, "--turn-seconds", str(turn_seconds)]
                       for fw, python in python_of.items()}, pairs)


def print_interleaved(name, times, target):
    mine, theirs = times["minitf"], times["tf"]
    ratios = [a[0] / b[0] for a, b in zip(mine, theirs)]
    scale, unit = (1e6, "us") if statistics.median(t[0] for t in mine) < 1e-3 else (1e3, "ms")
    print("%-8s %d pairs: minitf %.2f-%.2f %s, TF1 %.2f-%.2f %s; minitf / TF1 per pair "
          "%.2f-%.2fx, median %.2fx, %d of %d pairs within the target %s"
          % (name, len(ratios), min(t[0] for t in mine) * scale, max(t[0] for t in mine) * scale,
             unit, min(t[0] for t in theirs) * scale, max(t[0] for t in theirs) * scale, unit,
             min(ratios), max(ratios), statistics.median(ratios),
             sum(r <= target for r in ratios) if target else len(ratios), len(ratios),
             "<= %.1f" % target if target else "(none)"))
    print("         per pair: " + " ".join("%.2f" % r for r in ratios))
    sys.stdout.flush()


def run_worker(python, name, framework, repeat):
    out = subprocess.run([python, os.path.abspath(__file__), "--worker", name,
                          "--framework", framework, "--repeat", str(repeat)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def find_tf_python(requested):
    """A Python that imports tensorflow: `requested`, else this one, else the default venv."""
    candidates = [requested] if requested else [sys.executable, DEFAULT_TF_PYTHON]
    for python in candidates:
        if python and os.path.exists(python) and subprocess.run(
                [python, "-c", "import tensorflow"], capture_output=True).returncode == 0:
            return python
    return None


BUSY_LOOP = "import time\nend = time.time() + %f\nwhile time.time() < end:\n    pass\n"


def start_load(n, seconds):
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP % seconds]) for _ in range(n)]


def stop_load(procs):
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait()


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see it)"
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join("%s %s (%s, %d threads)" % (i.get("internal_api"), i.get("version"),
                                                i.get("architecture"), i.get("num_threads"))
                     for i in infos) or "none found"


BLAS_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def blas_environment():
    """The header line naming the BLAS variables set, with a warning when OPENBLAS_CORETYPE
    overrides the kernel set OpenBLAS would pick for this CPU (some machines' environments set
    it, with OPENBLAS_L2_SIZE, for older OpenBLAS builds; it slows a current numpy)."""
    line = "BLAS-related environment: %s" % (", ".join(
        "%s=%s" % (k, os.environ[k]) for k in BLAS_ENV_VARS if k in os.environ) or "none set")
    if os.environ.get("OPENBLAS_CORETYPE"):
        line += ("\nnote: OPENBLAS_CORETYPE makes numpy's OpenBLAS run the kernels it names, "
                 "not the ones it picks for this CPU; to measure a current numpy as installed, "
                 "run the benchmark as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python ...`")
    return line


def fmt(r):
    if r is None:
        return "%24s" % "-"
    scale, unit = (1e6, "us") if r["median"] < 1e-3 else (1e3, "ms")
    return "%8.2f %s (%.2f-%.2f)" % (r["median"] * scale, unit, r["min"] * scale,
                                     r["max"] * scale)


def measure(names, frameworks, tf_python, repeat, rounds):
    ratios = {name: {"tf": [], "numpy": []} for name in names}
    print("%-8s %-26s %-26s %-26s %9s %9s" % ("workload", "minitf", "TF1", "numpy",
                                              "mt/TF1", "mt/numpy"))
    for r in range(rounds):
        print("-- round %d of %d" % (r + 1, rounds))
        for name in names:
            res = {fw: run_worker(tf_python if fw == "tf" else sys.executable, name, fw, repeat)
                   if fw in frameworks else None for fw in FRAMEWORKS}
            mt = res["minitf"]["median"]
            cols = []
            for fw in ("tf", "numpy"):
                if res[fw] is None:
                    cols.append("%9s" % "-")
                else:
                    ratios[name][fw].append(mt / res[fw]["median"])
                    cols.append("%8.2fx" % ratios[name][fw][-1])
            print("%-8s %-26s %-26s %-26s %s" % (name, fmt(res["minitf"]), fmt(res["tf"]),
                                                 fmt(res["numpy"]), " ".join(cols)))
            if res["minitf"].get("peak") is not None:
                print("         peak new allocations during %d steps: minitf %.1f MB, numpy "
                      "%.1f MB" % (WORKLOADS[name][2], res["minitf"]["peak"] / 2 ** 20,
                                   res["numpy"]["peak"] / 2 ** 20))
            sys.stdout.flush()
    return ratios


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", choices=["tf"], help="also measure real TF1")
    parser.add_argument("--tf-python", help="a Python that imports tensorflow (default: this "
                        "one, else %s)" % DEFAULT_TF_PYTHON)
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes to run")
    parser.add_argument("--load-seconds", type=float, default=1800,
                        help="each busy loop exits by itself after this long")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="timed batches per measurement")
    parser.add_argument("--only", help="comma-separated workloads (default: all)")
    parser.add_argument("--interleave", type=int, default=0, metavar="PAIRS",
                        help="with --against tf: instead of rounds of fresh processes, one "
                        "process per framework taking turns, PAIRS turns each")
    parser.add_argument("--turn-seconds", type=float, default=0.5,
                        help="about how long one turn of --interleave runs")
    parser.add_argument("--worker", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    parser.add_argument("--framework", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.framework, args.repeat)))
        return 0
    if args.serve:
        serve(args.serve, args.framework, args.turn_seconds)
        return 0

    names = args.only.split(",") if args.only else list(WORKLOADS)
    for name in names:
        if name not in WORKLOADS:
            parser.error("unknown workload %r (choose from %s)" % (name, ", ".join(WORKLOADS)))
    frameworks = {"minitf", "numpy"}
    tf_python = None
    if args.against == "tf":
        tf_python = find_tf_python(args.tf_python)
        if tf_python:
            frameworks.add("tf")
    print("numpy %s, BLAS: %s" % (np.__version__, blas_info()))
    print("TF1: %s" % (tf_python if tf_python else "not measured" if not args.against else
                       "no Python that imports tensorflow found: TF column skipped"))
    print("%d cores, load average %s, %d busy-loop processes" % (
        os.cpu_count(), " ".join("%.2f" % v for v in os.getloadavg()), args.load))
    print(blas_environment())
    load = start_load(args.load, args.load_seconds)
    if args.interleave:
        if "tf" not in frameworks:
            parser.error("--interleave needs --against tf and a Python that imports tensorflow "
                         "(--tf-python PATH; the module docstring says how to make one)")
        try:
            for name in names:
                print_interleaved(name, interleave({"minitf": sys.executable, "tf": tf_python},
                                                   name, args.interleave, args.turn_seconds),
                                  WORKLOADS[name][4 if args.load else 3])
        finally:
            stop_load(load)
        return 0
    try:
        ratios = measure(names, frameworks, tf_python, args.repeat, args.rounds)
    finally:
        stop_load(load)
    print("-- ratios over %d round(s), minitf / TF1 (target)%s" % (
        args.rounds, "" if "tf" in frameworks else ": TF not measured"))
    for name in names:
        target = WORKLOADS[name][4 if args.load else 3]
        got = ratios[name]["tf"]
        print("%-8s %s   (target %s)" % (
            name, "%.2f-%.2fx" % (min(got), max(got)) if got else "-",
            "<= %.1f" % target if target is not None else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
