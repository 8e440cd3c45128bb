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
// Threads: the model splits its own steps (set_pool): the tables once, then the examples in groups
// (ExampleGroups, set by n alone), each group's output-layer and table gradients in its own buffers,
// added in group order, then back through the tables once: the same bits for any thread count.
#pragma once
#include <vector>

#include "grok/common/gemm.h"
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
  bool set_pool(ThreadPool* pool) override;  // splits its own steps (always true)

 private:
  // What one thread needs for a group of examples (buffers grow to the largest group).
  struct Work {
    Mat pre, h, logits, dlogits, dh;
    Eigen::ArrayXXd loss_work;
    GemmWorkspace<S> gemm_ws;
  };
  // The gradients of one group: the output map and the tables (their row sums for b_in).
  struct GroupGrad {
    Mat d_out, dtable_a, dtable_b;
    Eigen::Matrix<S, -1, 1> db_in;
    BatchStats st;
  };
  void tabulate();                                        // table_a, table_b from current weights
  void forward(Work& w, const int* a, const int* b, int n);  // w.pre, w.h, w.logits (first n columns)
  void backward(Work& w, GroupGrad& g, const int* a, const int* b, int n);  // one group's gradients
  template <class F>
  void for_each_group(int n, F&& f);  // f(group, start, count, work), on the pool when there is one

  int n_tokens_, classes_, d_model_, hidden_;
  bool quad_;                                            // x^2 activation instead of relu
  bool tied_;                                            // shared one-hot input matrix
  bool factored_;                                        // PAIR notebook's factored model
  int E_a_ = -1, E_b_ = -1, W_in_a_ = -1, W_in_b_ = -1, b_in_ = -1;  // indices into params_ (embed)
  int W_input_ = -1;                                     // (hidden x tokens), tied only
  int E_ = -1, W_h_ = -1, W_o_ = -1;                     // factored only
  Mat out_map_;                                          // factored: E^T W_o (classes x hidden)
  int W_out_ = -1;
  // Workspace (reused): tables (hidden x n_tokens), their summed gradients, the output map's
  // summed gradient (classes x hidden); per thread and per group buffers.
  Mat table_a_, table_b_, dtable_a_, dtable_b_, d_out_;
  GemmWorkspace<S> gemm_ws_;  // the tables' products (once per step, outside the groups)
  std::vector<Work> work_;  // work_[0] holds the last forward() for logits() and inspect()
  std::vector<GroupGrad> group_;
  ThreadPool* pool_ = nullptr;
};

}  // namespace grok
