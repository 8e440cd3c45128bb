// The transformer's shape from a config, and its parameter count (dims.h).
#include "grok/grokking/models/transformer/dims.h"

namespace grok {

TransformerDims transformer_dims(const Config& c, int elements) {
  TransformerDims d;
  d.d_model = c.d_model;
  d.heads = c.heads;
  d.d_head = c.d_model / c.heads;
  d.d_mlp = c.mlp_ratio > 0 ? c.mlp_ratio * c.d_model : c.d_mlp;
  d.elements = elements;
  d.vocab = elements + (c.op_token ? 2 : 1);
  d.classes = c.op_token ? d.vocab : elements;
  d.positions = c.op_token ? 4 : 3;
  d.layers = c.layers;
  d.ln = c.layer_norm == "post" ? LayerNormPlace::post
         : c.layer_norm == "pre" ? LayerNormPlace::pre
         : c.layer_norm == "pre-inplace" ? LayerNormPlace::pre_inplace
                                         : LayerNormPlace::none;
  d.act = c.activation == "quad" ? Activation::quad : c.activation == "gelu" ? Activation::gelu : Activation::relu;
  d.attn_bias = c.attn_bias;
  d.torch_init = c.init == "torch";
  return d;
}

long transformer_param_count(const TransformerDims& t) {
  const long d = t.d_model, hd = long(t.heads) * t.d_head, m = t.d_mlp;
  long block = 3 * hd * d + d * hd + m * d + m + d * m + d;
  if (t.attn_bias) block += 3 * hd + d;
  if (t.block_ln()) block += 4 * d;
  return d * t.vocab + d * t.positions + t.layers * block + (t.pre_ln() ? 2 * d : 0) + long(t.classes) * d;
}

}  // namespace grok
