// Least squares for the double-descent sweeps, in double precision, as a linear smoother:
//   w = argmin ||y - X w||^2 + lambda ||w||^2        (lambda = 0: the minimum-norm least-squares fit)
//   w = H y with the hat operator H (p x n), so predictions at inputs with features F are (F H) y and
//   the smoother weights s(x) = H' phi(x) give the effective parameters (Curth et al. 2023).
// Which factorization, and why:
//   p < n - band   column-pivoted Householder QR of X (or of [X; sqrt(lambda) I] for ridge): the
//                  normal equations would square the condition number.
//   |p - n| <= band complete orthogonal decomposition (rank-revealing QR, then QR of R'): X is
//                  square or nearly so and its smallest singular value is close to 0 (that is the
//                  peak), so only a rank-revealing method gives the true minimum-norm solution.
//   p > n + band   dual form w = X' (X X' + lambda I)^-1 y with LDLT of the n x n Gram matrix: the
//                  minimum-norm solution lies in the row space of X, and n x n is far cheaper than p x p.
// band = dd_cod_band(n). A dual solve that fails (not positive definite, non-finite result) falls back
// to the complete orthogonal decomposition.
#pragma once
#include <Eigen/Dense>

namespace grok {

enum class DDSolver { QR, COD, DualLDLT };
const char* dd_solver_name(DDSolver s);  // "qr", "cod", "dual-ldlt"

int dd_cod_band(int n);                  // 2 + n/20
DDSolver dd_choose_solver(int n, int p);

struct DDFit {
  Eigen::MatrixXd hat;  // H (p x n): w = H y
  Eigen::VectorXd w;    // coefficients (p)
  DDSolver solver = DDSolver::QR;
};

// X (n x p), y (n), lambda >= 0.
void dd_fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double lambda, DDFit& out);

// The lambda (from a log grid relative to the mean eigenvalue of the Gram matrix, 10^-10 .. 10^2 in
// half decades) whose ridge fit on (X, y) has the smallest squared error on (X_val, y_val). Uses one
// eigendecomposition of the smaller Gram matrix, so each candidate costs O(V min(n, p)).
double dd_tune_ridge(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, const Eigen::MatrixXd& X_val,
                     const Eigen::VectorXd& y_val);

}  // namespace grok
