"""A tf.data pipeline feeding the MLP step, against feeding the same batches with feed_dict.

The pipeline is the issue's: from_tensor_slices -> shuffle(10000) -> map (uint8 pixels to
float32 / 255) -> batch(128) -> prefetch(1), read by the model through get_next() (no feed).
The baseline runs the same 784-256-256-10 ReLU MLP Adam step (benchmarks/run.py's model) fed
with precomputed float32 batches of the same size. Each workload runs in its own process (both
started, built and warmed up first); the script then takes many short rounds, one sample of
--steps steps from each workload per round, in alternating order (AB, BA, AB, ...), so a burst
of load on a shared machine hits both alike, and prints the median and spread of each
workload's step time and of the per-round ratio pipeline / feed_dict (target: within 5%), with
the load average before and after. It also prints the ratio of the two processes' CPU time
per step (every thread's): under load, wall time also measures how the scheduler treats each
process (one that sleeps briefly, as a process with a prefetch thread does, is favoured over
one that never does, by up to 2x at load average 4 on 2 cores), while CPU time is the work
done, including the pipeline's own thread. TensorFlow (from /work/tfvenv, or $TF_PYTHON) runs the same
two workloads when it is there; numpy is the hand-written step of benchmarks/run.py. On a
shared machine read the ratio's median and middle half, not one number.

Both workloads run with the same number of intra-op (BLAS) threads (--threads, default 1).

    python benchmarks/input_pipeline.py [--rounds 40] [--steps 10] [--threads 1]
                                        [--pair feed,dataset] [--no-tf]

`--map-overlap` instead times map(num_parallel_calls=N) for N = none, 1, 2, 4 on a map whose
kernel releases the GIL (a 256x256 matrix product per element), to show the threads overlap.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = (784, 256, 256, 10)
BATCH = 128
EXAMPLES = 128 * 80
TF_PYTHON = os.environ.get("TF_PYTHON", "/work/tfvenv/bin/python")
THREADS = int(os.environ.get("INPUT_BENCH_THREADS", "1"))  # set by --threads for the workers
SIDE = 512  # --map-overlap: each element a SIDE x SIDE matrix


def data(seed=0):
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (EXAMPLES, SIZES[0]), dtype=np.uint8)
    labels = rng.integers(0, SIZES[-1], EXAMPLES).astype(np.int64)
    return pixels, labels


def fed_batches(pixels, labels):
    """The batches the feed_dict baseline feeds: what the pipeline's map gives, precomputed."""
    order = np.random.default_rng(1).permutation(EXAMPLES)
    x = pixels[order].astype(np.float32) / 255.0
    y = labels[order]
    # Each batch its own array, as a loader would make it (not views of one big array).
    return [(x[i:i + BATCH].copy(), y[i:i + BATCH].copy()) for i in range(0, EXAMPLES, BATCH)]


def mlp(tf, x, y, seed=0):
    rng = np.random.default_rng(seed)
    h = x
    for i, (fan_in, fan_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        limit = np.sqrt(6 / (fan_in + fan_out))
        w = tf.Variable(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32),
                        name="w%d" % i)
        b = tf.Variable(np.zeros(fan_out, np.float32), name="b%d" % i)
        h = tf.nn.bias_add(tf.matmul(h, w), b)
        if i < len(SIZES) - 2:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    return tf.train.AdamOptimizer(1e-3).minimize(loss)


def session(tf):
    """A session with THREADS intra-op (BLAS) threads: both workloads get the same count, so
    the ratio measures the input path, not two different automatic thread decisions (minitf
    picks a count from the load it sees, and under load the two processes can see different
    loads and differ 2x in step time for that alone)."""
    return tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=THREADS,
                                            inter_op_parallelism_threads=1))


def build_feed(tf):
    batches = fed_batches(*data())
    x = tf.placeholder(tf.float32, (None, SIZES[0]))
    y = tf.placeholder(tf.int64, (None,))
    step = mlp(tf, x, y)
    sess = session(tf)
    sess.run(tf.global_variables_initializer())
    state = {"i": 0}

    def run():
        bx, by = batches[state["i"] % len(batches)]
        state["i"] += 1
        sess.run(step, {x: bx, y: by})
    return run


def build_dataset(tf, prefetch=1):
    pixels, labels = data()
    ds = (tf.data.Dataset.from_tensor_slices((pixels, labels))
          .shuffle(10000, seed=1)
          .repeat()
          .map(lambda p, l: (tf.cast(p, tf.float32) / 255.0, l))
          .batch(BATCH)
          .prefetch(prefetch))
    x, y = ds.make_one_shot_iterator().get_next()
    step = mlp(tf, x, y)
    sess = session(tf)
    sess.run(tf.global_variables_initializer())
    return lambda: sess.run(step)


def build_numpy(_tf):
    sys.path.insert(0, HERE)
    from run import mlp_numpy  # noqa: E402 - the hand-written step of benchmarks/run.py
    from threadpoolctl import threadpool_limits
    build_numpy.limits = threadpool_limits(THREADS, user_api="blas")  # kept for the process
    return mlp_numpy(SIZES, BATCH)


WORKLOADS = {"feed": build_feed, "dataset": build_dataset, "numpy": build_numpy,
             "dataset-no-prefetch": lambda tf: build_dataset(tf, prefetch=0)}


def load(engine):
    if engine == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        tf.logging.set_verbosity(tf.logging.ERROR)
        return tf
    sys.path.insert(0, os.path.dirname(HERE))
    import minitf
    return minitf


def worker(name, engine, steps):
    """Builds the workload, then times `steps` steps each time a line arrives on stdin."""
    fn = WORKLOADS[name](load(engine))
    for _ in range(20):
        fn()  # warm up: plans compile, the prefetch thread starts, buffers are reused
    print("ready", flush=True)
    for _ in sys.stdin:
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(steps):
            fn()
        print((time.perf_counter() - t0) / steps, (time.process_time() - c0) / steps,
              flush=True)


class Worker:
    """A workload in its own process, timed on request."""

    def __init__(self, name, engine, steps):
        python = TF_PYTHON if engine == "tf" else sys.executable
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", INPUT_BENCH_THREADS=str(THREADS))
        self.proc = subprocess.Popen([python, os.path.abspath(__file__), "--worker", name,
                                      "--engine", engine, "--steps", str(steps)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("worker %s (%s) failed to start" % (name, engine))

    def sample(self):
        """(wall seconds, CPU seconds of the whole process) per step."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        wall, cpu = self.proc.stdout.readline().split()
        return float(wall), float(cpu)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def paired(engine, rounds, steps, baseline="feed", other="dataset"):
    """Short rounds of the two workloads (each in its own process, both started before the
    first round), taken in turn and in alternating order (AB, BA, AB...), so that load on a
    shared machine hits both alike; returns their times and each round's ratio other / baseline."""
    a, b = Worker(baseline, engine, steps), Worker(other, engine, steps)
    try:
        times_a, times_b, ratios, cpu_ratios = [], [], [], []
        for k in range(rounds):
            if k % 2:
                tb, ta = b.sample(), a.sample()
            else:
                ta, tb = a.sample(), b.sample()
            times_a.append(ta[0])
            times_b.append(tb[0])
            ratios.append(tb[0] / ta[0])
            cpu_ratios.append(tb[1] / ta[1])
    finally:
        a.close()
        b.close()
    return times_a, times_b, ratios, cpu_ratios


def spread(values, scale=1e3, unit="ms"):
    values = sorted(values)
    quarter = len(values) // 4
    return "median %.3f %s (middle half %.3f-%.3f, all %.3f-%.3f)" % (
        statistics.median(values) * scale, unit, values[quarter] * scale,
        values[-1 - quarter] * scale, values[0] * scale, values[-1] * scale)


def map_overlap(rounds):
    """map(num_parallel_calls=N) on a map whose kernel releases the GIL: each element, a 256x256
    float32 matrix, is multiplied by a fixed matrix (BLAS, one thread), one element at a time.
    Variants are timed in turn, `rounds` times; prints elements per second and the speed-up
    over the sequential map."""
    from threadpoolctl import threadpool_limits
    tf = load("minitf")
    threadpool_limits(1, user_api="blas")
    rng = np.random.default_rng(0)
    mats = rng.standard_normal((48, SIDE, SIDE)).astype(np.float32)
    weight = rng.standard_normal((SIDE, SIDE)).astype(np.float32)
    variants = {}
    for calls in (None, 1, 2, 4):
        ds = tf.data.Dataset.from_tensor_slices(mats).map(
            lambda m: tf.reduce_sum(tf.matmul(m, weight)), num_parallel_calls=calls).batch(48)
        it = ds.make_initializable_iterator()
        variants[calls] = (it.initializer, tf.reduce_sum(it.get_next()))
    sess = tf.Session()
    times = {calls: [] for calls in variants}
    busy = {calls: [] for calls in variants}
    for k in range(rounds + 1):
        for calls, (init, total) in (list(variants.items()) if k % 2 == 0
                                     else list(variants.items())[::-1]):
            t0, c0 = time.perf_counter(), time.process_time()
            sess.run(init)  # starts the pass (and the map's threads)
            sess.run(total)
            if k:  # round 0 warms up
                wall = time.perf_counter() - t0
                times[calls].append(wall / len(mats))
                busy[calls].append((time.process_time() - c0) / wall)
    sess.close()
    print("map(num_parallel_calls=N), a %dx%d matmul per element (BLAS on one thread), %d "
          "rounds; %d cores, load average %.2f %.2f %.2f"
          % (SIDE, SIDE, rounds, os.cpu_count(), *os.getloadavg()))
    for calls, samples in times.items():
        speedup = [a / b for a, b in zip(times[None], samples)]
        print("  N=%-4s %s per element\n         speed-up over no N: %s\n         CPU time / "
              "wall time (cores busy at once): %s"
              % (calls, spread(samples), spread(speedup, 1, "x"), spread(busy[calls], 1, "")))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed sample")
    parser.add_argument("--pair", default="feed,dataset",
                        help="the two workloads compared (of %s)" % ", ".join(sorted(WORKLOADS)))
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op (BLAS) threads of both workloads (default 1)")
    parser.add_argument("--no-tf", action="store_true", help="skip TensorFlow")
    parser.add_argument("--map-overlap", action="store_true",
                        help="instead: time map(num_parallel_calls=N) on a GIL-releasing map")
    parser.add_argument("--worker", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["minitf", "tf"], default="minitf",
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global THREADS
    if not args.worker:
        THREADS = args.threads
    if args.worker:
        worker(args.worker, args.engine, args.steps)
        return 0
    if args.map_overlap:
        map_overlap(max(2, args.rounds // 4))
        return 0
    baseline, other = args.pair.split(",")
    engines = ["minitf"] + (["tf"] if os.path.exists(TF_PYTHON) and not args.no_tf else [])
    print("MLP %s Adam step, batch %d, %d intra-op thread(s); %d rounds of %d steps per "
          "workload, each workload in its own process, taken in turn; %d cores, load average "
          "%.2f %.2f %.2f" % ("-".join(map(str, SIZES)), BATCH, THREADS, args.rounds, args.steps,
                              os.cpu_count(), *os.getloadavg()))
    for e in engines:
        first, second, ratios, cpu_ratios = paired(e, args.rounds, args.steps, baseline, other)
        print("  %-6s %-18s %s" % (e, baseline, spread(first)))
        print("  %-6s %-18s %s" % (e, other, spread(second)))
        print("  %-6s %-18s %s   (target <= 1.05)" % (e, "%s / %s" % (other, baseline),
                                                      spread(ratios, 1, "x")))
        print("  %-6s %-18s %s" % (e, "  same, CPU time", spread(cpu_ratios, 1, "x")))
    if (baseline, other) == ("feed", "dataset"):
        numpy_step, feed, ratios, _ = paired("minitf", max(4, args.rounds // 4), args.steps,
                                             "numpy", "feed")
        print("  numpy  hand-written step  %s" % spread(numpy_step))
        print("  minitf feed / numpy       %s" % spread(ratios, 1, "x"))
    print("load average at the end %.2f %.2f %.2f" % os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
