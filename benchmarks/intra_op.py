"""minitf's intra-op thread modes side by side on run.py's MLP workloads (issue 11), with TF1.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/intra_op.py \
        [--only mlp,forward,big-mlp] [--modes policy,blas1,blas2,tf] [--rounds 3] [--load N]

Modes, each in its own fresh process per round, alternating:
  policy  the default policy (docs/performance.md, "Threads"): for these plans of products,
          OpenBLAS's own threads on the free cores, one thread on a busy machine
  blas1   OPENBLAS_NUM_THREADS=1: one thread, no split
  blas2   OPENBLAS_NUM_THREADS=2: OpenBLAS's own two threads, no split
  tf      real TF1 (run.py's --tf-python rule), for scale
Prints per round the median wall time per step and the process CPU time per step (both
threads), then each mode's range over the rounds. `--load N` adds N busy loops (run.py's).
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402 - the workloads and the load helpers

MODES = {"policy": {}, "blas1": {"OPENBLAS_NUM_THREADS": "1"},
         "blas2": {"OPENBLAS_NUM_THREADS": "2"}, "tf": {}}


def child(name, framework, repeat):
    graph, _, inner, _, _ = run.WORKLOADS[name]
    r = run.timed(graph(run.import_framework(framework)), repeat, inner)
    print(json.dumps({"wall": r["median"], "cpu": r["cpu"]}))


threads_env = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def measure(name, mode, tf_python, repeat):
    env = {k: v for k, v in os.environ.items() if k not in threads_env}
    env.update(MODES[mode])
    python = tf_python if mode == "tf" else sys.executable
    out = subprocess.run([python, os.path.abspath(__file__), "--child", name, "--framework",
                          "tf" if mode == "tf" else "minitf", "--repeat", str(repeat)],
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="mlp,forward,big-mlp")
    p.add_argument("--modes", default="policy,blas1,blas2,tf")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--load", type=int, default=0)
    p.add_argument("--load-seconds", type=float, default=600)
    p.add_argument("--tf-python", default=None)
    p.add_argument("--child", default=None)
    p.add_argument("--framework", default="minitf")
    args = p.parse_args(argv)
    if args.child:
        return child(args.child, args.framework, args.repeat)
    modes = args.modes.split(",")
    tf_python = run.find_tf_python(args.tf_python) if "tf" in modes else None
    if "tf" in modes and tf_python is None:
        modes.remove("tf")
    print("%d cores, load average %s, %d busy loops, BLAS %s" % (
        os.cpu_count(), " ".join("%.2f" % v for v in os.getloadavg()), args.load,
        run.blas_info()), flush=True)
    load = run.start_load(args.load, args.load_seconds)
    results = {}
    try:
        for r in range(args.rounds):
            for name in args.only.split(","):
                for mode in modes:
                    m = measure(name, mode, tf_python, args.repeat)
                    results.setdefault((name, mode), []).append(m)
                    print("round %d %-8s %-6s wall %8.2f ms  cpu %8.2f ms  (load %.2f)" % (
                        r + 1, name, mode, m["wall"] * 1e3, m["cpu"] * 1e3,
                        os.getloadavg()[0]), flush=True)
    finally:
        run.stop_load(load)
    print("-- ranges over rounds: wall ms / cpu ms")
    for (name, mode), ms in results.items():
        print("%-8s %-6s wall %7.2f-%7.2f  cpu %7.2f-%7.2f" % (
            name, mode, min(m["wall"] for m in ms) * 1e3, max(m["wall"] for m in ms) * 1e3,
            min(m["cpu"] for m in ms) * 1e3, max(m["cpu"] for m in ms) * 1e3))


if __name__ == "__main__":
    main()
