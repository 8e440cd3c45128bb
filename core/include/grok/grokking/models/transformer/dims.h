// The transformer's shape and where each of its tensors sits in the flat parameter buffer: shared
// by the reference path (transformer.h), the tabulated path (tabulated.h) and the cost estimate.
#pragma once
#include <vector>

#include "grok/grokking/config.h"

namespace grok {

enum class Activation { relu, quad, gelu };
// none: Nanda 2023; post: x = LN(x + f(x)) (Power 2022); pre: x = x + f(LN(x)) and a final LN;
// pre_inplace: the first LN replaces the residual stream, x = LN1(x); x = x + attn(x);
// x = x + mlp(LN2(x)), and a final LN (ironjr/grokfast main.py's Block).
enum class LayerNormPlace { none, post, pre, pre_inplace };

struct TransformerDims {
  int d_model, heads, d_head, d_mlp;
  int elements;   // operand values (p, or 120 for S5): tokens 0..elements-1
  int vocab;      // elements + 1 ('='), + 1 more with the op token
  int classes;    // elements, or the whole vocabulary with the op token
  int positions;  // 3: [a, b, =]; 4: [a, op, b, =]
  int layers;
  LayerNormPlace ln;
  Activation act;
  bool attn_bias;   // b_Q, b_K, b_V, b_O
  bool torch_init;  // PyTorch modules' default init instead of Nanda's
  int eq_token() const { return elements; }
  int op_token() const { return elements + 1; }
  bool op_token_input() const { return positions == 4; }
  bool pre_ln() const { return ln == LayerNormPlace::pre || ln == LayerNormPlace::pre_inplace; }
  bool block_ln() const { return ln != LayerNormPlace::none; }  // ln1/ln2 in every block
};

// The dims a config gives for a task of `elements` operand values.
TransformerDims transformer_dims(const Config& c, int elements);
// Parameters of that model (what TransformerModel registers).
long transformer_param_count(const TransformerDims& d);

struct BlockParamIndex {
  int W_Q, W_K, W_V, W_O, W_in, b_in, W_out, b_out;
  int b_Q = -1, b_K = -1, b_V = -1, b_O = -1;           // attn_bias only
  int ln1_w = -1, ln1_b = -1, ln2_w = -1, ln2_b = -1;  // with LayerNorm only
};

struct TransformerParamIndex {
  int W_E, W_pos, W_U;
  int lnf_w = -1, lnf_b = -1;  // pre-LN only: the final LayerNorm
  std::vector<BlockParamIndex> blocks;
};

}  // namespace grok
