// C = alpha op(A) op(B) + beta C with run-time kernel selection (see gemm.h): the generic 128-bit
// kernel, the packing and blocking driver, and the choice of kernel. The x86 kernels are in
// gemm_x86.cpp, compiled with per-function target attributes (avx2+fma, avx512f) and only called
// when the CPU reports those features, so the library stays baseline x86-64. They use FMA, so their
// rounding differs from the generic kernel's (mul then add, -ffp-contract=off): results agree to
// float precision, not bit for bit, across CPUs (as with Eigen under -march=native).
#include "grok/common/gemm.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include "grok/common/gemm_kernels.h"

namespace grok {
using gemm_detail::EdgeKernelFn;
using gemm_detail::Kernel;
using gemm_detail::KernelFn;
#if GROK_GEMM_X86
using gemm_detail::kAvx2;
using gemm_detail::kAvx512;
using gemm_detail::small_gemm_avx512;
#endif

namespace {

// ---- generic kernel: 128-bit compiler vectors (SSE2, WebAssembly SIMD, NEON), 2 x lanes by 6 ----
template <class S>
struct Vec128;
template <>
struct Vec128<float> {
  typedef float type __attribute__((vector_size(16)));
  static constexpr int lanes = 4;
};
template <>
struct Vec128<double> {
  typedef double type __attribute__((vector_size(16)));
  static constexpr int lanes = 2;
};

constexpr int kGenericNr = 6;

template <class S>
void kernel_generic(int kc, const S* a, const S* b, S* c, int ldc, S alpha, S beta) {
  using V = typename Vec128<S>::type;
  constexpr int L = Vec128<S>::lanes, NR = kGenericNr;
  V acc0[NR], acc1[NR];
  for (int j = 0; j < NR; ++j) { acc0[j] = V{}; acc1[j] = V{}; }
  for (int p = 0; p < kc; ++p) {
    V a0, a1;
    std::memcpy(&a0, a, sizeof(V));
    std::memcpy(&a1, a + L, sizeof(V));
    for (int j = 0; j < NR; ++j) {
      const S bj = b[j];
      acc0[j] += a0 * bj;
      acc1[j] += a1 * bj;
    }
    a += 2 * L;
    b += NR;
  }
  for (int j = 0; j < NR; ++j) {
    S* cj = c + static_cast<long>(j) * ldc;
    V r0 = acc0[j] * alpha, r1 = acc1[j] * alpha;
    if (beta != S(0)) {
      V c0, c1;
      std::memcpy(&c0, cj, sizeof(V));
      std::memcpy(&c1, cj + L, sizeof(V));
      r0 += c0 * beta;
      r1 += c1 * beta;
    }
    std::memcpy(cj, &r0, sizeof(V));
    std::memcpy(cj + L, &r1, sizeof(V));
  }
}


const Kernel<float> kGenericFloat{"generic", 8, kGenericNr, 256, 96, 4080, kernel_generic<float>};
const Kernel<double> kGenericDouble{"generic", 4, kGenericNr, 256, 96, 4080, kernel_generic<double>};

const Kernel<float>* best_float_kernel() {
#if GROK_GEMM_X86
  // This runs from a static initializer, possibly before the compiler runtime's own CPU detection.
  __builtin_cpu_init();
  // libgcc's checks include the OS enabling the wide registers (XCR0), not just CPUID.
  if (__builtin_cpu_supports("avx512f")) return &kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &kAvx2;
#endif
  return &kGenericFloat;
}

const Kernel<float>* g_float_kernel = best_float_kernel();

template <class S>
const Kernel<S>& kernel_for();
template <>
const Kernel<float>& kernel_for<float>() { return *g_float_kernel; }
template <>
const Kernel<double>& kernel_for<double>() { return kGenericDouble; }

constexpr int kMaxTile = 32;  // largest MR or NR of any kernel

// 64-byte aligned pointer into a workspace vector holding at least `count` values.
template <class S>
S* aligned_buffer(std::vector<S>& v, size_t count) {
  const size_t pad = 64 / sizeof(S);
  if (v.size() < count + pad) v.resize(count + pad);  // first use only; later calls fit
  const auto addr = reinterpret_cast<std::uintptr_t>(v.data());
  return reinterpret_cast<S*>((addr + 63) & ~static_cast<std::uintptr_t>(63));
}

// panel[p * width + i] = src[p + i * ld] for i < count, p < depth; zero for count <= i < width.
// Walks depth in steps of kTransposeStep so the panel rows being written stay in L1 while each
// source column is read contiguously.
constexpr int kTransposeStep = 64;

template <class S>
void transpose_into(const S* src, long ld, int count, int depth, int width, S* panel) {
  for (int p0 = 0; p0 < depth; p0 += kTransposeStep) {
    const int p1 = std::min(depth, p0 + kTransposeStep);
    for (int i = 0; i < count; ++i) {
      const S* s = src + i * ld;
      for (int p = p0; p < p1; ++p) panel[static_cast<long>(p) * width + i] = s[p];
    }
  }
  for (int p = 0; p < depth; ++p)
    for (int i = count; i < width; ++i) panel[static_cast<long>(p) * width + i] = S(0);
}

#if defined(__SSE__)
// float: 4 x 4 blocks through registers (_MM_TRANSPOSE4_PS): 8 loads/stores per 16 values instead
// of 32. SSE is baseline on x86-64 and maps to WebAssembly SIMD under Emscripten.
template <>
void transpose_into<float>(const float* src, long ld, int count, int depth, int width, float* panel) {
  const int count4 = count / 4 * 4, depth4 = depth / 4 * 4;
  for (int p0 = 0; p0 < depth; p0 += kTransposeStep) {
    const int p1 = std::min(depth4, p0 + kTransposeStep);
    for (int i = 0; i < count4; i += 4) {
      const float* s0 = src + i * ld;
      const float* s1 = s0 + ld;
      const float* s2 = s1 + ld;
      const float* s3 = s2 + ld;
      for (int p = p0; p < p1; p += 4) {
        __m128 r0 = _mm_loadu_ps(s0 + p), r1 = _mm_loadu_ps(s1 + p), r2 = _mm_loadu_ps(s2 + p),
               r3 = _mm_loadu_ps(s3 + p);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float* d = panel + static_cast<long>(p) * width + i;
        _mm_storeu_ps(d, r0);
        _mm_storeu_ps(d + width, r1);
        _mm_storeu_ps(d + 2 * width, r2);
        _mm_storeu_ps(d + 3 * width, r3);
      }
    }
  }
  for (int p = depth4; p < depth; ++p)  // depth tail
    for (int i = 0; i < count4; ++i) panel[static_cast<long>(p) * width + i] = src[p + i * ld];
  for (int i = count4; i < count; ++i)  // column tail
    for (int p = 0; p < depth; ++p) panel[static_cast<long>(p) * width + i] = src[p + i * ld];
  for (int p = 0; p < depth; ++p)
    for (int i = count; i < width; ++i) panel[static_cast<long>(p) * width + i] = 0.0f;
}
#endif

// op(A)[i0 : i0+mc, p0 : p0+kc] -> panels of MR rows; panel r: value (i, p) at r*MR*kc + p*MR + i.
// Rows past mc are zero, so edge tiles compute garbage-free zeros.
template <class S>
void pack_a(ConstMatView<S> A, bool trans, int i0, int p0, int mc, int kc, int MR, S* out) {
  for (int r = 0; r < mc; r += MR) {
    const int rows = std::min(MR, mc - r);
    S* panel = out + static_cast<long>(r) * kc;
    if (!trans) {  // op(A)(i, p) = A[i + p*ld]: MR contiguous values per p
      for (int p = 0; p < kc; ++p) {
        const S* src = A.data + (i0 + r) + static_cast<long>(p0 + p) * A.ld;
        S* dst = panel + p * MR;
        for (int i = 0; i < rows; ++i) dst[i] = src[i];
        for (int i = rows; i < MR; ++i) dst[i] = S(0);
      }
    } else {  // op(A)(i, p) = A[p + i*ld]: a transpose, done in kTransposeStep x MR blocks
      transpose_into(A.data + p0 + static_cast<long>(i0 + r) * A.ld, A.ld, rows, kc, MR, panel);
    }
  }
}

// op(B)[p0 : p0+kc, j0 : j0+nc] -> panels of NR columns; panel c: value (p, j) at c*NR*kc + p*NR + j.
template <class S>
void pack_b(ConstMatView<S> B, bool trans, int p0, int j0, int kc, int nc, int NR, S* out) {
  for (int c = 0; c < nc; c += NR) {
    const int cols = std::min(NR, nc - c);
    S* panel = out + static_cast<long>(c) * kc;
    if (!trans) {  // op(B)(p, j) = B[p + j*ld]: a transpose
      transpose_into(B.data + p0 + static_cast<long>(j0 + c) * B.ld, B.ld, cols, kc, NR, panel);
    } else {  // op(B)(p, j) = B[j + p*ld]: NR contiguous values per p
      for (int p = 0; p < kc; ++p) {
        const S* src = B.data + (j0 + c) + static_cast<long>(p0 + p) * B.ld;
        S* dst = panel + p * NR;
        for (int j = 0; j < cols; ++j) dst[j] = src[j];
        for (int j = cols; j < NR; ++j) dst[j] = S(0);
      }
    }
  }
}

template <class S>
void scale_c(MatView<S> C, S beta) {
  for (int j = 0; j < C.cols; ++j) {
    S* cj = C.data + static_cast<long>(j) * C.ld;
    for (int i = 0; i < C.rows; ++i) cj[i] = beta == S(0) ? S(0) : beta * cj[i];
  }
}

template <class S>
void gemm_driver(const Kernel<S>& K, bool trans_a, bool trans_b, S alpha, ConstMatView<S> A, ConstMatView<S> B,
                 S beta, MatView<S> C, bool transposed_c, GemmWorkspace<S>& ws);

// The unpacked path for products too small to repay packing (measured on AVX-512, tests/core/common/
// test_gemm.cpp checks both paths): op(A) of at most kSmallMaxA values (so it stays in L1/L2 while
// every column block of C re-reads it) and a modest depth.
#if GROK_GEMM_X86
constexpr long kSmallMaxA = 64 * 1024;
bool use_small_path(int m, int n, int k) { return static_cast<long>(m) * k <= kSmallMaxA && k <= 1024 && n >= 1; }
#endif

}  // namespace

template <class S>
void gemm(bool trans_a, bool trans_b, S alpha, ConstMatView<S> A, ConstMatView<S> B, S beta, MatView<S> C,
          GemmWorkspace<S>& ws) {
  const Kernel<S>& K = kernel_for<S>();
  const int m = C.rows, n = C.cols, k = trans_a ? A.rows : A.cols;
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == S(0)) { scale_c(C, beta); return; }
#if GROK_GEMM_X86
  if constexpr (std::is_same_v<S, float>) {
    if (&K == &kAvx512 && use_small_path(m, n, k)) {
      // op(A) column-major: A itself, or its transpose in the workspace (m x k, small by the test).
      const float* a = A.data;
      int lda = A.ld;
      if (trans_a) {  // t(i, p) = A(p, i)
        float* t = aligned_buffer(ws.a, static_cast<size_t>(m) * k);
        transpose_into(A.data, A.ld, m, k, m, t);
        a = t;
        lda = m;
      }
      const long sp = trans_b ? B.ld : 1, sj = trans_b ? 1 : B.ld;
      small_gemm_avx512(m, n, k, alpha, a, lda, B.data, sp, sj, beta, C.data, C.ld);
      return;
    }
  }
#endif
  const int MR = K.mr, NR = K.nr;
  // Tiles pad m up to a multiple of MR and n to one of NR. When that wastes less the other way
  // round (e.g. 12 x 3830 or 113 x 3830 results with MR = 32), compute C^T = op(B)^T op(A)^T and
  // store the tiles transposed.
  auto padded = [](long x, long t) { return (x + t - 1) / t * t; };
  if (padded(n, MR) * padded(m, NR) < padded(m, MR) * padded(n, NR)) {
    gemm_driver(K, !trans_b, !trans_a, alpha, B, A, beta, C, /*transposed_c=*/true, ws);
    return;
  }
  gemm_driver(K, trans_a, trans_b, alpha, A, B, beta, C, /*transposed_c=*/false, ws);
}

namespace {
template <class S>
void gemm_driver(const Kernel<S>& K, bool trans_a, bool trans_b, S alpha, ConstMatView<S> A, ConstMatView<S> B,
                 S beta, MatView<S> C, bool transposed_c, GemmWorkspace<S>& ws) {
  // The product being tiled is m x n; with transposed_c it is C^T, so tile (i, j) lands at C(j, i).
  const int m = transposed_c ? C.cols : C.rows, n = transposed_c ? C.rows : C.cols;
  const int k = trans_a ? A.rows : A.cols;
  const int MR = K.mr, NR = K.nr;
  // Packed blocks are sized for the largest block this call needs (k, m, n may be small).
  const int kc_max = std::min(K.kc, k);
  const int mc_max = std::min(K.mc, (m + MR - 1) / MR * MR);
  const int nc_max = std::min(K.nc, (n + NR - 1) / NR * NR);
  S* pa = aligned_buffer(ws.a, static_cast<size_t>(mc_max + MR) * kc_max);
  S* pb = aligned_buffer(ws.b, static_cast<size_t>(nc_max + NR) * kc_max);
  alignas(64) S tile[kMaxTile * kMaxTile];  // edge tiles
  for (int jc = 0; jc < n; jc += K.nc) {
    const int nc = std::min(K.nc, n - jc);
    for (int pc = 0; pc < k; pc += K.kc) {
      const int kc = std::min(K.kc, k - pc);
      const S beta_block = pc == 0 ? beta : S(1);  // later depth blocks accumulate
      pack_b(B, trans_b, pc, jc, kc, nc, NR, pb);
      for (int ic = 0; ic < m; ic += K.mc) {
        const int mc = std::min(K.mc, m - ic);
        pack_a(A, trans_a, ic, pc, mc, kc, MR, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const S* bp = pb + static_cast<long>(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            const S* ap = pa + static_cast<long>(ir) * kc;
            if (!transposed_c && mr == MR && nr == NR) {
              K.fn(kc, ap, bp, C.data + (ic + ir) + static_cast<long>(jc + jr) * C.ld, C.ld, alpha, beta_block);
              continue;
            }
            if (!transposed_c && K.edge) {
              K.edge(kc, ap, bp, C.data + (ic + ir) + static_cast<long>(jc + jr) * C.ld, C.ld, alpha, beta_block, mr, nr);
              continue;
            }
            // Edge or transposed tile: compute into scratch, then write the valid part.
            K.fn(kc, ap, bp, tile, MR, S(1), S(0));
            if (transposed_c) {  // tile (i, j) -> C(jc + jr + j, ic + ir + i): contiguous along j
              S* cp = C.data + (jc + jr) + static_cast<long>(ic + ir) * C.ld;
              for (int i = 0; i < mr; ++i)
                for (int j = 0; j < nr; ++j) {
                  S& c = cp[j + static_cast<long>(i) * C.ld];
                  const S v = alpha * tile[i + j * MR];
                  c = beta_block == S(0) ? v : v + beta_block * c;
                }
            } else {
              S* cp = C.data + (ic + ir) + static_cast<long>(jc + jr) * C.ld;
              for (int j = 0; j < nr; ++j)
                for (int i = 0; i < mr; ++i) {
                  S& c = cp[i + static_cast<long>(j) * C.ld];
                  const S v = alpha * tile[i + j * MR];
                  c = beta_block == S(0) ? v : v + beta_block * c;
                }
            }
          }
        }
      }
    }
  }
}

}  // namespace

const char* gemm_kernel() { return g_float_kernel->name; }

SimdLevel simd_level() {
#if GROK_GEMM_X86
  if (g_float_kernel == &kAvx512) return SimdLevel::Avx512;
  if (g_float_kernel == &kAvx2) return SimdLevel::Avx2;
#endif
  return SimdLevel::Generic;
}

bool gemm_select_kernel(const char* name) {
  const std::string want = name;
  if (want == "auto") { g_float_kernel = best_float_kernel(); return true; }
  if (want == "generic") { g_float_kernel = &kGenericFloat; return true; }
#if GROK_GEMM_X86
  if (want == "avx2" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    g_float_kernel = &kAvx2;
    return true;
  }
  if (want == "avx512" && __builtin_cpu_supports("avx512f")) {
    g_float_kernel = &kAvx512;
    return true;
  }
#endif
  return false;
}

template void gemm<float>(bool, bool, float, ConstMatView<float>, ConstMatView<float>, float, MatView<float>,
                          GemmWorkspace<float>&);
template void gemm<double>(bool, bool, double, ConstMatView<double>, ConstMatView<double>, double,
                           MatView<double>, GemmWorkspace<double>&);

}  // namespace grok
