// Matrix product for the transformer's training step: C = alpha op(A) op(B) + beta C, column-major.
//
// Why our own instead of Eigen's: (1) shipped native builds are compiled for baseline x86-64 (SSE2),
// where Eigen's kernel reaches about a third of what the same core does with AVX2/AVX-512 FMA; this
// picks the widest kernel the CPU supports at run time (like OpenBLAS and PyTorch do), with no
// -march flag; (2) the packing buffers live in a caller-owned workspace, so a training step
// allocates nothing (Eigen allocates its packing blocks on every large product).
// Layout: BLIS-style blocking (pack op(B) into kc x NR panels, op(A) into MR x kc panels, a
// register-tiled MR x NR micro-kernel). The generic kernel uses compiler vector extensions and runs
// everywhere (WebAssembly SIMD included); float and double share it (double is for the checks).
#pragma once
#include <type_traits>
#include <vector>

namespace grok {

// A column-major matrix in memory: element (i, j) at data[i + j * ld].
template <class S>
struct ConstMatView {
  const S* data;
  int rows, cols, ld;
};
template <class S>
struct MatView {
  S* data;
  int rows, cols, ld;
};

// Views of column-major Eigen objects (matrices, blocks, maps, Refs: anything with data(), rows(),
// cols(), outerStride()), so call sites read gemm(false, true, 1, cview(A), cview(B), 0, mview(C), ws).
template <class M>
auto cview(const M& m) {
  using S = std::remove_cv_t<std::remove_pointer_t<decltype(m.data())>>;
  return ConstMatView<S>{m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()),
                         static_cast<int>(m.outerStride())};
}
template <class M>
auto mview(M&& m) {
  using S = std::remove_pointer_t<decltype(m.data())>;
  static_assert(!std::is_const<S>::value, "mview needs a writable matrix");
  return MatView<S>{m.data(), static_cast<int>(m.rows()), static_cast<int>(m.cols()),
                    static_cast<int>(m.outerStride())};
}

// Packing buffers, reused across calls: they grow on the first use and then never reallocate.
template <class S>
struct GemmWorkspace {
  std::vector<S> a, b;
};

// C = alpha op(A) op(B) + beta C, op(X) = X^T when trans_x. With beta == 0, C is only written
// (NaNs in it do not propagate). Shapes must agree: op(A) is C.rows x k, op(B) is k x C.cols.
template <class S>
void gemm(bool trans_a, bool trans_b, S alpha, ConstMatView<S> A, ConstMatView<S> B, S beta, MatView<S> C,
          GemmWorkspace<S>& ws);

// The float kernel in use on this CPU: "avx512", "avx2" or "generic".
const char* gemm_kernel();
// The same choice as an enum, for other run-time dispatched loops (token_rows.h).
enum class SimdLevel { Generic, Avx2, Avx512 };
SimdLevel simd_level();
// For tests and benchmarks: use the named float kernel from now on. Returns false (and changes
// nothing) if the CPU or the build lacks it. "auto" restores the default choice.
bool gemm_select_kernel(const char* name);

}  // namespace grok
