// Sampling and features of the double-descent experiments (see data.h).
#include "grok/double_descent/data.h"

#include <cmath>

#include "grok/double_descent/theory.h"
#include "grok/common/rng.h"

namespace grok {

uint64_t dd_trial_seed(uint64_t seed, int trial) {
  uint64_t z = seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(trial) + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Targets use only +, -, *, / and max, which IEEE rounds the same everywhere: native and wasm see
// the same labels bit for bit (libm's sin or exp could differ in the last bit between glibc and musl).
double dd_relu_target(const double* x, int d) {
  // A nonlinear function of the first (up to) three coordinates: a ReLU ridge, a product of two
  // coordinates (not a sum of ridges along few directions: it needs many random features) and a
  // bounded rational bump. The constant centres it (mean about 0: the features have no bias term);
  // its variance under N(0, I) is about 0.55.
  const double x0 = x[0], x1 = d > 1 ? x[1] : 0.0, x2 = d > 2 ? x[2] : 0.0;
  const double ridge = x0 > 0 ? x0 : 0.0;
  return ridge + 0.5 * x1 * x2 + 1.0 / (1.0 + x0 * x0 + x1 * x1) - 0.86;
}

double dd_legendre_target(double x) {
  // A rational function: smooth on [-1, 1] but with poles at +-i/3, so its Legendre coefficients decay
  // only geometrically (about 1.4^-k) and no low-degree polynomial fits it exactly; plus a linear trend
  // so the curve is not symmetric.
  return 1.0 / (1.0 + 9.0 * x * x) + 0.5 * x - 0.4;
}

Eigen::VectorXd dd_midpoint_grid(int count) {
  Eigen::VectorXd x(count);
  for (int i = 0; i < count; ++i) x(i) = (i + 0.5) * 2.0 / count - 1.0;
  return x;
}

Eigen::VectorXd dd_plot_grid(int count) {
  Eigen::VectorXd x(count);
  for (int i = 0; i < count; ++i) x(i) = count == 1 ? 0.0 : -1.0 + 2.0 * i / (count - 1);
  return x;
}

Eigen::MatrixXd dd_legendre_features(const Eigen::VectorXd& x, int degrees, double damping) {
  // Bonnet's recurrence (k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}, stable on [-1, 1] (|P_k| <= 1).
  Eigen::MatrixXd out(x.size(), degrees);  // points x degrees
  std::vector<double> scale(static_cast<size_t>(degrees));
  for (int k = 0; k < degrees; ++k)
    scale[k] = std::sqrt(2.0 * k + 1.0) * dd_inverse_power(k + 1, damping);
  for (int i = 0; i < x.size(); ++i) {
    double prev = 0.0, cur = 1.0;  // P_{-1} = 0, P_0 = 1
    for (int k = 0; k < degrees; ++k) {
      out(i, k) = cur * scale[k];
      const double next = ((2.0 * k + 1.0) * x(i) * cur - k * prev) / (k + 1.0);
      prev = cur;
      cur = next;
    }
  }
  return out;
}

void dd_relu_features(const Eigen::MatrixXd& inputs, const Eigen::MatrixXd& weights, int p, Eigen::MatrixXd& out) {
  // out (rows x p) = max(0, inputs (rows x d) * weights(0:p, :)') / sqrt(p)
  out.noalias() = inputs * weights.topRows(p).transpose();
  out = out.cwiseMax(0.0) * (1.0 / std::sqrt(double(p)));
}

namespace {

void fill_normal(Rng& rng, Eigen::MatrixXd& m, double scale) {
  // Row by row, so the first rows of a larger matrix are the same draws (nested weights).
  for (int i = 0; i < m.rows(); ++i)
    for (int j = 0; j < m.cols(); ++j) m(i, j) = scale * rng.normal();
}

}  // namespace

DDTrial dd_make_trial(const DDConfig& c, int trial) {
  DDTrial t;
  Rng rng(dd_trial_seed(c.seed, trial));
  const int n = c.n_train;
  const bool validation = c.tune_ridge && c.experiment != "linear";
  if (c.experiment == "linear") {
    const std::vector<double> beta = dd_linear_beta(c.total_features, c.beta_decay);
    t.train_inputs.resize(n, c.total_features);
    fill_normal(rng, t.train_inputs, 1.0);
    t.train_y.resize(n);
    for (int i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < c.total_features; ++j) s += t.train_inputs(i, j) * beta[j];
      t.train_y(i) = s + c.noise * rng.normal();
    }
  } else if (c.experiment == "relu-features") {
    const int d = c.input_dim;
    // Weights first, drawn for p_max rows: every model size uses a prefix of the same weights.
    t.relu_weights.resize(c.p_max, d);
    fill_normal(rng, t.relu_weights, 1.0 / std::sqrt(double(d)));
    const auto draw = [&](int rows, Eigen::MatrixXd& x, Eigen::VectorXd& clean, Eigen::VectorXd* noisy) {
      x.resize(rows, d);
      fill_normal(rng, x, 1.0);
      clean.resize(rows);
      for (int i = 0; i < rows; ++i) {
        const Eigen::VectorXd row = x.row(i).transpose();
        clean(i) = dd_relu_target(row.data(), d);
      }
      if (noisy) {
        noisy->resize(rows);
        for (int i = 0; i < rows; ++i) (*noisy)(i) = clean(i) + c.noise * rng.normal();
      }
    };
    Eigen::VectorXd clean_train;
    draw(n, t.train_inputs, clean_train, &t.train_y);
    draw(c.n_test, t.test_inputs, t.test_clean, nullptr);
    if (validation) {
      Eigen::VectorXd clean_val;
      draw(c.n_test, t.val_inputs, clean_val, &t.val_y);
    }
  } else {  // legendre
    t.train_inputs.resize(n, 1);
    t.train_y.resize(n);
    for (int i = 0; i < n; ++i) {
      const double x = -1.0 + 2.0 * (i + rng.uniform()) / n;  // one point per cell: stratified
      t.train_inputs(i, 0) = x;
      t.train_y(i) = dd_legendre_target(x) + c.noise * rng.normal();
    }
    if (validation) {
      t.val_inputs.resize(c.n_test, 1);
      t.val_y.resize(c.n_test);
      for (int i = 0; i < c.n_test; ++i) {
        const double x = -1.0 + 2.0 * rng.uniform();
        t.val_inputs(i, 0) = x;
        t.val_y(i) = dd_legendre_target(x) + c.noise * rng.normal();
      }
    }
  }
  return t;
}

}  // namespace grok
