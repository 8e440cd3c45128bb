// Transformer for [a, b, =] (or [a, op, b, =]) inputs: 1 or 2 blocks, learned positions, LayerNorm
// none (Nanda 2023), post-LN (Power 2022) or pre-LN (ironjr/grokfast); the loss reads only the last
// position.
//
//   x_j = W_E[:, tok_j] + W_pos[:, j]       tokens [a, b, =] or, with op_token, [a, op, b, =]
//                                           ('=' is token n_elements, op token n_elements + 1)
//   per block, LayerNorm none:   x = x + attn(x);  x = x + mlp(x)
//              post:             x = LN1(x + attn(x));  x = LN2(x + mlp(x))
//              pre:              x = x + attn(LN1(x));  x = x + mlp(LN2(x))
//              pre-inplace:      x = LN1(x);  x = x + attn(x);  x = x + mlp(LN2(x))
//   attn: causal, heads x d_head, scale 1/sqrt(d_head), biases b_Q, b_K, b_V, b_O with attn_bias;
//   mlp(x) = W_out act(W_in x + b_in) + b_out, act = relu, x^2 or GELU (erf form);
//   pre and pre-inplace end with a final LN: x = LNf(x); LayerNorms have gain and bias, eps 1e-5.
//   logits = W_U x_last                     (no bias)
//
// Output classes: n_elements. Nanda's original unembeds to d_vocab = p + 1 outputs and trains the
// '=' logit down along with the other wrong answers; the TransformerLens re-implementation of the
// same experiment (d_vocab_out = p) drops it, which is what we do: the loss is over the p answers
// only. The init scale of W_U keeps Nanda's 1/sqrt(d_vocab), d_vocab = p + 1. With op_token the
// model follows openai/grok and ironjr/grokfast instead: logits over the whole vocabulary (p + 2).
//
// Parameters, in this order (names and layouts are a contract with the PyTorch parity fixture):
//   W_E (d_model x vocab), W_pos (d_model x positions),
//   blocks.l.W_Q, .W_K, .W_V (heads*d_head x d_model; row h*d_head + i = Nanda's [h, i, :]),
//   attn_bias only: blocks.l.b_Q, .b_K, .b_V (heads*d_head),
//   blocks.l.W_O (d_model x heads*d_head), attn_bias only: blocks.l.b_O (d_model),
//   blocks.l.W_in (d_mlp x d_model), blocks.l.b_in (d_mlp), blocks.l.W_out (d_model x d_mlp), blocks.l.b_out,
//   with LayerNorm: blocks.l.ln1_w, .ln1_b, .ln2_w, .ln2_b (d_model),
//   pre-LN only: lnf_w, lnf_b (d_model),
//   W_U (classes x d_model).
// Init from Rng(init_seed(seed)), drawn in that order.
//   nanda: N(0, 1/d_model) for W_E, W_pos, W_Q/K/V/O, W_in, W_out; N(0, 1/d_vocab) for W_U; biases 0.
//   torch: the defaults of the modules ironjr/grokfast builds: nn.Embedding N(0, 1) for W_E and W_pos;
//     nn.MultiheadAttention: xavier_uniform over [W_Q; W_K; W_V] (U(+-sqrt(6 / (d + 3 hd)))), in-projection
//     biases 0, out_proj W_O U(+-1/sqrt(hd)) (nn.Linear's bound) with bias 0; nn.Linear for W_in, b_in
//     (U(+-1/sqrt(d))) and W_out, b_out (U(+-1/sqrt(d_mlp))) and the head W_U (U(+-1/sqrt(d))).
//   LayerNorm gains 1, shifts 0 either way.
//
// Two implementations of the same function:
// - the reference path: layer by layer (layers.h), any depth and option;
// - the tabulated path (tabulated.h) for Nanda's model (1 block, no LayerNorm, [a, b, =], no biases,
//   relu or x^2), used by default when it applies. Tests check both agree and both match finite differences.
#pragma once
#include <memory>
#include <vector>

#include "grok/grokking/models/transformer/dims.h"
#include "grok/grokking/models/transformer/layers.h"
#include "grok/grokking/models/model.h"

namespace grok {

template <class S>
class TabulatedOneLayer;

template <class S>
class TransformerModel : public ModelT<S> {
 public:
  using Mat = typename ModelT<S>::Mat;
  TransformerModel(const Config& config, const Dataset& data);
  ~TransformerModel() override;

  using ModelT<S>::forward_backward;
  using ModelT<S>::evaluate;
  using ModelT<S>::logits;
  using ModelT<S>::inspect;
  BatchStats forward_backward(const Inputs& in, const int* y, int n, int mean_over) override;
  BatchStats evaluate(const Inputs& in, const int* y, int n) override;
  void logits(const Inputs& in, int n, Mat& out) override;
  void inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) override;
  Mat token_embedding() const override;
  Mat hidden_to_logits() const override;
  // The tabulated path splits a step over the pool's threads; the reference path runs on one.
  bool set_pool(ThreadPool* pool) override;

  // The tabulated path runs whenever it applies; switching it off runs the reference path (tests,
  // naive-vs-fast benchmarks).
  bool fast_path_available() const { return fast_ != nullptr; }
  void set_fast_path(bool on) { use_fast_ = on && fast_ != nullptr; }
  bool fast_path() const { return use_fast_; }

  const TransformerDims& dims() const { return dims_; }
  const TransformerParamIndex& index() const { return index_; }

 private:
  // Reference path. Fills logits_ (classes x n) and the per-block caches.
  void reference_forward(const int* a, const int* b, int n);
  void reference_backward(int n);
  // Logits of the first n examples after a forward pass of either path.
  Eigen::Block<Mat> forward_logits(const int* a, const int* b, int n);

  TransformerDims dims_;
  TransformerParamIndex index_;
  std::unique_ptr<TabulatedOneLayer<S>> fast_;
  bool use_fast_ = false;

  // Reference-path workspace (grows on first use; columns beyond n are stale).
  struct BlockCache {
    AttentionCache<S> attn;
    MlpCache<S> mlp;
    LayerNormCache<S> ln1, ln2;
    Mat normed;    // pre-LN: d_model x T*n, LN1(x): the attention's input
    Mat dnormed;   // its gradient
    Mat attn_out;  // d_model x nq*n
    Mat mid;       // d_model x nq*n: x + attn(x) (after LN1 when post-LN)
    Mat mid_normed;  // pre-LN: LN2(mid), the MLP's input
    Mat mlp_out;   // d_model x nq*n
    Mat dmid;      // d_model x nq*n
    Mat dtmp;      // d_model x nq*n: pre-LN scratch
  };
  std::vector<int> tokens_;    // positions*n, position-major
  std::vector<Mat> X_;         // X_[l]: input of block l (d_model x T*n); X_[layers]: d_model x n
  std::vector<Mat> dX_;        // gradients of the same
  std::vector<BlockCache> cache_;
  LayerNormCache<S> lnf_;      // pre-LN: the final LayerNorm
  Mat final_;                  // pre-LN: LNf(X_[layers]), d_model x n: the unembedding's input
  Mat logits_, dlogits_;       // classes x n
  Eigen::ArrayXXd loss_work_;
};

template <class S>
std::string make_transformer(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out);

}  // namespace grok
