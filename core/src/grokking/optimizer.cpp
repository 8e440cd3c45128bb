#include "grok/grokking/optimizer.h"

#include <algorithm>
#include <cmath>

namespace grok {

void AdamW::step(Params& params, const Config& c) {
  float* w = params.value.data();
  float* g = params.grad.data();
  const size_t n = params.size();
  if (c.perp_grad) {
    for (const auto& info : params.info) {
      double wg = 0, ww = 0, gg = 0;
      for (size_t i = info.offset; i < info.offset + info.size(); ++i) {
        wg += double(w[i]) * g[i]; ww += double(w[i]) * w[i]; gg += double(g[i]) * g[i];
      }
      if (ww == 0.0 || gg == 0.0) continue;
      const double coef = wg / ww;
      double pp = 0;
      for (size_t i = info.offset; i < info.offset + info.size(); ++i) {
        const double gp = g[i] - coef * w[i];
        pp += gp * gp;
      }
      if (pp == 0.0) continue;
      const double scale = std::sqrt(gg / pp);
      for (size_t i = info.offset; i < info.offset + info.size(); ++i)
        g[i] = static_cast<float>((g[i] - coef * w[i]) * scale);
    }
  }
  if (c.grokfast_lambda > 0.0) {
    const float alpha = static_cast<float>(c.grokfast_alpha);
    const float lambda = static_cast<float>(c.grokfast_lambda);
    if (t == 0) std::copy(g, g + n, ema.begin());
    else
      for (size_t i = 0; i < n; ++i) ema[i] = alpha * ema[i] + (1.0f - alpha) * g[i];
    for (size_t i = 0; i < n; ++i) g[i] += lambda * ema[i];
  }
  const double warm = c.warmup > 0 ? std::min(static_cast<double>(t) / c.warmup, 1.0) : 1.0;
  const double lr = c.lr * warm;
  ++t;
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
  const float decay = static_cast<float>(1.0 - lr * c.weight_decay);
  const float b1 = static_cast<float>(c.beta1), b2 = static_cast<float>(c.beta2);
  const float step_size = static_cast<float>(lr / bc1);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  const float eps = static_cast<float>(c.eps);
  for (size_t i = 0; i < n; ++i) {
    w[i] *= decay;
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    w[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
  }
}

}  // namespace grok
