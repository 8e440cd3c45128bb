// Double descent: the least-squares solvers and the closed-form theory, checked against
// independent computations (normal equations, the defining properties of the minimum-norm fit,
// finite differences, Marchenko-Pastur limits).
#include <catch2/catch.hpp>

#include <cmath>

#include "grok/double_descent/solver.h"
#include "grok/double_descent/theory.h"
#include "grok/common/rng.h"

using namespace grok;

namespace {
Eigen::MatrixXd gaussian(int rows, int cols, uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXd m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = rng.normal();
  return m;
}
}  // namespace

TEST_CASE("dd solver: each region uses its factorization") {
  const int n = 40;  // band = 4
  CHECK(dd_cod_band(n) == 4);
  CHECK(dd_choose_solver(n, 35) == DDSolver::QR);
  CHECK(dd_choose_solver(n, 36) == DDSolver::COD);
  CHECK(dd_choose_solver(n, 40) == DDSolver::COD);
  CHECK(dd_choose_solver(n, 44) == DDSolver::COD);
  CHECK(dd_choose_solver(n, 45) == DDSolver::DualLDLT);
}

TEST_CASE("dd solver: ridgeless fits are least squares (p < n) or the minimum-norm interpolant (p >= n)") {
  const int n = 30;
  for (int p : {5, 25, 29, 30, 31, 33, 60, 200}) {
    INFO("p = " << p);
    const Eigen::MatrixXd X = gaussian(n, p, 100 + p);
    const Eigen::VectorXd y = gaussian(n, 1, 7).col(0);
    DDFit fit;
    dd_fit(X, y, 0.0, fit);
    REQUIRE(fit.hat.rows() == p);
    REQUIRE(fit.hat.cols() == n);
    CHECK((fit.hat * y - fit.w).norm() < 1e-12 * (1 + fit.w.norm()));
    // X H is the orthogonal projection onto the column space of X: its trace is the rank.
    const Eigen::MatrixXd proj = X * fit.hat;
    CHECK(std::abs(proj.trace() - std::min(n, p)) < 1e-6);
    if (p < n) {
      // The normal equations X'X w = X'y (fine to use here: X is well conditioned away from p = n).
      const Eigen::VectorXd normal = (X.transpose() * X).ldlt().solve(X.transpose() * y);
      CHECK((fit.w - normal).norm() < 1e-6 * normal.norm());
    } else {
      // Interpolates, and lies in the row space of X (w = X' a): that is the minimum-norm solution.
      CHECK((X * fit.w - y).norm() < 1e-6 * y.norm());
      const Eigen::VectorXd a = (X * X.transpose()).ldlt().solve(X * fit.w);
      CHECK((X.transpose() * a - fit.w).norm() < 1e-6 * fit.w.norm());
    }
  }
}

TEST_CASE("dd solver: ridge matches (X'X + lambda I)^-1 X'y in every region") {
  const int n = 25;
  const double lambda = 0.7;
  for (int p : {10, 24, 25, 26, 80}) {
    INFO("p = " << p);
    const Eigen::MatrixXd X = gaussian(n, p, 300 + p);
    const Eigen::VectorXd y = gaussian(n, 1, 9).col(0);
    DDFit fit;
    dd_fit(X, y, lambda, fit);
    const Eigen::MatrixXd A = X.transpose() * X + lambda * Eigen::MatrixXd::Identity(p, p);
    const Eigen::VectorXd direct = A.ldlt().solve(X.transpose() * y);
    CHECK((fit.w - direct).norm() < 1e-9 * direct.norm());
  }
}

TEST_CASE("dd solver: validation-tuned ridge prefers a large lambda for pure noise, a small one for clean data") {
  for (int p : {10, 60}) {  // primal (p <= n) and dual (p > n) paths
    INFO("p = " << p);
    const int n = 30;
    const Eigen::MatrixXd X = gaussian(n, p, 11), X_val = gaussian(200, p, 12);
    const Eigen::VectorXd noise = gaussian(n, 1, 13).col(0), noise_val = gaussian(200, 1, 14).col(0);
    const double mean_eig = (X * X.transpose()).trace() / std::min(n, p);
    // Labels unrelated to X: the best prediction is 0, the largest lambda of the grid.
    CHECK(dd_tune_ridge(X, noise, X_val, noise_val) >= mean_eig * 10);
    if (p < n) {
      // Noiseless linear labels with p < n: least squares recovers beta exactly, so lambda -> 0.
      const Eigen::VectorXd beta = gaussian(p, 1, 15).col(0);
      CHECK(dd_tune_ridge(X, X * beta, X_val, X_val * beta) <= mean_eig * 1e-6);
    }
  }
}

TEST_CASE("dd theory: Marchenko-Pastur transform, its derivative and limits") {
  for (double gamma : {0.25, 0.9, 1.0, 2.0, 10.0}) {
    for (double lambda : {1e-3, 0.1, 1.0, 30.0}) {
      INFO("gamma " << gamma << " lambda " << lambda);
      const double m = mp_stieltjes(gamma, lambda);
      // It solves gamma lambda m^2 + (1 - gamma + lambda) m - 1 = 0 and is positive.
      CHECK(m > 0);
      CHECK(std::abs(gamma * lambda * m * m + (1 - gamma + lambda) * m - 1) < 1e-10 * (1 + m));
      // m'(-lambda) = -(d/dlambda) m(-lambda), checked by central differences.
      const double h = 1e-5 * lambda;
      const double fd = -(mp_stieltjes(gamma, lambda + h) - mp_stieltjes(gamma, lambda - h)) / (2 * h);
      CHECK(mp_stieltjes_derivative(gamma, lambda) == Approx(fd).epsilon(1e-5));
    }
  }
  // lambda -> 0 below the threshold: m -> E[1/x] = 1/(1 - gamma) (mean of the inverse MP law).
  CHECK(mp_stieltjes(0.5, 1e-9) == Approx(2.0).epsilon(1e-6));
}

TEST_CASE("dd theory: the ridge risk tends to the ridgeless one and is smallest at the optimal lambda") {
  const std::vector<double> beta = dd_linear_beta(400, 0.0);
  double sq = 0;
  for (double b : beta) sq += b * b;
  CHECK(sq == Approx(1.0).epsilon(1e-12));
  const int n = 200;
  for (int p : {50, 100, 300, 400}) {
    INFO("p = " << p);
    const DDLinearTheory t = dd_linear_split(beta, p, 0.5);
    CHECK(t.signal_seen == Approx(p / 400.0));
    CHECK(t.noise_eff == Approx(0.25 + 1 - p / 400.0));
    // Tiny lambda: the asymptotic ridge risk approaches the ridgeless risk (asymptotic vs exact
    // finite-n: they differ by O(1/n), hence the loose tolerance).
    const double ridgeless = dd_ridgeless_risk(n, p, t);
    CHECK(dd_ridge_risk_asymptotic(n, p, 1e-6, t) == Approx(ridgeless).epsilon(0.03));
    const double best = dd_optimal_ridge(p, t);
    const double at_best = dd_ridge_risk_asymptotic(n, p, best, t);
    CHECK(at_best < ridgeless);
    CHECK(at_best <= dd_ridge_risk_asymptotic(n, p, best * 1.3, t));
    CHECK(at_best <= dd_ridge_risk_asymptotic(n, p, best / 1.3, t));
    // At the optimum the risk simplifies to sigma_eff^2 (1 + gamma m(-lambda*/n)).
    CHECK(at_best == Approx(t.noise_eff * (1 + double(p) / n * mp_stieltjes(double(p) / n, best / n))).epsilon(1e-10));
  }
  const DDLinearTheory t = dd_linear_split(beta, 20, 0.5);
  CHECK(std::isinf(dd_ridgeless_risk(20, 19, t)));
  CHECK(std::isinf(dd_ridgeless_risk(20, 20, t)));
  CHECK(std::isinf(dd_ridgeless_risk(20, 21, t)));
  CHECK(dd_ridgeless_risk(20, 10, t) == Approx(t.noise_eff * (1 + 10.0 / 9)));
}
