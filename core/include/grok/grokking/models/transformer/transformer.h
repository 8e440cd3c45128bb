// Transformer for [a, b, =] inputs: 1 or 2 blocks, learned positions, LayerNorm none (Nanda 2023) or
// post-LN (Power 2022); the loss reads only the last position.
//
//   x_j = W_E[:, tok_j] + W_pos[:, j]                        j = 0, 1, 2; tok_2 = '=' (token n_elements)
//   per block:  x = x + attn(x)      (causal, heads x d_head, scale 1/sqrt(d_head), no biases)
//               x = x + W_out act(W_in x + b_in) + b_out     (act = relu or x^2)
//               (post-LN: x = LN(x + attn(x)); x = LN(x + mlp(x)), learned gain/bias, eps 1e-5)
//   logits = W_U x_2                                          (classes = n_elements, no bias)
//
// Output classes: n_elements. Nanda's original unembeds to d_vocab = p + 1 outputs and trains the
// '=' logit down along with the other wrong answers; the TransformerLens re-implementation of the
// same experiment (d_vocab_out = p) drops it, which is what we do: the loss is over the p answers
// only. The init scale of W_U keeps Nanda's 1/sqrt(d_vocab), d_vocab = p + 1.
//
// Parameters, in this order (names and layouts are a contract with the PyTorch parity fixture):
//   W_E (d_model x vocab), W_pos (d_model x 3),
//   blocks.l.W_Q, .W_K, .W_V (heads*d_head x d_model; row h*d_head + i = Nanda's [h, i, :]),
//   blocks.l.W_O (d_model x heads*d_head), blocks.l.W_in (d_mlp x d_model), blocks.l.b_in (d_mlp),
//   blocks.l.W_out (d_model x d_mlp), blocks.l.b_out (d_model),
//   post-LN only: blocks.l.ln1_w, .ln1_b, .ln2_w, .ln2_b (d_model),
//   W_U (classes x d_model).
// Init from Rng(init_seed(seed)) in that order: N(0, 1/d_model) for W_E, W_pos, W_Q/K/V/O, W_in,
// W_out; N(0, 1/d_vocab) for W_U; biases 0; LayerNorm gains 1.
//
// Two implementations of the same function:
// - the reference path: layer by layer (layers.h), any depth, with or without LayerNorm;
// - the tabulated path (tabulated.h) for 1 block without LayerNorm (Nanda's model), used by
//   default when it applies. Tests check both agree and both match finite differences.
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
    Mat attn_out;  // d_model x nq*n
    Mat mid;       // d_model x nq*n: x + attn(x) (after LN1 when post-LN); the MLP's input
    Mat mlp_out;   // d_model x nq*n
    Mat dmid;      // d_model x nq*n
  };
  std::vector<int> tokens_;    // 3*n, position-major
  std::vector<Mat> X_;         // X_[l]: input of block l (d_model x 3n); X_[layers]: d_model x n
  std::vector<Mat> dX_;        // gradients of the same
  std::vector<BlockCache> cache_;
  Mat logits_, dlogits_;       // classes x n
  Eigen::ArrayXXd loss_work_;
};

template <class S>
std::string make_transformer(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out);

}  // namespace grok
