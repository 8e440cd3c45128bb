// The optimizers, over the flat parameter buffer, with the gradient filters that speed up or enable
// grokking applied first (to every optimizer):
//   perpendicular gradients (Prieto et al. 2025): g <- (g - (w.g / w.w) w) rescaled to |g|, per tensor
//   Grokfast-EMA (Lee et al. 2024): mu <- alpha mu + (1 - alpha) g (mu_0 = g_0); g <- g + lambda mu
//   Grokfast-MA: the last `window` raw gradients kept; once there are that many, g <- g + lambda mean
// then, with linear warmup lr_t = lr * min(t / warmup, 1) for the 0-based step t (Nanda's LambdaLR):
//   adamw (torch.optim.AdamW): w <- w (1 - lr wd); m, v moments; w <- w - lr m_hat / (sqrt(v_hat) + eps)
//   adam  (torch.optim.Adam, weight_decay as coupled L2): g <- g + wd w; then the same moments and update
//   sgd   (torch.optim.SGD, no dampening, no Nesterov): g <- g + wd w; b <- momentum b + g (b_0 = g);
//         w <- w - lr b
#pragma once
#include <vector>

#include "grok/common/params.h"
#include "grok/grokking/config.h"

namespace grok {

class Optimizer {
 public:
  explicit Optimizer(size_t n) : m(n, 0.0f), v(n, 0.0f), ema(n, 0.0f) {}
  // Applies one update to params.value from params.grad (which it may modify in place).
  void step(Params& params, const Config& config);

  long t = 0;                    // steps taken
  std::vector<float> m, v, ema;  // Adam moments (sgd: m is the momentum buffer) and the Grokfast EMA
  std::vector<float> ma;         // Grokfast-MA: window x n raw gradients, slot (k % window) for the k-th
  long ma_count = 0;             // gradients that went into `ma`
  std::vector<float> ma_sum;     // scratch (not state)
};

}  // namespace grok
