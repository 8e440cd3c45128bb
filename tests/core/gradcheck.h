// Central finite differences in double precision against a model's analytic gradient.
#pragma once
#include <catch2/catch.hpp>

#include <cmath>

#include "grok/grokking/models/model.h"

namespace grok_test {

// Compares every parameter's gradient (all of them, or `max_per_tensor` spread over each tensor).
// Loss = the model's mean loss over the given examples. Returns the worst relative error.
inline double gradcheck(grok::ModelT<double>& m, const grok::Inputs& in, const std::vector<int>& y,
                        int max_per_tensor = 40, double h = 1e-6) {
  const int n = static_cast<int>(y.size());
  auto& P = m.params();
  P.zero_grad();
  m.forward_backward(in, y.data(), n, n);
  const std::vector<double> analytic(P.grad.begin(), P.grad.end());
  auto loss = [&] { return m.evaluate(in, y.data(), n).mean_loss(); };
  double worst = 0;
  for (const auto& info : P.info) {
    const size_t count = info.size();
    const size_t stride = std::max<size_t>(1, count / max_per_tensor);
    for (size_t k = 0; k < count; k += stride) {
      const size_t i = info.offset + k;
      const double saved = P.value[i];
      P.value[i] = saved + h;
      const double up = loss();
      P.value[i] = saved - h;
      const double down = loss();
      P.value[i] = saved;
      const double numeric = (up - down) / (2 * h);
      const double err = std::abs(numeric - analytic[i]) / std::max(1e-4, std::abs(numeric) + std::abs(analytic[i]));
      INFO(info.name << "[" << k << "] numeric " << numeric << " analytic " << analytic[i]);
      CHECK(err < 1e-5);
      worst = std::max(worst, err);
    }
  }
  return worst;
}

// Token pairs (a, b).
inline double gradcheck(grok::ModelT<double>& m, const std::vector<int>& a, const std::vector<int>& b,
                        const std::vector<int>& y, int max_per_tensor = 40, double h = 1e-6) {
  return gradcheck(m, grok::Inputs::pairs(a.data(), b.data()), y, max_per_tensor, h);
}

}  // namespace grok_test
