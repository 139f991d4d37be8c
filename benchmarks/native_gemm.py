"""Whether a matrix product compiled on this machine beats the BLAS numpy uses: a probe for
issue 11's big-MLP target, not a kernel minitf runs.

    python benchmarks/native_gemm.py [--rounds R]

The MLP steps of benchmarks/run.py spend 80-95% of their time in float32 matrix products
(FULL_TRACE step stats), which numpy hands to OpenBLAS; TF1 runs them in oneDNN. On this
project's 2-core AMD EPYC (Zen 4, AVX-512) machines a 4096x1024x1024 product of the big MLP took
42-43 ms on two OpenBLAS threads against 39.7-40.7 ms for TF1's: about 86% of the cores' peak
(117 GFLOP/s a core, measured with independent FMA chains) against TF1's 92%, which is the
whole of the big-MLP step's gap.

This file compiles a plain BLIS-style single-precision product (packed panels of 12 rows of A
and 32 columns of B, a 12x32 register tile of AVX-512 accumulators; K blocked by 1024 and M by
96, so that a panel of B streams from L2 and C is written once when K <= 1024) with minitf's
native module (the system compiler, -O3 -march=native), checks it against a float64 product,
and times it against numpy's matmul for the shapes of run.py's MLPs: on one thread, and on two
(row halves, or column halves when there are fewer rows than columns, each half a one-thread
call on its own Python thread; numpy at two OpenBLAS threads). Rounds alternate the two;
printed are each shape's medians and the range of the ratios over the rounds.

What it showed (2026-12-05, idle, `--rounds 3`): on one thread the 4096x1024x1024 products
took 78.2-82.7 ms against OpenBLAS's 84.9-86.8 (0.90-0.97x), the MLP's the same as OpenBLAS
(0.94-1.04x; 512x784x256 in 1.9-2.05 ms); on two threads the big products took 0.86-1.00x
OpenBLAS's time (39.8-42.7 ms against 43.0-49.3). Why it is not in minitf: the MLP's products,
where most steps spend their time, are no faster, and in a plan whose threads go to OpenBLAS
(client/threads.py) a native product would share the cores with OpenBLAS's threads, which spin
after each call. What it would take: minitf's products all native (the small ones included,
with a hand-off to the second thread in microseconds, or one shared packing of B), and the
thread policy giving every product plan's threads to minitf's workers. The kernel needs
AVX-512; on another CPU the probe says so and exits.
"""

import argparse
import ctypes
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from minitf import native  # noqa: E402

SOURCE = r"""
#include <immintrin.h>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#ifndef MR
#define MR 12
#endif
#ifndef NRV
#define NRV 2
#endif
#define NR (16*NRV)
#ifndef KC
#define KC 1024
#endif
#ifndef MC
#define MC 96
#endif
#ifndef NC
#define NC 4096
#endif

static inline void micro(long kc, const float* __restrict A, const float* __restrict B, float* C, long ldc, int first) {
  __m512 acc[MR][NRV];
  #pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) acc[r][v] = _mm512_setzero_ps();
  for (long k = 0; k < kc; k++) {
    __m512 b[NRV];
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) b[v] = _mm512_load_ps(B + v * 16);
    #pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      __m512 a = _mm512_set1_ps(A[r]);
      #pragma GCC unroll 4
      for (int v = 0; v < NRV; v++) acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
    }
    A += MR; B += NR;
  }
  #pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) {
      float* c = C + r * ldc + v * 16;
      if (first) _mm512_storeu_ps(c, acc[r][v]);
      else _mm512_storeu_ps(c, _mm512_add_ps(_mm512_loadu_ps(c), acc[r][v]));
    }
}

static void pack_a(long mc, long kc, const float* A, long rs, long cs, float* Ap) {
  if (rs == 1 && mc % MR == 0) {  // A transposed: each k is a contiguous run of rows
    for (long k = 0; k < kc; k++) {
      const float* a = A + k * cs;
      for (long i = 0; i < mc; i += MR) {
        float* d = Ap + i * kc + k * MR;
        for (long r = 0; r < MR; r++) d[r] = a[i + r];
      }
    }
    return;
  }
  for (long i = 0; i < mc; i += MR) {
    long m = std::min<long>(MR, mc - i);
    for (long k = 0; k < kc; k++) {
      for (long r = 0; r < m; r++) Ap[r] = A[(i + r) * rs + k * cs];
      for (long r = m; r < MR; r++) Ap[r] = 0.f;
      Ap += MR;
    }
  }
}
static void pack_b(long kc, long nc, const float* B, long rs, long cs, float* Bp) {
  for (long j = 0; j < nc; j += NR) {
    long n = std::min<long>(NR, nc - j);
    if (n == NR && cs == 1) {
      for (long k = 0; k < kc; k++) { std::memcpy(Bp, B + k * rs + j, NR * 4); Bp += NR; }
    } else {
      for (long k = 0; k < kc; k++) {
        for (long c = 0; c < n; c++) Bp[c] = B[k * rs + (j + c) * cs];
        for (long c = n; c < NR; c++) Bp[c] = 0.f;
        Bp += NR;
      }
    }
  }
}

extern "C" void minitf_probe_sgemm(long M, long N, long K, const float* A, long rsa, long csa,
                      const float* B, long rsb, long csb, float* C, long ldc) {
  float* Ap = (float*)std::aligned_alloc(64, sizeof(float) * (MC + MR) * KC);
  float* Bp = (float*)std::aligned_alloc(64, sizeof(float) * (NC + NR) * KC);
  alignas(64) float tile[MR * NR];
  for (long jc = 0; jc < N; jc += NC) {
    long nc = std::min<long>(NC, N - jc);
    for (long pc = 0; pc < K; pc += KC) {
      long kc = std::min<long>(KC, K - pc);
      pack_b(kc, nc, B + pc * rsb + jc * csb, rsb, csb, Bp);
      for (long ic = 0; ic < M; ic += MC) {
        long mc = std::min<long>(MC, M - ic);
        pack_a(mc, kc, A + ic * rsa + pc * csa, rsa, csa, Ap);
        for (long jr = 0; jr < nc; jr += NR) {
          long nr = std::min<long>(NR, nc - jr);
          for (long ir = 0; ir < mc; ir += MR) {
            long mr = std::min<long>(MR, mc - ir);
            float* c = C + (ic + ir) * ldc + jc + jr;
            if (mr == MR && nr == NR) micro(kc, Ap + ir * kc, Bp + jr * kc, c, ldc, pc == 0);
            else {
              micro(kc, Ap + ir * kc, Bp + jr * kc, tile, NR, 1);
              for (long r = 0; r < mr; r++) for (long q = 0; q < nr; q++)
                c[r * ldc + q] = (pc == 0 ? 0.f : c[r * ldc + q]) + tile[r * NR + q];
            }
          }
        }
      }
    }
  }
  std::free(Ap); std::free(Bp);
}
"""

# Two threads are timed for products of at least this many multiply-adds only: for the MLP's
# (0.1 G and less) the hand-off to the second Python thread decided the figure, not the kernel
# (in one harness the halves overlapped: 1.03-1.05 ms against OpenBLAS's 1.01-1.03 for
# 512x784x256; inside threadpoolctl's limits, as here, they did not overlap at all, unexplained).
TWO_THREAD_MACS = 1 << 30

SHAPES = (  # (name, M, K, N, layout): run.py's products, forward and backward
    ("mlp x@w 512x784x256", 512, 784, 256, ""),
    ("mlp x.T@dy 784x512x256", 784, 512, 256, "ta"),
    ("mlp h@w 512x256x256", 512, 256, 256, ""),
    ("mlp dy@w.T 512x256x256", 512, 256, 256, "tb"),
    ("big x@w 4096x1024x1024", 4096, 1024, 1024, ""),
    ("big dy@w.T 4096x1024x1024", 4096, 1024, 1024, "tb"),
    ("big x.T@dy 1024x4096x1024", 1024, 4096, 1024, "ta"),
)


def compiled_product():
    try:
        with open("/proc/cpuinfo") as f:
            has_avx512 = "avx512f" in f.read()
    except OSError:
        has_avx512 = False
    if not has_avx512:
        sys.exit("native_gemm.py: this probe's kernel needs an AVX-512 CPU")
    L, P = ctypes.c_long, ctypes.c_void_p
    fn = native.function(SOURCE, "minitf_probe_sgemm", [L, L, L, P, L, L, P, L, L, P, L])
    if fn is None:
        sys.exit("native_gemm.py: no native kernels here (no C++ compiler, or "
                 "MINITF_NATIVE_KERNELS=0)")
    return fn


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
    sgemm = compiled_product()
    second = ThreadPoolExecutor(1)

    def native_one(a, b, out):
        s = a.itemsize
        sgemm(a.shape[0], b.shape[1], a.shape[1], a.ctypes.data, a.strides[0] // s,
              a.strides[1] // s, b.ctypes.data, b.strides[0] // s, b.strides[1] // s,
              out.ctypes.data, out.strides[0] // s)

    def native_two(a, b, out):
        m, n = a.shape[0], b.shape[1]
        if m >= n:  # halves at a multiple of the kernel's 12 rows
            h = (m // 2 + 11) // 12 * 12
            later = second.submit(native_one, a[h:], b, out[h:])
            native_one(a[:h], b, out[:h])
        else:  # ... or of its 32 columns
            h = (n // 2 + 31) // 32 * 32
            later = second.submit(native_one, a, b[:, h:], out[:, h:])
            native_one(a, b[:, :h], out[:, :h])
        later.result()

    def numpy_product(a, b, out):
        np.matmul(a, b, out=out)

    rng = np.random.default_rng(0)
    print("%-27s %-34s %-34s" % ("float32 product", "one thread: native / numpy",
                                 "two threads: native / numpy"))
    for name, m, k, n, layout in SHAPES:
        a, b = operands(m, k, n, layout, rng)
        out = np.empty((m, n), np.float32)
        native_one(a, b, out)
        exact = a.astype(np.float64) @ b.astype(np.float64)
        error = np.abs(out - exact).max() / np.abs(exact).max()
        if error > 1e-5:
            sys.exit("native_gemm.py: the native product of %s is wrong (relative error %.1e)"
                     % (name, error))
        reps = max(2, int(2e8 / (m * k * n)))
        times = {(t, w): [] for t in (1, 2) for w in ("native", "numpy")}
        ratios = {1: [], 2: []}
        for _ in range(args.rounds):
            # numpy's two-thread product last: OpenBLAS's threads, once started, spin for a
            # while after each call and would take the core the native product's second
            # thread needs (which is why minitf could not mix the two in one plan)
            for threads, which, fn in ((1, "native", native_one), (1, "numpy", numpy_product),
                                       (2, "native", native_two), (2, "numpy", numpy_product)):
                if threads == 2 and m * k * n < TWO_THREAD_MACS:
                    continue
                with threadpoolctl.threadpool_limits(threads if which == "numpy" else 1):
                    fn(a, b, out)
                    best = float("inf")
                    for _ in range(3):
                        t0 = time.perf_counter()
                        for _ in range(reps):
                            fn(a, b, out)
                        best = min(best, (time.perf_counter() - t0) / reps)
                    times[threads, which].append(best)
            for t in (1, 2):
                if times[t, "native"]:
                    ratios[t].append(times[t, "native"][-1] / times[t, "numpy"][-1])
        cells = ["%7.3f / %7.3f ms %.2f-%.2fx" % (
            1e3 * statistics.median(times[t, "native"]), 1e3 * statistics.median(times[t, "numpy"]),
            min(ratios[t]), max(ratios[t])) if ratios[t] else "-" for t in (1, 2)]
        print("%-27s %-34s %-34s (error %.0e)" % (name, cells[0], cells[1], error))


if __name__ == "__main__":
    main()
