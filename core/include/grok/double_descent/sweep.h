// DDSweep: a double-descent sweep over model size p, one size at a time (all trials of a size per
// step), so front ends can draw the curve as it grows (the page) or print progress (the CLI).
//   std::unique_ptr<DDSweep> s;  std::string err = DDSweep::create(config, s);
//   while (s->step()) draw(s->result().points.back());
// Per model size it reports medians over trials (the mean test MSE is infinite at p = n for the
// ridgeless fit, and heavy-tailed around it), quartiles, the mean, train MSE, coefficient norm and
// effective parameters p_eff = n/|T| sum_{x in T} ||s(x)||^2 over test inputs T, with s(x) the
// smoother weights (Curth, Jeffares & van der Schaar 2023). Deterministic given the config.
//
// Test MSE is the expected squared error against a fresh noisy label, E (y - yhat(x))^2:
//   linear          exact given the fit: ||w - beta_seen||^2 + sigma_eff^2 (theory.h), and p_eff
//                   exact too: E_x ||H' x||^2 = ||H||_F^2 for x ~ N(0, I).
//   relu, legendre  mean over the test inputs of (f(x) - yhat(x))^2, plus sigma^2.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "grok/double_descent/config.h"
#include "grok/double_descent/data.h"

namespace grok {

struct DDPoint {
  int p = 0;                      // model size (features)
  int n = 0;                      // training samples (the swept value with axis samples)
  double test_mse_median = 0, test_mse_q25 = 0, test_mse_q75 = 0, test_mse_mean = 0;
  double test_mse_sem = 0;        // standard error of the mean (std / sqrt(trials)); meaningless at the peak
  double train_mse_median = 0;
  double coef_norm_median = 0;    // ||w||_2
  double p_eff_median = 0;        // effective parameters on test inputs
  double ridge_median = 0;        // lambda used (with tune_ridge: median of the chosen ones)
  double theory = 0;              // linear: expected test MSE (theory.h); NaN without theory; +inf at the peak
  std::string solver;             // factorization of trial 0 (solver.h)
  std::vector<double> fit_curve;  // legendre: trial 0's fit on result().plot_x
};

struct DDResult {
  DDConfig config;
  std::vector<int> model_sizes;   // the whole plan: the swept values (model sizes p, or training-set sizes n)
  std::vector<DDPoint> points;    // done so far, in the order of model_sizes
  std::string theory;             // what DDPoint::theory is, "" when the experiment has none
  // legendre: what the page draws beside the fitted curves (empty otherwise)
  std::vector<double> plot_x, plot_truth, train_x, train_y;  // train_*: trial 0's samples
  bool complete = false;
};

class DDSweep {
 public:
  // Validates the config; "" or a message naming the field and its allowed range.
  // Every trial's data is kept in memory when it fits in cache_megabytes (the page keeps the default;
  // the CLI allows more); otherwise each trial is re-sampled at every model size, which gives the
  // same numbers but costs the sampling again (for the linear experiment that can dominate).
  static std::string create(const DDConfig& c, std::unique_ptr<DDSweep>& out, double cache_megabytes = 32);
  bool cached() const { return !cache_.empty(); }
  // Computes the next model size over all trials and appends it to result().points.
  // Returns false (and does nothing) once every size is done.
  bool step();
  bool done() const { return next_ >= result_.model_sizes.size(); }
  const DDResult& result() const { return result_; }
  // Share of the total work done, weighting each size by its estimated cost (for progress and ETA).
  double work_fraction() const;

 private:
  DDSweep(const DDConfig& c, double cache_megabytes);
  const DDTrial& trial(int t, DDTrial& scratch);
  double cost(int size) const;  // of one swept size, for progress

  DDConfig config_;
  DDConfig data_config_;                  // what a trial draws: n_train = the largest training set
  DDResult result_;
  size_t next_ = 0;
  std::vector<DDTrial> cache_;            // every trial's data when it fits the memory budget
  std::vector<double> beta_;              // linear
  Eigen::MatrixXd legendre_test_;         // legendre: test grid features (T x p_max)
  Eigen::VectorXd legendre_test_clean_;   // f on the test grid
  Eigen::MatrixXd legendre_plot_;         // plot grid features (plot points x p_max)
  double total_cost_ = 0, done_cost_ = 0;
};

}  // namespace grok
