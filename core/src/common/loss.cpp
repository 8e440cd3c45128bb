#include "grok/common/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <cstring>

namespace grok {

namespace {

// e^x for x <= 0 (softmax's logits shifted by their maximum) from IEEE basic operations only, so
// the compiler vectorizes a loop of it and every build rounds alike (glibc's and Emscripten's exp
// differ in the last bit): x = k ln2 + r with |r| <= ln2/2 (k by the 1.5 * 2^52 rounding trick, ln2 in
// two parts so k * ln2_hi is exact), e^r by its Taylor series to r^13 (truncation < 1e-17 relative),
// times 2^k built from the exponent bits. Below -708, e^x < 3e-308 is taken as e^-708: the sum of a
// softmax is at least 1, so that cannot change a loss or a gradient at double precision.
inline double exp_nonpositive(double x) {
  x = x < -708.0 ? -708.0 : x;
  const double shifter = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer in the low bits
  const double t = x * 1.4426950408889634074 + shifter;
  const double kd = t - shifter;
  const double r = (x - kd * 6.93147180369123816490e-01) - kd * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // Unsigned arithmetic: it wraps where signed would be undefined (a NaN logit gives garbage bits
  // here, and a NaN result either way).
  uint64_t tb, sb;
  std::memcpy(&tb, &t, 8);
  std::memcpy(&sb, &shifter, 8);
  const uint64_t k = tb - sb;  // the integer t - shifter (two's complement), from the low mantissa bits
  const uint64_t bits = (k + 1023) << 52;
  double scale;
  std::memcpy(&scale, &bits, 8);
  return p * scale;
}

// t[i] = e^t[i] for i < n: a plain loop the compiler vectorizes (SSE2 or wasm SIMD by default; on
// x86-64 Linux also cloned for AVX2 and AVX-512, picked at load time).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void exp_block(double* __restrict t, long n) {
  for (long i = 0; i < n; ++i) t[i] = exp_nonpositive(t[i]);
}

// Sum in eight interleaved partial sums combined pairwise: a fixed order on every platform, and short
// dependency chains (a plain running sum over 113 classes waits on 113 additions in a row).
inline double sum_fixed_order(const double* t, long n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += t[i + k];
  for (int k = 0; i < n; ++i, ++k) acc[k] += t[i];
  return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

// A logit gradient as the scalar type, with magnitudes below the type's smallest normal number
// flushed to 0. Once a model is confident, softmax puts e^-100 ~ 1e-44 on its wrong answers: in
// float32 that is subnormal, and every product that reads a subnormal takes a microcode assist on
// x86 (no flush-to-zero without -ffast-math, and none at all in wasm): a grokked run's backward
// pass became 7-10x slower (browser-transformer seed 4: 2.2 ms/step before, 16-22 ms/step after
// step 1800). The flushed part is below 1.2e-38 per entry, far under float32 rounding of the rest.
template <class S>
inline S gradient_value(double g) {
  return std::abs(g) < static_cast<double>(std::numeric_limits<S>::min()) ? S(0) : static_cast<S>(g);
}

constexpr long kBlockValues = 4096;  // doubles of scratch per block of columns: 32 KB, in L1

// Softmax cross-entropy a block of columns at a time: the shifted logits of the block in one
// scratch array, one vectorized exp pass over all of it, then the per-column sums, losses and
// gradients.
template <class S>
BatchStats softmax_cross_entropy(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                                 Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale, Eigen::ArrayXXd& work) {
  const Eigen::Index classes = logits.rows(), n = logits.cols();
  BatchStats st;
  st.count = n;
  const Eigen::Index block = std::max<Eigen::Index>(1, kBlockValues / std::max<Eigen::Index>(1, classes));
  if (work.size() < block * classes) work.resize(block * classes, 1);
  double* t = work.data();
  double maxes[kBlockValues];
  for (Eigen::Index j0 = 0; j0 < n; j0 += block) {
    const Eigen::Index cols = std::min(block, n - j0);
    for (Eigen::Index j = 0; j < cols; ++j) {
      const S* x = logits.col(j0 + j).data();
      Eigen::Index arg = 0;
      S best = x[0];
      for (Eigen::Index c = 1; c < classes; ++c)
        if (x[c] > best) { best = x[c]; arg = c; }
      st.correct += (arg == labels[j0 + j]);
      const double m = static_cast<double>(best);
      maxes[j] = m;
      double* tj = t + j * classes;
      for (Eigen::Index c = 0; c < classes; ++c) tj[c] = static_cast<double>(x[c]) - m;
    }
    exp_block(t, cols * classes);
    for (Eigen::Index j = 0; j < cols; ++j) {
      const int y = labels[j0 + j];
      const double* zj = t + j * classes;
      const double total = sum_fixed_order(zj, classes);
      // -log(z_y / total) with log z_y = the shifted logit, so an underflowed z_y still gives the
      // right (large) loss instead of inf.
      const double loss = std::log(total) - (static_cast<double>(logits(y, j0 + j)) - maxes[j]);
      if (!std::isfinite(loss)) st.finite = false;
      st.loss_sum += loss;
      if (!dlogits) continue;
      S* d = dlogits->col(j0 + j).data();
      // One division per example, not per class: a vector division costs several multiplies
      // (in wasm the loop's largest cost after exp). Within an ulp of z / total, in double.
      const double inv_total = 1.0 / total, scale = grad_scale * inv_total;
      for (Eigen::Index c = 0; c < classes; ++c) d[c] = gradient_value<S>(scale * zj[c]);
      d[y] = gradient_value<S>(grad_scale * (zj[y] * inv_total - 1.0));
    }
  }
  return st;
}

}  // namespace

// StableMax one column at a time, so its values stay in L1.
template <class S>
BatchStats cross_entropy(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                         LossKind kind, Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale,
                         Eigen::ArrayXXd& work) {
  if (kind == LossKind::Softmax) return softmax_cross_entropy<S>(logits, labels, dlogits, grad_scale, work);
  const Eigen::Index classes = logits.rows(), n = logits.cols();
  BatchStats st;
  st.count = n;
  if (work.rows() != classes || work.cols() < 1) work.resize(classes, 1);
  auto z = work.col(0);
  for (Eigen::Index j = 0; j < n; ++j) {
    const int y = labels[j];
    const auto x = logits.col(j);
    Eigen::Index arg;
    x.maxCoeff(&arg);
    st.correct += (arg == y);
    z = x.template cast<double>().array().unaryExpr([](double v) { return stablemax_s(v); });
    const double total = z.sum();
    const double loss = std::log(total) - std::log(z(y));
    if (!std::isfinite(loss)) st.finite = false;
    st.loss_sum += loss;
    if (!dlogits) continue;
    auto d = dlogits->col(j);
    // d/dx_i [log S - log s(x_y)] = s'(x_i)/S - [i==y] s'(x_y)/s(x_y), s' = 1 or 1/(1-x)^2.
    for (Eigen::Index i = 0; i < classes; ++i) {
      const double v = x(i);
      const double ds = v >= 0.0 ? 1.0 : 1.0 / ((1.0 - v) * (1.0 - v));
      double g = ds / total;
      if (i == y) g -= ds / z(i);
      d(i) = gradient_value<S>(grad_scale * g);
    }
  }
  return st;
}

template <class S>
BatchStats mse_loss(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                    Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale) {
  const Eigen::Index classes = logits.rows(), n = logits.cols();
  BatchStats st;
  st.count = n;
  const double inv_classes = 1.0 / static_cast<double>(classes);
  for (Eigen::Index j = 0; j < n; ++j) {
    const int y = labels[j];
    const auto z = logits.col(j);
    Eigen::Index arg;
    z.maxCoeff(&arg);
    st.correct += (arg == y);
    double sum = 0;
    for (Eigen::Index c = 0; c < classes; ++c) {
      const double e = static_cast<double>(z(c)) - (c == y ? 1.0 : 0.0);
      sum += e * e;
      if (dlogits) (*dlogits)(c, j) = gradient_value<S>(grad_scale * 2.0 * e * inv_classes);
    }
    const double loss = sum * inv_classes;
    if (!std::isfinite(loss)) st.finite = false;
    st.loss_sum += loss;
  }
  return st;
}

template BatchStats mse_loss<float>(const Eigen::Ref<const Eigen::MatrixXf>&, const int*, Eigen::MatrixXf*, double);
template BatchStats mse_loss<double>(const Eigen::Ref<const Eigen::MatrixXd>&, const int*, Eigen::MatrixXd*, double);
template BatchStats cross_entropy<float>(const Eigen::Ref<const Eigen::MatrixXf>&, const int*, LossKind,
                                         Eigen::MatrixXf*, double, Eigen::ArrayXXd&);
template BatchStats cross_entropy<double>(const Eigen::Ref<const Eigen::MatrixXd>&, const int*, LossKind,
                                          Eigen::MatrixXd*, double, Eigen::ArrayXXd&);

}  // namespace grok
