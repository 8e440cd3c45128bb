// The per-example loops of the tabulated transformer path (tabulated.h), over one block of
// kTableRows rows of the stacked tables at a time, with the same run-time SIMD selection as gemm():
// they are a fifth of a training step with AVX-512 and would be 2-4x slower as baseline x86-64 code.
#pragma once

namespace grok {

constexpr int kTableRows = 64;  // rows per block: a block of the tables (64 x heads*vocab) stays in L2

// Token tables in row blocks: a block is kTableRows x (vocab * heads), column t*heads + h holding
// rows [r0, r0 + kTableRows) of head h's table column for token t. So the heads of one token are
// one contiguous run of heads * kTableRows values, the unit the loops below read and write.

// For e < n:  Y(:, e) += sum_h att(3h, e) Tb(:, a[e]*heads + h) + att(3h+1, e) Tb(:, b[e]*heads + h)
// on the block's rows (Y points at the block's first row; att is 3*heads x n, contiguous).
template <class S>
void mix_token_rows(int n, int heads, const int* a, const int* b, const S* att, const S* Tb, S* Y, long ldy);

// The backward of mix_token_rows on the same rows: for e < n, each head h and j in {0: a, 1: b}
// with col = token_j * heads + h:
//   dTb(:, col) += att(3h+j, e) dY(:, e)
//   part(:, 2h+j, e) += 16 partial sums of dY(:, e) . Tb(:, col)   (lane k: rows k, k+16, ...)
// part is kDotLanes x 2*heads x n. The dot products are finished by reduce_token_dots once all
// row blocks are done: one horizontal reduction per dot instead of one per row block.
constexpr int kDotLanes = 16;
template <class S>
void backward_token_rows(int n, int heads, const int* a, const int* b, const S* att, const S* dY, long ldy,
                         const S* Tb, S* dTb, S* part);
// datt(3h+j, e) += sum over lanes of part(:, 2h+j, e), in a fixed tree order.
template <class S>
void reduce_token_dots(int n, int heads, const S* part, S* datt);

// d[i] = pre[i] > 0 ? d[i] : 0 (relu') or d[i] *= 2 pre[i] (x^2') for i < count.
template <class S>
void activation_backward(long count, bool quad, const S* pre, S* d);

}  // namespace grok
