// Transformer layers as free functions, one forward/backward pair each (llm.c style), templated on
// the scalar so the same code runs in float32 (training) and float64 (finite-difference checks).
// They are the straightforward reference: TransformerModel's general path is built from them, and
// the tabulated one-layer path (tabulated.h) is checked against it.
//
// Conventions
// - Column = one (example, position). A sequence batch of n examples and T positions is laid out
//   position-major: column j*n + e holds position j of example e, so "the last position of every
//   example" is the contiguous block of the last n columns.
// - Weights are column-major, shaped as they act: y = W x with W (out x in).
// - Backward functions ADD into parameter gradients (d-prefixed) and into dinput; the caller zeroes.
// - Caches are owned by the caller and grow on first use (ensure_cols); a later call with the same
//   or a smaller n allocates nothing in our code.
#pragma once
#include <Eigen/Core>

#include "grok/grokking/models/transformer/dims.h"

namespace grok {

template <class S>
using MatX = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
// The stride is spelled out (it is Eigen's default for matrices): with the default left implicit,
// clang mangles these signatures after whichever spelling of Ref<const Matrix<S>> a translation
// unit meets first, so a function declared here (or grok::cross_entropy) could get a different
// symbol name in different files and fail to link under Emscripten.
template <class S>
using MatRef = Eigen::Ref<MatX<S>, 0, Eigen::OuterStride<>>;
template <class S>
using ConstMatRef = const Eigen::Ref<const MatX<S>, 0, Eigen::OuterStride<>>&;

// Grow `m` to rows x (at least cols); the contents are unspecified afterwards when it grows.
template <class S>
void ensure_cols(MatX<S>& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() < cols) m.resize(rows, cols);
}

// ---- embedding: x(j*n+e) = W_E[:, tok(j*n+e)] + W_pos[:, j] ----
// tokens: T*n ints, position-major like the columns. X: d_model x T*n.
template <class S>
void embedding_forward(MatRef<S> X, ConstMatRef<S> W_E, ConstMatRef<S> W_pos, const int* tokens, int n,
                       int T);
template <class S>
void embedding_backward(MatRef<S> dW_E, MatRef<S> dW_pos, ConstMatRef<S> dX, const int* tokens, int n,
                        int T);

// ---- causal multi-head self-attention, biases optional ----
// Q_h = W_Q_h x (+ b_Q_h), K_h, V_h alike (W_Q: heads*d_head x d_model, head h = rows h*d_head..),
// position q attends keys 0..q with softmax(Q_h . K_h / sqrt(d_head)), z_h = sum_k p_k V_h(k),
// out = W_O z (+ b_O) (W_O: d_model x heads*d_head): nn.MultiheadAttention with in_proj_weight =
// [W_Q; W_K; W_V], in_proj_bias = [b_Q; b_K; b_V], out_proj = (W_O, b_O). Queries are computed only for positions q_from..T-1
// (the last block needs only the last position): out has (T - q_from)*n columns.
struct AttentionDims {
  int heads, d_head;
  int T;       // positions (keys)
  int q_from;  // first query position
  int n;       // examples
};

template <class S>
struct AttentionCache {
  MatX<S> Q;      // heads*d_head x nq*n
  MatX<S> K, V;   // heads*d_head x T*n
  MatX<S> P;      // heads*T x nq*n: P(h*T + k, qi*n + e) = weight of key k for query q_from+qi (0 if k > q)
  MatX<S> Z;      // heads*d_head x nq*n: attention output before W_O
  MatX<S> dQ, dK, dV, dZ;  // backward scratch, same shapes
};

// The biases (nullptr: none): b_Q, b_K, b_V of heads*d_head entries, b_O of d_model. The gradients
// are added into the same shapes.
template <class S>
struct AttentionBias {
  const S *Q = nullptr, *K = nullptr, *V = nullptr, *O = nullptr;
};
template <class S>
struct AttentionBiasGrad {
  S *Q = nullptr, *K = nullptr, *V = nullptr, *O = nullptr;
};

template <class S>
void attention_forward(MatRef<S> out, ConstMatRef<S> X, ConstMatRef<S> W_Q, ConstMatRef<S> W_K,
                       ConstMatRef<S> W_V, ConstMatRef<S> W_O, const AttentionDims& dims,
                       AttentionCache<S>& cache, AttentionBias<S> bias = {});
// dX receives the gradient for all T*n input columns (keys/values everywhere, queries on the last
// nq*n columns).
template <class S>
void attention_backward(MatRef<S> dX, MatRef<S> dW_Q, MatRef<S> dW_K, MatRef<S> dW_V, MatRef<S> dW_O,
                        ConstMatRef<S> dout, ConstMatRef<S> X, ConstMatRef<S> W_Q, ConstMatRef<S> W_K,
                        ConstMatRef<S> W_V, ConstMatRef<S> W_O, const AttentionDims& dims,
                        AttentionCache<S>& cache, AttentionBiasGrad<S> dbias = {});

// ---- MLP: out = W_out act(W_in x + b_in) + b_out, act = relu, x^2 or GELU ----
// GELU in the exact form nn.GELU() computes: x * 0.5 * (1 + erf(x / sqrt(2))).
template <class S>
struct MlpCache {
  MatX<S> pre;  // d_mlp x cols
  MatX<S> h;    // d_mlp x cols: act(pre), the "hidden activations"
  MatX<S> cdf;  // GELU only, d_mlp x cols: Phi(pre), reused by the backward pass
  MatX<S> dh;   // backward scratch
};

template <class S>
void mlp_forward(MatRef<S> out, ConstMatRef<S> X, ConstMatRef<S> W_in, ConstMatRef<S> b_in,
                 ConstMatRef<S> W_out, ConstMatRef<S> b_out, Activation act, MlpCache<S>& cache);
template <class S>
void mlp_backward(MatRef<S> dX, MatRef<S> dW_in, MatRef<S> db_in, MatRef<S> dW_out, MatRef<S> db_out,
                  ConstMatRef<S> dout, ConstMatRef<S> X, ConstMatRef<S> W_in, ConstMatRef<S> W_out,
                  Activation act, MlpCache<S>& cache);

// ---- LayerNorm over each column: y = w * (x - mean) / sqrt(var + eps) + b (biased var) ----
constexpr double kLayerNormEps = 1e-5;  // torch.nn.LayerNorm's default

template <class S>
struct LayerNormCache {
  MatX<S> xhat;  // d x cols: normalized input
  MatX<S> rstd;  // 1 x cols: 1 / sqrt(var + eps)
  MatX<S> g;     // d x 1 backward scratch: dY * w for one column
};

// Y may alias X (in place).
template <class S>
void layernorm_forward(MatRef<S> Y, ConstMatRef<S> X, ConstMatRef<S> w, ConstMatRef<S> b,
                       LayerNormCache<S>& cache);
// dX may alias dY (in place).
template <class S>
void layernorm_backward(MatRef<S> dX, MatRef<S> dw, MatRef<S> db, ConstMatRef<S> dY, ConstMatRef<S> w,
                        LayerNormCache<S>& cache);

// ---- unembedding: logits = W_U x (W_U: classes x d_model) ----
template <class S>
void unembed_forward(MatRef<S> logits, ConstMatRef<S> X, ConstMatRef<S> W_U);
// dX is overwritten (not accumulated): it is the start of the backward pass.
template <class S>
void unembed_backward(MatRef<S> dX, MatRef<S> dW_U, ConstMatRef<S> dlogits, ConstMatRef<S> X,
                      ConstMatRef<S> W_U);

}  // namespace grok
