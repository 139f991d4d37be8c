"""Runs a benchmark script's workloads in child processes, the frameworks one after another and
the whole sequence `rounds` times, so that minitf and TF1 share the same minutes of a busy
machine; prints each framework's best (least disturbed) time per round, and the range over the
rounds of the ratios of each round's bests, with the load average before and after.

Used by benchmarks/rnn.py and benchmarks/control_flow.py (`--rounds N`): each calls
`main(__file__, workload, workloads, ...)`, which answers `--child KIND FRAMEWORK` with
`workload(kind, framework, repeat)`'s sorted times (`timed`) as a JSON list and otherwise runs
`compare`.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def timed(run, repeat, per=1):
    """`repeat` times of `run()` divided by `per`, sorted (the first is the least disturbed)."""
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) / per)
    return sorted(samples)


def main(script, workload, workloads, unit, scale, default_repeat):
    """The command line of a benchmark script: --repeat, --rounds, --tf, and --child for the
    processes compare() starts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=default_repeat)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every framework this many times, alternating (ratio ranges)")
    parser.add_argument("--tf", default="/work/tfvenv/bin/python",
                        help="a Python with TensorFlow (skipped when missing)")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(workload(args.child[0], args.child[1], args.repeat)))
        return
    compare(script, workloads, args.repeat, args.rounds, args.tf, unit, scale)


def _load():
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def compare(script, workloads, repeat, rounds, tf_python, unit, scale):
    """`workloads`: (kind, label, frameworks) each; `unit`/`scale`: how a time is printed
    (e.g. "ms/step", 1e3)."""
    from run import blas_environment
    print(blas_environment())
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for kind, label, frameworks in workloads:
        print("%s (load %s)" % (label, _load()), flush=True)
        bests = {f: [] for f in frameworks}
        for r in range(rounds):
            results = {}
            for framework in frameworks:
                python = tf_python if framework == "tf1" else sys.executable
                if framework == "tf1" and not os.path.exists(python):
                    continue
                out = subprocess.run([python, os.path.abspath(script), "--repeat", str(repeat),
                                      "--child", kind, framework], capture_output=True,
                                     text=True, env=env)
                if out.returncode:
                    print("  %s failed: %s" % (framework, out.stderr.strip().splitlines()[-1:]))
                    continue
                results[framework] = json.loads(out.stdout.strip().splitlines()[-1])
                bests[framework].append(results[framework][0])
            for framework, s in results.items():
                ratios = ["%.2fx %s" % (s[0] / results[ref][0], "TF1" if ref == "tf1" else ref)
                          for ref in ("tf1", "numpy") if ref in results]
                print("  round %d %-12s best %9.2f %s, median %.2f (max %.2f)  %s"
                      % (r + 1, framework, s[0] * scale, unit, s[len(s) // 2] * scale,
                         s[-1] * scale, ", ".join(ratios)), flush=True)
        if rounds > 1 and bests.get("tf1"):
            for framework, values in bests.items():
                if framework == "tf1" or len(values) != len(bests["tf1"]):
                    continue
                ratios = [v / t for v, t in zip(values, bests["tf1"])]
                print("  %-12s over %d rounds: best %.2f-%.2f %s, %.2f-%.2fx TF1 (TF1 %.2f-%.2f)"
                      % (framework, rounds, min(values) * scale, max(values) * scale, unit,
                         min(ratios), max(ratios), min(bests["tf1"]) * scale,
                         max(bests["tf1"]) * scale))
        print("  (load %s after)" % _load(), flush=True)
