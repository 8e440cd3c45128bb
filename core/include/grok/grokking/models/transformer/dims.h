// The transformer's shape and where each of its tensors sits in the flat parameter buffer: shared
// by the reference path (transformer.h) and the tabulated path (tabulated.h), which sits below it.
#pragma once
#include <vector>

namespace grok {

struct TransformerDims {
  int d_model, heads, d_head, d_mlp;
  int vocab;    // n_elements + 1
  int classes;  // n_elements
  int layers;
  bool post_ln;
  bool quad;    // x^2 activation instead of relu
  int eq_token() const { return vocab - 1; }
};

struct BlockParamIndex {
  int W_Q, W_K, W_V, W_O, W_in, b_in, W_out, b_out;
  int ln1_w = -1, ln1_b = -1, ln2_w = -1, ln2_b = -1;  // post-LN only
};

struct TransformerParamIndex {
  int W_E, W_pos, W_U;
  std::vector<BlockParamIndex> blocks;
};

}  // namespace grok
