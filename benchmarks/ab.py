"""Two versions of minitf on one workload of benchmarks/run.py, in two warm processes taking
turns in windows of a second: for a change worth a few per cent, which a benchmark round
cannot show on this project's hosts. Their steps run at one of two speeds for seconds at a time
(the MLP step at 3.5 or 4.6 ms, docs/performance.md "Where the MLP step's time goes"), so two
rounds minutes apart differ by more than most changes; two processes taking turns a second at a
time meet the same speeds, and the ratio of each pair of windows shows the change.

    python benchmarks/ab.py BEFORE AFTER [--workload mlp|forward|big-mlp] [--rounds 14]
                            [--window 1.0] [--load N]

BEFORE and AFTER are minitf checkouts (directories holding `minitf/`; a git worktree of the
commit before the change, say, and this one). Each round runs a window in each process, the
order swapped every round, and prints both medians (over the window's second half); at the
end the median of each and the median of the rounds' ratios AFTER / BEFORE. Run it with nothing else
running, with the same environment as run.py (`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`).
`--load N` runs N busy-loop processes meanwhile (run.py's), for a change to the policy under
load.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = {
    "mlp": lambda R, tf: R.mlp_graph(tf, *R.MLP),
    "forward": lambda R, tf: R.mlp_graph(tf, *R.MLP, train=False),
    "big-mlp": lambda R, tf: R.mlp_graph(tf, *R.BIG_MLP),
}


def child(checkout, workload, window):
    """Builds the workload with the minitf in `checkout`, then times a window at each line
    read from stdin, answering the window's median in ms."""
    sys.path.insert(0, os.path.abspath(checkout))
    import minitf as tf  # (before run.py, which puts this checkout first on the path)
    sys.path.insert(0, HERE)
    import run as R
    if not os.path.abspath(tf.__file__).startswith(os.path.abspath(checkout)):
        raise SystemExit("%s did not import minitf from %s" % (tf.__file__, checkout))
    step = WORKLOADS[workload](R, tf)
    for _ in range(5):
        step()
    print("ready", flush=True)
    for _ in sys.stdin:
        start, times = time.monotonic(), []
        while time.monotonic() - start < window:
            t0 = time.perf_counter()
            step()
            elapsed = time.perf_counter() - t0
            if time.monotonic() - start > window / 2:
                times.append(elapsed)
        print("%.6f" % (1e3 * statistics.median(times)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--workload", default="mlp", choices=sorted(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=14)
    parser.add_argument("--window", type=float, default=1.0)
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes to run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.before, args.workload, args.window)
        return
    sys.path.insert(0, HERE)
    import run as R
    load = R.start_load(args.load, 3600)
    try:
        compare(args)
    finally:
        R.stop_load(load)


def compare(args):
    kids = [subprocess.Popen([sys.executable, os.path.abspath(__file__), path, path, "--child",
                              "--workload", args.workload, "--window", str(args.window)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            for path in (args.before, args.after)]
    try:
        for kid in kids:
            if kid.stdout.readline().strip() != "ready":
                raise SystemExit("a child process failed (its error is above)")
        rows = []
        for r in range(args.rounds):
            row = [0.0, 0.0]
            for i in ((0, 1) if r % 2 == 0 else (1, 0)):  # who goes first, swapped each round
                kids[i].stdin.write("go\n")
                kids[i].stdin.flush()
                row[i] = float(kids[i].stdout.readline())
            rows.append(row)
            print("round %2d  before %.3f ms  after %.3f ms  after/before %.3f"
                  % (r + 1, row[0], row[1], row[1] / row[0]), flush=True)
    finally:
        for kid in kids:
            kid.stdin.close()
            kid.wait()
    print("%s, %d rounds of %.1f s%s: median before %.3f ms, after %.3f ms; median of the "
          "rounds' after/before %.3f (min %.3f, max %.3f)"
          % (args.workload, len(rows), args.window,
             ", %d busy loops" % args.load if args.load else "",
             statistics.median(r[0] for r in rows),
             statistics.median(r[1] for r in rows), statistics.median(r[1] / r[0] for r in rows),
             min(r[1] / r[0] for r in rows), max(r[1] / r[0] for r in rows)))


if __name__ == "__main__":
    main()
