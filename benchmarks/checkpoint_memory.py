"""Memory of Saver.save, Saver.restore and the initializer, above the model's own size.

Each measurement runs in a fresh process: a sampling thread reads the process's resident set
(/proc/self/statm) every millisecond while the operation runs; the figure is the peak minus
the resident set just before it, as a multiple of the largest tensor. Linux only.

    python benchmarks/checkpoint_memory.py            # one 256 MiB variable (+ a 64 MiB one)
    python benchmarks/checkpoint_memory.py --mib 1024 # the issue's 1 GB case
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, sys, threading, time
import minitf as tf

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def peak_during(fn):
    before, peak, done = rss(), [0], threading.Event()
    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.001)
    t = threading.Thread(target=sample); t.start()
    try:
        fn()
    finally:
        done.set(); t.join()
    return max(peak[0], rss()) - before

what, n, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]
init = {"zeros": tf.zeros, "random_uniform": tf.random_uniform}.get(what, tf.zeros)
big = tf.Variable(init([n]), name="big")
small = tf.Variable(tf.zeros([n // 4]), name="small")
saver = tf.train.Saver()
sess = tf.Session()
prefix = os.path.join(directory, "model.ckpt")
if what in ("zeros", "random_uniform"):
    init_op = tf.global_variables_initializer()
    grew = peak_during(lambda: sess.run(init_op)) - (n + n // 4) * 4  # the model is new here
elif what == "assign_add":
    sess.run(tf.global_variables_initializer())
    step = big.assign_add(big * 0.5)
    grew = peak_during(lambda: sess.run(step.op))
else:
    sess.run(tf.global_variables_initializer())
    saver.save(sess, prefix)
    grew = peak_during(lambda: saver.save(sess, prefix) if what == "save"
                       else saver.restore(sess, prefix))
print(json.dumps(grew / (n * 4)))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=256, help="size of the largest variable")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.mib * (1 << 20) // 4
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    print("largest tensor %d MiB (+ one of %d MiB); peak RSS above the model, in largest "
          "tensors, over %d runs (the machine may be busy: ranges)" % (args.mib, args.mib // 4,
                                                                      args.repeat))
    for what in ("save", "restore", "zeros", "random_uniform", "assign_add"):
        runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as directory:
                out = subprocess.run([sys.executable, "-c", CHILD, what, str(n), directory],
                                     env=env, capture_output=True, text=True, check=True)
                runs.append(json.loads(out.stdout))
        label = {"zeros": "init (tf.zeros)", "random_uniform": "init (tf.random_uniform)",
                 "assign_add": "v.assign_add(v * 0.5)"}.get(what, what)
        print("%-26s %.2fx - %.2fx" % (label, min(runs), max(runs)))


if __name__ == "__main__":
    main()
