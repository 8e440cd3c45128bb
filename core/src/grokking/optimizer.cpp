#include "grok/grokking/optimizer.h"

#include <algorithm>
#include <cmath>

namespace grok {

void Optimizer::step(Params& params, const Config& c) {
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
  if (c.grokfast_lambda > 0.0 && c.grokfast == "ma") {
    // ironjr/grokfast gradfilter_ma: the raw gradient joins a queue of the last `window`; once the
    // queue is full, g += lambda * (sum of the queue, oldest first) / window.
    const size_t window = static_cast<size_t>(c.grokfast_window);
    if (ma.size() != window * n) { ma.assign(window * n, 0.0f); ma_count = 0; }
    std::copy(g, g + n, ma.begin() + (ma_count % window) * n);
    ++ma_count;
    if (ma_count >= static_cast<long>(window)) {
      ma_sum.assign(n, 0.0f);
      const size_t oldest = ma_count % window;
      for (size_t k = 0; k < window; ++k) {
        const float* __restrict slot = ma.data() + ((oldest + k) % window) * n;
        float* __restrict sum = ma_sum.data();
        for (size_t i = 0; i < n; ++i) sum[i] += slot[i];
      }
      const float w = static_cast<float>(window), lambda = static_cast<float>(c.grokfast_lambda);
      for (size_t i = 0; i < n; ++i) g[i] += ma_sum[i] / w * lambda;
    }
  } else if (c.grokfast_lambda > 0.0) {
    const float alpha = static_cast<float>(c.grokfast_alpha);
    const float keep = static_cast<float>(1.0 - c.grokfast_alpha);  // as torch: (1 - alpha) in double, then float
    const float lambda = static_cast<float>(c.grokfast_lambda);
    if (t == 0) std::copy(g, g + n, ema.begin());
    else
      for (size_t i = 0; i < n; ++i) ema[i] = alpha * ema[i] + keep * g[i];
    for (size_t i = 0; i < n; ++i) g[i] += lambda * ema[i];
  }
  const double warm = c.warmup > 0 ? std::min(static_cast<double>(t) / c.warmup, 1.0) : 1.0;
  const double lr = c.lr * warm;
  ++t;
  if (c.optimizer == "sgd") {
    const float wd = static_cast<float>(c.weight_decay), rate = static_cast<float>(lr);
    // torch keeps no buffer without momentum; with it, the first step's buffer is the gradient
    // (the same as a zero buffer without dampening: 0 * momentum + d).
    const float mom = t == 1 ? 0.0f : static_cast<float>(c.momentum);
    float* __restrict mm = m.data();
    float* __restrict ww = w;
    const float* __restrict gg = g;
    for (size_t i = 0; i < n; ++i) {
      const float d = gg[i] + wd * ww[i];
      const float b = mom * mm[i] + d;
      mm[i] = b;
      ww[i] -= rate * b;
    }
    return;
  }
  const bool decoupled = c.optimizer == "adamw";
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
  const float decay = static_cast<float>(1.0 - lr * c.weight_decay);
  const float l2 = decoupled ? 0.0f : static_cast<float>(c.weight_decay);
  const float b1 = static_cast<float>(c.beta1), b2 = static_cast<float>(c.beta2);
  const float step_size = static_cast<float>(lr / bc1);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  const float eps = static_cast<float>(c.eps);
  for (size_t i = 0; i < n; ++i) {
    float gi = g[i];
    if (decoupled) w[i] *= decay;
    else if (l2 != 0.0f) gi += l2 * w[i];
    m[i] = b1 * m[i] + (1.0f - b1) * gi;
    v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
    w[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
  }
}

}  // namespace grok
