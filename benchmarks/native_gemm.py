"""minitf's compiled float32 product (minitf/ops/gemm.py) against the BLAS numpy uses, for the
products of run.py's MLPs, on one thread and on two.

    python benchmarks/native_gemm.py [--rounds R]

The MLP steps of benchmarks/run.py spend 80-95% of their time in float32 matrix products
(FULL_TRACE step stats), which numpy hands to OpenBLAS and TF1 to oneDNN. On this project's
2-core AMD EPYC (Zen 4, AVX-512) machines a 4096x1024x1024 product of the big MLP took 42-43 ms
on two OpenBLAS threads against 39.7-40.7 ms for TF1's: about 86% of the cores' peak (117
GFLOP/s a core, measured with independent FMA chains) against TF1's 92%.

Each shape is checked against a float64 product, then timed in rounds that alternate the two:
the compiled product at gemm.set_threads(1) and (2), numpy inside threadpoolctl's limit of 1
and 2 threads. Within a round numpy's two-thread product runs last, and the next round starts
a quarter of a second later: OpenBLAS's threads, once started, spin for about 0.1 s after each
call and would take the core the compiled product's second thread needs (which is why a plan with compiled products keeps OpenBLAS at one thread,
client/threads.py). Printed are each shape's medians and the range of the ratios over the
rounds; docs/performance.md ("Matrix products") has the figures.
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from minitf.ops import gemm  # noqa: E402

SHAPES = (  # (name, M, K, N, layout): run.py's products, forward and backward
    ("mlp x@w 512x784x256", 512, 784, 256, ""),
    ("mlp x.T@dy 784x512x256", 784, 512, 256, "ta"),
    ("mlp h@w 512x256x256", 512, 256, 256, ""),
    ("mlp dy@w.T 512x256x256", 512, 256, 256, "tb"),
    ("mlp h@w 512x256x10", 512, 256, 10, ""),
    ("mlp h.T@dy 256x512x10", 256, 512, 10, "ta"),
    ("mlp dy@w.T 512x10x256", 512, 10, 256, "tb"),
    ("big x@w 4096x1024x1024", 4096, 1024, 1024, ""),
    ("big dy@w.T 4096x1024x1024", 4096, 1024, 1024, "tb"),
    ("big x.T@dy 1024x4096x1024", 1024, 4096, 1024, "ta"),
    ("big h@w 4096x1024x10", 4096, 1024, 10, ""),
    ("big h.T@dy 1024x4096x10", 1024, 4096, 10, "ta"),
    ("big dy@w.T 4096x10x1024", 4096, 10, 1024, "tb"),
)


def operands(m, k, n, layout, rng):
    """float32 a (m, k) and b (k, n), transposed views where `layout` says ('ta', 'tb'), as
    the backward products of a Dense layer read them."""
    a = rng.random((k, m), np.float32).T if layout == "ta" else rng.random((m, k), np.float32)
    b = rng.random((n, k), np.float32).T if layout == "tb" else rng.random((k, n), np.float32)
    return a, b


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import threadpoolctl
    product = gemm.kernel()
    if product is None:
        sys.exit("native_gemm.py: no compiled product here (it needs an AVX-512 CPU and a C++ "
                 "compiler, and MINITF_NATIVE_KERNELS not 0)")

    def compiled(threads):
        def run(a, b, out):
            gemm.set_threads(threads)
            if product(a, b, out) is None:
                raise SystemExit("native_gemm.py: gemm declined a product it should take")
        return run

    def numpy_product(a, b, out):
        np.matmul(a, b, out=out)

    rng = np.random.default_rng(0)
    print("%-27s %-34s %-34s" % ("float32 product", "one thread: minitf / numpy",
                                 "two threads: minitf / numpy"))
    for name, m, k, n, layout in SHAPES:
        a, b = operands(m, k, n, layout, rng)
        out = np.empty((m, n), np.float32)
        compiled(1)(a, b, out)
        exact = a.astype(np.float64) @ b.astype(np.float64)
        error = np.abs(out - exact).max() / np.abs(exact).max()
        if error > 1e-5:
            sys.exit("native_gemm.py: the compiled product of %s is wrong (relative error "
                     "%.1e)" % (name, error))
        reps = max(5, int(4e8 / (m * k * n)))
        times = {(t, w): [] for t in (1, 2) for w in ("minitf", "numpy")}
        ratios = {1: [], 2: []}
        for _ in range(args.rounds):
            for threads, which, fn in ((1, "minitf", compiled(1)), (1, "numpy", numpy_product),
                                       (2, "minitf", compiled(2)), (2, "numpy", numpy_product)):
                with threadpoolctl.threadpool_limits(threads if which == "numpy" else 1):
                    fn(a, b, out)
                    best = float("inf")
                    for _ in range(3):
                        t0 = time.perf_counter()
                        for _ in range(reps):
                            fn(a, b, out)
                        best = min(best, (time.perf_counter() - t0) / reps)
                    times[threads, which].append(best)
                if threads == 2 and which == "numpy":
                    time.sleep(0.25)  # until OpenBLAS's worker stops spinning
            for t in (1, 2):
                ratios[t].append(times[t, "minitf"][-1] / times[t, "numpy"][-1])
        cells = ["%7.3f / %7.3f ms %.2f-%.2fx" % (
            1e3 * statistics.median(times[t, "minitf"]), 1e3 * statistics.median(times[t, "numpy"]),
            min(ratios[t]), max(ratios[t])) for t in (1, 2)]
        print("%-27s %-34s %-34s (error %.0e)" % (name, cells[0], cells[1], error))


if __name__ == "__main__":
    main()
