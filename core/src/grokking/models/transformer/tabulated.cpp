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
  dQK_.resize(d, H); dq_.resize(hd, 1); dx2_.resize(d, 1); dEP_.resize(d, VP_); dWU_.resize(C, d);
  work_.resize(1);
}

template <class S>
void TabulatedOneLayer<S>::set_pool(ThreadPool* pool) {
  pool_ = pool;
  work_.resize(pool ? pool->size() : 1);
}

template <class S>
template <class F>
int TabulatedOneLayer<S>::for_each_group(int n, F&& f) {
  const int chunks = (n + kChunk - 1) / kChunk;
  const int per = (chunks + kGroups - 1) / kGroups;  // chunks per group: set by n, not by the pool
  const int groups = (chunks + per - 1) / per;
  auto task = [&](int g, int worker) { f(g, g * per * kChunk, std::min(n, (g + 1) * per * kChunk), work_[worker]); };
  if (pool_ && groups > 1) pool_->run(groups, task);
  else
    for (int g = 0; g < groups; ++g) task(g, 0);
  return groups;
}

template <class S>
template <class F>
void TabulatedOneLayer<S>::for_each_task(int n, F&& f) {
  auto task = [&](int t, int worker) { f(t, work_[worker]); };
  if (pool_) pool_->run(n, task);
  else
    for (int t = 0; t < n; ++t) task(t, 0);
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
  // The largest products, as independent tasks: per head Ast_h = Wst W_O_h and T_h = Ast_h VEP_h;
  // and U = W_U W_out.
  for_each_task(H + 1, [&](int h, Work& w) {
    if (h == H) {
      gemm<S>(false, false, S(1), cview(P.w(index_.W_U)), cview(P.w(bi.W_out)), S(0), mview(U_), w.gemm_ws);
      return;
    }
    auto Ah = Ast_.middleCols(h * dh, dh);
    gemm<S>(false, false, S(1), cview(Wst_), cview(P.w(bi.W_O).middleCols(h * dh, dh)), S(0), mview(Ah), w.gemm_ws);
    auto Th = T_.middleCols(h * VP_, VP_);
    gemm<S>(false, false, S(1), cview(Ah), cview(VEP_.middleRows(h * dh, dh)), S(0), mview(Th), w.gemm_ws);
    B_.col(3 * h) = Th.col(V);
    B_.col(3 * h + 1) = Th.col(V + 1);
    B_.col(3 * h + 2) = Th.col(eq) + Th.col(V + 2);
  });
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
}

template <class S>
void TabulatedOneLayer<S>::attend_and_mix(Work& w, const int* a, const int* b, int n) {
  const int V = dims_.vocab, H = dims_.heads, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  ensure_cols(w.att, 3 * H, n);
  ensure_cols(w.Y, R_, n);
  ensure_cols(w.hid, M, n);
  // Attention of the '=' query over [a, b, =], per head: a 3-way softmax of table lookups.
  for (int e = 0; e < n; ++e) {
    S* att = w.att.col(e).data();
    for (int h = 0; h < H; ++h) {
      const S s0 = SEP_(h, a[e]) + SEP_(h, V), s1 = SEP_(h, b[e]) + SEP_(h, V + 1);
      const S s2 = SEP_(h, eq) + SEP_(h, V + 2);
      const S mx = std::max(s0, std::max(s1, s2));
      const S e0 = std::exp(s0 - mx), e1 = std::exp(s1 - mx), e2 = std::exp(s2 - mx);
      const S inv = S(1) / (e0 + e1 + e2);
      att[3 * h] = e0 * inv; att[3 * h + 1] = e1 * inv; att[3 * h + 2] = e2 * inv;
    }
  }
  auto Y = w.Y.leftCols(n);
  gemm<S>(false, false, S(1), cview(B_), cview(w.att.leftCols(n)), S(0), mview(Y), w.gemm_ws);
  Y.colwise() += c_.col(0);
  // Token columns, one row block at a time so the block of T (kTableRows x H*VP) stays in cache.
  const long block_size = static_cast<long>(kTableRows) * dims_.vocab * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    mix_token_rows<S>(n, H, a, b, w.att.data(), Tb_.data() + rb * block_size, w.Y.data() + rb * kTableRows,
                      w.Y.outerStride());
  auto hid = w.hid.leftCols(n);
  if (dims_.act == Activation::quad) hid = Y.topRows(M).array().square().matrix();
  else hid = Y.topRows(M).cwiseMax(S(0));
  gemm<S>(false, false, S(1), cview(U_), cview(hid), S(1), mview(Y.middleRows(M, C)), w.gemm_ws);
}

template <class S>
void TabulatedOneLayer<S>::forward(const ParamsT<S>& P, const int* a, const int* b, int n) {
  tabulate(P);
  attend_and_mix(work_[0], a, b, n);
}

template <class S>
BatchStats TabulatedOneLayer<S>::evaluate(const ParamsT<S>& P, const int* a, const int* b, const int* y, int n,
                                          LossKind kind) {
  tabulate(P);
  BatchStats part[kGroups];
  const int groups = for_each_group(n, [&](int g, int begin, int end, Work& w) {
    for (int start = begin; start < end; start += kChunk) {
      const int m = std::min(kChunk, end - start);
      attend_and_mix(w, a + start, b + start, m);
      part[g] += batch_loss<S>(w.Y.block(dims_.d_mlp, 0, dims_.classes, m), y + start, kind, nullptr, 1.0,
                               w.loss_work);
    }
  });
  BatchStats st;
  for (int g = 0; g < groups; ++g) st += part[g];
  return st;
}

template <class S>
BatchStats TabulatedOneLayer<S>::forward_backward(ParamsT<S>& P, const int* a, const int* b, const int* y, int n,
                                                  int mean_over, LossKind kind) {
  const int V = dims_.vocab, H = dims_.heads, C = dims_.classes, M = dims_.d_mlp;
  const int eq = dims_.eq_token();
  tabulate(P);
  if (group_.size() < static_cast<size_t>(kGroups)) group_.resize(kGroups);
  // Chunks of examples: forward, loss and backward of a chunk run while its activations are still
  // in cache; a group's table gradients accumulate over its chunks.
  const int groups = for_each_group(n, [&](int g, int begin, int end, Work& w) {
    GroupGrad& gg = group_[g];
    if (gg.dU.size() == 0) {
      gg.dU.resize(C, M); gg.dB.resize(R_, 3 * H); gg.dc.resize(R_, 1); gg.dTb.resize(dTb_.rows(), dTb_.cols());
      gg.dSEP.resize(H, VP_);
    }
    gg.dU.setZero(); gg.dB.setZero(); gg.dc.setZero(); gg.dTb.setZero(); gg.dSEP.setZero();
    gg.st = BatchStats{};
    ensure_cols(w.dlogits, C, std::min(n, kChunk));
    for (int start = begin; start < end; start += kChunk) {
      const int m = std::min(kChunk, end - start);
      attend_and_mix(w, a + start, b + start, m);
      gg.st += batch_loss<S>(w.Y.block(M, 0, C, m), y + start, kind, &w.dlogits, 1.0 / mean_over, w.loss_work);
      backward_examples(w, gg, a + start, b + start, m);
    }
  });
  // The groups' sums in group order (the same for any number of threads); the largest, dTb, in
  // column slices on the pool (each element still summed in group order).
  BatchStats st = group_[0].st;
  dU_ = group_[0].dU; dB_ = group_[0].dB; dc_ = group_[0].dc; dSEP_ = group_[0].dSEP;
  for (int g = 1; g < groups; ++g) {
    st += group_[g].st;
    dU_ += group_[g].dU; dB_ += group_[g].dB; dc_ += group_[g].dc; dSEP_ += group_[g].dSEP;
  }
  constexpr int kSlices = 4;
  const long slice = (dTb_.cols() + kSlices - 1) / kSlices;
  for_each_task(kSlices, [&](int k, Work&) {
    const long from = k * slice, cols = std::min<long>(slice, dTb_.cols() - from);
    if (cols <= 0) return;
    auto out = dTb_.middleCols(from, cols);
    out = group_[0].dTb.middleCols(from, cols);
    for (int g = 1; g < groups; ++g) out += group_[g].dTb.middleCols(from, cols);
  });
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
void TabulatedOneLayer<S>::backward_examples(Work& w, GroupGrad& g, const int* a, const int* b, int n) {
  const int V = dims_.vocab, H = dims_.heads, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  ensure_cols(w.dY, R_, n);
  ensure_cols(w.datt, 3 * H, n);
  auto dlogits = w.dlogits.leftCols(n);
  auto hid = w.hid.leftCols(n);
  auto dY = w.dY.leftCols(n);
  auto att = w.att.leftCols(n);
  auto datt = w.datt.leftCols(n);
  // logits = Y[M : M+C] + U hid.
  gemm<S>(false, true, S(1), cview(dlogits), cview(hid), S(1), mview(g.dU), w.gemm_ws);
  gemm<S>(true, false, S(1), cview(U_), cview(dlogits), S(0), mview(dY.topRows(M)), w.gemm_ws);
  for (int e = 0; e < n; ++e)
    activation_backward<S>(M, dims_.act == Activation::quad, w.Y.col(e).data(), w.dY.col(e).data());
  dY.middleRows(M, C) = dlogits;
  dY.bottomRows(R_ - M - C).setZero();
  // Y = c + B att + sum_h (att_h0 T_h(:, a) + att_h1 T_h(:, b)).
  g.dc.col(0) += dY.rowwise().sum();
  gemm<S>(false, true, S(1), cview(dY), cview(att), S(1), mview(g.dB), w.gemm_ws);
  gemm<S>(true, false, S(1), cview(B_), cview(dY), S(0), mview(datt), w.gemm_ws);
  ensure_cols(w.dot_part, kDotLanes * 2 * H, n);
  w.dot_part.leftCols(n).setZero();
  const long block_size = static_cast<long>(kTableRows) * dims_.vocab * H;
  for (int rb = 0; rb < R_ / kTableRows; ++rb)
    backward_token_rows<S>(n, H, a, b, w.att.data(), w.dY.data() + rb * kTableRows, w.dY.outerStride(),
                           Tb_.data() + rb * block_size, g.dTb.data() + rb * block_size, w.dot_part.data());
  reduce_token_dots<S>(n, H, w.dot_part.data(), w.datt.data());
  // Softmax of each head: ds_j = att_j (datt_j - sum_k att_k datt_k); scores are table lookups.
  for (int e = 0; e < n; ++e) {
    const S* at = att.col(e).data();
    const S* da = datt.col(e).data();
    for (int h = 0; h < H; ++h) {
      const S* p = at + 3 * h;
      const S* gr = da + 3 * h;
      const S wsum = p[0] * gr[0] + p[1] * gr[1] + p[2] * gr[2];
      const S ds0 = p[0] * (gr[0] - wsum), ds1 = p[1] * (gr[1] - wsum), ds2 = p[2] * (gr[2] - wsum);
      g.dSEP(h, a[e]) += ds0; g.dSEP(h, V) += ds0;
      g.dSEP(h, b[e]) += ds1; g.dSEP(h, V + 1) += ds1;
      g.dSEP(h, eq) += ds2; g.dSEP(h, V + 2) += ds2;
    }
  }
}

template <class S>
void TabulatedOneLayer<S>::backward_tables(ParamsT<S>& P) {
  const auto& bi = index_.blocks[0];
  const int V = dims_.vocab, H = dims_.heads, dh = dims_.d_head, M = dims_.d_mlp, C = dims_.classes;
  const int eq = dims_.eq_token();
  auto& ws = gemm_ws_;
  // T_h = Ast_h VEP_h, per head, as independent tasks; then two independent chains (each task
  // writes its own gradients; W_U's part through U goes to dWU_, added below).
  for_each_task(2 * H, [&](int t, Work& w) {
    const int h = t % H;
    const auto dTh = dT_.middleCols(h * VP_, VP_);
    if (t < H)
      gemm<S>(false, true, S(1), cview(dTh), cview(VEP_.middleRows(h * dh, dh)), S(0),
              mview(dAst_.middleCols(h * dh, dh)), w.gemm_ws);
    else
      gemm<S>(true, false, S(1), cview(Ast_.middleCols(h * dh, dh)), cview(dTh), S(0),
              mview(dVEP_.middleRows(h * dh, dh)), w.gemm_ws);
  });
  for_each_task(2, [&](int t, Work& w) {
    auto& tws = w.gemm_ws;
    if (t == 0) {
      // Ast = Wst W_O; c = Wst x2 + [b_in; W_U b_out; 0].
      gemm<S>(false, true, S(1), cview(dAst_), cview(P.w(bi.W_O)), S(0), mview(dWst_), tws);
      gemm<S>(false, true, S(1), cview(dc_), cview(x2_), S(1), mview(dWst_), tws);
      gemm<S>(true, false, S(1), cview(Wst_), cview(dAst_), S(1), mview(P.g(bi.W_O)), tws);
      gemm<S>(true, false, S(1), cview(Wst_), cview(dc_), S(0), mview(dx2_), tws);
      P.g(bi.W_in) += dWst_.topRows(M);
      P.g(index_.W_U) += dWst_.middleRows(M, C);
      P.g(bi.b_in) += dc_.topRows(M);
      const auto dc_logits = dc_.middleRows(M, C);
      gemm<S>(true, false, S(1), cview(P.w(index_.W_U)), cview(dc_logits), S(1), mview(P.g(bi.b_out)), tws);
      gemm<S>(false, true, S(1), cview(dc_logits), cview(P.w(bi.b_out)), S(1), mview(P.g(index_.W_U)), tws);
      return;
    }
    // U = W_U W_out.
    gemm<S>(false, true, S(1), cview(dU_), cview(P.w(bi.W_out)), S(0), mview(dWU_), tws);
    gemm<S>(true, false, S(1), cview(P.w(index_.W_U)), cview(dU_), S(1), mview(P.g(bi.W_out)), tws);
    // VEP = W_V EP; SEP = QK^T EP.
    gemm<S>(false, true, S(1), cview(dVEP_), cview(EP_), S(1), mview(P.g(bi.W_V)), tws);
    gemm<S>(true, false, S(1), cview(P.w(bi.W_V)), cview(dVEP_), S(0), mview(dEP_), tws);
    gemm<S>(false, true, S(1), cview(EP_), cview(dSEP_), S(0), mview(dQK_), tws);
    gemm<S>(false, false, S(1), cview(QK_), cview(dSEP_), S(1), mview(dEP_), tws);
  });
  P.g(index_.W_U) += dWU_;
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
