// Reference transformer layers (see layers.h): matrix products (gemm(), which allocates nothing once
// its workspace has grown) plus per-example loops for the tiny attention patterns (T <= 3
// positions). Clarity over speed; the tabulated one-layer path in tabulated.cpp is the fast one.
#include "grok/grokking/models/transformer/layers.h"

#include <cmath>
#include <unsupported/Eigen/SpecialFunctions>  // vectorized erf

#include "grok/common/gemm.h"

namespace grok {
namespace {

// Packing buffers of gemm() for the layers (per thread: two trainers may run in parallel).
template <class S>
GemmWorkspace<S>& workspace() {
  thread_local GemmWorkspace<S> ws;
  return ws;
}

// GELU as nn.GELU() (approximate='none') computes it: x * Phi(x), Phi(x) = 0.5 (1 + erf(x / sqrt(2))),
// in the scalar's own precision; its derivative Phi(x) + x phi(x). In float, erf and exp are Eigen's
// vectorized ones (a rational erf good to a few ulp, as torch's vectorized CPU kernel is); std::erf
// one element at a time took a fifth of a Grokfast step. Double (the gradient checks) uses ::erf.
constexpr double kInvSqrt2Pi = 0.5 * M_2_SQRTPI * M_SQRT1_2;  // 1 / sqrt(2 pi)

// C = op(A) op(B) + beta C.
template <class S, class A, class B, class C>
void mm(bool trans_a, bool trans_b, const A& a, const B& b, S beta, C&& c) {
  gemm<S>(trans_a, trans_b, S(1), cview(a), cview(b), beta, mview(c), workspace<S>());
}

}  // namespace

template <class S>
void embedding_forward(MatRef<S> X, ConstMatRef<S> W_E, ConstMatRef<S> W_pos, const int* tokens, int n,
                       int T) {
  for (int j = 0; j < T; ++j)
    for (int e = 0; e < n; ++e) X.col(j * n + e) = W_E.col(tokens[j * n + e]) + W_pos.col(j);
}

template <class S>
void embedding_backward(MatRef<S> dW_E, MatRef<S> dW_pos, ConstMatRef<S> dX, const int* tokens, int n,
                        int T) {
  for (int j = 0; j < T; ++j)
    for (int e = 0; e < n; ++e) {
      dW_E.col(tokens[j * n + e]) += dX.col(j * n + e);
      dW_pos.col(j) += dX.col(j * n + e);
    }
}

template <class S>
void attention_forward(MatRef<S> out, ConstMatRef<S> X, ConstMatRef<S> W_Q, ConstMatRef<S> W_K,
                       ConstMatRef<S> W_V, ConstMatRef<S> W_O, const AttentionDims& dims,
                       AttentionCache<S>& c, AttentionBias<S> bias) {
  const int H = dims.heads, dh = dims.d_head, T = dims.T, n = dims.n;
  const int nq = T - dims.q_from;
  const int hd = H * dh;
  ensure_cols(c.Q, hd, nq * n);
  ensure_cols(c.K, hd, T * n);
  ensure_cols(c.V, hd, T * n);
  ensure_cols(c.P, H * T, nq * n);
  ensure_cols(c.Z, hd, nq * n);
  mm<S>(false, false, W_Q, X.rightCols(nq * n), S(0), c.Q.leftCols(nq * n));
  mm<S>(false, false, W_K, X, S(0), c.K.leftCols(T * n));
  mm<S>(false, false, W_V, X, S(0), c.V.leftCols(T * n));
  using Vec = Eigen::Map<const Eigen::Matrix<S, Eigen::Dynamic, 1>>;
  if (bias.Q) c.Q.leftCols(nq * n).colwise() += Vec(bias.Q, hd);
  if (bias.K) c.K.leftCols(T * n).colwise() += Vec(bias.K, hd);
  if (bias.V) c.V.leftCols(T * n).colwise() += Vec(bias.V, hd);
  const S scale = S(1) / std::sqrt(S(dh));
  S score[8];  // T <= 8 positions
  for (int qi = 0; qi < nq; ++qi) {
    const int q = dims.q_from + qi;
    for (int e = 0; e < n; ++e) {
      const int col = qi * n + e;
      for (int h = 0; h < H; ++h) {
        const auto qv = c.Q.col(col).segment(h * dh, dh);
        S mx = -INFINITY;
        for (int k = 0; k <= q; ++k) {
          score[k] = qv.dot(c.K.col(k * n + e).segment(h * dh, dh)) * scale;
          mx = std::max(mx, score[k]);
        }
        S total = 0;
        for (int k = 0; k <= q; ++k) total += (score[k] = std::exp(score[k] - mx));
        auto z = c.Z.col(col).segment(h * dh, dh);
        z.setZero();
        for (int k = 0; k < T; ++k) {
          const S p = k <= q ? score[k] / total : S(0);  // causal mask: later keys get weight 0
          c.P(h * T + k, col) = p;
          if (k <= q) z += p * c.V.col(k * n + e).segment(h * dh, dh);
        }
      }
    }
  }
  mm<S>(false, false, W_O, c.Z.leftCols(nq * n), S(0), out);
  if (bias.O) out.colwise() += Vec(bias.O, W_O.rows());
}

template <class S>
void attention_backward(MatRef<S> dX, MatRef<S> dW_Q, MatRef<S> dW_K, MatRef<S> dW_V, MatRef<S> dW_O,
                        ConstMatRef<S> dout, ConstMatRef<S> X, ConstMatRef<S> W_Q, ConstMatRef<S> W_K,
                        ConstMatRef<S> W_V, ConstMatRef<S> W_O, const AttentionDims& dims,
                        AttentionCache<S>& c, AttentionBiasGrad<S> dbias) {
  const int H = dims.heads, dh = dims.d_head, T = dims.T, n = dims.n;
  const int nq = T - dims.q_from;
  const int hd = H * dh;
  ensure_cols(c.dQ, hd, nq * n);
  ensure_cols(c.dK, hd, T * n);
  ensure_cols(c.dV, hd, T * n);
  ensure_cols(c.dZ, hd, nq * n);
  auto Z = c.Z.leftCols(nq * n);
  auto dZ = c.dZ.leftCols(nq * n);
  mm<S>(false, true, dout, Z, S(1), dW_O);
  mm<S>(true, false, W_O, dout, S(0), dZ);
  using Vec = Eigen::Map<Eigen::Matrix<S, Eigen::Dynamic, 1>>;
  if (dbias.O) Vec(dbias.O, dout.rows()) += dout.rowwise().sum();
  c.dQ.leftCols(nq * n).setZero();
  c.dK.leftCols(T * n).setZero();
  c.dV.leftCols(T * n).setZero();
  const S scale = S(1) / std::sqrt(S(dh));
  S dp[8];
  for (int qi = 0; qi < nq; ++qi) {
    const int q = dims.q_from + qi;
    for (int e = 0; e < n; ++e) {
      const int col = qi * n + e;
      for (int h = 0; h < H; ++h) {
        const auto dz = dZ.col(col).segment(h * dh, dh);
        // z = sum_k p_k v_k: dp_k = dz . v_k, dv_k += p_k dz.
        S weighted = 0;  // sum_k p_k dp_k
        for (int k = 0; k <= q; ++k) {
          const S p = c.P(h * T + k, col);
          dp[k] = dz.dot(c.V.col(k * n + e).segment(h * dh, dh));
          c.dV.col(k * n + e).segment(h * dh, dh) += p * dz;
          weighted += p * dp[k];
        }
        // Softmax: ds_k = p_k (dp_k - sum_j p_j dp_j); score = scale q . k_k.
        auto dq = c.dQ.col(col).segment(h * dh, dh);
        const auto qv = c.Q.col(col).segment(h * dh, dh);
        for (int k = 0; k <= q; ++k) {
          const S ds = c.P(h * T + k, col) * (dp[k] - weighted) * scale;
          dq += ds * c.K.col(k * n + e).segment(h * dh, dh);
          c.dK.col(k * n + e).segment(h * dh, dh) += ds * qv;
        }
      }
    }
  }
  if (dbias.Q) Vec(dbias.Q, hd) += c.dQ.leftCols(nq * n).rowwise().sum();
  if (dbias.K) Vec(dbias.K, hd) += c.dK.leftCols(T * n).rowwise().sum();
  if (dbias.V) Vec(dbias.V, hd) += c.dV.leftCols(T * n).rowwise().sum();
  mm<S>(false, true, c.dQ.leftCols(nq * n), X.rightCols(nq * n), S(1), dW_Q);
  mm<S>(false, true, c.dK.leftCols(T * n), X, S(1), dW_K);
  mm<S>(false, true, c.dV.leftCols(T * n), X, S(1), dW_V);
  mm<S>(true, false, W_K, c.dK.leftCols(T * n), S(1), dX);
  mm<S>(true, false, W_V, c.dV.leftCols(T * n), S(1), dX);
  mm<S>(true, false, W_Q, c.dQ.leftCols(nq * n), S(1), dX.rightCols(nq * n));
}

template <class S>
void mlp_forward(MatRef<S> out, ConstMatRef<S> X, ConstMatRef<S> W_in, ConstMatRef<S> b_in,
                 ConstMatRef<S> W_out, ConstMatRef<S> b_out, Activation act, MlpCache<S>& c) {
  const Eigen::Index cols = X.cols(), m = W_in.rows();
  ensure_cols(c.pre, m, cols);
  ensure_cols(c.h, m, cols);
  auto pre = c.pre.leftCols(cols);
  auto h = c.h.leftCols(cols);
  mm<S>(false, false, W_in, X, S(0), pre);
  pre.colwise() += b_in.col(0);
  if (act == Activation::quad) h = pre.array().square().matrix();
  else if (act == Activation::gelu) {
    ensure_cols(c.cdf, m, cols);
    auto cdf = c.cdf.leftCols(cols);
    cdf = (S(0.5) * (S(1) + (pre.array() * S(M_SQRT1_2)).erf())).matrix();
    h = (pre.array() * cdf.array()).matrix();
  } else h = pre.cwiseMax(S(0));
  mm<S>(false, false, W_out, h, S(0), out);
  out.colwise() += b_out.col(0);
}

template <class S>
void mlp_backward(MatRef<S> dX, MatRef<S> dW_in, MatRef<S> db_in, MatRef<S> dW_out, MatRef<S> db_out,
                  ConstMatRef<S> dout, ConstMatRef<S> X, ConstMatRef<S> W_in, ConstMatRef<S> W_out,
                  Activation act, MlpCache<S>& c) {
  const Eigen::Index cols = X.cols(), m = W_in.rows();
  ensure_cols(c.dh, m, cols);
  auto pre = c.pre.leftCols(cols);
  auto h = c.h.leftCols(cols);
  auto dh = c.dh.leftCols(cols);
  mm<S>(false, true, dout, h, S(1), dW_out);
  db_out.col(0) += dout.rowwise().sum();
  mm<S>(true, false, W_out, dout, S(0), dh);
  // dpre = dh * act'(pre), in place: x^2 -> 2 pre, relu -> [pre > 0], GELU -> gelu_grad(pre).
  if (act == Activation::quad) dh.array() *= S(2) * pre.array();
  else if (act == Activation::gelu)
    dh.array() *= c.cdf.leftCols(cols).array() +
                  pre.array() * (S(-0.5) * pre.array().square()).exp() * S(kInvSqrt2Pi);
  else dh.array() *= (pre.array() > S(0)).template cast<S>();
  db_in.col(0) += dh.rowwise().sum();
  mm<S>(false, true, dh, X, S(1), dW_in);
  mm<S>(true, false, W_in, dh, S(1), dX);
}

template <class S>
void layernorm_forward(MatRef<S> Y, ConstMatRef<S> X, ConstMatRef<S> w, ConstMatRef<S> b,
                       LayerNormCache<S>& c) {
  const Eigen::Index d = X.rows(), cols = X.cols();
  ensure_cols(c.xhat, d, cols);
  ensure_cols(c.rstd, 1, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const S mean = X.col(j).mean();
    auto xhat = c.xhat.col(j);
    xhat = X.col(j).array() - mean;
    const S var = xhat.squaredNorm() / S(d);
    const S rstd = S(1) / std::sqrt(var + S(kLayerNormEps));
    c.rstd(0, j) = rstd;
    xhat *= rstd;
    Y.col(j) = w.col(0).cwiseProduct(xhat) + b.col(0);  // X is no longer read: Y may alias it
  }
}

template <class S>
void layernorm_backward(MatRef<S> dX, MatRef<S> dw, MatRef<S> db, ConstMatRef<S> dY, ConstMatRef<S> w,
                        LayerNormCache<S>& c) {
  const Eigen::Index d = dY.rows(), cols = dY.cols();
  ensure_cols(c.g, d, 1);
  auto g = c.g.col(0);
  for (Eigen::Index j = 0; j < cols; ++j) {
    const auto xhat = c.xhat.col(j);
    g = dY.col(j).cwiseProduct(w.col(0));
    dw.col(0) += dY.col(j).cwiseProduct(xhat);
    db.col(0) += dY.col(j);
    // dx = rstd (g - mean(g) - xhat mean(g xhat)); dY is no longer read: dX may alias it.
    const S mean_g = g.mean();
    const S mean_gx = g.dot(xhat) / S(d);
    dX.col(j) = c.rstd(0, j) * (g.array() - mean_g - xhat.array() * mean_gx).matrix();
  }
}

template <class S>
void unembed_forward(MatRef<S> logits, ConstMatRef<S> X, ConstMatRef<S> W_U) {
  mm<S>(false, false, W_U, X, S(0), logits);
}

template <class S>
void unembed_backward(MatRef<S> dX, MatRef<S> dW_U, ConstMatRef<S> dlogits, ConstMatRef<S> X,
                      ConstMatRef<S> W_U) {
  mm<S>(false, true, dlogits, X, S(1), dW_U);
  mm<S>(true, false, W_U, dlogits, S(0), dX);
}

#define GROK_LAYERS_INSTANTIATE(S)                                                                   \
  template void embedding_forward<S>(MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, const int*, int, int); \
  template void embedding_backward<S>(MatRef<S>, MatRef<S>, ConstMatRef<S>, const int*, int, int);      \
  template void attention_forward<S>(MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>,       \
                                     ConstMatRef<S>, ConstMatRef<S>, const AttentionDims&,             \
                                     AttentionCache<S>&, AttentionBias<S>);                            \
  template void attention_backward<S>(MatRef<S>, MatRef<S>, MatRef<S>, MatRef<S>, MatRef<S>,         \
                                      ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>,  \
                                      ConstMatRef<S>, ConstMatRef<S>, const AttentionDims&,            \
                                      AttentionCache<S>&, AttentionBiasGrad<S>);                       \
  template void mlp_forward<S>(MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>,             \
                               ConstMatRef<S>, ConstMatRef<S>, Activation, MlpCache<S>&);              \
  template void mlp_backward<S>(MatRef<S>, MatRef<S>, MatRef<S>, MatRef<S>, MatRef<S>, ConstMatRef<S>, \
                                ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>, Activation, MlpCache<S>&); \
  template void layernorm_forward<S>(MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>,       \
                                     LayerNormCache<S>&);                                              \
  template void layernorm_backward<S>(MatRef<S>, MatRef<S>, MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, \
                                      LayerNormCache<S>&);                                             \
  template void unembed_forward<S>(MatRef<S>, ConstMatRef<S>, ConstMatRef<S>);                        \
  template void unembed_backward<S>(MatRef<S>, MatRef<S>, ConstMatRef<S>, ConstMatRef<S>, ConstMatRef<S>);

GROK_LAYERS_INSTANTIATE(float)
GROK_LAYERS_INSTANTIATE(double)
#undef GROK_LAYERS_INSTANTIATE

}  // namespace grok
