// gemm() (gemm.h) against a plain triple loop in double: every float kernel this CPU
// has (generic, avx2, avx512), every transpose combination, shapes that hit the edge tiles, the
// depth/row/column blocking and the transposed-result path, and the beta semantics.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "grok/common/gemm.h"

using namespace grok;

namespace {

template <class S>
struct Mat {  // column-major with a leading dimension larger than rows (exercises ld)
  int rows, cols, ld;
  std::vector<S> v;
  Mat(int r, int c, std::mt19937& gen) : rows(r), cols(c), ld(r + 3), v(static_cast<size_t>(ld) * c) {
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    for (auto& x : v) x = static_cast<S>(dist(gen));
  }
  S& at(int i, int j) { return v[i + static_cast<size_t>(j) * ld]; }
  ConstMatView<S> cv() const { return {v.data(), rows, cols, ld}; }
  MatView<S> mv() { return {v.data(), rows, cols, ld}; }
};

// Worst relative error of gemm against the double-precision loop, over one case.
template <class S>
double check_case(bool ta, bool tb, int m, int n, int k, S alpha, S beta, GemmWorkspace<S>& ws, std::mt19937& gen) {
  Mat<S> A(ta ? k : m, ta ? m : k, gen), B(tb ? n : k, tb ? k : n, gen), C(m, n, gen);
  if (beta == S(0))  // beta 0 must not read C: poison it
    for (auto& x : C.v) x = std::numeric_limits<S>::quiet_NaN();
  Mat<S> C0 = C;
  gemm<S>(ta, tb, alpha, A.cv(), B.cv(), beta, C.mv(), ws);
  double worst = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      double ref = 0, scale = 0;
      for (int p = 0; p < k; ++p) {
        const double x = ta ? A.at(p, i) : A.at(i, p), y = tb ? B.at(j, p) : B.at(p, j);
        ref += x * y;
        scale += std::abs(x * y);
      }
      ref *= alpha;
      scale *= std::abs(alpha);
      if (beta != S(0)) {
        ref += beta * double(C0.at(i, j));
        scale += std::abs(beta * double(C0.at(i, j)));
      }
      worst = std::max(worst, std::abs(C.at(i, j) - ref) / std::max(scale, 1e-30));
    }
  // Padding past rows (ld > rows) is untouched (bit for bit: NaN stays NaN).
  int touched = 0;
  for (int j = 0; j < n; ++j)
    for (int i = m; i < C.ld; ++i) {
      const size_t at = i + static_cast<size_t>(j) * C.ld;
      touched += std::memcmp(&C.v[at], &C0.v[at], sizeof(S)) != 0;
    }
  CHECK(touched == 0);
  return worst;
}

// With AVX-512, products whose op(A) holds at most 64K values (and k <= 1024) take the unpacked
// small path (every row tail 1..64 and column tail 1..6 below), larger ones the packed one.
struct Shape { int m, n, k; };
const Shape kShapes[] = {
    {1, 1, 1},    {3, 5, 2},     {8, 6, 4},     {33, 17, 5},   {113, 40, 70}, {12, 300, 37},
    {300, 12, 40}, {70, 90, 700}, {200, 7, 3},  {5, 4100, 3},  {64, 64, 64},  {17, 13, 9},
    {63, 7, 1},   {65, 25, 3},   {300, 100, 300}, {257, 33, 513}, {40, 50, 1100},
};

}  // namespace

TEST_CASE("gemm matches a reference product for every kernel, transpose and shape", "[gemm]") {
  std::mt19937 gen(11);
  for (const char* kernel : {"generic", "avx2", "avx512"}) {
    if (!gemm_select_kernel(kernel)) {
      WARN("gemm kernel " << kernel << " not available on this CPU/build: skipped");
      continue;
    }
    CHECK(std::string(gemm_kernel()) == kernel);
    GemmWorkspace<float> ws;
    for (const Shape& s : kShapes)
      for (int t = 0; t < 4; ++t)
        for (float beta : {0.0f, 1.0f, -0.5f}) {
          const bool ta = t & 1, tb = t & 2;
          INFO(kernel << " m " << s.m << " n " << s.n << " k " << s.k << " ta " << ta << " tb " << tb << " beta " << beta);
          CHECK(check_case<float>(ta, tb, s.m, s.n, s.k, 0.75f, beta, ws, gen) < 1e-5);
        }
  }
  REQUIRE(gemm_select_kernel("auto"));
  GemmWorkspace<double> wsd;
  for (const Shape& s : kShapes)
    for (int t = 0; t < 4; ++t) {
      INFO("double m " << s.m << " n " << s.n << " k " << s.k << " t " << t);
      CHECK(check_case<double>(t & 1, t & 2, s.m, s.n, s.k, 1.25, 0.5, wsd, gen) < 1e-13);
    }
}

TEST_CASE("gemm edge cases: empty depth scales C, zero size is a no-op", "[gemm]") {
  std::mt19937 gen(12);
  GemmWorkspace<float> ws;
  Mat<float> A(4, 0, gen), B(0, 3, gen), C(4, 3, gen);
  const Mat<float> C0 = C;
  gemm<float>(false, false, 1.0f, A.cv(), B.cv(), 2.0f, C.mv(), ws);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 4; ++i) CHECK(C.at(i, j) == 2.0f * C0.v[i + static_cast<size_t>(j) * C0.ld]);
  gemm<float>(false, false, 1.0f, A.cv(), B.cv(), 0.0f, C.mv(), ws);
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 4; ++i) CHECK(C.at(i, j) == 0.0f);
}
