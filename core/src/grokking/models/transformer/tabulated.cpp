// The tabulated one-layer transformer (see tabulated.h for the derivation). Products go
// through gemm() and the per-example loops through token_rows (both pick their SIMD kernel
// at run time and allocate nothing); small elementwise work stays in Eigen.
#include "grok/grokking/models/transformer/tabulated.h"

#include <algorithm>
#include <cmath>

#include "grok/grokking/models/transformer/token_rows.h"

namespace grok {

template <class S>
TabulatedOneLayer<S>::TabulatedOneLayer(const TransformerDims& dims, const TransformerParamIndex& index)
    : dims_(dims), index_(index) {
  R_ = (dims.d_mlp + dims.classes + kTableRows - 1) / kTableRows * kTableRows;
  VP_ = dims.vocab + 3;
  scale_ = S(1) / std::sqrt(S(dims.d_head));
  const int d = dims.d_model, H = dims.heads, hd = H * dims.d_head, M = dims.d_mlp, C = dims.classes;
  EP_.resize(d, VP_); x2_.resize(d, 1); q_.resize(hd, 1); QK_.resize(d, H); SEP_.resize(H, VP_);
  VEP_.resize(hd, VP_); Wst_.setZero(R_, d); Ast_.resize(R_, hd); T_.resize(R_, H * VP_);
  B_.resize(R_, 3 * H); c_.resize(R_, 1); U_.resize(C, M);
  Tb_.resize(kTableRows, (R_ / kTableRows) * dims.vocab * H);
  dTb_.resize(kTableRows, (R_ / kTableRows) * dims.vocab * H);
  dU_.resize(C, M); dT_.resize(R_, H * VP_); dB_.resize(R_, 3 * H); dc_.resize(R_, 1);
  dAst_.resize(R_, hd); dVEP_.resize(hd, VP_); dWst_.resize(R_, d); dSEP_.resize(H, VP_);
  dQK_.resize(d, H); dq_.resize(hd, 1); dx2_.resize(d, 1); dEP_.resize(d, VP_);
}

template <class S>
void TabulatedOneLayer<S>::tabulate(const ParamsT<S>& P) {
  const auto& bi = index_.blocks[0];
  const int V = dims_.vocab, H = dims_.heads, dh = dims_.d_head, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  EP_.leftCols(V) = P.w(index_.W_E);
  EP_.rightCols(3) = P.w(index_.W_pos);
  x2_.col(0) = EP_.col(eq) + EP_.col(V + 2);
  gemm<S>(false, false, S(1), cview(P.w(bi.W_Q)), cview(x2_), S(0), mview(q_), gemm_ws_);
  const auto W_K = P.w(bi.W_K);
  for (int h = 0; h < H; ++h)
    gemm<S>(true, false, scale_, cview(W_K.middleRows(h * dh, dh)), cview(q_.middleRows(h * dh, dh)), S(0),
            mview(QK_.col(h)), gemm_ws_);
  gemm<S>(true, false, S(1), cview(QK_), cview(EP_), S(0), mview(SEP_), gemm_ws_);
  gemm<S>(false, false, S(1), cview(P.w(bi.W_V)), cview(EP_), S(0), mview(VEP_), gemm_ws_);
  Wst_.topRows(M) = P.w(bi.W_in);
  Wst_.middleRows(M, C) = P.w(index_.W_U);  // rows past M + C stay zero (padding)
  gemm<S>(false, false, S(1), cview(Wst_), cview(P.w(bi.W_O)), S(0), mview(Ast_), gemm_ws_);
  for (int h = 0; h < H; ++h) {
    auto Th = T_.middleCols(h * VP_, VP_);
    gemm<S>(false, false, S(1), cview(Ast_.middleCols(h * dh, dh)), cview(VEP_.middleRows(h * dh, dh)), S(0),
            mview(Th), gemm_ws_);
    B_.col(3 * h) = Th.col(V);
    B_.col(3 * h + 1) = Th.col(V + 1);
    B_.col(3 * h + 2) = Th.col(eq) + Th.col(V + 2);
  }
  // The token columns again in row blocks, heads of a token side by side (token_rows.h).
  const long block_cols = static_cast<long>(V) * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    for (int t = 0; t < V; ++t)
      for (int h = 0; h < H; ++h)
        Tb_.col(rb * block_cols + t * H + h) = T_.block(rb * kTableRows, h * VP_ + t, kTableRows, 1);
  gemm<S>(false, false, S(1), cview(Wst_), cview(x2_), S(0), mview(c_), gemm_ws_);
  c_.topRows(M) += P.w(bi.b_in);
  gemm<S>(false, false, S(1), cview(P.w(index_.W_U)), cview(P.w(bi.b_out)), S(1), mview(c_.middleRows(M, C)),
          gemm_ws_);
  gemm<S>(false, false, S(1), cview(P.w(index_.W_U)), cview(P.w(bi.W_out)), S(0), mview(U_), gemm_ws_);
}

template <class S>
void TabulatedOneLayer<S>::attend_and_mix(const int* a, const int* b, int n) {
  const int V = dims_.vocab, H = dims_.heads, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  ensure_cols(att_, 3 * H, n);
  ensure_cols(Y_, R_, n);
  ensure_cols(hid_, M, n);
  // Attention of the '=' query over [a, b, =], per head: a 3-way softmax of table lookups.
  for (int e = 0; e < n; ++e) {
    S* att = att_.col(e).data();
    for (int h = 0; h < H; ++h) {
      const S s0 = SEP_(h, a[e]) + SEP_(h, V), s1 = SEP_(h, b[e]) + SEP_(h, V + 1);
      const S s2 = SEP_(h, eq) + SEP_(h, V + 2);
      const S mx = std::max(s0, std::max(s1, s2));
      const S e0 = std::exp(s0 - mx), e1 = std::exp(s1 - mx), e2 = std::exp(s2 - mx);
      const S inv = S(1) / (e0 + e1 + e2);
      att[3 * h] = e0 * inv; att[3 * h + 1] = e1 * inv; att[3 * h + 2] = e2 * inv;
    }
  }
  auto Y = Y_.leftCols(n);
  gemm<S>(false, false, S(1), cview(B_), cview(att_.leftCols(n)), S(0), mview(Y), gemm_ws_);
  Y.colwise() += c_.col(0);
  // Token columns, one row block at a time so the block of T (kTableRows x H*VP) stays in cache.
  const long block_size = static_cast<long>(kTableRows) * dims_.vocab * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    mix_token_rows<S>(n, H, a, b, att_.data(), Tb_.data() + rb * block_size, Y_.data() + rb * kTableRows,
                      Y_.outerStride());
  auto hid = hid_.leftCols(n);
  if (dims_.act == Activation::quad) hid = Y.topRows(M).array().square().matrix();
  else hid = Y.topRows(M).cwiseMax(S(0));
  gemm<S>(false, false, S(1), cview(U_), cview(hid), S(1), mview(Y.middleRows(M, C)), gemm_ws_);
}

template <class S>
void TabulatedOneLayer<S>::forward(const ParamsT<S>& P, const int* a, const int* b, int n) {
  tabulate(P);
  attend_and_mix(a, b, n);
}

template <class S>
BatchStats TabulatedOneLayer<S>::evaluate(const ParamsT<S>& P, const int* a, const int* b, const int* y, int n,
                                          LossKind kind) {
  tabulate(P);
  BatchStats st;
  for (int start = 0; start < n; start += kChunk) {
    const int m = std::min(kChunk, n - start);
    attend_and_mix(a + start, b + start, m);
    st += batch_loss<S>(logits(m), y + start, kind, nullptr, 1.0, loss_work_);
  }
  return st;
}

template <class S>
BatchStats TabulatedOneLayer<S>::forward_backward(ParamsT<S>& P, const int* a, const int* b, const int* y, int n,
                                                  int mean_over, LossKind kind) {
  const int V = dims_.vocab, H = dims_.heads, C = dims_.classes;
  const int eq = dims_.eq_token();
  tabulate(P);
  ensure_cols(dlogits_, C, std::min(n, kChunk));
  dU_.setZero(); dB_.setZero(); dc_.setZero(); dTb_.setZero(); dSEP_.setZero();
  // Chunks of examples: forward, loss and backward of a chunk run while its activations are still
  // in cache; the table gradients accumulate over chunks.
  BatchStats st;
  for (int start = 0; start < n; start += kChunk) {
    const int m = std::min(kChunk, n - start);
    attend_and_mix(a + start, b + start, m);
    st += batch_loss<S>(logits(m), y + start, kind, &dlogits_, 1.0 / mean_over, loss_work_);
    backward_examples(a + start, b + start, m);
  }
  // Back to one column per (head, token), then the position columns (B = position part of T).
  const long block_cols = static_cast<long>(V) * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    for (int t = 0; t < V; ++t)
      for (int h = 0; h < H; ++h)
        dT_.block(rb * kTableRows, h * VP_ + t, kTableRows, 1) = dTb_.col(rb * block_cols + t * H + h);
  for (int h = 0; h < H; ++h) {
    dT_.col(h * VP_ + V) = dB_.col(3 * h);
    dT_.col(h * VP_ + V + 1) = dB_.col(3 * h + 1);
    dT_.col(h * VP_ + V + 2) = dB_.col(3 * h + 2);
    dT_.col(h * VP_ + eq) += dB_.col(3 * h + 2);
  }
  backward_tables(P);
  return st;
}

template <class S>
void TabulatedOneLayer<S>::backward_examples(const int* a, const int* b, int n) {
  const int V = dims_.vocab, H = dims_.heads, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  ensure_cols(dY_, R_, n);
  ensure_cols(datt_, 3 * H, n);
  auto dlogits = dlogits_.leftCols(n);
  auto hid = hid_.leftCols(n);
  auto dY = dY_.leftCols(n);
  auto att = att_.leftCols(n);
  auto datt = datt_.leftCols(n);
  // logits = Y[M : M+C] + U hid.
  gemm<S>(false, true, S(1), cview(dlogits), cview(hid), S(1), mview(dU_), gemm_ws_);
  gemm<S>(true, false, S(1), cview(U_), cview(dlogits), S(0), mview(dY.topRows(M)), gemm_ws_);
  for (int e = 0; e < n; ++e) activation_backward<S>(M, dims_.act == Activation::quad, Y_.col(e).data(), dY_.col(e).data());
  dY.middleRows(M, C) = dlogits;
  dY.bottomRows(R_ - M - C).setZero();
  // Y = c + B att + sum_h (att_h0 T_h(:, a) + att_h1 T_h(:, b)).
  dc_.col(0) += dY.rowwise().sum();
  gemm<S>(false, true, S(1), cview(dY), cview(att), S(1), mview(dB_), gemm_ws_);
  gemm<S>(true, false, S(1), cview(B_), cview(dY), S(0), mview(datt), gemm_ws_);
  ensure_cols(dot_part_, kDotLanes * 2 * H, n);
  dot_part_.leftCols(n).setZero();
  const long block_size = static_cast<long>(kTableRows) * dims_.vocab * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    backward_token_rows<S>(n, H, a, b, att_.data(), dY_.data() + rb * kTableRows, dY_.outerStride(),
                           Tb_.data() + rb * block_size, dTb_.data() + rb * block_size, dot_part_.data());
  reduce_token_dots<S>(n, H, dot_part_.data(), datt_.data());
  // Softmax of each head: ds_j = att_j (datt_j - sum_k att_k datt_k); scores are table lookups.
  for (int e = 0; e < n; ++e) {
    const S* at = att.col(e).data();
    const S* da = datt.col(e).data();
    for (int h = 0; h < H; ++h) {
      const S* p = at + 3 * h;
      const S* g = da + 3 * h;
      const S w = p[0] * g[0] + p[1] * g[1] + p[2] * g[2];
      const S ds0 = p[0] * (g[0] - w), ds1 = p[1] * (g[1] - w), ds2 = p[2] * (g[2] - w);
      dSEP_(h, a[e]) += ds0; dSEP_(h, V) += ds0;
      dSEP_(h, b[e]) += ds1; dSEP_(h, V + 1) += ds1;
      dSEP_(h, eq) += ds2; dSEP_(h, V + 2) += ds2;
    }
  }
}

template <class S>
void TabulatedOneLayer<S>::backward_tables(ParamsT<S>& P) {
  const auto& bi = index_.blocks[0];
  const int V = dims_.vocab, H = dims_.heads, dh = dims_.d_head, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  auto& ws = gemm_ws_;
  // T_h = Ast_h VEP_h.
  for (int h = 0; h < H; ++h) {
    const auto dTh = dT_.middleCols(h * VP_, VP_);
    gemm<S>(false, true, S(1), cview(dTh), cview(VEP_.middleRows(h * dh, dh)), S(0),
            mview(dAst_.middleCols(h * dh, dh)), ws);
    gemm<S>(true, false, S(1), cview(Ast_.middleCols(h * dh, dh)), cview(dTh), S(0),
            mview(dVEP_.middleRows(h * dh, dh)), ws);
  }
  // Ast = Wst W_O; c = Wst x2 + [b_in; W_U b_out; 0].
  gemm<S>(false, true, S(1), cview(dAst_), cview(P.w(bi.W_O)), S(0), mview(dWst_), ws);
  gemm<S>(false, true, S(1), cview(dc_), cview(x2_), S(1), mview(dWst_), ws);
  gemm<S>(true, false, S(1), cview(Wst_), cview(dAst_), S(1), mview(P.g(bi.W_O)), ws);
  gemm<S>(true, false, S(1), cview(Wst_), cview(dc_), S(0), mview(dx2_), ws);
  P.g(bi.W_in) += dWst_.topRows(M);
  P.g(index_.W_U) += dWst_.middleRows(M, C);
  P.g(bi.b_in) += dc_.topRows(M);
  const auto dc_logits = dc_.middleRows(M, C);
  gemm<S>(true, false, S(1), cview(P.w(index_.W_U)), cview(dc_logits), S(1), mview(P.g(bi.b_out)), ws);
  gemm<S>(false, true, S(1), cview(dc_logits), cview(P.w(bi.b_out)), S(1), mview(P.g(index_.W_U)), ws);
  // U = W_U W_out.
  gemm<S>(false, true, S(1), cview(dU_), cview(P.w(bi.W_out)), S(1), mview(P.g(index_.W_U)), ws);
  gemm<S>(true, false, S(1), cview(P.w(index_.W_U)), cview(dU_), S(1), mview(P.g(bi.W_out)), ws);
  // VEP = W_V EP; SEP = QK^T EP.
  gemm<S>(false, true, S(1), cview(dVEP_), cview(EP_), S(1), mview(P.g(bi.W_V)), ws);
  gemm<S>(true, false, S(1), cview(P.w(bi.W_V)), cview(dVEP_), S(0), mview(dEP_), ws);
  gemm<S>(false, true, S(1), cview(EP_), cview(dSEP_), S(0), mview(dQK_), ws);
  gemm<S>(false, false, S(1), cview(QK_), cview(dSEP_), S(1), mview(dEP_), ws);
  // QK_h = scale W_K_h^T q_h; q = W_Q x2.
  const auto W_K = P.w(bi.W_K);
  auto dW_K = P.g(bi.W_K);
  for (int h = 0; h < H; ++h) {
    gemm<S>(false, true, scale_, cview(q_.middleRows(h * dh, dh)), cview(dQK_.col(h)), S(1),
            mview(dW_K.middleRows(h * dh, dh)), ws);
    gemm<S>(false, false, scale_, cview(W_K.middleRows(h * dh, dh)), cview(dQK_.col(h)), S(0),
            mview(dq_.middleRows(h * dh, dh)), ws);
  }
  gemm<S>(false, true, S(1), cview(dq_), cview(x2_), S(1), mview(P.g(bi.W_Q)), ws);
  gemm<S>(true, false, S(1), cview(P.w(bi.W_Q)), cview(dq_), S(1), mview(dx2_), ws);
  // x2 = EP(:, eq) + EP(:, V + 2); EP = [W_E, W_pos].
  dEP_.col(eq) += dx2_.col(0);
  dEP_.col(V + 2) += dx2_.col(0);
  P.g(index_.W_E) += dEP_.leftCols(V);
  P.g(index_.W_pos) += dEP_.rightCols(3);
}

template class TabulatedOneLayer<float>;
template class TabulatedOneLayer<double>;

}  // namespace grok
