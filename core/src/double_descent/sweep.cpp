// The double-descent sweep: for each model size, fit every trial and summarize (see double_descent/sweep.h).
#include "grok/double_descent/sweep.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "grok/common/stats.h"
#include "grok/double_descent/solver.h"
#include "grok/double_descent/theory.h"

namespace grok {
namespace {

constexpr int kPlotPoints = 201;          // legendre: resolution of the drawn curves

double trial_doubles(const DDConfig& c) {
  if (c.experiment == "linear") return double(c.n_train) * c.total_features;
  if (c.experiment == "relu-features")
    return double(c.p_max + c.n_train + 2.0 * c.n_test) * c.input_dim + c.n_train + 2.0 * c.n_test;
  return 2.0 * c.n_train + 2.0 * c.n_test;
}

}  // namespace

DDSweep::DDSweep(const DDConfig& c, double cache_megabytes) : config_(c), data_config_(c) {
  // With axis samples, every trial draws the largest training set and a size-n point uses its first
  // n rows: nested data, as the model axis nests features.
  data_config_.n_train = dd_max_samples(c);
  result_.config = c;
  result_.model_sizes = dd_model_sizes(c);
  if (c.experiment == "linear") {
    beta_ = dd_linear_beta(c.total_features, c.beta_decay);
    if (c.tune_ridge)
      result_.theory = "asymptotic risk at the optimal ridge (Hastie et al. 2019; Dobriban & Wager 2018)";
    else if (c.ridge > 0)
      result_.theory = "asymptotic ridge risk (Hastie et al. 2019, Theorem 5)";
    else
      result_.theory = "exact expected risk of the minimum-norm fit (Belkin, Hsu & Xu 2019)";
  }
  if (c.experiment == "legendre") {
    const Eigen::VectorXd test_x = dd_midpoint_grid(c.n_test);
    legendre_test_ = dd_legendre_features(test_x, c.p_max, c.degree_damping);
    legendre_test_clean_.resize(test_x.size());
    for (int i = 0; i < test_x.size(); ++i) legendre_test_clean_(i) = dd_legendre_target(test_x(i));
    const Eigen::VectorXd plot_x = dd_plot_grid(kPlotPoints);
    legendre_plot_ = dd_legendre_features(plot_x, c.p_max, c.degree_damping);
    for (int i = 0; i < plot_x.size(); ++i) {
      result_.plot_x.push_back(plot_x(i));
      result_.plot_truth.push_back(dd_legendre_target(plot_x(i)));
    }
    const DDTrial t0 = dd_make_trial(data_config_, 0);
    for (int i = 0; i < c.n_train; ++i) {
      result_.train_x.push_back(t0.train_inputs(i, 0));
      result_.train_y.push_back(t0.train_y(i));
    }
  }
  if (trial_doubles(data_config_) * c.trials * sizeof(double) <= cache_megabytes * 1024 * 1024)
    for (int t = 0; t < c.trials; ++t) cache_.push_back(dd_make_trial(data_config_, t));
  for (int p : result_.model_sizes) total_cost_ += cost(p);
}

std::string DDSweep::create(const DDConfig& c, std::unique_ptr<DDSweep>& out, double cache_megabytes) {
  const std::string err = validate_dd(c);
  if (!err.empty()) return err;
  if (dd_network_experiment(c))
    return "experiment: " + c.experiment + " trains networks, a sweep of training runs (network_dd/plan.h), not a closed-form fit";
  out.reset(new DDSweep(c, cache_megabytes));
  return "";
}

const DDTrial& DDSweep::trial(int t, DDTrial& scratch) {
  if (!cache_.empty()) return cache_[size_t(t)];
  scratch = dd_make_trial(data_config_, t);  // regenerated on demand: same draws as a cached copy
  return scratch;
}

double DDSweep::cost(int size) const {
  // Flops per trial, roughly: the factorization (n^2 p) plus, with a test set, the smoother on it.
  const bool samples = dd_sample_axis(config_);
  const double n = samples ? size : config_.n_train;
  const int p = samples ? config_.model_size : size;
  const double test = config_.experiment == "linear" ? 0.0 : config_.n_test;
  const double features = config_.experiment == "relu-features" ? (n + test) * config_.input_dim : 0.0;
  return (double(p) * (n * (n + test) + features) + n * n * n) * config_.trials;
}

double DDSweep::work_fraction() const { return total_cost_ > 0 ? done_cost_ / total_cost_ : 1.0; }

bool DDSweep::step() {
  if (done()) return false;
  const DDConfig& c = config_;
  const bool samples = dd_sample_axis(c);
  const int size = result_.model_sizes[next_];
  const int p = samples ? c.model_size : size;
  const int n = samples ? size : c.n_train;
  const bool linear = c.experiment == "linear", relu = c.experiment == "relu-features";

  DDPoint point;
  point.p = p;
  point.n = n;
  DDLinearTheory split;
  if (linear) {
    split = dd_linear_split(beta_, p, c.noise);
    const double lambda = c.tune_ridge ? dd_optimal_ridge(p, split) : c.ridge;
    point.theory = lambda > 0 ? dd_ridge_risk_asymptotic(n, p, lambda, split) : dd_ridgeless_risk(n, p, split);
  } else {
    point.theory = std::numeric_limits<double>::quiet_NaN();
  }

  std::vector<double> test_mse, train_mse, coef_norm, p_eff, ridge;
  DDTrial scratch;
  Eigen::MatrixXd X, X_test, X_val, S;
  DDFit fit;
  for (int t = 0; t < c.trials; ++t) {
    const DDTrial& data = trial(t, scratch);
    // Features of the size-p model: X (n x p).
    if (linear) X = data.train_inputs.topLeftCorner(n, p);
    else if (relu) dd_relu_features(data.train_inputs, data.relu_weights, p, X);
    else X = dd_legendre_features(data.train_inputs.col(0), p, c.degree_damping);

    double lambda = c.ridge;
    if (c.tune_ridge) {
      if (linear) {
        lambda = dd_optimal_ridge(p, split);
      } else {
        if (relu) dd_relu_features(data.val_inputs, data.relu_weights, p, X_val);
        else X_val = dd_legendre_features(data.val_inputs.col(0), p, c.degree_damping);
        lambda = dd_tune_ridge(X, data.train_y, X_val, data.val_y);
      }
    }
    const Eigen::VectorXd y = data.train_y.head(n);
    dd_fit(X, y, lambda, fit);
    if (t == 0) point.solver = dd_solver_name(fit.solver);

    train_mse.push_back((X * fit.w - y).squaredNorm() / n);
    coef_norm.push_back(fit.w.norm());
    ridge.push_back(lambda);
    if (linear) {
      // Exact risk given the fit (theory.h): no test sampling noise in the comparison with theory.
      const Eigen::VectorXd beta_seen = Eigen::Map<const Eigen::VectorXd>(beta_.data(), p);
      test_mse.push_back((fit.w - beta_seen).squaredNorm() + split.noise_eff);
      p_eff.push_back(n * fit.hat.squaredNorm());
    } else {
      // S (T x n): row i holds the smoother weights s(x_i)' of test input i; predictions S y.
      const Eigen::VectorXd* clean = &legendre_test_clean_;
      if (relu) {
        dd_relu_features(data.test_inputs, data.relu_weights, p, X_test);
        S.noalias() = X_test * fit.hat;
        clean = &data.test_clean;
      } else {
        S.noalias() = legendre_test_.leftCols(p) * fit.hat;
      }
      const Eigen::VectorXd pred = S * data.train_y;
      const double T = double(S.rows());
      test_mse.push_back((pred - *clean).squaredNorm() / T + c.noise * c.noise);
      p_eff.push_back(n / T * S.squaredNorm());
      if (t == 0 && !relu) {
        const Eigen::VectorXd curve = legendre_plot_.leftCols(p) * fit.w;
        point.fit_curve.assign(curve.data(), curve.data() + curve.size());
      }
    }
  }

  double sum = 0;
  for (double v : test_mse) sum += v;
  point.test_mse_mean = sum / double(test_mse.size());
  double squares = 0;
  for (double v : test_mse) squares += (v - point.test_mse_mean) * (v - point.test_mse_mean);
  point.test_mse_sem = test_mse.size() > 1 ? std::sqrt(squares / double(test_mse.size() - 1) / double(test_mse.size())) : 0.0;
  std::sort(test_mse.begin(), test_mse.end());
  point.test_mse_median = quantile_sorted(test_mse, 0.5);
  point.test_mse_q25 = quantile_sorted(test_mse, 0.25);
  point.test_mse_q75 = quantile_sorted(test_mse, 0.75);
  point.train_mse_median = median(train_mse);
  point.coef_norm_median = median(coef_norm);
  point.p_eff_median = median(p_eff);
  point.ridge_median = median(ridge);
  result_.points.push_back(std::move(point));
  done_cost_ += cost(size);
  ++next_;
  result_.complete = done();
  return true;
}

}  // namespace grok
