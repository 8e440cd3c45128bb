// TabulatedOneLayer: the one-block, no-LayerNorm transformer (Nanda 2023) computed through per-token
// tables, exactly (same function and gradient as the reference path, up to rounding).
//
// Why tables: inputs are [a, b, =] with operands from a vocabulary of V tokens, and only the last
// position reaches the loss. So per step (not per example):
//   - position 2 is always '=': its residual x2, query q and the constant score/value terms are
//     fixed vectors;
//   - the attention score of head h on key (position j, token t) is a table SEP (H x V+3);
//   - everything the attention writes into the residual is linear in the value vectors, so the MLP
//     pre-activation and the direct logits (stacked: R = d_mlp + classes rows) of head h for token t
//     are a table column T_h(:, t) = [W_in; W_U] W_O_h W_V_h W_E[:, t] (R x V per head).
// Per example only the 3 x heads attention weights differ; the residual is never formed:
//   Y(:, e) = c + B att(:, e) + sum_h att_h0 T_h(:, a) + att_h1 T_h(:, b)     (R)
//   hidden = act(Y[:d_mlp]);  logits = Y[d_mlp:] + U hidden, U = W_U W_out (classes x d_mlp)
// The backward pass scatters into the tables and then back into the weights once per step.
// The three (classes x d_mlp x n) products with U and hidden dominate the cost.
#pragma once
#include "grok/grokking/models/transformer/layers.h"
#include "grok/common/loss.h"
#include "grok/common/params.h"
#include "grok/grokking/models/transformer/dims.h"
#include "grok/common/gemm.h"
#include "grok/common/thread_pool.h"

#include <vector>

namespace grok {

// The tabulated path computes the model exactly when it is Nanda's: one block, no LayerNorm, inputs
// [a, b, =], no attention biases, relu or x^2.
inline bool tabulated_path_applies(const TransformerDims& d) {
  return d.layers == 1 && d.ln == LayerNormPlace::none && d.positions == 3 && !d.attn_bias &&
         d.act != Activation::gelu;
}

template <class S>
class TabulatedOneLayer {
 public:
  using Mat = MatX<S>;
  static constexpr int kChunk = 512;    // examples per forward/backward pass (activations stay in cache)
  TabulatedOneLayer(const TransformerDims& dims, const TransformerParamIndex& index);

  // Forward for n examples from the current weights; then logits(n), hidden(n) are valid.
  void forward(const ParamsT<S>& P, const int* a, const int* b, int n);
  // Loss and accuracy only (buffers stay chunk-sized).
  BatchStats evaluate(const ParamsT<S>& P, const int* a, const int* b, const int* y, int n, LossKind kind);
  // Forward, loss and backward; ADDS d(sum of losses / mean_over)/dparams into P.grad.
  BatchStats forward_backward(ParamsT<S>& P, const int* a, const int* b, const int* y, int n, int mean_over,
                              LossKind kind);

  Eigen::Block<Mat> logits(int n) { return work_[0].Y.block(dims_.d_mlp, 0, dims_.classes, n); }  // classes x n
  Eigen::Block<Mat> hidden(int n) { return work_[0].hid.block(0, 0, dims_.d_mlp, n); }             // d_mlp x n

  // Threads: the examples of a step are cut into groups of whole kChunk chunks (their number set
  // by n alone, at most kGroups), each group's table gradients summed in its own buffers, and the
  // groups' sums added in group order, so the result is the same for any pool size.
  static constexpr int kGroups = 8;
  void set_pool(ThreadPool* pool);

 private:
  // What one thread needs for a chunk of examples (buffers grow to kChunk columns).
  struct Work {
    Mat att;       // 3H x n: attention weights of the '=' query, row 3h+j
    Mat Y;         // R x n: [pre-activation; logits]
    Mat hid;       // d_mlp x n
    Mat dlogits;   // classes x n
    Mat dY;        // R x n
    Mat datt;      // 3H x n
    Mat dot_part;  // kDotLanes*2H x n: partial sums of the token-column dot products
    Eigen::ArrayXXd loss_work;
    GemmWorkspace<S> gemm_ws;
  };
  // The table gradients of one group of chunks.
  struct GroupGrad {
    Mat dU, dB, dc, dTb, dSEP;
    BatchStats st;
  };
  void tabulate(const ParamsT<S>& P);                                 // per-step tables from the weights
  void attend_and_mix(Work& w, const int* a, const int* b, int n);    // w.att, w.Y (all rows), w.hid
  void backward_examples(Work& w, GroupGrad& g, const int* a, const int* b, int n);  // ADDS into g
  void backward_tables(ParamsT<S>& P);                                // table gradients -> weight gradients
  // Runs f(group, work) for the groups of n examples, in parallel when there is a pool; returns
  // the number of groups (group k covers chunks [k * per, (k + 1) * per) of kChunk examples).
  template <class F>
  int for_each_group(int n, F&& f);
  // Runs f(task, work) for tasks 0..n-1 of a step's per-step products (each task writes its own
  // outputs with its own thread's gemm workspace; on the pool when there is one).
  template <class F>
  void for_each_task(int n, F&& f);

  TransformerDims dims_;
  TransformerParamIndex index_;
  int R_;   // stacked rows: d_mlp (MLP pre-activation), classes (direct logits), zero padding up to
            // a multiple of kTableRows so the per-example loops run over whole row blocks
  int VP_;  // vocab + 3: token columns then the 3 position columns
  S scale_; // 1 / sqrt(d_head)

  // Per-step tables (shapes in comments; H = heads, hd = heads * d_head).
  Mat EP_;    // d_model x VP: [W_E, W_pos]
  Mat x2_;    // d_model x 1: residual at position 2 (W_E[:, =] + W_pos[:, 2])
  Mat q_;     // hd x 1: query of position 2
  Mat QK_;    // d_model x H: column h = scale W_K_h^T q_h, so a score is QK_h . x
  Mat SEP_;   // H x VP: score of head h on column t of EP
  Mat VEP_;   // hd x VP: W_V EP
  Mat Wst_;   // R x d_model: [W_in; W_U]
  Mat Ast_;   // R x hd: Wst W_O
  Mat T_;     // R x H*VP: head h block = Ast_h VEP_h
  Mat Tb_;    // kTableRows x (R/kTableRows)*V*H: T's token columns in row blocks (token_rows.h)
  Mat B_;     // R x 3H: column 3h+j = position part of head h at position j (incl. the '=' token at j=2)
  Mat c_;     // R x 1: Wst x2 + [b_in; W_U b_out]
  Mat U_;     // classes x d_mlp: W_U W_out

  // Per-thread buffers (work_[0] also holds the last forward() for logits() and hidden()), and the
  // gradients of the tables: per group, then their sum.
  std::vector<Work> work_;
  std::vector<GroupGrad> group_;
  ThreadPool* pool_ = nullptr;
  Mat dTb_;  // like Tb_
  Mat dU_, dT_, dB_, dc_, dAst_, dVEP_, dWst_, dSEP_, dQK_, dq_, dx2_, dEP_;
  Mat dWU_;  // classes x d_model: W_U's gradient through U, added after the tasks that also write W_U
  GemmWorkspace<S> gemm_ws_;  // the per-step products (tabulate, backward_tables)
};

}  // namespace grok
