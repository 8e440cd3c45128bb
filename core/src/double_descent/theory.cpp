// Closed-form risks of the linear double-descent experiment; derivations and references in theory.h.
#include "grok/double_descent/theory.h"

#include <cmath>
#include <limits>

namespace grok {

double dd_inverse_power(int base, double exponent) {
  // Whole exponents (the defaults) by repeated multiplication: IEEE-exact the same on every platform.
  // Others through libm's pow, which glibc and Emscripten's musl may round differently in the last bit.
  if (exponent == std::floor(exponent) && exponent <= 64) {
    double r = 1.0;
    for (int i = 0; i < int(exponent); ++i) r *= base;
    return 1.0 / r;
  }
  return std::pow(double(base), -exponent);
}

std::vector<double> dd_linear_beta(int total_features, double beta_decay) {
  std::vector<double> beta(static_cast<size_t>(total_features));
  double sum = 0;
  for (int j = 0; j < total_features; ++j) {
    beta[j] = dd_inverse_power(j + 1, beta_decay);
    sum += beta[j] * beta[j];
  }
  const double scale = 1.0 / std::sqrt(sum);
  for (double& b : beta) b *= scale;
  return beta;
}

DDLinearTheory dd_linear_split(const std::vector<double>& beta, int p, double noise) {
  DDLinearTheory t;
  double rest = 0;
  for (size_t j = 0; j < beta.size(); ++j) (int(j) < p ? t.signal_seen : rest) += beta[j] * beta[j];
  t.noise_eff = noise * noise + rest;
  return t;
}

double dd_ridgeless_risk(int n, int p, const DDLinearTheory& t) {
  if (p <= n - 2) return t.noise_eff * (1.0 + double(p) / (n - p - 1));
  if (p >= n + 2) return t.signal_seen * (1.0 - double(n) / p) + t.noise_eff * (1.0 + double(n) / (p - n - 1));
  return std::numeric_limits<double>::infinity();
}

double mp_stieltjes(double gamma, double lambda) {
  // m(-lambda) = [sqrt((1 - gamma + lambda)^2 + 4 gamma lambda) - (1 - gamma + lambda)] / (2 gamma lambda),
  // the root of gamma lambda m^2 + (1 - gamma + lambda) m - 1 = 0 that is positive. The rationalized
  // form 2 / (a + S) avoids cancellation when gamma lambda is small.
  const double a = 1.0 - gamma + lambda;
  const double s = std::sqrt(a * a + 4.0 * gamma * lambda);
  return a >= 0 ? 2.0 / (a + s) : (s - a) / (2.0 * gamma * lambda);
}

double mp_stieltjes_derivative(double gamma, double lambda) {
  // Differentiate gamma lambda m^2 + (1 - gamma + lambda) m - 1 = 0 in lambda, with f(lambda) = m(-lambda):
  //   f' = -(gamma f^2 + f) / (2 gamma lambda f + 1 - gamma + lambda);  m'(-lambda) = -f'(lambda).
  const double f = mp_stieltjes(gamma, lambda);
  const double df = -(gamma * f * f + f) / (2.0 * gamma * lambda * f + 1.0 - gamma + lambda);
  return -df;
}

double dd_ridge_risk_asymptotic(int n, int p, double lambda, const DDLinearTheory& t) {
  const double gamma = double(p) / n, ln = lambda / n;
  const double m = mp_stieltjes(gamma, ln), dm = mp_stieltjes_derivative(gamma, ln);
  const double bias = t.signal_seen * ln * ln * dm;
  const double variance = t.noise_eff * gamma * (m - ln * dm);
  return t.noise_eff + bias + variance;
}

double dd_optimal_ridge(int p, const DDLinearTheory& t) {
  if (t.signal_seen <= 0) return std::numeric_limits<double>::infinity();
  return p * t.noise_eff / t.signal_seen;
}

}  // namespace grok
