"""float32 matrix products compiled on this machine, threaded by minitf (docs/performance.md,
"Matrix products").

    product = gemm.kernel()          # None where there is none (see below)
    product(a, b, out)               # a @ b (into out), a (m, k) and b (k, n) float32
                                     # matrices, or None where it does not take them
    gemm.set_threads(n, steal=False) # participants of the next products (the thread policy's)

Why: the MLP steps spend 80-95% of their time in float32 products. OpenBLAS runs them near
86% of a core's peak on this project's AVX-512 machines (TF1's oneDNN 92%), and after each
multi-thread call its worker thread spins for about 0.1 s, so no other work of the step can
use the second core meanwhile. This product is a packed-panel kernel of the BLIS kind (tiles of
twenty-four AVX-512 accumulators, 6x64 or 12x32 by the CPU's L1 cache; A packed in blocks of
rows, B in panels of the tile's width, K in blocks of K_BLOCK; products narrower than 32
columns take tiles 16 wide and read A in place),
threaded the way OpenBLAS is, with one packing of B shared by the threads, and
the work handed out from counters rather than in fixed halves: a thread that gets its core
late (a busy machine, the host's slow phases) takes fewer blocks instead of holding the others
at a barrier. Its workers spin for SPIN_MICROSECONDS after a product, then sleep. Where every
core is busy with other processes, the policy has the products run "stealing" (run_steal in
SOURCE): the caller takes over the rows of a worker that lost its core instead of waiting.

The same bits at any thread count: an element's sum runs over K in blocks (K_BLOCK), each block
one chain of fused multiply-adds from zero in the order of k, the blocks added in order; how
rows and columns are cut between threads does not enter it. The bits differ from numpy's
(OpenBLAS sums in other blocks), by a rounding.

There is none (products stay numpy's) without a C++ compiler or with
MINITF_NATIVE_KERNELS=0 (minitf/native.py), on a CPU without AVX-512, and for the products
below its thresholds (NATIVE_MACS and the MIN_ constants).
"""

import atexit
import ctypes
import os
import platform
import time

import numpy as np

from minitf import native

# Products it takes: at least NATIVE_MACS multiply-adds, MIN_ROWS rows and MIN_DEPTH terms a sum.
# Products of fewer rows stay with OpenBLAS, which was as fast or faster there on two threads
# (2026-12-05, this project's 2-core Zen 4: 128x784x256 0.28 against 0.31 ms, 64x784x256 0.14
# against 0.18): it splits them by columns, where this kernel hands out runs of 12 rows, each
# against all of B. From 256 rows on they were even (256x784x256 0.53 ms both, 512x784x256
# 1.01 against 1.00), the big MLP's faster (4096x1024x1024 39.4 against 42.9 ms), and the
# narrow ones faster than OpenBLAS's one thread (4096x1024x10 0.63 against 2.05 ms; 1.17 on
# its two), which is what a plan with compiled products keeps OpenBLAS at (client/threads.py).
NATIVE_MACS = 1 << 20
MIN_ROWS = 256
MIN_DEPTH = 4
SPIN_MICROSECONDS = 300  # a worker's wait for the next product before it sleeps
STEAL_SPIN_MICROSECONDS = 50  # the same with stealing (set_threads), when every core is busy


def _l1_data_bytes(base="/sys/devices/system/cpu/cpu0/cache"):
    """The first CPU's L1 data cache in bytes (Linux's sysfs), or None where it is not told."""
    try:
        for index in sorted(os.listdir(base)):
            path = os.path.join(base, index)
            with open(os.path.join(path, "level")) as f, open(os.path.join(path, "type")) as g:
                if f.read().strip() != "1" or g.read().strip() != "Data":
                    continue
            with open(os.path.join(path, "size")) as f:
                size = f.read().strip()
            return int(size[:-1]) * 1024 if size.endswith("K") else int(size)
    except (OSError, ValueError):
        pass
    return None


# The blocking, by the L1 data cache's size (docs/performance.md, "Matrix products"): K's
# blocks (KC in SOURCE), the main tile (TILE_ROWS x 16 * TILE_VECTORS) and how far ahead B's
# panels are fetched into L1 (FETCH_B steps of k, 0: not at all). Where L1 holds 48 KB (Ice
# Lake), K in blocks of 384 and 6x64 tiles whose B panels (96 KB) stream from L2, fetched 16
# steps ahead, as oneDNN's kernels take both operands: each of the big MLP's products 4-8%
# faster than 12x32 tiles with K in blocks of 256, whose 32 KB panel of B was to stay in L1
# but came back from L2 after every chunk of A. Elsewhere the 12x32 tile, K in blocks of 1024
# and no fetching, as measured on Zen 4's 32 KB L1. Products narrower than the main tile take
# 12x32 tiles (a 6x64 one did twice the work of 32 columns). The bits of a product depend on
# K_BLOCK (an element's sum runs block by block), so two machines may differ.
if (_l1_data_bytes() or 0) >= 48 * 1024:
    K_BLOCK, TILE_ROWS, TILE_VECTORS, FETCH_B = 384, 6, 4, 16
else:
    K_BLOCK, TILE_ROWS, TILE_VECTORS, FETCH_B = 1024, 12, 2, 0

SOURCE = r"""
#include <immintrin.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>
#include <vector>
#include <unistd.h>

// Tiles of MR rows by 16 * NRV columns, twenty-four accumulators: the main tile's for products
// at least its width, 12x32 for narrower ones down to 32 columns. K in blocks of at most KC, a
// product's blocks all of one length but the last (Job::kb). The blocking (KC, TILE_ROWS,
// TILE_VECTORS, FETCH_B) is gemm.py's for this CPU:
BLOCKING
#define MC_MAX 96
#define NC 4096
#define PANELS_PER_GROUP 4
#define PREFETCH_K 8
// Packed B kept by the threads for themselves (own_b) at most, all seats together (32 MB)
#define OWN_FLOATS (8L << 20)

// The end of an element's sum on its last block of K, where a plan runs MatMul, BiasAdd and
// Relu as one step (client/plan.py fuse_matmul_bias): v + bias, then numpy's maximum(v, 0)
// (a NaN kept, -0.0 made 0.0); or MatMul and the ReluGrad of its output as one step: v times
// 1 where the features are above zero, else times 0. The kernels' float operations, so their
// bits.
static inline __m512 finish(__m512 v, const float* bias, __mmask16 lanes, int relu,
                            const float* mask) {
  if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, bias));
  if (relu) v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ), v);
  if (mask) {
    __mmask16 above = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(lanes, mask),
                                         _mm512_setzero_ps(), _CMP_GT_OQ);
    v = _mm512_mul_ps(v, _mm512_maskz_mov_ps(above, _mm512_set1_ps(1.f)));
  }
  return v;
}

static inline float finish1(float v, const float* bias, int relu, const float* mask) {
  if (bias) v = v + *bias;
  if (relu) v = (v > 0.f || v != v) ? v : 0.f;
  if (mask) v = v * (float)(*mask > 0.f);
  return v;
}

// C[MR x NR] (+)= A panel (kc x MR) times B panel (kc x NR): one chain of fused multiply-adds
// per element from zero, over k in order, then stored (first block of K) or added to C.
template <int MR, int NRV>
static inline void micro(long kc, const float* __restrict A, const float* __restrict B,
                         float* C, long ldc, int first, int last, const float* bias,
                         int relu, const float* mask, long ldm) {
  __m512 acc[MR][NRV];
  #pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) acc[r][v] = _mm512_setzero_ps();
  // the tile of C, read or written at the end, fetched 256 steps before, every line of each
  // row: its rows lie ldc apart, where the hardware does not follow them (big outputs: 3-8% of
  // the product's time; the middle lines of a 64-wide tile's rows, 2-3% more)
  const long fetch_c = kc > 256 ? kc - 256 : 0;
  for (long k = 0; k < kc; k++) {
    if (k == fetch_c) {
      #pragma GCC unroll 16
      for (int r = 0; r < MR; r++) {
        #pragma GCC unroll 4
        for (int v = 0; v < NRV; v++) _mm_prefetch((const char*)(C + r * ldc + 16 * v), _MM_HINT_T0);
        _mm_prefetch((const char*)(C + r * ldc + 16 * NRV - 1), _MM_HINT_T0);
      }
    }
    if (FETCH_B)  // (a fetch past the panels' end is harmless: prefetches never fault)
      #pragma GCC unroll 4
      for (int v = 0; v < NRV; v++) _mm_prefetch((const char*)(B + (FETCH_B * NRV + v) * 16), _MM_HINT_T0);
    __m512 b[NRV];
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) b[v] = _mm512_load_ps(B + v * 16);
    #pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      __m512 a = _mm512_set1_ps(A[r]);
      #pragma GCC unroll 4
      for (int v = 0; v < NRV; v++) acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
    }
    A += MR; B += 16 * NRV;
  }
  #pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int v = 0; v < NRV; v++) {
      float* c = C + r * ldc + v * 16;
      __m512 x = first ? acc[r][v] : _mm512_add_ps(_mm512_loadu_ps(c), acc[r][v]);
      if (last) x = finish(x, bias ? bias + v * 16 : nullptr, 0xffff, relu,
                           mask ? mask + r * ldm + v * 16 : nullptr);
      _mm512_storeu_ps(c, x);
    }
}

// A 16x16 block transposed in registers: r[q] lane l <- r[l] lane q.
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xdd);
  }
}

// A panel of W lanes (rows of A, or columns of B) k-major: d[k * W + lane] = the element at
// src[lane * lane_stride + k * k_stride] for the n lanes there are, zero for the others. With
// `sums`, each lane's elements are added to sums[lane] in the order of k.
template <int W>
static void pack_panel(long n, long kc, const float* src, long lane_stride, long k_stride,
                       float* d, float* sums = nullptr) {
  if (k_stride == 1 && !sums && W <= 64) {
    // lanes contiguous in k (rows of A, a transposed B's columns): 16 k of 16 lanes at a time,
    // transposed in registers (copied one float at a time they took 6.5% of the MLP step)
    long k = 0;
    for (; k + 16 <= kc; k += 16)
      for (int g = 0; g < W; g += 16) {
        __m512 r[16];
        #pragma GCC unroll 16
        for (int q = 0; q < 16; q++)
          r[q] = g + q < n ? _mm512_loadu_ps(src + (g + q) * lane_stride + k) : _mm512_setzero_ps();
        transpose16(r);
        const __mmask16 lanes = (__mmask16)(W - g >= 16 ? 0xffff : (1u << (W - g)) - 1);
        #pragma GCC unroll 16
        for (int q = 0; q < 16; q++) _mm512_mask_storeu_ps(d + (k + q) * W + g, lanes, r[q]);
      }
    for (; k < kc; k++)
      for (long lane = 0; lane < W; lane++)
        d[k * W + lane] = lane < n ? src[lane * lane_stride + k] : 0.f;
    return;
  }
  for (long lane = 0; lane < n; lane++) {
    const float* x = src + lane * lane_stride;
    if (sums) {
      float t = sums[lane];
      for (long k = 0; k < kc; k++) t += (d[k * W + lane] = x[k * k_stride]);
      sums[lane] = t;
      continue;
    }
    for (long k = 0; k < kc; k++) d[k * W + lane] = x[k * k_stride];
  }
  for (long lane = n; lane < W; lane++)
    for (long k = 0; k < kc; k++) d[k * W + lane] = 0.f;
}

// Rows [0, mc) and k [0, kc) of A (element (i, k) at A[i * rs + k * cs]) as panels of MR rows,
// k-major within a panel, rows past mc zero.
template <int MR>
static void pack_a(long mc, long kc, const float* A, long rs, long cs, float* Ap) {
  const long full = mc / MR * MR;
  if (rs == 1 && MR <= 16 && full) {
    // a transposed A (a weight gradient's): each k a contiguous run of the rows, one masked
    // move per panel; the runs lie cs apart, so the run PREFETCH_K ahead is fetched by hand
    const __mmask16 lanes = (__mmask16)((1u << MR) - 1);
    for (long k = 0; k < kc; k++) {
      const float* a = A + k * cs;
      if (k + PREFETCH_K < kc)
        for (long q = 0; q < mc; q += 16)
          _mm_prefetch((const char*)(a + PREFETCH_K * cs + q), _MM_HINT_T0);
      for (long i = 0; i < full; i += MR)
        _mm512_mask_storeu_ps(Ap + i * kc + k * MR, lanes, _mm512_maskz_loadu_ps(lanes, a + i));
    }
    if (full < mc) pack_panel<MR>(mc - full, kc, A + full, rs, cs, Ap + full * kc);
    return;
  }
  for (long i = 0; i < mc; i += MR) {
    long m = std::min<long>(MR, mc - i);
    float* d = Ap + i * kc;
    pack_panel<MR>(m, kc, A + i * rs, rs, cs, d);
  }
}

// Columns [j0, j1) (whole panels) and k [k0, k1) (default: [0, kc)) of B (element (k, j) at
// B[k * rs + j * cs]) into panels of kc rows by NR columns, k-major, columns past nc zero.
// With `sums` (one per column), each column's elements are added to it in the order of k: over
// the blocks of K, which are packed one after the other, the sum runs from k = 0 to K - 1 (a
// BiasAddGrad of B, fused with a MatMul's weight gradient: client/plan.py fuse_bias_grad).
template <int NR>
static void pack_b(long kc, long nc, long j0, long j1, const float* B, long rs, long cs,
                   float* Bp, float* sums, long k0 = 0, long k1 = -1) {
  if (k1 < 0) k1 = kc;
  for (long j = j0; j < j1; j += NR) {
    long n = std::min<long>(NR, nc - j);
    float* d = Bp + j * kc;
    if (n == NR && cs == 1) {
      if (sums) {
        __m512 t[NR / 16];
        for (int v = 0; v < NR / 16; v++) t[v] = _mm512_loadu_ps(sums + j + 16 * v);
        for (long k = k0; k < k1; k++)
          for (int v = 0; v < NR / 16; v++) {
            __m512 x = _mm512_loadu_ps(B + k * rs + j + 16 * v);
            _mm512_store_ps(d + k * NR + 16 * v, x);
            t[v] = _mm512_add_ps(t[v], x);
          }
        for (int v = 0; v < NR / 16; v++) _mm512_storeu_ps(sums + j + 16 * v, t[v]);
        continue;
      }
      for (long k = k0; k < k1; k++) std::memcpy(d + k * NR, B + k * rs + j, NR * sizeof(float));
      continue;
    }
    pack_panel<NR>(n, k1 - k0, B + j * cs + k0 * rs, cs, rs, d + k0 * NR,
                   sums ? sums + j : nullptr);
  }
}

static float* grow(float*& buffer, long& capacity, long floats) {
  if (floats > capacity) {
    std::free(buffer);
    long bytes = (floats * (long)sizeof(float) + 63) / 64 * 64;
    buffer = (float*)std::aligned_alloc(64, bytes);
    if (!buffer) { capacity = 0; throw std::bad_alloc(); }
    capacity = floats;
  }
  return buffer;
}

struct Job;
typedef void (*Runner)(Job&, float*);
typedef void (*RangeFn)(long long, long long, const double*);
struct Job {
  Runner run;
  long M, N, K, parts;
  const float* A; long rsa, csa;
  const float* B; long rsb, csb;
  float* C; long ldc;
  float* Bp;
  const float* bias; int relu;  // the epilogue (bias, mask may be null)
  const float* mask; long ldm;
  float* sums;  // B's column sums (N of them, zeroed by the caller), or null
  std::atomic<long>* counters;  // four per block of (columns, K): pack claimed/done, rows claimed/done
  RangeFn range; const double* range_args; long grain;  // a parallel_for's (run_range)
  float* const* own;  // each seat's own packed B (own_b), or null: one packing shared
  std::atomic<int>* run_state;  // run_steal: each run of MR rows' state (RUN_ constants)
  long kb = KC;  // the length of K's blocks (minitf_sgemm's)
};

static thread_local float* t_ap = nullptr;  // each thread's packed block of A
static thread_local long t_ap_size = 0;
// Rows (and a parallel_for's chunks) are claimed from both ends of a counter: the caller from
// the front, the workers from the back. With two threads each then takes about the same rows
// product after product and loop after loop, so the rows a thread writes are the rows it reads
// next (the next layer's rows, the update of the gradient rows it made), in its own cache: on
// this project's 2-core machines, whose two CPUs sometimes pass data between them slowly (the
// "host's two speeds", docs/performance.md), the MLP step took 4.37-4.43 ms against 4.55-4.60
// with one counter in slow phases, 3.41-3.45 against 3.45-3.50 in fast ones. Which thread takes
// which rows does not enter an element's sum: the bits stay the same.
static thread_local int t_seat = 0;  // the caller's 0, a worker's the order it was started in

extern "C" int minitf_gemm_seat(int seat) {  // (for tests: a caller that claims as a worker)
  int before = t_seat;
  t_seat = seat;
  return before;
}

// Claims the next chunk of [0, runs): at most `most`, a participant's share of what is left
// halved, from the front (the caller) or the back (a worker) of `c` (low 32 bits: taken from
// the front, high: from the back); returns its length, 0 when nothing is left, and its start
// in `first`.
static inline long claim(std::atomic<long>& c, long runs, long most, long parts, long& first) {
  const bool back = t_seat != 0;
  long s = c.load();
  for (;;) {
    long f = s & 0xffffffffL, b = s >> 32, left = runs - f - b;
    if (left <= 0) return 0;
    long chunk = std::max<long>(1, std::min<long>(most, left / (2 * parts)));
    long next = back ? s + (chunk << 32) : s + chunk;
    if (c.compare_exchange_weak(s, next)) {
      first = back ? runs - b - chunk : f;
      return chunk;
    }
  }
}

// Rows [ic, ic + mc) of C, columns [jc, jc + nc), from A's rows packed at Ap and B's block
// (columns jc.., k pc..pc + kc) packed at Bp: stored (the first block of K) or added to C,
// finished on the last one.
template <int MR, int NRV>
static void rows_into_c(const Job& j, const float* Ap, const float* Bp, long ic, long mc,
                        long jc, long nc, long pc, long kc) {
  constexpr int NR = 16 * NRV;
  const int last = pc + kc == j.K;
  alignas(64) float tile[MR * NR];
  for (long jr = 0; jr < nc; jr += NR) {
    long nr = std::min<long>(NR, nc - jr);
    const float* bp = Bp + jr * kc;
    for (long ir = 0; ir < mc; ir += MR) {
      long mr = std::min<long>(MR, mc - ir);
      float* c = j.C + (ic + ir) * j.ldc + jc + jr;
      const float* bias = j.bias ? j.bias + jc + jr : nullptr;
      const float* mask = j.mask ? j.mask + (ic + ir) * j.ldm + jc + jr : nullptr;
      if (mr == MR && nr == NR) {
        micro<MR, NRV>(kc, Ap + ir * kc, bp, c, j.ldc, pc == 0, last, bias, j.relu,
                       mask, j.ldm);
      } else {
        micro<MR, NRV>(kc, Ap + ir * kc, bp, tile, NR, 1, 0, nullptr, 0, nullptr, 0);
        for (long r = 0; r < mr; r++)
          for (long q = 0; q < nr; q++) {
            float x = pc == 0 ? tile[r * NR + q] : c[r * j.ldc + q] + tile[r * NR + q];
            c[r * j.ldc + q] = last ? finish1(x, bias ? bias + q : nullptr, j.relu,
                                              mask ? mask + r * j.ldm + q : nullptr) : x;
          }
      }
    }
  }
}

// Every participant runs this; each block of packing and of rows is taken from a counter.
template <int MR, int NRV>
static void run_job(Job& j, float* Ap) {
  constexpr int NR = 16 * NRV;
  long block = 0;
  for (long jc = 0; jc < j.N; jc += NC) {
    long nc = std::min<long>(NC, j.N - jc);
    long panels = (nc + NR - 1) / NR;
    long groups = (panels + PANELS_PER_GROUP - 1) / PANELS_PER_GROUP;
    for (long pc = 0; pc < j.K; pc += j.kb, block++) {
      long kc = std::min<long>(j.kb, j.K - pc);
      std::atomic<long>* cnt = j.counters + 4 * block;
      const float* B = j.B + pc * j.rsb + jc * j.csb;
      // B packed in units of a group of panels by half its rows, claimed like the rows of A
      // (the caller's from the front): with two threads each packs the rows of B it wrote or
      // updated in the steps before (a weight's rows in its Adam loop, a gradient's rows in
      // the product that made it), and those rows never leave its cache (slow phases: the
      // MLP step 4.39-4.48 -> 4.22-4.31 ms; fast ones unchanged). A transposed B (a weight's
      // rows are its columns) is packed in whole groups of panels, claimed the same way, for
      // the same reason. Not where B's column sums are taken, each in the order of k.
      const long halves = (j.parts > 1 && !j.sums && kc >= 32 && j.rsb != 1) ? 2 : 1;
      const long units = groups * halves;
      float* Bp = j.own ? j.own[t_seat] : j.Bp;
      if (j.own) pack_b<NR>(kc, nc, 0, panels * NR, B, j.rsb, j.csb, Bp, nullptr);
      for (long u = 0; !j.own && claim(cnt[0], units, 1, j.parts, u);) {
        long g = u % groups, h = u / groups;
        long j0 = g * PANELS_PER_GROUP * NR;
        long j1 = std::min<long>(j0 + PANELS_PER_GROUP * NR, panels * NR);
        pack_b<NR>(kc, nc, j0, j1, B, j.rsb, j.csb, j.Bp, j.sums ? j.sums + jc : nullptr,
                   h * kc / halves, (h + 1) * kc / halves);
        cnt[1].fetch_add(1, std::memory_order_release);
      }
      while (!j.own && cnt[1].load(std::memory_order_acquire) < units) _mm_pause();
      // rows in runs of MR from claim(), in chunks that shrink as the rows run out (a
      // participant's share of the remaining rows halved, at most MC_MAX rows), so that the
      // participants finish within one run of MR rows of each other
      long runs = (j.M + MR - 1) / MR;
      for (;;) {
        long r = 0, chunk = claim(cnt[2], runs, MC_MAX / MR, j.parts, r);
        if (!chunk) break;
        long ic = r * MR;
        long mc = std::min<long>(chunk * MR, j.M - ic);
        pack_a<MR>(mc, kc, j.A + ic * j.rsa + pc * j.csa, j.rsa, j.csa, Ap);
        rows_into_c<MR, NRV>(j, Ap, Bp, ic, mc, jc, nc, pc, kc);
        cnt[3].fetch_add(chunk, std::memory_order_release);
      }
      while (cnt[3].load(std::memory_order_acquire) < runs) _mm_pause();
    }
  }
}

// Products run with stealing (minitf_gemm_set_threads' `steal`, for a busy machine): B one
// block of columns. No participant waits for another: each packs all of B for itself (the
// caller with the column sums), the caller takes its chunks of rows from the
// front into C, the workers theirs from the back, a run of MR rows at a time into a buffer of
// their own, which they copy into C only after taking the run's state from RUN_FREE to
// RUN_COPYING. The caller, out of rows, takes every run of the workers' still RUN_FREE
// (from the last one down, as a worker goes up its chunk) and computes it itself; it waits
// only for runs being copied (a few microseconds). A worker that lost its core mid-product
// (other processes busy on every core) so costs the caller no wait; when it runs again it
// finds its runs taken and writes nothing, and it reads only what the caller keeps alive
// until then (minitf_sgemm's return, gemm.py's _held). The same bits as run_job: the same
// chains of fused multiply-adds, and finish() applied in the copy.
enum { RUN_FREE = 0, RUN_COPYING = 1, RUN_DONE = 2 };
static std::atomic<long> g_late_us{0};  // (for tests: one worker's wait before its first copy)

extern "C" void minitf_gemm_late(long us) { g_late_us.store(us); }

static thread_local float* t_own = nullptr;  // this thread's packed B (run_steal)
static thread_local long t_own_size = 0;
static thread_local float* t_run = nullptr;  // a worker's run of MR rows (run_steal)
static thread_local long t_run_size = 0;

template <int MR, int NRV>
static void run_steal(Job& j, float* Ap) {
  constexpr int NR = 16 * NRV;
  const long nc = j.N, width = (nc + NR - 1) / NR * NR;
  const long runs = (j.M + MR - 1) / MR;
  const bool caller = t_seat == 0;
  float *Bp, *run = nullptr;
  try {
    Bp = grow(t_own, t_own_size, width * j.K);
    if (!caller) run = grow(t_run, t_run_size, MR * width);
  } catch (const std::bad_alloc&) {
    if (caller) throw;  // (grown by minitf_sgemm before the workers are woken)
    return;             // the caller takes this worker's runs
  }
  // K's blocks one after the other (block pc at Bp + pc * width), the sums in the order of k
  for (long pc = 0; pc < j.K; pc += j.kb)
    pack_b<NR>(std::min<long>(j.kb, j.K - pc), nc, 0, width, j.B + pc * j.rsb, j.rsb, j.csb,
               Bp + pc * width, caller ? j.sums : nullptr);
  // rows [ic, ic + mc) into C, block of K by block (run_job's sums)
  auto into_c = [&](long ic, long mc) {
    for (long pc = 0; pc < j.K; pc += j.kb) {
      long kc = std::min<long>(j.kb, j.K - pc);
      pack_a<MR>(mc, kc, j.A + ic * j.rsa + pc * j.csa, j.rsa, j.csa, Ap);
      rows_into_c<MR, NRV>(j, Ap, Bp + pc * width, ic, mc, 0, nc, pc, kc);
    }
  };
  std::atomic<long>& cnt = j.counters[0];
  std::atomic<int>* state = j.run_state;
  for (long late = caller || !g_late_us.load() ? 0 : g_late_us.exchange(0);;) {
    long r = 0, chunk = claim(cnt, runs, MC_MAX / MR, j.parts, r);
    if (!chunk) break;
    long ic = r * MR;
    long mc = std::min<long>(chunk * MR, j.M - ic);
    if (caller) {
      into_c(ic, mc);
      continue;
    }
    for (long ir = 0; ir < mc; ir += MR) {
      std::atomic<int>& st = state[r + ir / MR];
      if (st.load(std::memory_order_relaxed) != RUN_FREE) break;  // taken: the rest too
      long rows = std::min<long>(MR, mc - ir);
      for (long pc = 0; pc < j.K; pc += j.kb) {  // the run's sums, block by block, in `run`
        long kc = std::min<long>(j.kb, j.K - pc);
        pack_a<MR>(rows, kc, j.A + (ic + ir) * j.rsa + pc * j.csa, j.rsa, j.csa, Ap);
        for (long jr = 0; jr < nc; jr += NR)
          micro<MR, NRV>(kc, Ap, Bp + pc * width + jr * kc, run + jr, width, pc == 0, 0,
                         nullptr, 0, nullptr, 0);
      }
      if (late) std::this_thread::sleep_for(std::chrono::microseconds(late));
      late = 0;
      int expected = RUN_FREE;
      if (!st.compare_exchange_strong(expected, RUN_COPYING)) break;
      for (long i = 0; i < rows; i++) {
        long row = ic + ir + i;
        for (long q = 0; q < nc; q += 16) {
          __mmask16 lanes = (__mmask16)(nc - q >= 16 ? 0xffff : (1u << (nc - q)) - 1);
          __m512 v = finish(_mm512_maskz_loadu_ps(lanes, run + i * width + q),
                            j.bias ? j.bias + q : nullptr, lanes, j.relu,
                            j.mask ? j.mask + row * j.ldm + q : nullptr);
          _mm512_mask_storeu_ps(j.C + row * j.ldc + q, lanes, v);
        }
      }
      st.store(RUN_DONE, std::memory_order_release);
    }
  }
  if (!caller) return;
  // every run is claimed now: the caller's [0, front), the workers' [front, runs)
  for (long x = runs - 1, front = cnt.load() & 0xffffffffL; x >= front; x--) {
    int expected = RUN_FREE;
    if (state[x].compare_exchange_strong(expected, RUN_DONE)) {
      into_c(x * MR, std::min<long>(MR, j.M - x * MR));
      continue;
    }
    while (state[x].load(std::memory_order_acquire) != RUN_DONE) _mm_pause();
  }
}

// Products narrower than 32 columns: one 16-column panel or two, tiles of MR rows by 16 columns
// (a 12x32 tile would more than triple their work), and A read where it lies when its rows are
// contiguous (packing it cost as much as the product: each element of A meets 16 columns at
// most). The same chains of fused multiply-adds per element as micro(), so the same bits.
template <int MR>
static inline void micro16(long kc, const float* A, long rsa, long csa, const float* B,
                           float* C, long ldc, int first, int ncols, int last,
                           const float* bias, int relu, const float* mask, long ldm) {
  __m512 acc[MR];
  #pragma GCC unroll 32
  for (int r = 0; r < MR; r++) acc[r] = _mm512_setzero_ps();
  for (long k = 0; k < kc; k++) {
    if (csa == 1 && (k & 15) == 0) {
      // A read where it lies: MR rows at once, one line of each in 16 steps; fetched ahead,
      // as the hardware does not follow that many streams
      #pragma GCC unroll 32
      for (int r = 0; r < MR; r++) _mm_prefetch((const char*)(A + r * rsa + k + 64), _MM_HINT_T0);
    }
    if (rsa == 1) {
      // a transposed A read where it lies (a weight gradient's): its k lie csa apart, 4 KB
      // in the MLPs, which the hardware does not fetch ahead (1024x4096x10: 3.6 -> 2.7 ms)
      const float* ahead = A + (k + 16) * csa;
      #pragma GCC unroll 2
      for (int q = 0; q < MR; q += 16) _mm_prefetch((const char*)(ahead + q), _MM_HINT_T0);
      _mm_prefetch((const char*)(ahead + MR - 1), _MM_HINT_T0);
    }
    __m512 b = _mm512_load_ps(B + k * 16);
    const float* a = A + k * csa;
    #pragma GCC unroll 32
    for (int r = 0; r < MR; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * rsa]), b, acc[r]);
  }
  __mmask16 lanes = (__mmask16)((1u << ncols) - 1);
  #pragma GCC unroll 32
  for (int r = 0; r < MR; r++) {
    float* c = C + r * ldc;
    __m512 x = first ? acc[r] : _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, c), acc[r]);
    if (last) x = finish(x, bias, lanes, relu, mask ? mask + r * ldm : nullptr);
    _mm512_mask_storeu_ps(c, lanes, x);
  }
}

template <int MR>
static void run_narrow(Job& j, float* Ap) {
  // A read where it lies when its rows or its columns are contiguous
  const bool direct = j.csa == 1 || j.rsa == 1;
  long block = 0;
  long panels = (j.N + 15) / 16;
  for (long pc = 0; pc < j.K; pc += j.kb, block++) {
    long kc = std::min<long>(j.kb, j.K - pc);
    int last = pc + kc == j.K;
    std::atomic<long>* cnt = j.counters + 4 * block;
    if (cnt[0].fetch_add(1) == 0) {
      pack_b<16>(kc, j.N, 0, panels * 16, j.B + pc * j.rsb, j.rsb, j.csb, j.Bp, j.sums);
      cnt[1].store(1, std::memory_order_release);
    }
    while (cnt[1].load(std::memory_order_acquire) < 1) _mm_pause();
    long runs = (j.M + MR - 1) / MR;
    long most = std::max<long>(1, MC_MAX / MR);
    for (;;) {
      long r = 0, chunk = claim(cnt[2], runs, most, j.parts, r);
      if (!chunk) break;
      long ic = r * MR;
      long mc = std::min<long>(chunk * MR, j.M - ic);
      const float* a = j.A + ic * j.rsa + pc * j.csa;
      long rsa = j.rsa, csa = j.csa;
      if (!direct) {
        pack_a<MR>(mc, kc, a, j.rsa, j.csa, Ap);
      }
      for (long ir = 0; ir < mc; ir += MR) {
        long mr = std::min<long>(MR, mc - ir);
        const float* ar = direct ? a + ir * rsa : Ap + ir * kc;
        long rs = direct ? rsa : 1, cs = direct ? csa : MR;
        for (long q = 0; q < panels; q++) {
          int ncols = (int)std::min<long>(16, j.N - q * 16);
          float* c = j.C + (ic + ir) * j.ldc + q * 16;
          const float* bp = j.Bp + q * 16 * kc;
          const float* bias = j.bias ? j.bias + q * 16 : nullptr;
          const float* mask = j.mask ? j.mask + (ic + ir) * j.ldm + q * 16 : nullptr;
          if (mr == MR) {
            micro16<MR>(kc, ar, rs, cs, bp, c, j.ldc, pc == 0, ncols, last, bias, j.relu,
                        mask, j.ldm);
          } else {
            for (long i = 0; i < mr; i++)
              micro16<1>(kc, ar + i * rs, rs, cs, bp, c + i * j.ldc, j.ldc, pc == 0, ncols, last,
                         bias, j.relu, mask ? mask + i * j.ldm : nullptr, j.ldm);
          }
        }
      }
      cnt[3].fetch_add(chunk, std::memory_order_release);
    }
    while (cnt[3].load(std::memory_order_acquire) < runs) _mm_pause();
  }
}

// The pool: workers wait for a new generation of p->gen (spinning for spin_ns, then asleep on
// cv), then join that generation's job in its slot (slots[gen % SLOTS]) if the job is still
// open and has room (the slot's state: generation << 32, open bit, joined count), run it, and
// count themselves out in the slot's `finished`. The caller runs the job too, closes it, and
// waits for the workers that joined (but not with stealing: run_steal), so a worker that wakes
// late finds the job closed and touches nothing. A slot is used again only when every worker
// that joined its last job has left it (with stealing, one may still be inside a job the
// caller finished: its job, counters and run states stay as they were until it leaves).
static const uint64_t OPEN = 1ull << 31;
static const int SLOTS = 4;
struct Slot {
  Job job;
  std::atomic<uint64_t> state{0};
  std::atomic<long> cap{0};  // workers that may join
  std::atomic<long> finished{0};
  std::atomic<long>* counters = nullptr; long counters_size = 0;
  std::atomic<int>* run_state = nullptr; long run_state_size = 0;
  long joined() const { return (long)(state.load() & 0x7fffffff); }
  bool free() const { return finished.load(std::memory_order_acquire) >= joined(); }
};
struct Pool {
  std::atomic<uint32_t> gen{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> busy{false};
  std::atomic<long> spin_ns{300000};
  std::atomic<int> want{1};
  std::atomic<int> steal{0};
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  pid_t pid = 0;
  Slot slots[SLOTS];
  float* bp = nullptr; long bp_size = 0;
  std::vector<float*> own; std::vector<long> own_size;  // each seat's packed B (own_b)
};
static Pool* g_pool = nullptr;  // never freed: workers may still wait on it at exit

static void worker(Pool* p, int seat) {
  t_seat = seat;
  float* Ap;
  try {
    Ap = grow(t_ap, t_ap_size, (long)MC_MAX * KC);
  } catch (const std::bad_alloc&) {
    return;  // no memory for a block of A: the others do without this thread
  }
  uint32_t seen = p->gen.load(std::memory_order_acquire);
  for (;;) {
    uint32_t g;
    auto start = std::chrono::steady_clock::now();
    for (long spins = 1;; spins++) {
      g = p->gen.load(std::memory_order_acquire);
      if (g != seen) break;
      _mm_pause();
      if (spins % 256 == 0 && std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::steady_clock::now() - start).count() > p->spin_ns.load()) {
        std::unique_lock<std::mutex> lock(p->mu);
        p->sleepers.fetch_add(1);
        while ((g = p->gen.load()) == seen) p->cv.wait(lock);
        p->sleepers.fetch_sub(1);
        break;
      }
    }
    seen = g;
    Slot& slot = p->slots[g % SLOTS];
    uint64_t s = slot.state.load();
    bool joined = false;
    while ((s >> 32) == g && (s & OPEN) && (long)(s & 0x7fffffff) < slot.cap.load()) {
      if (slot.state.compare_exchange_weak(s, s + 1)) { joined = true; break; }
    }
    if (joined) {
      slot.job.run(slot.job, Ap);
      slot.finished.fetch_add(1, std::memory_order_release);
    }
  }
}

template <typename T>
static T* zeroed(T*& buf, long& size, long n) {
  if (n > size) {
    delete[] buf;
    buf = nullptr;
    size = 0;
    buf = new T[n];
    size = n;
  }
  for (long i = 0; i < n; i++) buf[i].store(0, std::memory_order_relaxed);
  return buf;
}

static std::atomic<long>* counters_for(std::atomic<long>*& buf, long& size, long blocks) {
  return zeroed(buf, size, 4 * blocks);
}

static thread_local float* t_bp = nullptr;
static thread_local long t_bp_size = 0;
static thread_local std::atomic<long>* t_counters = nullptr;
static thread_local long t_counters_size = 0;

static std::mutex g_made;

static Pool* pool() {
  Pool* p = g_pool;
  pid_t pid = getpid();
  if (p && p->pid == pid) return p;
  std::lock_guard<std::mutex> lock(g_made);
  if (!g_pool || g_pool->pid != pid) {
    // the first call, or a forked child, which has none of its parent's workers (and maybe a
    // pool its parent held): a new one, the old one left as it is
    Pool* fresh = new Pool();
    if (g_pool) {
      fresh->want.store(g_pool->want.load());
      fresh->spin_ns.store(g_pool->spin_ns.load());
      fresh->steal.store(g_pool->steal.load());
    }
    fresh->pid = pid;
    g_pool = fresh;
  }
  return g_pool;
}

// The workers not asleep (spinning for the next product, or in one): the thread policy
// counts them among this process's runnable threads (client/threads.py). A snapshot: `started`
// only grows, written by the thread that holds the pool (an aligned int, whole on x86-64).
extern "C" int minitf_gemm_awake() {
  Pool* p = g_pool;
  if (!p || p->pid != getpid()) return 0;
  return std::max(0, p->started - p->sleepers.load());
}

// Whether a worker is still inside a job whose caller returned (run_steal): what that job
// reads must stay alive until this says 0.
extern "C" int minitf_gemm_held() {
  Pool* p = g_pool;
  if (!p || p->pid != getpid()) return 0;
  for (const Slot& s : p->slots)
    if (!s.free()) return 1;
  return 0;
}

extern "C" void minitf_gemm_set_threads(int n, long spin_us, int steal) {
  Pool* p = pool();
  p->want.store(std::max(1, n));
  p->spin_ns.store(spin_us * 1000);
  p->steal.store(steal);
}

// The slot of the next generation when it is free, else null (a worker still in its last
// job: the caller then runs alone). The caller holds the pool.
static Slot* next_slot(Pool* p) {
  Slot* s = &p->slots[(p->gen.load() + 1) % SLOTS];
  return s->free() ? s : nullptr;
}

// Runs the job in `s` on the caller and the workers that join (at most want - 1), waiting
// for them unless `steal`, then releases the pool (which the caller holds: busy). Returns
// 2 where a worker is still inside this job, else minitf_gemm_held() (minitf_sgemm's).
static int launch(Pool* p, Slot* s, int want, float* Ap, bool steal) {
  s->cap.store(want - 1);
  s->finished.store(0);
  uint32_t g = p->gen.load() + 1;
  s->state.store(((uint64_t)g << 32) | OPEN);
  p->gen.store(g);
  if (p->sleepers.load() > 0) {
    { std::lock_guard<std::mutex> lock(p->mu); }
    p->cv.notify_all();
  }
  s->job.run(s->job, Ap);
  uint64_t st = s->state.load();
  while (!s->state.compare_exchange_weak(st, st & ~OPEN)) {}
  long joined = (long)(st & 0x7fffffff);
  if (!steal)
    while (s->finished.load(std::memory_order_acquire) < joined) _mm_pause();
  p->busy.store(false, std::memory_order_release);
  if (s->finished.load(std::memory_order_acquire) < joined) return 2;
  return minitf_gemm_held();
}

// C (M x N, rows ldc apart) = A (M x K) times B (K x N), float32, elements at the strides
// given (in elements); each element finished (finish()) with the bias, the relu and the
// mask (M x N, rows ldm apart) given; and with `sums` (N floats, zeroed), B's column sums.
// With `own_b` (B the same from one call to the next: no op of the plan writes it), each
// thread packs all of B into a buffer of its own, where the shared packing hands half of it
// from one thread's cache to the other's at every call (which is slow on this project's
// machines in their slow phases); not with `sums`, for narrow products, or beyond OWN_FLOATS.
// With stealing set (minitf_gemm_set_threads), products of one block of K and of columns run
// with run_steal, the others on the caller alone.
// Returns 2 where a worker may still read this product's inputs after the return (run_steal:
// the caller keeps them alive until a product returns 0), 1 where one may still read an
// earlier product's, 0 where none is inside a finished product, or -1 where memory ran out
// (C then undefined).
extern "C" int minitf_sgemm(long M, long N, long K, const float* A, long rsa, long csa,
                            const float* B, long rsb, long csb, float* C, long ldc,
                            const float* bias, int relu, const float* mask, long ldm,
                            float* sums, int own_b) {
  Pool* p = pool();
  int want = p->want.load();
  // K in the fewest blocks of at most KC, of one length but the last (shorter by fewer terms
  // than there are blocks): with KC 256, 784 as four of 196, not three of 256 and one of 16 (a
  // pass over C for 16 terms)
  long kb = std::max<long>(1, (K + (K + KC - 1) / KC - 1) / std::max<long>(1, (K + KC - 1) / KC));
  long ncb = std::min<long>(NC, N), kcb = std::min<long>(kb, K);
  long blocks = ((N + NC - 1) / NC) * ((K + kb - 1) / kb);
  bool narrow = N < 32;
  const bool wide = N >= 16 * TILE_VECTORS;
  const long nr = narrow ? 16 : wide ? 16 * TILE_VECTORS : 32;
  const bool steal = p->steal.load() != 0;
  // (rows of A read in place, 4 KB apart in the MLPs, fall in one set of the L1 cache: eight
  // at a time, not twenty-four)
  Runner run = narrow ? (csa == 1 ? run_narrow<8> : run_narrow<24>)
                : wide ? run_job<TILE_ROWS, TILE_VECTORS> : run_job<12, 2>;
  long bp_floats = (ncb + nr - 1) / nr * nr * kcb;
  float* Ap;
  try {
    Ap = grow(t_ap, t_ap_size, (long)MC_MAX * KC);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  Slot* slot = nullptr;
  if (want >= 2 && !(steal && (narrow || N > NC)) &&
      !p->busy.exchange(true, std::memory_order_acquire)) {
    slot = next_slot(p);
    if (!slot) p->busy.store(false, std::memory_order_release);
  }
  if (!slot) {
    // one thread (or another thread's product holds the pool, or a worker its next slot)
    try {
      Job j{run, M, N, K, 1, A, rsa, csa, B, rsb, csb, C, ldc,
            grow(t_bp, t_bp_size, bp_floats), bias, relu, mask, ldm, sums,
            counters_for(t_counters, t_counters_size, blocks), nullptr, nullptr, 0, nullptr,
            nullptr};
      j.kb = kb;
      run(j, Ap);
      return minitf_gemm_held();
    } catch (const std::bad_alloc&) {
      return -1;
    }
  }
  float* bp = nullptr;
  std::atomic<long>* counters;
  std::atomic<int>* run_state = nullptr;
  bool own = false;
  try {
    for (; p->started < want - 1; p->started++) std::thread(worker, p, p->started + 1).detach();
    counters = counters_for(slot->counters, slot->counters_size, blocks);
    if (steal) {
      run = run_steal<12, 2>;  // (its own tile: a run of 12 rows is what a worker gives up)
      grow(t_own, t_own_size, (ncb + 31) / 32 * 32 * std::max<long>(K, 1));
      run_state = zeroed(slot->run_state, slot->run_state_size, (M + 11) / 12);
    } else {
      bp = grow(p->bp, p->bp_size, bp_floats);
      own = own_b && !sums && !narrow && (p->started + 1) * bp_floats <= OWN_FLOATS;
    }
    if (own) {  // a buffer for every seat: any started worker may join
      p->own.resize(p->started + 1, nullptr);
      p->own_size.resize(p->started + 1, 0);
      for (int seat = 0; seat <= p->started; seat++)
        grow(p->own[seat], p->own_size[seat], bp_floats);
    }
  } catch (...) {  // (std::system_error: no thread could be started; std::bad_alloc)
    p->busy.store(false, std::memory_order_release);
    return -1;
  }
  slot->job = Job{run, M, N, K, want, A, rsa, csa, B, rsb, csb, C, ldc, bp, bias, relu, mask,
                  ldm, sums, counters, nullptr, nullptr, 0, own ? p->own.data() : nullptr,
                  run_state};
  slot->job.kb = kb;
  return launch(p, slot, want, Ap, steal);
}

// Chunks of [0, n) from claim(): fn(start, stop, args) for each, in every participant.
static void run_range(Job& j, float*) {
  long chunks = (j.M + j.grain - 1) / j.grain;
  for (long c = 0; claim(j.counters[0], chunks, 1, j.parts, c);) {
    long start = c * j.grain;
    j.range(start, std::min<long>(start + j.grain, j.M), j.range_args);
  }
}

// fn(start, stop, args) over [0, n) in chunks of grain, on the pool's threads (the caller's
// alone when the pool is set to one thread or to stealing, is busy, or no worker could be
// started): an elementwise loop (minitf/native.py) between the products of a step, on the
// core whose worker would otherwise spin waiting for the next product. (With stealing, a
// chunk run twice could not be undone: an update in place.)
extern "C" void minitf_parallel_for(RangeFn fn, const double* args, long n, long grain) {
  Pool* p = pool();
  int want = p->want.load();
  if (want < 2 || n <= grain || p->steal.load() ||
      p->busy.exchange(true, std::memory_order_acquire)) {
    fn(0, n, args);
    return;
  }
  Slot* slot = next_slot(p);
  std::atomic<long>* counters = nullptr;
  if (slot) {
    try {
      for (; p->started < want - 1; p->started++) std::thread(worker, p, p->started + 1).detach();
      counters = counters_for(slot->counters, slot->counters_size, 1);
    } catch (...) {
      counters = nullptr;
    }
  }
  if (!counters) {
    p->busy.store(false, std::memory_order_release);
    fn(0, n, args);
    return;
  }
  slot->job = Job{run_range, n, 0, 0, want, nullptr, 0, 0, nullptr, 0, 0, nullptr, 0, nullptr,
                  nullptr, 0, nullptr, 0, nullptr, counters, fn, args, grain, nullptr, nullptr};
  launch(p, slot, want, nullptr, false);
}

// Rows [start, stop) of a gather: args = (source, destination, bytes a row, the rows' indices
// as int64), addresses and sizes as doubles (parallel_for's arguments).
extern "C" void minitf_gather_rows_range(long long start, long long stop, const double* args) {
  const char* src = (const char*)(uintptr_t)args[0];
  char* dst = (char*)(uintptr_t)args[1];
  long row = (long)args[2];
  const long long* index = (const long long*)(uintptr_t)args[3];
  for (long long i = start; i < stop; i++) std::memcpy(dst + i * row, src + index[i] * row, row);
}

// minitf_sgemm with the numpy array objects at the addresses given (0: none), their data
// pointers read at `offset` in each (numpy's array struct: the field after the object
// header), where kernel() found them there: a.ctypes.data costs about 1 us of Python a call.
static inline const float* data_at(const char* o, long offset) {
  return o ? *(const float* const*)(o + offset) : nullptr;
}

extern "C" int minitf_sgemm_objects(long offset, long M, long N, long K, const char* A,
                                    long rsa, long csa, const char* B, long rsb, long csb,
                                    const char* C, long ldc, const char* bias, int relu,
                                    const char* mask, long ldm, const char* sums,
                                    int own_b) {
  return minitf_sgemm(M, N, K, data_at(A, offset), rsa, csa, data_at(B, offset), rsb, csb,
                      (float*)data_at(C, offset), ldc, data_at(bias, offset), relu,
                      data_at(mask, offset), ldm, (float*)data_at(sums, offset), own_b);
}
""".replace("BLOCKING\n", "#define KC %d\n#define TILE_ROWS %d\n#define TILE_VECTORS %d\n"
            "#define FETCH_B %d\n" % (K_BLOCK, TILE_ROWS, TILE_VECTORS, FETCH_B), 1)

_state = {}  # "fn": the compiled product or None, "threads": the count last set
_held = []  # inputs of products a late worker may still read (stealing: minitf_sgemm's 2)
calls = [0]  # products run by the compiled kernel (the thread policy looks at it)


def _has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return "avx512f" in f.read()
    except OSError:
        return False


def kernel():
    """The compiled product, `product(a, b, out)`, or None where there is none here."""
    if "fn" not in _state:
        fn = None
        if _has_avx512():
            L, P = ctypes.c_long, ctypes.c_void_p
            fn = native.function(SOURCE, "minitf_sgemm",
                                 [L, L, L, P, L, L, P, L, L, P, L, P, ctypes.c_int, P, L, P,
                                  ctypes.c_int])
            if fn is not None:
                fn.restype = ctypes.c_int
                setter = native.function(SOURCE, "minitf_gemm_set_threads",
                                         [ctypes.c_int, ctypes.c_long, ctypes.c_int])
                _state["set"] = setter
                setter(_state.get("threads", 1), *_spin_and_steal())
                held = native.function(SOURCE, "minitf_gemm_held", [])
                held.restype = ctypes.c_int
                _state["held"] = held
                offset = _data_offset()
                if offset is not None:
                    objects = native.function(SOURCE, "minitf_sgemm_objects",
                                              [L, L, L, L, P, L, L, P, L, L, P, L, P,
                                               ctypes.c_int, P, L, P, ctypes.c_int])
                    objects.restype = ctypes.c_int
                    fn = _Objects(objects, offset)
        _state["fn"] = fn and _product(fn)
    return _state["fn"]


def _data_offset():
    """Where this Python's numpy array objects hold their data pointer (the field after the
    object header, in numpy 1 and 2), checked on arrays and views of every kind; None where it
    is not there (another Python implementation, a free-threaded build's longer header)."""
    if platform.python_implementation() != "CPython":
        return None
    header = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_void_p)
    base = np.arange(64, dtype=np.float32).reshape(8, 8)
    for x in (base, base[2:, 3:], base.T, base[::2, ::3], base[5], np.empty((0, 3), np.float32)):
        if ctypes.c_void_p.from_address(id(x) + header).value != x.ctypes.data:
            return None
    return header


class _Objects:
    """minitf_sgemm called with the arrays themselves: C reads their data pointers (saving
    the ~1 us of each `.ctypes.data`; the caller keeps them alive through the call)."""

    __slots__ = ("fn", "offset")

    def __init__(self, fn, offset):
        self.fn, self.offset = fn, offset

    def __call__(self, m, n, k, a, rsa, csa, b, rsb, csb, out, ldc, bias, relu, mask, ldm,
                 sums, own_b):
        return self.fn(self.offset, m, n, k, id(a), rsa, csa, id(b), rsb, csb, id(out), ldc,
                       None if bias is None else id(bias), relu,
                       None if mask is None else id(mask), ldm,
                       None if sums is None else id(sums), own_b)


def _addresses(fn):
    """minitf_sgemm called with the arrays, their addresses read by numpy (`_Objects`' twin
    where the data pointer's place is not known)."""
    def call(m, n, k, a, rsa, csa, b, rsb, csb, out, ldc, bias, relu, mask, ldm, sums, own_b):
        return fn(m, n, k, a.ctypes.data, rsa, csa, b.ctypes.data, rsb, csb, out.ctypes.data,
                  ldc, None if bias is None else bias.ctypes.data, relu,
                  None if mask is None else mask.ctypes.data, ldm,
                  None if sums is None else sums.ctypes.data, own_b)
    return call


def parallel_for():
    """`run(fn, args, n, grain)`: the C function at address `fn`, `void fn(long long start,
    long long stop, const double* args)`, over [0, n) in chunks of `grain` on the threads
    set_threads gave the products (minitf/native.py's elementwise loops), or None where
    there is no compiled product. The caller's thread alone when the pool is set to one
    thread or is running another thread's product."""
    if "parallel" not in _state:
        fn = None
        if kernel() is not None:
            fn = native.function(SOURCE, "minitf_parallel_for",
                                 [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long,
                                  ctypes.c_long])
        _state["parallel"] = fn
    return _state["parallel"]


def gather_rows(source, index, out):
    """out[:] = source[index] (rows of a C-contiguous array, `index` int64 and in range,
    `out` C-contiguous of len(index) rows) on the products' threads; False where it cannot (no
    compiled product, other arrays), and then nothing was written. Keras's fit gathers its
    shuffled batches so: a 512-row batch of 784 float32 from 60,000 rows, 157 -> ~90 us on
    two threads (a gather from memory is bound by how many rows are fetched at once)."""
    run = parallel_for()
    if (run is None or not source.flags.c_contiguous or not out.flags.c_contiguous or
            index.dtype != np.int64 or index.ndim != 1 or out.dtype != source.dtype or
            out.shape != (len(index),) + source.shape[1:] or source.ndim < 1 or
            np.may_share_memory(out, source)):
        return False
    if len(index) and not (0 <= int(index.min()) and int(index.max()) < len(source)):
        return False
    if "gather" not in _state:
        _state["gather"] = native.function_address(SOURCE, "minitf_gather_rows_range")
    row = source[:1].nbytes if len(source) else 0
    index = np.ascontiguousarray(index)
    args = np.array([source.ctypes.data, out.ctypes.data, row, index.ctypes.data], np.float64)
    run(_state["gather"], args.ctypes.data, len(index), max(16, len(index) // 8))
    return True


def set_threads(n, steal=False):
    """Threads (the caller and n - 1 workers) for the compiled products from now on; with
    `steal`, the products run so that the caller never waits for a worker (C's run_steal: for
    a machine whose cores are all busy, where a worker may lose its core mid-product), and
    minitf_parallel_for's loops on the caller alone."""
    steal = bool(steal) and n > 1
    if _state.get("threads") != n or _state.get("steal", False) != steal:
        _state["threads"], _state["steal"] = n, steal
        setter = _state.get("set")
        if setter is not None:
            setter(n, *_spin_and_steal())


def _spin_and_steal():
    steal = _state.get("steal", False)
    return (STEAL_SPIN_MICROSECONDS if steal else SPIN_MICROSECONDS), int(steal)


def threads():
    return _state.get("threads", 1)


def stealing():
    return _state.get("steal", False)


@atexit.register
def _wait_for_workers(seconds=1.0):
    """At exit: until no worker is inside a product whose caller returned (it reads arrays
    that the interpreter's end would free), a second at most."""
    held = _state.get("held")
    deadline = time.monotonic() + seconds
    while held is not None and held() and time.monotonic() < deadline:
        time.sleep(0.001)


def awake_workers():
    """The compiled products' worker threads not asleep now (0 where there is no kernel)."""
    if "awake" not in _state:
        fn = kernel() and native.function(SOURCE, "minitf_gemm_awake", [])
        if fn:
            fn.restype = ctypes.c_int
        _state["awake"] = fn
    fn = _state["awake"]
    return fn() if fn else 0


def _product(fn):
    float32 = np.dtype(np.float32)
    call = fn if isinstance(fn, _Objects) else _addresses(fn)
    held = _held

    def product(a, b, out=None, bias=None, relu=False, mask=None, sums=None, own_b=False):
        """a @ b for float32 matrices through the compiled kernel (into `out` when given), or
        None where it does not take them: another dtype, a product below the thresholds,
        strides that are not whole elements, an `out` that is not row-contiguous or overlaps
        an input. With `bias` (a contiguous float32 vector of the columns' length) and `relu`:
        relu(a @ b + bias), BiasAdd's and Relu's bits, in the same pass. With `mask` (float32,
        the product's shape, rows contiguous): ReluGrad(a @ b, mask), its bits. With `sums`
        (a contiguous float32 vector of the columns' length, not overlapping the others): b's
        column sums written there, each in the order of k, from B's packing (a BiasAddGrad
        of b). With `own_b` (b does not change between calls: MatMul.bind's stable_b), each
        thread packs all of b for itself, where the shared packing would pass half of it
        between the threads at every product; the same bits."""
        if a.dtype != float32 or b.dtype != float32:
            return None
        if bias is not None and (bias.dtype != float32 or bias.shape != (b.shape[1],) or
                                 bias.strides[0] != 4):
            return None
        m, k = a.shape
        n = b.shape[1]
        if not (m >= MIN_ROWS and k >= MIN_DEPTH and m * k * n >= NATIVE_MACS):
            return None
        if mask is not None and (mask.dtype != float32 or mask.shape != (m, n) or
                                 mask.strides[1] != 4 or mask.strides[0] % 4):
            return None
        if sums is not None and (sums.dtype != float32 or sums.shape != (n,) or
                                 sums.strides[0] != 4 or np.may_share_memory(sums, b)):
            return None
        if out is None:
            out = np.empty((m, n), float32)
        elif (out.dtype != float32 or out.shape != (m, n) or out.strides[1] != 4 or
              out.strides[0] % 4 or np.may_share_memory(out, a) or
              np.may_share_memory(out, b) or
              (bias is not None and np.may_share_memory(out, bias)) or
              (mask is not None and np.may_share_memory(out, mask)) or
              (sums is not None and np.may_share_memory(out, sums))):
            # (the mask is read after the first blocks of K are written)
            return None
        sa, sb = a.strides, b.strides
        if sa[0] % 4 or sa[1] % 4 or sb[0] % 4 or sb[1] % 4:
            return None
        calls[0] += 1
        if sums is not None:
            sums.fill(0)
        status = call(m, n, k, a, sa[0] // 4, sa[1] // 4, b, sb[0] // 4, sb[1] // 4, out,
                      out.strides[0] // 4, bias, 1 if relu else 0, mask,
                      0 if mask is None else mask.strides[0] // 4, sums, 1 if own_b else 0)
        if status == 2:
            # a worker late for this product (stealing) may still read its inputs: they stay
            # alive until no worker is inside a finished product (C's minitf_gemm_held)
            held.append((a, b, bias, mask))
        elif held and not status:
            del held[:]
        if status < 0:
            raise MemoryError(
                "minitf's compiled matrix product found no memory for the packed blocks of a "
                "%dx%dx%d float32 product (a few MB); free some memory, or set "
                "MINITF_NATIVE_KERNELS=0 to leave products to numpy" % (m, k, n))
        return out
    return product
