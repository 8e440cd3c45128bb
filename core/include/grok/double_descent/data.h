// Data of the three double-descent experiments: what each trial samples and how a model of size p
// turns inputs into features. Every model family is nested (the size-p model's features are the
// first p of the size-(p+1) model's), so one trial's data serves the whole sweep and a curve over p
// compares models on the same samples.
//
//   linear         x ~ N(0, I_D), y = x.beta + sigma e (theory.h); features: the first p coordinates.
//   relu-features  x ~ N(0, I_d), y = f(x) + sigma e with f = dd_relu_target; features
//                  phi_j(x) = max(0, v_j.x) / sqrt(p), v_j ~ N(0, I_d / d) (Belkin et al. 2019 used
//                  random Fourier and ReLU features; 1/sqrt(p) keeps the kernel Phi Phi' of order 1
//                  for every p, so a ridge lambda means the same at every size).
//   legendre       x stratified on [-1, 1] (one uniform point in each of n equal cells), y = f(x) +
//                  sigma e with f = dd_legendre_target; features phi_k(x) = sqrt(2k+1) P_k(x) / (k+1)^q,
//                  k = 0..p-1 (orthonormal under the uniform law before damping; the damping makes the
//                  minimum-norm fit prefer low degrees, so very wide models interpolate smoothly).
// Test sets: relu-features draws fresh Gaussian inputs per trial; legendre uses a fixed midpoint grid
// of n_test points (a quadrature of the integral over [-1, 1]). The linear experiment needs no test
// set: its risk and effective parameters are exact expectations (dd_sweep.cpp).
// All sampling goes through grok::Rng, so native and wasm draw identical data.
#pragma once
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "grok/double_descent/config.h"

namespace grok {

// One trial's samples, enough to build the features of every model size in the sweep.
struct DDTrial {
  Eigen::MatrixXd train_inputs;  // linear: n x D; relu: n x d; legendre: n x 1
  Eigen::VectorXd train_y;       // n noisy labels
  Eigen::MatrixXd test_inputs;   // relu: T x d (legendre: shared grid, held by the sweep; linear: none)
  Eigen::VectorXd test_clean;    // f at the test inputs (relu)
  Eigen::MatrixXd val_inputs;    // with tune_ridge (relu, legendre): validation inputs, V = n_test
  Eigen::VectorXd val_y;         // noisy validation labels
  Eigen::MatrixXd relu_weights;  // relu: p_max x d first-layer weights v_j (row j)
};

// Samples trial `trial` of the sweep; depends only on (config, trial).
DDTrial dd_make_trial(const DDConfig& c, int trial);

// Features of the size-p model for the given inputs (rows): linear and legendre take the first p
// columns of the full feature matrix; relu computes them from the trial's weights.
//   full: legendre: dd_legendre_features(x, p_max, q); linear: the inputs themselves
void dd_relu_features(const Eigen::MatrixXd& inputs, const Eigen::MatrixXd& weights, int p, Eigen::MatrixXd& out);
// rows = points, columns = degrees 0..degrees-1, scaled by 1/(k+1)^q.
Eigen::MatrixXd dd_legendre_features(const Eigen::VectorXd& x, int degrees, double damping);

double dd_relu_target(const double* x, int d);  // reads x[0..d-1]
double dd_legendre_target(double x);

// Grids used by the legendre experiment: test midpoints and the plot grid the page draws.
Eigen::VectorXd dd_midpoint_grid(int count);   // (i + 1/2) * 2/count - 1
Eigen::VectorXd dd_plot_grid(int count);       // count points from -1 to 1 inclusive

// The seed of trial t: a splitmix64 step of (seed, t), so trials are independent streams.
uint64_t dd_trial_seed(uint64_t seed, int trial);

}  // namespace grok
