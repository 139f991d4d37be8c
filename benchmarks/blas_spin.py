"""Whether minitf's intra-op workers get a core right after OpenBLAS ran a product on its own
threads (docs/performance.md, "The MLP step's kernels").

OpenBLAS's worker threads spin (sched_yield in a loop) for a while after each call. This times
a split elementwise kernel (relu of a 4M-element float32 array, halves over the calling thread
and one worker) against the same kernel on one thread: with no product before it, right after
a one-thread product, and right after a two-thread product.

    python benchmarks/blas_spin.py [--elements N] [--calls N]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from minitf import workers  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elements", type=int, default=1 << 22)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    a = rng.standard_normal((512, 784)).astype(np.float32)
    b = rng.standard_normal((784, 256)).astype(np.float32)
    rows = 8
    x = rng.standard_normal((rows, args.elements // rows)).astype(np.float32)
    out = np.empty_like(x)
    zeros = np.zeros(x.shape[1], np.float32)

    def relu_rows(start, stop):
        np.maximum(x[start:stop], zeros, out=out[start:stop])

    def median_us(blas, participants, product):
        times = []
        with threadpool_limits(blas), workers.using(participants):
            for _ in range(args.calls):
                if product:
                    a @ b
                t = time.perf_counter()
                workers.split(rows, relu_rows, rows // 2)
                times.append(time.perf_counter() - t)
        return statistics.median(times) * 1e6

    print("load average %.2f %.2f %.2f, %d cores" % (os.getloadavg() + (workers.available_cores(),)))
    print("relu of %d float32, median of %d calls" % (x.size, args.calls))
    for label, blas, product in (("no product before", 1, False),
                                 ("after a one-thread product", 1, True),
                                 ("after a two-thread product", 2, True)):
        one, two = median_us(blas, 1, product), median_us(blas, 2, product)
        print("  %-28s one thread %7.1f us   split over two %7.1f us   (%.2fx)"
              % (label, one, two, one / two))


if __name__ == "__main__":
    main()
