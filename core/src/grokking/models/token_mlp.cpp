#include "grok/grokking/models/token_mlp.h"

#include <algorithm>

#include "grok/common/gemm.h"
#include "grok/grokking/models/transformer/layers.h"  // ensure_cols

namespace grok {

template <class S>
MlpModel<S>::MlpModel(const Config& config, const Dataset& data)
    : n_tokens_(data.n_elements), classes_(data.n_elements), d_model_(config.d_model),
      hidden_(config.hidden), quad_(config.activation == "quad"), tied_(config.mlp_input == "tied"),
      factored_(config.mlp_input == "factored") {
  auto& P = this->params_;
  Rng rng(init_seed(config.seed));
  this->loss_kind = loss_kind_for(config);
  if (factored_) {
    E_ = P.add("E", d_model_, n_tokens_);       // shared by a, b and (transposed) the output
    W_h_ = P.add("W_h", hidden_, d_model_);     // shared hidden layer, no bias
    W_o_ = P.add("W_o", d_model_, hidden_);     // back to embedding space, no bias
    P.finalize();
    // PAIR's notebook: embedding VarianceScaling(2) over fan_in = tokens; haiku Linear 1/sqrt(fan_in).
    fill_normal<S>(P.w(E_), rng, std::sqrt(2.0 / n_tokens_));
    fill_normal<S>(P.w(W_h_), rng, 1.0 / std::sqrt(double(d_model_)));
    fill_normal<S>(P.w(W_o_), rng, 1.0 / std::sqrt(double(hidden_)));
    return;
  }
  if (tied_) {
    W_input_ = P.add("W_input", hidden_, n_tokens_);  // (hidden x tokens): one-hot input weights
    W_out_ = P.add("W_out", classes_, hidden_);
    P.finalize();
    // Each pre-activation sums two columns: variance 1/2 keeps it unit-scale.
    fill_normal<S>(P.w(W_input_), rng, std::sqrt(0.5));
    fill_normal<S>(P.w(W_out_), rng, 1.0 / std::sqrt(double(hidden_)));
    return;
  }
  E_a_ = P.add("E_a", d_model_, n_tokens_);      // (d_model x tokens) column per token
  E_b_ = P.add("E_b", d_model_, n_tokens_);
  W_in_a_ = P.add("W_in_a", hidden_, d_model_);  // (hidden x d_model)
  W_in_b_ = P.add("W_in_b", hidden_, d_model_);
  b_in_ = P.add("b_in", hidden_, 1);             // zero init
  W_out_ = P.add("W_out", classes_, hidden_);    // (classes x hidden)
  P.finalize();
  // Variance 1/fan_in everywhere: embeddings like Nanda's N(0, 1/d_model), layers by fan-in.
  fill_normal<S>(P.w(E_a_), rng, 1.0 / std::sqrt(double(d_model_)));
  fill_normal<S>(P.w(E_b_), rng, 1.0 / std::sqrt(double(d_model_)));
  fill_normal<S>(P.w(W_in_a_), rng, 1.0 / std::sqrt(2.0 * d_model_));
  fill_normal<S>(P.w(W_in_b_), rng, 1.0 / std::sqrt(2.0 * d_model_));
  fill_normal<S>(P.w(W_out_), rng, 1.0 / std::sqrt(double(hidden_)));
}

template <class S>
void MlpModel<S>::tabulate() {
  auto& P = this->params_;
  if (tied_) return;  // the input matrix is the table
  if (factored_) {
    // Both operands share W_h E; the output map E^T W_o is (tokens x hidden), far smaller than going
    // through the d_model-wide embedding space per example.
    table_a_.resize(hidden_, n_tokens_);
    table_a_.noalias() = P.w(W_h_) * P.w(E_);
    out_map_.resize(classes_, hidden_);
    out_map_.noalias() = P.w(E_).transpose() * P.w(W_o_);
    return;
  }
  table_a_.resize(hidden_, n_tokens_);
  table_b_.resize(hidden_, n_tokens_);
  gemm(false, false, S(1), cview(P.w(W_in_a_)), cview(P.w(E_a_)), S(0), mview(table_a_), gemm_ws_);
  gemm(false, false, S(1), cview(P.w(W_in_b_)), cview(P.w(E_b_)), S(0), mview(table_b_), gemm_ws_);
}

template <class S>
bool MlpModel<S>::set_pool(ThreadPool* pool) {
  pool_ = pool;
  work_.resize(pool ? pool->size() : 1);
  return true;
}

template <class S>
template <class F>
void MlpModel<S>::for_each_group(int n, F&& f) {
  const ExampleGroups s = ExampleGroups::of(n);
  if (group_.size() < static_cast<size_t>(s.groups)) group_.resize(s.groups);
  if (work_.empty()) work_.resize(1);
  auto task = [&](int g, int worker) {
    const int start = g * s.per;
    f(g, start, std::min(n, start + s.per) - start, work_[worker]);
  };
  if (pool_ && s.groups > 1) pool_->run(s.groups, task);
  else
    for (int g = 0; g < s.groups; ++g) task(g, 0);
}

template <class S>
void MlpModel<S>::forward(Work& w, const int* a, const int* b, int n) {
  auto& P = this->params_;
  ensure_cols(w.pre, hidden_, n);
  ensure_cols(w.h, hidden_, n);
  ensure_cols(w.logits, classes_, n);
  if (tied_) {
    const auto W = P.w(W_input_);
    for (int j = 0; j < n; ++j) w.pre.col(j) = W.col(a[j]) + W.col(b[j]);
  } else if (factored_) {
    for (int j = 0; j < n; ++j) w.pre.col(j) = table_a_.col(a[j]) + table_a_.col(b[j]);
  } else {
    const auto bias = P.w(b_in_).col(0);
    for (int j = 0; j < n; ++j) w.pre.col(j) = table_a_.col(a[j]) + table_b_.col(b[j]) + bias;
  }
  auto pre = w.pre.leftCols(n);
  auto h = w.h.leftCols(n);
  if (quad_) h = pre.array().square().matrix();
  else h = pre.cwiseMax(S(0));
  const ConstMatView<S> W = factored_ ? cview(out_map_) : cview(P.w(W_out_));
  gemm(false, false, S(1), W, cview(h), S(0), mview(w.logits.leftCols(n)), w.gemm_ws);
}

template <class S>
void MlpModel<S>::backward(Work& w, GroupGrad& g, const int* a, const int* b, int n) {
  auto& P = this->params_;
  ensure_cols(w.dh, hidden_, n);
  auto dlogits = w.dlogits.leftCols(n);
  auto h = w.h.leftCols(n);
  auto pre = w.pre.leftCols(n);
  auto dh = w.dh.leftCols(n);
  // The three products of a step go through gemm(): the CPU's widest kernel, no allocation.
  g.d_out.resize(classes_, hidden_);  // (classes x hidden): W_out's, or factored the output map's
  gemm(false, true, S(1), cview(dlogits), cview(h), S(0), mview(g.d_out), w.gemm_ws);
  const ConstMatView<S> W = factored_ ? cview(out_map_) : cview(P.w(W_out_));
  gemm(true, false, S(1), W, cview(dlogits), S(0), mview(dh), w.gemm_ws);
  // dpre = dh * act'(pre), in place in dh.
  if (quad_) dh.array() *= S(2) * pre.array();
  else dh.array() *= (pre.array() > S(0)).template cast<S>();
  // Scattered into the group's table gradients (tied and factored: one table for both operands).
  g.dtable_a.setZero(hidden_, n_tokens_);
  if (tied_ || factored_) {
    for (int j = 0; j < n; ++j) {
      g.dtable_a.col(a[j]) += dh.col(j);
      g.dtable_a.col(b[j]) += dh.col(j);
    }
    return;
  }
  g.db_in = dh.rowwise().sum();
  g.dtable_b.setZero(hidden_, n_tokens_);
  for (int j = 0; j < n; ++j) {
    g.dtable_a.col(a[j]) += dh.col(j);
    g.dtable_b.col(b[j]) += dh.col(j);
  }
}

template <class S>
BatchStats MlpModel<S>::forward_backward(const Inputs& in, const int* y, int n, int mean_over) {
  const int *a = in.a, *b = in.b;
  auto& P = this->params_;
  tabulate();
  for_each_group(n, [&](int g, int start, int m, Work& w) {
    forward(w, a + start, b + start, m);
    ensure_cols(w.dlogits, classes_, m);
    Mat* dl = &w.dlogits;
    group_[g].st = batch_loss<S>(w.logits.leftCols(m), y + start, this->loss_kind, dl, 1.0 / mean_over, w.loss_work);
    backward(w, group_[g], a + start, b + start, m);
  });
  // The groups' sums in group order (the same for any number of threads).
  const int groups = ExampleGroups::of(n).groups;
  BatchStats st = group_[0].st;
  d_out_ = group_[0].d_out;
  dtable_a_ = group_[0].dtable_a;
  const bool two_tables = !tied_ && !factored_;
  Eigen::Matrix<S, -1, 1> db_in;
  if (two_tables) { dtable_b_ = group_[0].dtable_b; db_in = group_[0].db_in; }
  for (int g = 1; g < groups; ++g) {
    st += group_[g].st;
    d_out_ += group_[g].d_out;
    dtable_a_ += group_[g].dtable_a;
    if (two_tables) { dtable_b_ += group_[g].dtable_b; db_in += group_[g].db_in; }
  }
  if (tied_) {  // the input matrix is the table
    P.g(W_out_) += d_out_;
    P.g(W_input_) += dtable_a_;
    return st;
  }
  if (factored_) {
    // out_map = E^T W_o  =>  dE += W_o dout_map^T, dW_o += E dout_map.
    // table = W_h E      =>  dW_h += dtable E^T,    dE += W_h^T dtable.
    P.g(E_).noalias() += P.w(W_o_) * d_out_.transpose();
    P.g(W_o_).noalias() += P.w(E_) * d_out_;
    P.g(W_h_).noalias() += dtable_a_ * P.w(E_).transpose();
    P.g(E_).noalias() += P.w(W_h_).transpose() * dtable_a_;
    return st;
  }
  P.g(W_out_) += d_out_;
  P.g(b_in_).col(0) += db_in;
  // table = W_in E  =>  dW_in += dtable E^T, dE += W_in^T dtable.
  gemm(false, true, S(1), cview(dtable_a_), cview(P.w(E_a_)), S(1), mview(P.g(W_in_a_)), gemm_ws_);
  gemm(false, true, S(1), cview(dtable_b_), cview(P.w(E_b_)), S(1), mview(P.g(W_in_b_)), gemm_ws_);
  gemm(true, false, S(1), cview(P.w(W_in_a_)), cview(dtable_a_), S(1), mview(P.g(E_a_)), gemm_ws_);
  gemm(true, false, S(1), cview(P.w(W_in_b_)), cview(dtable_b_), S(1), mview(P.g(E_b_)), gemm_ws_);
  return st;
}

template <class S>
BatchStats MlpModel<S>::evaluate(const Inputs& in, const int* y, int n) {
  const int *a = in.a, *b = in.b;
  tabulate();
  // Large sets in chunks of at most 4096 per group call (buffers stay bounded), each split in groups.
  constexpr int kChunk = 4096;
  BatchStats total;
  for (int start = 0; start < n; start += kChunk) {
    const int m = std::min(kChunk, n - start);
    for_each_group(m, [&](int g, int s0, int k, Work& w) {
      forward(w, a + start + s0, b + start + s0, k);
      group_[g].st = batch_loss<S>(w.logits.leftCols(k), y + start + s0, this->loss_kind, nullptr, 1.0, w.loss_work);
    });
    for (int g = 0, groups = ExampleGroups::of(m).groups; g < groups; ++g) total += group_[g].st;
  }
  return total;
}

template <class S>
void MlpModel<S>::logits(const Inputs& in, int n, Mat& out) {
  if (work_.empty()) work_.resize(1);
  tabulate();
  forward(work_[0], in.a, in.b, n);
  out = work_[0].logits.leftCols(n);
}

template <class S>
void MlpModel<S>::inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) {
  if (work_.empty()) work_.resize(1);
  tabulate();
  forward(work_[0], in.a, in.b, n);
  hidden = work_[0].h.leftCols(n);
  if (logits) *logits = work_[0].logits.leftCols(n);
}

template <class S>
typename MlpModel<S>::Mat MlpModel<S>::token_embedding() const {
  // The operand-a path seen by the hidden layer: column t of W_in_a E_a, one row per token. This is
  // what the network actually uses (E_a alone is only defined up to W_in_a).
  if (tied_) return this->params_.w(W_input_).transpose();
  if (factored_) {
    Mat t = this->params_.w(W_h_) * this->params_.w(E_);
    return t.transpose();
  }
  Mat t = this->params_.w(W_in_a_) * this->params_.w(E_a_);
  return t.transpose();
}

template <class S>
typename MlpModel<S>::Mat MlpModel<S>::hidden_to_logits() const {
  if (factored_) return this->params_.w(E_).transpose() * this->params_.w(W_o_);
  return this->params_.w(W_out_);
}

template class MlpModel<float>;
template class MlpModel<double>;

}  // namespace grok
