"""Two versions of minitf's compiled float32 product (minitf/ops/gemm.py), built side by side in
one process and called in turns, one call each at a time: for a change to the kernel worth a
few per cent, which rounds of many calls do not show on this project's hosts.

    python benchmarks/gemm_ab.py BEFORE AFTER [--calls 40] [--threads 2] [--only big,mlp]

BEFORE and AFTER are minitf checkouts (directories holding `minitf/`; a git worktree of the
commit before the change, say, and this one). The shapes are native_gemm.py's (the products of
run.py's MLPs), `--only` picks its "big" or "mlp" ones. For each shape both products are
checked to give the same bits where the two versions block K alike (a warning otherwise: the
blocking is part of the change), then timed `--calls` times each, in an order shuffled every
call, each call repeated to about 0.1 GFLOP. Printed per shape: both medians and the median of
the per-call ratios AFTER / BEFORE with its quartiles. The host's slow phases last seconds,
longer than a pair of calls, so both halves of a pair meet the same phase (docs/performance.md,
"Tiles of 6x64 on Ice Lake", has the figures it gave).
"""

import argparse
import importlib.util
import os
import random
import statistics
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load(checkout, name, threads):
    """The compiled product of `checkout`'s gemm.py, loaded as its own module (its SOURCE,
    and so its kernel, that checkout's), set to `threads`."""
    spec = importlib.util.spec_from_file_location(
        "gemm_" + name, os.path.join(checkout, "minitf", "ops", "gemm.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    product = module.kernel()
    if product is None:
        sys.exit("gemm_ab.py: no compiled product in %s (it needs an AVX-512 CPU and a C++ "
                 "compiler, and MINITF_NATIVE_KERNELS not 0)" % checkout)
    module.set_threads(threads)
    return module, product


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="big,mlp")
    args = parser.parse_args()
    # (gemm.py imports minitf.native: the AFTER checkout's, for both)
    sys.path.insert(0, os.path.abspath(args.after))
    sys.path.insert(0, HERE)
    import native_gemm
    from time import perf_counter
    versions = {name: load(os.path.abspath(path), name, args.threads)
                for name, path in (("before", args.before), ("after", args.after))}
    kinds = args.only.split(",")
    rng = np.random.default_rng(0)
    for label, m, k, n, layout in native_gemm.SHAPES:
        if label.split()[0] not in kinds:
            continue
        a, b = native_gemm.operands(m, k, n, layout, rng)
        outs = {name: np.empty((m, n), np.float32) for name in versions}
        for name, (module, product) in versions.items():
            if product(a, b, outs[name]) is None:
                sys.exit("gemm_ab.py: %s's product declined %s" % (name, label))
        if not np.array_equal(outs["before"], outs["after"]):
            print("(%s: the bits differ: K blocked otherwise)" % label)
        repeat = max(1, int(5e7 / (m * k * n)))
        times = {name: [] for name in versions}
        for _ in range(args.calls):
            order = list(versions)
            random.shuffle(order)
            for name in order:
                product, out = versions[name][1], outs[name]
                start = perf_counter()
                for _ in range(repeat):
                    product(a, b, out)
                times[name].append((perf_counter() - start) / repeat * 1e3)
        ratios = sorted(x / y for x, y in zip(times["after"], times["before"]))
        q = len(ratios) // 4
        print("%-27s before %8.3f ms  after %8.3f ms  after/before %.3f [%.3f-%.3f]" % (
            label, statistics.median(times["before"]), statistics.median(times["after"]),
            statistics.median(ratios), ratios[q], ratios[-q - 1]))


if __name__ == "__main__":
    main()
