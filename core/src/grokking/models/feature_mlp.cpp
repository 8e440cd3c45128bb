#include "grok/grokking/models/feature_mlp.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "grok/grokking/models/transformer/layers.h"  // ensure_cols

namespace grok {
namespace {
// The elementwise passes, one column at a time with __restrict pointers so the compiler vectorizes
// them (without it, possible aliasing between z, h and the bias keeps them scalar).
template <class S>
void add_bias(S* __restrict z, long ldz, const S* __restrict bias, int rows, int n) {
  for (int j = 0; j < n; ++j) {
    S* __restrict zj = z + j * ldz;
    for (int i = 0; i < rows; ++i) zj[i] += bias[i];
  }
}

template <class S>
void add_bias_and_activate(S* __restrict z, long ldz, S* __restrict h, long ldh, const S* __restrict bias, int rows,
                           int n, bool quad) {
  for (int j = 0; j < n; ++j) {
    S* __restrict zj = z + j * ldz;
    S* __restrict hj = h + j * ldh;
    if (quad)
      for (int i = 0; i < rows; ++i) { const S v = zj[i] + bias[i]; zj[i] = v; hj[i] = v * v; }
    else
      for (int i = 0; i < rows; ++i) { const S v = zj[i] + bias[i]; zj[i] = v; hj[i] = v > S(0) ? v : S(0); }
  }
}

// d *= act'(z) column by column: relu' = [z > 0], (x^2)' = 2 z.
template <class S>
void activation_backward_cols(const S* __restrict z, long ldz, S* __restrict d, long ldd, int rows, int n, bool quad) {
  for (int j = 0; j < n; ++j) {
    const S* __restrict zj = z + j * ldz;
    S* __restrict dj = d + j * ldd;
    if (quad)
      for (int i = 0; i < rows; ++i) dj[i] *= S(2) * zj[i];
    else
      for (int i = 0; i < rows; ++i) dj[i] = zj[i] > S(0) ? dj[i] : S(0);
  }
}
}  // namespace

template <class S>
FeatureMlp<S>::FeatureMlp(const Config& config, int in_dim, int classes)
    : in_dim_(in_dim), classes_(classes), hidden_(config.hidden), depth_(config.depth),
      quad_(config.activation == "quad") {
  auto& P = this->params_;
  this->loss_kind = loss_kind_for(config);
  widths_.push_back(in_dim_);
  for (int l = 0; l < depth_; ++l) widths_.push_back(hidden_);
  widths_.push_back(classes_);
  for (int l = 0; l <= depth_; ++l) {
    W_.push_back(P.add("layers." + std::to_string(l) + ".W", widths_[l + 1], widths_[l]));
    b_.push_back(P.add("layers." + std::to_string(l) + ".b", widths_[l + 1], 1));
  }
  P.finalize();
  // torch.nn.Linear: kaiming_uniform_(a = sqrt(5)) gives bound gain * sqrt(3 / fan_in) with gain
  // sqrt(2 / (1 + 5)), i.e. 1 / sqrt(fan_in); the bias uses the same bound. (init_scale: the factory.)
  Rng rng(init_seed(config.seed));
  for (int l = 0; l <= depth_; ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(widths_[l]));
    for (int i : {W_[l], b_[l]}) fill_uniform<S>(P.w(i), rng, bound);
  }
  Z_.resize(depth_ + 1);
  H_.resize(depth_);
}

template <class S>
void FeatureMlp<S>::forward(const float* x, int n) {
  auto& P = this->params_;
  if constexpr (!std::is_same_v<S, float>) {  // in float the data are read as they are, without a copy
    ensure_cols(X_, in_dim_, n);
    for (long k = 0; k < static_cast<long>(in_dim_) * n; ++k) X_.data()[k] = static_cast<S>(x[k]);
  }
  for (int l = 0; l <= depth_; ++l) {
    const int rows = widths_[l + 1];
    ensure_cols(Z_[l], rows, n);
    auto Z = Z_[l].leftCols(n);
    gemm<S>(false, false, S(1), cview(P.w(W_[l])), input_view(x, l, n), S(0), mview(Z), ws_);
    const S* bias = P.w(b_[l]).data();
    if (l == depth_) {
      add_bias(Z.data(), Z_[l].outerStride(), bias, rows, n);
      break;
    }
    ensure_cols(H_[l], rows, n);
    add_bias_and_activate(Z.data(), Z_[l].outerStride(), H_[l].data(), H_[l].outerStride(), bias, rows, n, quad_);
  }
}

template <class S>
ConstMatView<S> FeatureMlp<S>::input_view(const float* x, int l, int n) const {
  if (l > 0) return cview(H_[l - 1].leftCols(n));
  if constexpr (std::is_same_v<S, float>) return ConstMatView<S>{x, in_dim_, n, in_dim_};
  else return cview(X_.leftCols(n));
}

template <class S>
BatchStats FeatureMlp<S>::forward_backward(const Inputs& in, const int* y, int n, int mean_over) {
  auto& P = this->params_;
  forward(in.x, n);
  ensure_cols(dlogits_, classes_, n);
  const BatchStats st = batch_loss<S>(Z_[depth_].leftCols(n), y, this->loss_kind, &dlogits_, 1.0 / mean_over, loss_work_);
  ensure_cols(dA_, hidden_, n);
  ensure_cols(dB_, hidden_, n);
  // grad holds d(loss)/dZ_l (widths_[l + 1] rows); next receives d(loss)/dZ_{l-1}.
  Mat* grad = &dlogits_;
  Mat* next = &dA_;
  for (int l = depth_; l >= 0; --l) {
    const int rows = widths_[l + 1], cols = widths_[l];
    const auto dZ = grad->leftCols(n);
    // dW_l += dZ input^T; db_l += the row sums of dZ.
    gemm<S>(false, true, S(1), cview(dZ), input_view(in.x, l, n), S(1), mview(P.g(W_[l])), ws_);
    S* db = P.g(b_[l]).data();
    for (int j = 0; j < n; ++j) {
      const S* d = dZ.col(j).data();
      for (int i = 0; i < rows; ++i) db[i] += d[i];
    }
    if (l == 0) break;
    // d(input) = W_l^T dZ, then through the activation of layer l-1.
    auto dH = next->leftCols(n);
    gemm<S>(true, false, S(1), cview(P.w(W_[l])), cview(dZ), S(0), mview(dH), ws_);
    activation_backward_cols(Z_[l - 1].data(), Z_[l - 1].outerStride(), dH.data(), next->outerStride(), cols, n, quad_);
    grad = next;
    next = next == &dA_ ? &dB_ : &dA_;
  }
  return st;
}

template <class S>
BatchStats FeatureMlp<S>::evaluate(const Inputs& in, const int* y, int n) {
  BatchStats total;
  for (int start = 0; start < n; start += kEvalChunk) {
    const int m = std::min(kEvalChunk, n - start);
    forward(in.from(start).x, m);
    total += batch_loss<S>(Z_[depth_].leftCols(m), y + start, this->loss_kind, nullptr, 1.0, loss_work_);
  }
  return total;
}

template <class S>
void FeatureMlp<S>::logits(const Inputs& in, int n, Mat& out) {
  out.resize(classes_, n);
  for (int start = 0; start < n; start += kEvalChunk) {
    const int m = std::min(kEvalChunk, n - start);
    forward(in.from(start).x, m);
    out.middleCols(start, m) = Z_[depth_].leftCols(m);
  }
}

template <class S>
void FeatureMlp<S>::inspect(const Inputs& in, int n, Mat& hidden, Mat* logits_out) {
  hidden.resize(hidden_, n);
  if (logits_out) logits_out->resize(classes_, n);
  for (int start = 0; start < n; start += kEvalChunk) {
    const int m = std::min(kEvalChunk, n - start);
    forward(in.from(start).x, m);
    hidden.middleCols(start, m) = H_[depth_ - 1].leftCols(m);
    if (logits_out) logits_out->middleCols(start, m) = Z_[depth_].leftCols(m);
  }
}

template class FeatureMlp<float>;
template class FeatureMlp<double>;

}  // namespace grok
