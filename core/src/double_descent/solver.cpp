// Minimum-norm and ridge least squares for the double-descent sweeps (see solver.h for the choice).
#include "grok/double_descent/solver.h"

#include <cmath>
#include <limits>

namespace grok {

const char* dd_solver_name(DDSolver s) {
  switch (s) {
    case DDSolver::QR: return "qr";
    case DDSolver::COD: return "cod";
    case DDSolver::DualLDLT: return "dual-ldlt";
  }
  return "";
}

int dd_cod_band(int n) { return 2 + n / 20; }

DDSolver dd_choose_solver(int n, int p) {
  const int band = dd_cod_band(n);
  if (p < n - band) return DDSolver::QR;
  if (p > n + band) return DDSolver::DualLDLT;
  return DDSolver::COD;
}

namespace {

// Ridge as ordinary least squares on the augmented system [X; sqrt(lambda) I] w ~ [y; 0]: the
// right-hand sides for H are the columns of [I_n; 0].
void augmented(const Eigen::MatrixXd& X, double lambda, Eigen::MatrixXd& A, Eigen::MatrixXd& rhs) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (lambda > 0) {
    A.resize(n + p, p);
    A.topRows(n) = X;
    A.bottomRows(p) = std::sqrt(lambda) * Eigen::MatrixXd::Identity(p, p);
    rhs = Eigen::MatrixXd::Zero(n + p, n);
    rhs.topRows(n).setIdentity();
  } else {
    A = X;
    rhs = Eigen::MatrixXd::Identity(n, n);
  }
}

void fit_cod(const Eigen::MatrixXd& X, double lambda, Eigen::MatrixXd& hat) {
  Eigen::MatrixXd A, rhs;
  augmented(X, lambda, A, rhs);
  const Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(A);
  hat = cod.solve(rhs);  // minimum-norm least-squares solution for every column of rhs
}

}  // namespace

void dd_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, DDFit& out) {
  const int n = int(X.rows()), p = int(X.cols());
  out.solver = dd_choose_solver(n, p);
  if (out.solver == DDSolver::QR) {
    Eigen::MatrixXd A, rhs;
    augmented(X, lambda, A, rhs);
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(A);
    out.hat = qr.solve(rhs);
  } else if (out.solver == DDSolver::DualLDLT) {
    Eigen::MatrixXd gram(n, n);  // X X' + lambda I (n x n)
    gram.setZero();
    gram.selfadjointView<Eigen::Lower>().rankUpdate(X);
    gram.diagonal().array() += lambda;
    gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(gram);
    bool ok = ldlt.info() == Eigen::Success && ldlt.isPositive();
    if (ok) {
      const Eigen::MatrixXd inv = ldlt.solve(Eigen::MatrixXd::Identity(n, n));
      out.hat.noalias() = X.transpose() * inv;
      ok = out.hat.allFinite();
    }
    if (!ok) {
      out.solver = DDSolver::COD;
    }
  }
  if (out.solver == DDSolver::COD) fit_cod(X, lambda, out.hat);
  out.w.noalias() = out.hat * y;
}

double dd_tune_ridge(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Eigen::MatrixXd& X_val,
                     const Eigen::VectorXd& y_val) {
  const Eigen::Index n = X.rows(), p = X.cols();
  // Small Gram G = Q diag(e) Q'. Primal (p <= n): G = X'X, w = Q c/(e + lambda) with c = Q'X'y.
  // Dual (p > n): G = X X', alpha = Q c/(e + lambda) with c = Q'y, predictions X_val X' alpha.
  // Either way validation predictions are B (c / (e + lambda)) for a fixed V x r matrix B.
  const bool primal = p <= n;
  Eigen::MatrixXd gram = primal ? Eigen::MatrixXd(X.transpose() * X) : Eigen::MatrixXd(X * X.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  const Eigen::MatrixXd& Q = eig.eigenvectors();
  const Eigen::VectorXd e = eig.eigenvalues().cwiseMax(0.0);  // rounding can leave -1e-16
  Eigen::VectorXd c;
  Eigen::MatrixXd B;
  if (primal) {
    c.noalias() = Q.transpose() * (X.transpose() * y);
    B.noalias() = X_val * Q;
  } else {
    c.noalias() = Q.transpose() * y;
    const Eigen::MatrixXd cross = X_val * X.transpose();  // V x n
    B.noalias() = cross * Q;
  }
  const double mean_eig = e.sum() / double(e.size());
  if (!(mean_eig > 0)) return 0.0;  // all-zero features: every lambda predicts 0
  double best_lambda = 0, best_err = std::numeric_limits<double>::infinity();
  for (int k = -20; k <= 4; ++k) {
    // 10^(k/2) from exact powers of ten and a correctly rounded sqrt: the same grid on every platform.
    double decade = 1.0;
    for (int i = 0; i < (k < 0 ? -k : k) / 2; ++i) decade *= 10.0;
    if (k < 0) decade = 1.0 / decade;
    if (k % 2 != 0) decade = k > 0 ? decade * std::sqrt(10.0) : decade / std::sqrt(10.0);
    const double lambda = mean_eig * decade;
    const Eigen::VectorXd coef = c.array() / (e.array() + lambda);
    const double err = (B * coef - y_val).squaredNorm();
    if (err < best_err) { best_err = err; best_lambda = lambda; }
  }
  return best_lambda;
}

}  // namespace grok
