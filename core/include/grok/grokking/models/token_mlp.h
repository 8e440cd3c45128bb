// MlpModel: per-operand embeddings -> one hidden layer -> unembedding (PAIR explorable; Gromov 2023
// with the x^2 activation).
//   e_a = E_a[:, a], e_b = E_b[:, b]                 (d_model each)
//   pre = W_in_a e_a + W_in_b e_b + b_in              (hidden)
//   h   = act(pre)                                    (relu or x^2)
//   logits = W_out h                                  (classes)
// mlp_input = "tied": pre = W_input[:, a] + W_input[:, b], no embeddings, no biases (PAIR's article's
//   collapsed description of its model).
// mlp_input = "factored" (PAIR's notebook, the model actually trained): one embedding E (d_model x
//   tokens) for both operands and, transposed, for the output; pre = W_h E[:, a] + W_h E[:, b];
//   logits = E^T W_o h. No biases. The over-parameterized factorization is what lets 24 units memorize
//   quickly and then grok.
// Speed: operands come from a vocabulary of n tokens, so W_in_a E_a (hidden x n) is tabulated once per
// step and each example only gathers two columns; the gradient is scattered back the same way.
#pragma once
#include "grok/grokking/models/model.h"

namespace grok {

template <class S>
class MlpModel : public ModelT<S> {
 public:
  using Mat = typename ModelT<S>::Mat;
  MlpModel(const Config& config, const Dataset& data);

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

 private:
  void tabulate();                                       // table_a, table_b from current weights
  void forward(const int* a, const int* b, int n);       // fills pre_, h_, logits_ (first n columns)

  int n_tokens_, classes_, d_model_, hidden_;
  bool quad_;                                            // x^2 activation instead of relu
  bool tied_;                                            // shared one-hot input matrix
  bool factored_;                                        // PAIR notebook's factored model
  int E_a_ = -1, E_b_ = -1, W_in_a_ = -1, W_in_b_ = -1, b_in_ = -1;  // indices into params_ (embed)
  int W_input_ = -1;                                     // (hidden x tokens), tied only
  int E_ = -1, W_h_ = -1, W_o_ = -1;                     // factored only
  Mat out_map_, dout_map_;                               // factored: E^T W_o (classes x hidden)
  int W_out_ = -1;
  // Workspace (reused): tables (hidden x n_tokens); per-example buffers (rows x max batch).
  Mat table_a_, table_b_, dtable_a_, dtable_b_;
  Mat pre_, h_, logits_, dlogits_, dh_;
  Eigen::ArrayXXd loss_work_;
};

}  // namespace grok
