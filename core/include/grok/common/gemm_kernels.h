// Inside gemm(): what its driver (src/common/gemm.cpp) and its x86 kernels (src/common/gemm_x86.cpp)
// share: the micro-kernel interface and the x86 kernels' entry points. Only those two include it;
// callers use grok/common/gemm.h.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GROK_GEMM_X86 1
#include <immintrin.h>
#else
#define GROK_GEMM_X86 0
#endif

namespace grok {
namespace gemm_detail {

// A micro-kernel computes one MR x NR tile of C from packed panels:
//   acc(i, j) = sum_p a[p * MR + i] * b[p * NR + j],   C(i, j) = alpha acc + beta C (beta 0: no read).
template <class S>
using KernelFn = void (*)(int kc, const S* a, const S* b, S* c, int ldc, S alpha, S beta);
// The same for an edge tile of mr x nr valid values (null: edges go through a scratch tile).
template <class S>
using EdgeKernelFn = void (*)(int kc, const S* a, const S* b, S* c, int ldc, S alpha, S beta, int mr, int nr);

template <class S>
struct Kernel {
  const char* name;
  int mr, nr;   // register tile
  int kc;       // depth of a packed block (a B micro-panel kc x nr stays in L1)
  int mc;       // rows of a packed A block (stays in L2)
  int nc;       // columns of a packed B block
  KernelFn<S> fn;
  EdgeKernelFn<S> edge = nullptr;
};

#if GROK_GEMM_X86
// gemm_x86.cpp: compiled with per-function target attributes, called only when the CPU has them.
extern const Kernel<float> kAvx2;    // AVX2 + FMA, 16 x 6 tile
extern const Kernel<float> kAvx512;  // AVX-512, 32 x 12 tile, masked edge tiles
// The unpacked product for small shapes (AVX-512): C (m x n) = alpha op(A) op(B) + beta C with op(A)
// column-major in `a` (lda) and op(B)(p, j) = b[p * sp + j * sj].
__attribute__((target("avx512f"))) void small_gemm_avx512(int m, int n, int k, float alpha, const float* a, int lda,
                                                          const float* b, long sp, long sj, float beta, float* c,
                                                          int ldc);
#endif

}  // namespace gemm_detail
}  // namespace grok
