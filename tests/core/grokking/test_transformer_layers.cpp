// Transformer layers (layers.h), each on its own: the backward pass of every layer against central
// finite differences in double precision, for the input and every parameter. The loss is a fixed
// random projection of the layer's output, sum(R .* out), so dout = R.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "grok/grokking/models/transformer/layers.h"

using namespace grok;
using Eigen::MatrixXd;

namespace {

MatrixXd randn(int rows, int cols, std::mt19937& gen, double std_dev = 1.0) {
  std::normal_distribution<double> dist(0.0, std_dev);
  MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dist(gen);
  return m;
}

// Central differences of loss() with respect to every entry of `var` (strided down to about
// max_entries), against `analytic`. Returns the worst relative error.
double fd_check(const std::function<double()>& loss, MatrixXd& var, const MatrixXd& analytic, const char* name,
                int max_entries = 200, double h = 1e-6) {
  REQUIRE(var.rows() == analytic.rows());
  REQUIRE(var.cols() == analytic.cols());
  const Eigen::Index count = var.size();
  const Eigen::Index stride = std::max<Eigen::Index>(1, count / max_entries);
  double worst = 0;
  for (Eigen::Index k = 0; k < count; k += stride) {
    double& x = var.data()[k];
    const double saved = x;
    x = saved + h;
    const double up = loss();
    x = saved - h;
    const double down = loss();
    x = saved;
    const double numeric = (up - down) / (2 * h);
    const double a = analytic.data()[k];
    const double err = std::abs(numeric - a) / std::max(1e-6, std::abs(numeric) + std::abs(a));
    INFO(name << "[" << k << "] numeric " << numeric << " analytic " << a);
    CHECK(err < 1e-6);
    worst = std::max(worst, err);
  }
  return worst;
}

}  // namespace

TEST_CASE("embedding backward matches finite differences", "[layers][gradcheck]") {
  std::mt19937 gen(1);
  const int d = 5, V = 7, T = 3, n = 4;
  MatrixXd W_E = randn(d, V, gen), W_pos = randn(d, T, gen);
  std::vector<int> tok = {0, 3, 6, 3, 1, 1, 2, 5, 6, 6, 6, 6};  // position-major, T*n
  const MatrixXd R = randn(d, T * n, gen);
  MatrixXd X(d, T * n);
  auto loss = [&] {
    embedding_forward<double>(X, W_E, W_pos, tok.data(), n, T);
    return (R.array() * X.array()).sum();
  };
  loss();
  MatrixXd dW_E = MatrixXd::Zero(d, V), dW_pos = MatrixXd::Zero(d, T);
  embedding_backward<double>(dW_E, dW_pos, R, tok.data(), n, T);
  fd_check(loss, W_E, dW_E, "W_E");
  fd_check(loss, W_pos, dW_pos, "W_pos");
}

TEST_CASE("attention backward matches finite differences", "[layers][gradcheck]") {
  for (int q_from : {0, 2}) {
    INFO("queries from position " << q_from);
    std::mt19937 gen(2 + q_from);
    const int d = 6, H = 2, dh = 3, T = 3, n = 3, nq = T - q_from;
    MatrixXd X = randn(d, T * n, gen);
    MatrixXd W_Q = randn(H * dh, d, gen), W_K = randn(H * dh, d, gen), W_V = randn(H * dh, d, gen);
    MatrixXd W_O = randn(d, H * dh, gen);
    const MatrixXd R = randn(d, nq * n, gen);
    const AttentionDims dims{H, dh, T, q_from, n};
    AttentionCache<double> cache;
    MatrixXd out(d, nq * n);
    auto loss = [&] {
      attention_forward<double>(out, X, W_Q, W_K, W_V, W_O, dims, cache);
      return (R.array() * out.array()).sum();
    };
    loss();
    MatrixXd dX = MatrixXd::Zero(d, T * n), dW_Q = MatrixXd::Zero(H * dh, d), dW_K = dW_Q, dW_V = dW_Q;
    MatrixXd dW_O = MatrixXd::Zero(d, H * dh);
    attention_backward<double>(dX, dW_Q, dW_K, dW_V, dW_O, R, X, W_Q, W_K, W_V, W_O, dims, cache);
    fd_check(loss, X, dX, "X");
    fd_check(loss, W_Q, dW_Q, "W_Q");
    fd_check(loss, W_K, dW_K, "W_K");
    fd_check(loss, W_V, dW_V, "W_V");
    fd_check(loss, W_O, dW_O, "W_O");

    // With in- and out-projection biases (nn.MultiheadAttention's): every gradient again, with h = 1e-5
    // (at 1e-6 the loss's float64 rounding reaches ~3e-9 of a 2e-4 gradient in the wasm build).
    constexpr double kH = 1e-5;
    MatrixXd b_Q = randn(H * dh, 1, gen), b_K = randn(H * dh, 1, gen), b_V = randn(H * dh, 1, gen);
    MatrixXd b_O = randn(d, 1, gen);
    auto loss_b = [&] {
      attention_forward<double>(out, X, W_Q, W_K, W_V, W_O, dims, cache,
                                {b_Q.data(), b_K.data(), b_V.data(), b_O.data()});
      return (R.array() * out.array()).sum();
    };
    loss_b();
    MatrixXd dXb = MatrixXd::Zero(d, T * n), dW_Qb = MatrixXd::Zero(H * dh, d), dW_Kb = dW_Qb, dW_Vb = dW_Qb;
    MatrixXd dW_Ob = MatrixXd::Zero(d, H * dh);
    MatrixXd db_Q = MatrixXd::Zero(H * dh, 1), db_K = db_Q, db_V = db_Q, db_O = MatrixXd::Zero(d, 1);
    attention_backward<double>(dXb, dW_Qb, dW_Kb, dW_Vb, dW_Ob, R, X, W_Q, W_K, W_V, W_O, dims, cache,
                               {db_Q.data(), db_K.data(), db_V.data(), db_O.data()});
    fd_check(loss_b, X, dXb, "X (biases)", 200, kH);
    fd_check(loss_b, W_Q, dW_Qb, "W_Q (biases)", 200, kH);
    fd_check(loss_b, W_K, dW_Kb, "W_K (biases)", 200, kH);
    fd_check(loss_b, W_V, dW_Vb, "W_V (biases)", 200, kH);
    fd_check(loss_b, W_O, dW_Ob, "W_O (biases)", 200, kH);
    fd_check(loss_b, b_Q, db_Q, "b_Q", 200, kH);
    fd_check(loss_b, b_V, db_V, "b_V", 200, kH);
    fd_check(loss_b, b_O, db_O, "b_O", 200, kH);
    // The key bias adds q . b_K to every score of a query: softmax ignores it, so its gradient is 0.
    CHECK(db_K.norm() < 1e-12 * std::max(1.0, db_Q.norm()));
    if (q_from == 0) {
      // Causality: the first position's output depends on its own column only.
      loss();
      const MatrixXd first = out.col(0);
      X.col(n).array() += 1.0;        // position 1 of example 0
      X.col(2 * n).array() += 1.0;    // position 2 of example 0
      loss();
      CHECK((out.col(0) - first).norm() < 1e-12);
    }
  }
}

TEST_CASE("MLP backward matches finite differences (relu, x^2 and GELU)", "[layers][gradcheck]") {
  for (Activation act : {Activation::relu, Activation::quad, Activation::gelu}) {
    const bool quad = act == Activation::quad;
    INFO((quad ? "quad" : act == Activation::gelu ? "gelu" : "relu"));
    std::mt19937 gen(3 + static_cast<int>(act));
    const int d = 5, m = 7, cols = 6;
    MatrixXd X = randn(d, cols, gen), W_in = randn(m, d, gen), b_in = randn(m, 1, gen);
    MatrixXd W_out = randn(d, m, gen), b_out = randn(d, 1, gen);
    const MatrixXd R = randn(d, cols, gen);
    MlpCache<double> cache;
    MatrixXd out(d, cols);
    auto loss = [&] {
      mlp_forward<double>(out, X, W_in, b_in, W_out, b_out, act, cache);
      return (R.array() * out.array()).sum();
    };
    loss();
    // Both sides of the relu kink occur.
    CHECK((cache.pre.array() > 0).count() > 0);
    CHECK((cache.pre.array() < 0).count() > 0);
    MatrixXd dX = MatrixXd::Zero(d, cols), dW_in = MatrixXd::Zero(m, d), db_in = MatrixXd::Zero(m, 1);
    MatrixXd dW_out = MatrixXd::Zero(d, m), db_out = MatrixXd::Zero(d, 1);
    mlp_backward<double>(dX, dW_in, db_in, dW_out, db_out, R, X, W_in, W_out, act, cache);
    fd_check(loss, X, dX, "X");
    fd_check(loss, W_in, dW_in, "W_in");
    fd_check(loss, b_in, db_in, "b_in");
    fd_check(loss, W_out, dW_out, "W_out");
    fd_check(loss, b_out, db_out, "b_out");
  }
}

TEST_CASE("GELU is nn.GELU's erf form", "[layers]") {
  // torch.nn.GELU()(x) in float64 for these x (x * 0.5 * (1 + erf(x / sqrt(2)))).
  const std::vector<std::pair<double, double>> cases = {
      {-3.0, -0.00404969409489031}, {-1.0, -0.15865525393145702}, {-0.25, -0.10032341857926907},
      {0.0, 0.0}, {0.5, 0.34573123063700656}, {2.0, 1.9544997361036416}};
  for (auto [x, want] : cases) {
    MatrixXd X(1, 1), W_in(1, 1), b_in = MatrixXd::Zero(1, 1), W_out(1, 1), b_out = MatrixXd::Zero(1, 1);
    X(0, 0) = x; W_in(0, 0) = 1; W_out(0, 0) = 1;
    MatrixXd out(1, 1);
    MlpCache<double> cache;
    mlp_forward<double>(out, X, W_in, b_in, W_out, b_out, Activation::gelu, cache);
    INFO("x = " << x);
    CHECK(std::abs(out(0, 0) - want) <= 1e-15 * std::max(1.0, std::abs(want)));
  }
}

TEST_CASE("LayerNorm backward matches finite differences, in place too", "[layers][gradcheck]") {
  std::mt19937 gen(5);
  const int d = 6, cols = 4;
  MatrixXd X = randn(d, cols, gen, 2.0), w = randn(d, 1, gen), b = randn(d, 1, gen);
  const MatrixXd R = randn(d, cols, gen);
  LayerNormCache<double> cache;
  MatrixXd Y(d, cols);
  auto loss = [&] {
    layernorm_forward<double>(Y, X, w, b, cache);
    return (R.array() * Y.array()).sum();
  };
  loss();
  // Normalized columns: mean 0, variance 1/(1 + eps/var) before the affine part.
  for (int j = 0; j < cols; ++j) {
    CHECK(std::abs(cache.xhat.col(j).mean()) < 1e-12);
    CHECK(std::abs(cache.xhat.col(j).squaredNorm() / d - 1.0) < 1e-4);
  }
  MatrixXd dX = MatrixXd::Zero(d, cols), dw = MatrixXd::Zero(d, 1), db = MatrixXd::Zero(d, 1);
  layernorm_backward<double>(dX, dw, db, R, w, cache);
  fd_check(loss, X, dX, "X");
  fd_check(loss, w, dw, "w");
  fd_check(loss, b, db, "b");

  // In place (Y = X, dX = dY) gives the same numbers.
  MatrixXd inplace = X;
  LayerNormCache<double> cache2;
  layernorm_forward<double>(inplace, inplace, w, b, cache2);
  layernorm_forward<double>(Y, X, w, b, cache);
  CHECK((inplace - Y).norm() < 1e-14);
  MatrixXd dinplace = R, dw2 = MatrixXd::Zero(d, 1), db2 = MatrixXd::Zero(d, 1);
  layernorm_backward<double>(dinplace, dw2, db2, dinplace, w, cache2);
  CHECK((dinplace - dX).norm() < 1e-12);
}

TEST_CASE("unembed backward matches finite differences", "[layers][gradcheck]") {
  std::mt19937 gen(6);
  const int d = 5, C = 7, n = 3;
  MatrixXd X = randn(d, n, gen), W_U = randn(C, d, gen);
  const MatrixXd R = randn(C, n, gen);
  MatrixXd logits(C, n);
  auto loss = [&] {
    unembed_forward<double>(logits, X, W_U);
    return (R.array() * logits.array()).sum();
  };
  loss();
  MatrixXd dX(d, n), dW_U = MatrixXd::Zero(C, d);
  unembed_backward<double>(dX, dW_U, R, X, W_U);
  fd_check(loss, X, dX, "X");
  fd_check(loss, W_U, dW_U, "W_U");
}
