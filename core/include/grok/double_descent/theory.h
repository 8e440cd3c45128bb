// Closed-form test risk of the linear experiment (data.h): x ~ N(0, I_D), y = x.beta + e,
// e ~ N(0, sigma^2), ||beta|| = 1; the learner regresses y on the first p coordinates of x.
//
// The D - p unseen coordinates contribute x_rest.beta_rest, which is Gaussian, independent of the
// seen coordinates and of e: to the learner it is extra label noise. So with
//   r^2         = ||beta_seen||^2              (signal the learner can reach)
//   sigma_eff^2 = sigma^2 + ||beta_rest||^2     (noise as the learner experiences it)
// the problem is a well-specified isotropic one, and the test risk of a fitted w is exactly
//   R(w) = E (y - x_seen.w)^2 = ||w - beta_seen||^2 + sigma_eff^2.
//
// Ridgeless (minimum-norm least squares), exact for finite n and p (Belkin, Hsu & Xu 2019, "Two
// models of double descent for weak features", Theorem 1; Hastie et al. 2019 give the p, n -> inf
// limits of the same expressions):
//   p <= n - 2:  E R = sigma_eff^2 * (1 + p / (n - p - 1))
//                (E tr (X'X)^-1 = p / (n - p - 1): the mean of an inverse Wishart matrix)
//   p >= n + 2:  E R = r^2 (1 - n/p) + sigma_eff^2 * (1 + n / (p - n - 1))
//                (bias: w = P beta_seen + X^+ e with P a uniformly random rank-n projection in R^p,
//                 so E ||(I - P) beta_seen||^2 = (1 - n/p) r^2; variance: E tr (X X')^-1 = n / (p - n - 1))
//   p in {n - 1, n, n + 1}: the expectation is infinite (returned as +inf); medians stay finite.
//
// Ridge with lambda > 0 (objective ||y - X w||^2 + lambda ||w||^2) has no finite-n closed form; we use
// the proportional limit p/n -> gamma (Hastie et al. 2019, Theorem 5; Dobriban & Wager 2018), with
// lambda_n = lambda / n the penalty in the 1/n-normalized objective and m the Stieltjes transform of
// the Marchenko-Pastur law of X'X/n:
//   E R -> sigma_eff^2 + r^2 lambda_n^2 m'(-lambda_n) + sigma_eff^2 gamma (m(-lambda_n) - lambda_n m'(-lambda_n))
// The optimal penalty is lambda_n* = gamma sigma_eff^2 / r^2, i.e. lambda* = p sigma_eff^2 / r^2 in
// our unnormalized objective (the posterior mean for a Gaussian prior of the same norm; Dobriban &
// Wager 2018, Nakkiran et al. 2020), where the risk simplifies to sigma_eff^2 (1 + gamma m(-lambda_n*)).
// These are asymptotic: at n = 40 they differ from the Monte Carlo by a few percent (docs/double-descent.md).
#pragma once
#include <vector>

namespace grok {

// base^-exponent for base >= 1, exponent >= 0; platform-independent for whole exponents.
double dd_inverse_power(int base, double exponent);

// beta_j proportional to j^-decay (j = 1..D), normalized to ||beta|| = 1.
std::vector<double> dd_linear_beta(int total_features, double beta_decay);

struct DDLinearTheory {
  double signal_seen = 0;  // r^2 = ||beta_seen||^2
  double noise_eff = 0;    // sigma_eff^2 = sigma^2 + ||beta_rest||^2
};
DDLinearTheory dd_linear_split(const std::vector<double>& beta, int p, double noise);

// Exact finite-sample expected risk of the minimum-norm fit; +inf for p in {n-1, n, n+1}.
double dd_ridgeless_risk(int n, int p, const DDLinearTheory& t);
// Asymptotic expected risk of ridge with penalty lambda > 0 (unnormalized objective).
double dd_ridge_risk_asymptotic(int n, int p, double lambda, const DDLinearTheory& t);
// lambda* = p sigma_eff^2 / r^2 (unnormalized objective); +inf when r^2 = 0.
double dd_optimal_ridge(int p, const DDLinearTheory& t);

// Stieltjes transform m(z) of the Marchenko-Pastur law with ratio gamma = p/n (variance 1), and its
// derivative, both at z = -lambda for lambda > 0.
double mp_stieltjes(double gamma, double lambda);
double mp_stieltjes_derivative(double gamma, double lambda);

}  // namespace grok
