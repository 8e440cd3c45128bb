// TransformerModel: parameters, init, the layer-by-layer reference path, and dispatch to the
// tabulated one-layer path (tabulated.cpp) when it applies.
#include "grok/grokking/models/transformer/transformer.h"

#include <algorithm>
#include <cmath>

#include "grok/grokking/models/transformer/tabulated.h"

namespace grok {
namespace {
constexpr int kReferenceChunk = 1024;   // examples per evaluation chunk (reference path)
constexpr int kFastChunk = 4096;        // examples per evaluation chunk (tabulated path)
}  // namespace

template <class S>
TransformerModel<S>::TransformerModel(const Config& config, const Dataset& data)
    : dims_(transformer_dims(config, data.n_elements)) {
  const int d = dims_.d_model, hd = dims_.heads * dims_.d_head, m = dims_.d_mlp;

  auto& P = this->params_;
  index_.W_E = P.add("W_E", d, dims_.vocab);
  index_.W_pos = P.add("W_pos", d, dims_.positions);
  for (int l = 0; l < dims_.layers; ++l) {
    const std::string p = "blocks." + std::to_string(l) + ".";
    BlockParamIndex b;
    b.W_Q = P.add(p + "W_Q", hd, d);
    b.W_K = P.add(p + "W_K", hd, d);
    b.W_V = P.add(p + "W_V", hd, d);
    if (dims_.attn_bias) {
      b.b_Q = P.add(p + "b_Q", hd, 1);
      b.b_K = P.add(p + "b_K", hd, 1);
      b.b_V = P.add(p + "b_V", hd, 1);
    }
    b.W_O = P.add(p + "W_O", d, hd);
    if (dims_.attn_bias) b.b_O = P.add(p + "b_O", d, 1);
    b.W_in = P.add(p + "W_in", m, d);
    b.b_in = P.add(p + "b_in", m, 1);
    b.W_out = P.add(p + "W_out", d, m);
    b.b_out = P.add(p + "b_out", d, 1);
    if (dims_.block_ln()) {
      b.ln1_w = P.add(p + "ln1_w", d, 1);
      b.ln1_b = P.add(p + "ln1_b", d, 1);
      b.ln2_w = P.add(p + "ln2_w", d, 1);
      b.ln2_b = P.add(p + "ln2_b", d, 1);
    }
    index_.blocks.push_back(b);
  }
  if (dims_.pre_ln()) {
    index_.lnf_w = P.add("lnf_w", d, 1);
    index_.lnf_b = P.add("lnf_b", d, 1);
  }
  index_.W_U = P.add("W_U", dims_.classes, d);
  P.finalize();  // all zero: biases stay 0 unless drawn below

  // Draws in parameter order, so the PyTorch fixture can reproduce the weights from the same stream.
  Rng rng(init_seed(config.seed));
  if (dims_.torch_init) {
    fill_normal<S>(P.w(index_.W_E), rng, 1.0);
    fill_normal<S>(P.w(index_.W_pos), rng, 1.0);
    const double xavier = std::sqrt(6.0 / (d + 3.0 * hd));
    for (const auto& b : index_.blocks) {
      for (int i : {b.W_Q, b.W_K, b.W_V}) fill_uniform<S>(P.w(i), rng, xavier);
      fill_uniform<S>(P.w(b.W_O), rng, 1.0 / std::sqrt(double(hd)));
      fill_uniform<S>(P.w(b.W_in), rng, 1.0 / std::sqrt(double(d)));
      fill_uniform<S>(P.w(b.b_in), rng, 1.0 / std::sqrt(double(d)));
      fill_uniform<S>(P.w(b.W_out), rng, 1.0 / std::sqrt(double(m)));
      fill_uniform<S>(P.w(b.b_out), rng, 1.0 / std::sqrt(double(m)));
    }
    fill_uniform<S>(P.w(index_.W_U), rng, 1.0 / std::sqrt(double(d)));
  } else {
    // Nanda's init: randn / sqrt(d_model) everywhere except W_U = randn / sqrt(d_vocab).
    const double std_model = 1.0 / std::sqrt(double(d));
    fill_normal<S>(P.w(index_.W_E), rng, std_model);
    fill_normal<S>(P.w(index_.W_pos), rng, std_model);
    for (const auto& b : index_.blocks)
      for (int i : {b.W_Q, b.W_K, b.W_V, b.W_O, b.W_in, b.W_out}) fill_normal<S>(P.w(i), rng, std_model);
    // Nanda's d_vocab is p + 1 ([a, b, =]); kept so the default model's init is unchanged.
    fill_normal<S>(P.w(index_.W_U), rng, 1.0 / std::sqrt(double(dims_.elements + 1)));
  }
  for (const auto& b : index_.blocks)
    if (dims_.block_ln()) {
      P.w(b.ln1_w).setOnes();
      P.w(b.ln2_w).setOnes();
    }
  if (dims_.pre_ln()) P.w(index_.lnf_w).setOnes();
  this->loss_kind = loss_kind_for(config);

  if (tabulated_path_applies(dims_)) {
    fast_ = std::make_unique<TabulatedOneLayer<S>>(dims_, index_);
    use_fast_ = true;
  }
  X_.resize(dims_.layers + 1);
  dX_.resize(dims_.layers + 1);
  cache_.resize(dims_.layers);
}

template <class S>
TransformerModel<S>::~TransformerModel() = default;

template <class S>
bool TransformerModel<S>::set_pool(ThreadPool* pool) {
  if (!fast_) return false;
  fast_->set_pool(pool);
  return true;
}

namespace {
template <class S>
AttentionBias<S> attention_bias(const ParamsT<S>& P, const BlockParamIndex& b) {
  if (b.b_Q < 0) return {};
  return {P.w(b.b_Q).data(), P.w(b.b_K).data(), P.w(b.b_V).data(), P.w(b.b_O).data()};
}
template <class S>
AttentionBiasGrad<S> attention_bias_grad(ParamsT<S>& P, const BlockParamIndex& b) {
  if (b.b_Q < 0) return {};
  return {P.g(b.b_Q).data(), P.g(b.b_K).data(), P.g(b.b_V).data(), P.g(b.b_O).data()};
}
}  // namespace

template <class S>
void TransformerModel<S>::reference_forward(const int* a, const int* b, int n) {
  const auto& P = this->params_;
  const int d = dims_.d_model, L = dims_.layers, T = dims_.positions;
  const LayerNormPlace ln = dims_.ln;
  if (static_cast<int>(tokens_.size()) < T * n) tokens_.resize(T * n);
  int* tok = tokens_.data();
  std::copy(a, a + n, tok);
  if (dims_.op_token_input()) std::fill(tok + n, tok + 2 * n, dims_.op_token());
  std::copy(b, b + n, tok + (T - 2) * n);
  std::fill(tok + (T - 1) * n, tok + T * n, dims_.eq_token());

  ensure_cols(X_[0], d, T * n);
  embedding_forward<S>(X_[0].leftCols(T * n), P.w(index_.W_E), P.w(index_.W_pos), tok, n, T);
  for (int l = 0; l < L; ++l) {
    const auto& bi = index_.blocks[l];
    BlockCache& c = cache_[l];
    // Only the last position reaches the loss: the last block computes queries, attention output
    // and MLP there alone; earlier blocks feed keys and values of every position.
    const int q_from = l == L - 1 ? T - 1 : 0;
    const int cols = (T - q_from) * n;
    const AttentionDims ad{dims_.heads, dims_.d_head, T, q_from, n};
    const auto Xl = X_[l].leftCols(T * n);
    ensure_cols(c.attn_out, d, cols);
    ensure_cols(c.mid, d, cols);
    ensure_cols(c.mlp_out, d, cols);
    ensure_cols(X_[l + 1], d, cols);
    auto attn_out = c.attn_out.leftCols(cols);
    auto mid = c.mid.leftCols(cols);
    auto mlp_out = c.mlp_out.leftCols(cols);
    auto out = X_[l + 1].leftCols(cols);
    if (dims_.pre_ln()) {
      ensure_cols(c.normed, d, T * n);
      ensure_cols(c.mid_normed, d, cols);
      auto normed = c.normed.leftCols(T * n);
      auto mid_normed = c.mid_normed.leftCols(cols);
      layernorm_forward<S>(normed, Xl, P.w(bi.ln1_w), P.w(bi.ln1_b), c.ln1);
      attention_forward<S>(attn_out, normed, P.w(bi.W_Q), P.w(bi.W_K), P.w(bi.W_V), P.w(bi.W_O), ad, c.attn,
                           attention_bias(P, bi));
      // pre-inplace: the residual stream continues from LN1(x), not x.
      if (ln == LayerNormPlace::pre_inplace) mid = normed.rightCols(cols) + attn_out;
      else mid = Xl.rightCols(cols) + attn_out;
      layernorm_forward<S>(mid_normed, mid, P.w(bi.ln2_w), P.w(bi.ln2_b), c.ln2);
      mlp_forward<S>(mlp_out, mid_normed, P.w(bi.W_in), P.w(bi.b_in), P.w(bi.W_out), P.w(bi.b_out), dims_.act,
                     c.mlp);
      out = mid + mlp_out;
      continue;
    }
    attention_forward<S>(attn_out, Xl, P.w(bi.W_Q), P.w(bi.W_K), P.w(bi.W_V), P.w(bi.W_O), ad, c.attn,
                         attention_bias(P, bi));
    mid = Xl.rightCols(cols) + attn_out;
    if (ln == LayerNormPlace::post) layernorm_forward<S>(mid, mid, P.w(bi.ln1_w), P.w(bi.ln1_b), c.ln1);
    mlp_forward<S>(mlp_out, mid, P.w(bi.W_in), P.w(bi.b_in), P.w(bi.W_out), P.w(bi.b_out), dims_.act, c.mlp);
    out = mid + mlp_out;
    if (ln == LayerNormPlace::post) layernorm_forward<S>(out, out, P.w(bi.ln2_w), P.w(bi.ln2_b), c.ln2);
  }
  ensure_cols(logits_, dims_.classes, n);
  if (dims_.pre_ln()) {
    ensure_cols(final_, d, n);
    layernorm_forward<S>(final_.leftCols(n), X_[L].leftCols(n), P.w(index_.lnf_w), P.w(index_.lnf_b), lnf_);
    unembed_forward<S>(logits_.leftCols(n), final_.leftCols(n), P.w(index_.W_U));
  } else {
    unembed_forward<S>(logits_.leftCols(n), X_[L].leftCols(n), P.w(index_.W_U));
  }
}

template <class S>
void TransformerModel<S>::reference_backward(int n) {
  auto& P = this->params_;
  const int d = dims_.d_model, L = dims_.layers, T = dims_.positions;
  const LayerNormPlace ln = dims_.ln;
  ensure_cols(dX_[L], d, n);
  if (dims_.pre_ln()) {
    unembed_backward<S>(dX_[L].leftCols(n), P.g(index_.W_U), dlogits_.leftCols(n), final_.leftCols(n),
                        P.w(index_.W_U));
    layernorm_backward<S>(dX_[L].leftCols(n), P.g(index_.lnf_w), P.g(index_.lnf_b), dX_[L].leftCols(n),
                          P.w(index_.lnf_w), lnf_);
  } else {
    unembed_backward<S>(dX_[L].leftCols(n), P.g(index_.W_U), dlogits_.leftCols(n), X_[L].leftCols(n),
                        P.w(index_.W_U));
  }
  for (int l = L - 1; l >= 0; --l) {
    const auto& bi = index_.blocks[l];
    BlockCache& c = cache_[l];
    const int q_from = l == L - 1 ? T - 1 : 0;
    const int cols = (T - q_from) * n;
    const AttentionDims ad{dims_.heads, dims_.d_head, T, q_from, n};
    auto dout = dX_[l + 1].leftCols(cols);
    ensure_cols(c.dmid, d, cols);
    auto dmid = c.dmid.leftCols(cols);
    ensure_cols(dX_[l], d, T * n);
    auto din = dX_[l].leftCols(T * n);
    if (dims_.pre_ln()) {
      // out = mid + mlp(LN2(mid)): dmid = dout + LN2'(mlp'(dout)).
      ensure_cols(c.dtmp, d, cols);
      auto dtmp = c.dtmp.leftCols(cols);
      dtmp.setZero();
      mlp_backward<S>(dtmp, P.g(bi.W_in), P.g(bi.b_in), P.g(bi.W_out), P.g(bi.b_out), dout,
                      c.mid_normed.leftCols(cols), P.w(bi.W_in), P.w(bi.W_out), dims_.act, c.mlp);
      layernorm_backward<S>(dtmp, P.g(bi.ln2_w), P.g(bi.ln2_b), dtmp, P.w(bi.ln2_w), c.ln2);
      dmid = dout + dtmp;
      // mid = r + attn(normed), r = x (pre) or normed (pre-inplace), normed = LN1(x).
      ensure_cols(c.dnormed, d, T * n);
      auto dnormed = c.dnormed.leftCols(T * n);
      dnormed.setZero();
      if (ln == LayerNormPlace::pre_inplace) dnormed.rightCols(cols) = dmid;
      attention_backward<S>(dnormed, P.g(bi.W_Q), P.g(bi.W_K), P.g(bi.W_V), P.g(bi.W_O), dmid,
                            c.normed.leftCols(T * n), P.w(bi.W_Q), P.w(bi.W_K), P.w(bi.W_V), P.w(bi.W_O), ad,
                            c.attn, attention_bias_grad(P, bi));
      layernorm_backward<S>(dnormed, P.g(bi.ln1_w), P.g(bi.ln1_b), dnormed, P.w(bi.ln1_w), c.ln1);
      din = dnormed;
      if (ln == LayerNormPlace::pre) din.rightCols(cols) += dmid;
      continue;
    }
    if (ln == LayerNormPlace::post)
      layernorm_backward<S>(dout, P.g(bi.ln2_w), P.g(bi.ln2_b), dout, P.w(bi.ln2_w), c.ln2);
    dmid = dout;  // residual
    mlp_backward<S>(dmid, P.g(bi.W_in), P.g(bi.b_in), P.g(bi.W_out), P.g(bi.b_out), dout,
                    c.mid.leftCols(cols), P.w(bi.W_in), P.w(bi.W_out), dims_.act, c.mlp);
    if (ln == LayerNormPlace::post)
      layernorm_backward<S>(dmid, P.g(bi.ln1_w), P.g(bi.ln1_b), dmid, P.w(bi.ln1_w), c.ln1);
    din.leftCols(T * n - cols).setZero();
    din.rightCols(cols) = dmid;  // residual
    attention_backward<S>(din, P.g(bi.W_Q), P.g(bi.W_K), P.g(bi.W_V), P.g(bi.W_O), dmid,
                          X_[l].leftCols(T * n), P.w(bi.W_Q), P.w(bi.W_K), P.w(bi.W_V), P.w(bi.W_O), ad, c.attn,
                          attention_bias_grad(P, bi));
  }
  embedding_backward<S>(P.g(index_.W_E), P.g(index_.W_pos), dX_[0].leftCols(T * n), tokens_.data(), n, T);
}

template <class S>
Eigen::Block<typename TransformerModel<S>::Mat> TransformerModel<S>::forward_logits(const int* a, const int* b,
                                                                                    int n) {
  if (use_fast_) {
    fast_->forward(this->params_, a, b, n);
    return fast_->logits(n);
  }
  reference_forward(a, b, n);
  return logits_.block(0, 0, dims_.classes, n);
}

template <class S>
BatchStats TransformerModel<S>::forward_backward(const Inputs& in, const int* y, int n, int mean_over) {
  const int *a = in.a, *b = in.b;
  if (use_fast_) return fast_->forward_backward(this->params_, a, b, y, n, mean_over, this->loss_kind);
  reference_forward(a, b, n);
  ensure_cols(dlogits_, dims_.classes, n);
  const BatchStats st = batch_loss<S>(logits_.leftCols(n), y, this->loss_kind, &dlogits_, 1.0 / mean_over,
                                         loss_work_);
  reference_backward(n);
  return st;
}

template <class S>
BatchStats TransformerModel<S>::evaluate(const Inputs& in, const int* y, int n) {
  const int *a = in.a, *b = in.b;
  if (use_fast_) return fast_->evaluate(this->params_, a, b, y, n, this->loss_kind);
  BatchStats total;
  for (int start = 0; start < n; start += kReferenceChunk) {
    const int m = std::min(kReferenceChunk, n - start);
    const auto logits = forward_logits(a + start, b + start, m);
    total += batch_loss<S>(logits, y + start, this->loss_kind, nullptr, 1.0, loss_work_);
  }
  return total;
}

template <class S>
void TransformerModel<S>::logits(const Inputs& in, int n, Mat& out) {
  const int *a = in.a, *b = in.b;
  out.resize(dims_.classes, n);
  const int chunk = use_fast_ ? kFastChunk : kReferenceChunk;
  for (int start = 0; start < n; start += chunk) {
    const int m = std::min(chunk, n - start);
    out.middleCols(start, m) = forward_logits(a + start, b + start, m);
  }
}

template <class S>
void TransformerModel<S>::inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) {
  const int *a = in.a, *b = in.b;
  hidden.resize(dims_.d_mlp, n);
  if (logits) logits->resize(dims_.classes, n);
  const int chunk = use_fast_ ? kFastChunk : kReferenceChunk;
  for (int start = 0; start < n; start += chunk) {
    const int m = std::min(chunk, n - start);
    const auto chunk_logits = forward_logits(a + start, b + start, m);
    if (logits) logits->middleCols(start, m) = chunk_logits;
    if (use_fast_) hidden.middleCols(start, m) = fast_->hidden(m);
    else hidden.middleCols(start, m) = cache_.back().mlp.h.leftCols(m);  // last block, last position
  }
}

template <class S>
typename TransformerModel<S>::Mat TransformerModel<S>::token_embedding() const {
  return this->params_.w(index_.W_E).leftCols(dims_.elements).transpose();  // operand tokens only
}

template <class S>
typename TransformerModel<S>::Mat TransformerModel<S>::hidden_to_logits() const {
  const auto& P = this->params_;
  return P.w(index_.W_U) * P.w(index_.blocks.back().W_out);
}

template <class S>
std::string make_transformer(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out) {
  if (config.d_model % config.heads != 0)
    return "heads: d_model (" + std::to_string(config.d_model) + ") must be a multiple of heads (" +
           std::to_string(config.heads) + ")";
  out = std::make_unique<TransformerModel<S>>(config, data);
  return "";
}

template class TransformerModel<float>;
template class TransformerModel<double>;
template std::string make_transformer<float>(const Config&, const Dataset&, std::unique_ptr<ModelT<float>>&);
template std::string make_transformer<double>(const Config&, const Dataset&, std::unique_ptr<ModelT<double>>&);

}  // namespace grok
