// The x86 kernels of gemm() (gemm.cpp picks one at start-up): AVX2 + FMA and AVX-512 micro-kernels
// for the packed path, and the AVX-512 unpacked path for small products. Each function carries its
// own target attribute and runs only where the CPU reports the feature, so the library stays
// baseline x86-64. They use FMA, so they round differently from the generic kernel (mul then add).
#include <algorithm>

#include "grok/common/gemm_kernels.h"

#if GROK_GEMM_X86
namespace grok {
namespace gemm_detail {
namespace {

// ---- AVX2 + FMA: 16 x 6 tile, 12 accumulators of 8 floats ----
// Named accumulators instead of arrays: with arrays GCC keeps a memory copy of every accumulator
// (16 ymm registers leave no slack) and the loop becomes store-bound.
__attribute__((target("avx2,fma"))) inline void store_avx2(float* cj, __m256 r0, __m256 r1, __m256 va,
                                                            __m256 vb, bool read_c) {
  r0 = _mm256_mul_ps(r0, va);
  r1 = _mm256_mul_ps(r1, va);
  if (read_c) {
    r0 = _mm256_fmadd_ps(_mm256_loadu_ps(cj), vb, r0);
    r1 = _mm256_fmadd_ps(_mm256_loadu_ps(cj + 8), vb, r1);
  }
  _mm256_storeu_ps(cj, r0);
  _mm256_storeu_ps(cj + 8, r1);
}

__attribute__((target("avx2,fma"))) void kernel_avx2(int kc, const float* a, const float* b, float* c, int ldc,
                                                      float alpha, float beta) {
  __m256 c00 = _mm256_setzero_ps(), c10 = c00, c01 = c00, c11 = c00, c02 = c00, c12 = c00;
  __m256 c03 = c00, c13 = c00, c04 = c00, c14 = c00, c05 = c00, c15 = c00;
  for (int p = 0; p < kc; ++p) {
    const __m256 a0 = _mm256_loadu_ps(a), a1 = _mm256_loadu_ps(a + 8);
    __m256 bj;
#define GROK_AVX2_COLUMN(j)                        \
    bj = _mm256_broadcast_ss(b + j);               \
    c0##j = _mm256_fmadd_ps(a0, bj, c0##j);        \
    c1##j = _mm256_fmadd_ps(a1, bj, c1##j);
    GROK_AVX2_COLUMN(0) GROK_AVX2_COLUMN(1) GROK_AVX2_COLUMN(2)
    GROK_AVX2_COLUMN(3) GROK_AVX2_COLUMN(4) GROK_AVX2_COLUMN(5)
#undef GROK_AVX2_COLUMN
    a += 16;
    b += 6;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  const bool read_c = beta != 0.0f;
  store_avx2(c, c00, c10, va, vb, read_c);
  store_avx2(c + ldc, c01, c11, va, vb, read_c);
  store_avx2(c + 2L * ldc, c02, c12, va, vb, read_c);
  store_avx2(c + 3L * ldc, c03, c13, va, vb, read_c);
  store_avx2(c + 4L * ldc, c04, c14, va, vb, read_c);
  store_avx2(c + 5L * ldc, c05, c15, va, vb, read_c);
}

// ---- AVX-512: 32 x 12 tile, 24 accumulators of 16 floats ----
constexpr int kAvx512Nr = 12;
// The tile's sums over the packed panels, shared by the full and the edge kernel. Always inlined, so
// the accumulators stay in registers (checked: GCC emits the same instructions for both kernels as
// with this loop written out in each).
__attribute__((target("avx512f"), always_inline)) inline void accumulate_avx512(int kc, const float* a, const float* b,
                                                                              __m512 (&acc0)[kAvx512Nr],
                                                                              __m512 (&acc1)[kAvx512Nr]) {
  for (int j = 0; j < kAvx512Nr; ++j) { acc0[j] = _mm512_setzero_ps(); acc1[j] = _mm512_setzero_ps(); }
  for (int p = 0; p < kc; ++p) {
    const __m512 a0 = _mm512_loadu_ps(a), a1 = _mm512_loadu_ps(a + 16);
    for (int j = 0; j < kAvx512Nr; ++j) {
      const __m512 bj = _mm512_set1_ps(b[j]);
      acc0[j] = _mm512_fmadd_ps(a0, bj, acc0[j]);
      acc1[j] = _mm512_fmadd_ps(a1, bj, acc1[j]);
    }
    a += 32;
    b += kAvx512Nr;
  }
}

__attribute__((target("avx512f"))) void kernel_avx512(int kc, const float* a, const float* b, float* c, int ldc,
                                                       float alpha, float beta) {
  constexpr int NR = kAvx512Nr;
  __m512 acc0[NR], acc1[NR];
  accumulate_avx512(kc, a, b, acc0, acc1);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int j = 0; j < NR; ++j) {
    float* cj = c + static_cast<long>(j) * ldc;
    __m512 r0 = _mm512_mul_ps(acc0[j], va), r1 = _mm512_mul_ps(acc1[j], va);
    if (beta != 0.0f) {
      r0 = _mm512_fmadd_ps(_mm512_loadu_ps(cj), vb, r0);
      r1 = _mm512_fmadd_ps(_mm512_loadu_ps(cj + 16), vb, r1);
    }
    _mm512_storeu_ps(cj, r0);
    _mm512_storeu_ps(cj + 16, r1);
  }
}

// An edge tile (mr < 32 rows or nr < 12 columns of C valid): the same accumulation over the zero-padded
// panels, stored through lane masks straight into C instead of through a scratch tile and a scalar copy.
__attribute__((target("avx512f"))) void kernel_avx512_edge(int kc, const float* a, const float* b, float* c,
                                                            int ldc, float alpha, float beta, int mr, int nr) {
  constexpr int NR = kAvx512Nr;
  __m512 acc0[NR], acc1[NR];
  accumulate_avx512(kc, a, b, acc0, acc1);
  const __mmask16 m0 = mr >= 16 ? __mmask16(0xffff) : __mmask16((1u << mr) - 1);
  const __mmask16 m1 = mr <= 16 ? __mmask16(0) : mr >= 32 ? __mmask16(0xffff) : __mmask16((1u << (mr - 16)) - 1);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int j = 0; j < nr; ++j) {
    float* cj = c + static_cast<long>(j) * ldc;
    __m512 r0 = _mm512_mul_ps(acc0[j], va), r1 = _mm512_mul_ps(acc1[j], va);
    if (beta != 0.0f) {
      r0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, cj), vb, r0);
      r1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, cj + 16), vb, r1);
    }
    _mm512_mask_storeu_ps(cj, m0, r0);
    _mm512_mask_storeu_ps(cj + 16, m1, r1);
  }
}

// ---- small products without packing (AVX-512) ----
// For the shapes of small networks (tens to a few hundred rows, a batch of ~100 columns) packing
// both operands and padding to 32 x 12 tiles costs more than the arithmetic. Here op(A) is read
// straight from a column-major buffer (transposed once into the workspace if needed) and op(B)
// element by element through two strides, op(B)(p, j) = B[p * sp + j * sj]; C is computed in
// blocks of NV x 16 rows by NB columns held in registers, rows past m masked.
template <int NV, int NB>
__attribute__((target("avx512f"))) void small_block(int k, const float* a, int lda, const float* b, long sp, long sj,
                                                    float* c, int ldc, float alpha, float beta, const __mmask16* mask) {
  // Every loop over v and j has a constant trip count and is unrolled, so the NV x NB accumulators
  // live in registers (rolled loops leave them on the stack and the kernel becomes store-bound).
  __m512 acc[NV][NB];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v)
#pragma GCC unroll 6
    for (int j = 0; j < NB; ++j) acc[v][j] = _mm512_setzero_ps();
  for (int p = 0; p < k; ++p) {
    __m512 av[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) av[v] = _mm512_maskz_loadu_ps(mask[v], a + 16 * v + static_cast<long>(p) * lda);
    const float* bp = b + p * sp;
#pragma GCC unroll 6
    for (int j = 0; j < NB; ++j) {
      const __m512 bj = _mm512_set1_ps(bp[j * sj]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[v][j] = _mm512_fmadd_ps(av[v], bj, acc[v][j]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 6
  for (int j = 0; j < NB; ++j)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      float* cj = c + 16 * v + static_cast<long>(j) * ldc;
      __m512 r = _mm512_mul_ps(acc[v][j], va);
      if (beta != 0.0f) r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask[v], cj), vb, r);
      _mm512_mask_storeu_ps(cj, mask[v], r);
    }
}

using SmallBlockFn = void (*)(int, const float*, int, const float*, long, long, float*, int, float, float,
                              const __mmask16*);
template <int NV>
constexpr SmallBlockFn kSmallBlocks[6] = {small_block<NV, 1>, small_block<NV, 2>, small_block<NV, 3>,
                                          small_block<NV, 4>, small_block<NV, 5>, small_block<NV, 6>};

}  // namespace

__attribute__((target("avx512f"))) void small_gemm_avx512(int m, int n, int k, float alpha, const float* a, int lda,
                                                          const float* b, long sp, long sj, float beta, float* c,
                                                          int ldc) {
  constexpr int kRows = 64, kCols = 6;
  for (int i0 = 0; i0 < m; i0 += kRows) {
    const int rows = std::min(kRows, m - i0), nv = (rows + 15) / 16;
    __mmask16 mask[4];
    for (int v = 0; v < 4; ++v) {
      const int left = rows - 16 * v;
      mask[v] = left >= 16 ? __mmask16(0xffff) : left <= 0 ? __mmask16(0) : __mmask16((1u << left) - 1);
    }
    for (int j0 = 0; j0 < n; j0 += kCols) {
      const int cols = std::min(kCols, n - j0);
      const SmallBlockFn fn = nv == 1 ? kSmallBlocks<1>[cols - 1] : nv == 2 ? kSmallBlocks<2>[cols - 1]
                            : nv == 3 ? kSmallBlocks<3>[cols - 1] : kSmallBlocks<4>[cols - 1];
      fn(k, a + i0, lda, b + j0 * sj, sp, sj, c + i0 + static_cast<long>(j0) * ldc, ldc, alpha, beta, mask);
    }
  }
}

const Kernel<float> kAvx2{"avx2", 16, 6, 256, 144, 4080, kernel_avx2};
const Kernel<float> kAvx512{"avx512", 32, kAvx512Nr, 384, 192, 4092, kernel_avx512, kernel_avx512_edge};

}  // namespace gemm_detail
}  // namespace grok
#endif
