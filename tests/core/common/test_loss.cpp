// The losses (common/loss.h) against straightforward formulas in long double: softmax cross-entropy
// (computed a block of columns at a time with our own vectorizable exp), StableMax and MSE, for
// class counts from 1 to more than one block, with logits far apart (underflowing exps).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "grok/common/loss.h"
#include "grok/common/rng.h"

using namespace grok;

namespace {
Eigen::MatrixXf random_logits(int classes, int n, double spread, uint64_t seed) {
  Rng rng(seed);
  Eigen::MatrixXf z(classes, n);
  for (int j = 0; j < n; ++j)
    for (int c = 0; c < classes; ++c) z(c, j) = static_cast<float>(spread * rng.normal());
  return z;
}
}  // namespace

TEST_CASE("softmax cross-entropy matches the long-double formula: loss, accuracy, every gradient") {
  for (int classes : {1, 2, 10, 113, 5000})
    for (double spread : {1.0, 40.0, 400.0}) {
      const int n = classes == 5000 ? 3 : 37;
      const Eigen::MatrixXf z = random_logits(classes, n, spread, classes * 7 + int(spread));
      std::vector<int> y(n);
      for (int j = 0; j < n; ++j) y[j] = (j * 31) % classes;
      Eigen::MatrixXf d(classes, n);
      Eigen::ArrayXXd work;
      const BatchStats st = cross_entropy<float>(z, y.data(), LossKind::Softmax, &d, 0.5, work);
      long double loss_sum = 0;
      long correct = 0;
      double worst_grad = 0;
      for (int j = 0; j < n; ++j) {
        long double m = z(0, j);
        int arg = 0;
        for (int c = 1; c < classes; ++c)
          if (z(c, j) > m) { m = z(c, j); arg = c; }
        correct += arg == y[j];
        long double total = 0;
        for (int c = 0; c < classes; ++c) total += std::exp(static_cast<long double>(z(c, j)) - m);
        loss_sum += std::log(total) - (z(y[j], j) - m);
        for (int c = 0; c < classes; ++c) {
          const long double ref = 0.5L * (std::exp(static_cast<long double>(z(c, j)) - m) / total - (c == y[j]));
          worst_grad = std::max(worst_grad, double(std::abs(d(c, j) - ref)));
        }
      }
      INFO(classes << " classes, spread " << spread);
      CHECK(st.correct == correct);
      CHECK(st.finite);
      CHECK(std::abs(st.loss_sum - double(loss_sum)) <= 1e-13 * std::max(1.0, double(std::abs(loss_sum))));
      CHECK(worst_grad < 1e-7);  // float gradients: half an ulp of 0.5 is 3e-8
    }
}

TEST_CASE("softmax cross-entropy: a NaN or infinite logit marks the batch as not finite") {
  Eigen::MatrixXf z = random_logits(10, 4, 1.0, 1);
  const int y[4] = {0, 1, 2, 3};
  Eigen::ArrayXXd work;
  z(3, 2) = std::nanf("");
  CHECK_FALSE(cross_entropy<float>(z, y, LossKind::Softmax, nullptr, 1.0, work).finite);
  z(3, 2) = INFINITY;
  CHECK_FALSE(cross_entropy<float>(z, y, LossKind::Softmax, nullptr, 1.0, work).finite);
}

TEST_CASE("MSE on one-hot targets: the mean over classes per example, gradient 2 (z - t) / C") {
  const Eigen::MatrixXf z = random_logits(4, 3, 1.0, 2);
  const int y[3] = {2, 0, 3};
  Eigen::MatrixXf d(4, 3);
  const BatchStats st = mse_loss<float>(z, y, &d, 1.0 / 3);
  double ref = 0;
  for (int j = 0; j < 3; ++j)
    for (int c = 0; c < 4; ++c) {
      const double e = z(c, j) - (c == y[j]);
      ref += e * e / 4;
      CHECK(d(c, j) == Approx(2 * e / 4 / 3).margin(1e-7));
    }
  CHECK(st.loss_sum == Approx(ref).epsilon(1e-12));
}
