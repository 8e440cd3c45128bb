// The MLP on dense features (models/feature_mlp.h): parameter layout and init, finite differences
// in double for every depth, activation and loss, columns independent of each other, and a short
// SGD run on MNIST-1D that learns. PyTorch parity: test_parity.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "gradcheck.h"
#include "grok/common/rng.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
Config dense_config(int depth, int hidden, const char* activation, const char* loss) {
  Config c;
  c.dataset = "mnist1d";
  c.model = "mlp";
  c.depth = depth;
  c.hidden = hidden;
  c.activation = activation;
  c.loss = loss;
  return c;
}

std::vector<float> random_inputs(int dim, int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(dim) * n);
  for (float& v : x) v = static_cast<float>(rng.normal());
  return x;
}
}  // namespace

TEST_CASE("feature MLP: parameters in order, torch's default init, init_scale multiplies everything") {
  Config c = dense_config(2, 7, "relu", "softmax");
  std::unique_ptr<ModelT<float>> m;
  REQUIRE(make_feature_model<float>(c, 5, 3, m) == "");
  const auto& info = m->params().info;
  REQUIRE(info.size() == 6);
  const int shapes[6][2] = {{7, 5}, {7, 1}, {7, 7}, {7, 1}, {3, 7}, {3, 1}};
  for (int i = 0; i < 6; ++i) {
    CHECK(info[i].name == std::string("layers.") + std::to_string(i / 2) + (i % 2 ? ".b" : ".W"));
    CHECK(info[i].rows == shapes[i][0]);
    CHECK(info[i].cols == shapes[i][1]);
  }
  // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases alike.
  for (int i = 0; i < 6; ++i) {
    const double bound = 1.0 / std::sqrt(double(i < 2 ? 5 : 7));
    CHECK(m->params().w(i).cwiseAbs().maxCoeff() <= bound);
  }
  c.init_scale = 8;
  std::unique_ptr<ModelT<float>> big;
  REQUIRE(make_feature_model<float>(c, 5, 3, big) == "");
  for (size_t k = 0; k < m->params().value.size(); ++k) CHECK(big->params().value[k] == 8.0f * m->params().value[k]);
}

TEST_CASE("feature MLP: analytic gradients match central differences in double") {
  const int dim = 6, classes = 4, n = 9;
  const std::vector<float> x = random_inputs(dim, n, 3);
  std::vector<int> y(n);
  for (int i = 0; i < n; ++i) y[i] = i % classes;
  for (int depth : {1, 2, 3})
    for (const char* act : {"relu", "quad"})
      for (const char* loss : {"softmax", "stablemax", "mse"}) {
        Config c = dense_config(depth, 5, act, loss);
        c.init_scale = depth == 2 ? 2.5 : 1.0;
        std::unique_ptr<ModelT<double>> m;
        REQUIRE(make_feature_model<double>(c, dim, classes, m) == "");
        INFO("depth " << depth << " " << act << " " << loss);
        CHECK(grok_test::gradcheck(*m, Inputs::features(x.data(), dim), y) < 1e-5);
      }
}

TEST_CASE("feature MLP: each example's logits depend on its own column only (batch = one by one)") {
  const int dim = 5, classes = 3, n = 7;
  const std::vector<float> x = random_inputs(dim, n, 11);
  Config c = dense_config(2, 8, "relu", "softmax");
  std::unique_ptr<ModelT<float>> m;
  REQUIRE(make_feature_model<float>(c, dim, classes, m) == "");
  Eigen::MatrixXf all, one;
  m->logits(Inputs::features(x.data(), dim), n, all);
  for (int j = 0; j < n; ++j) {
    m->logits(Inputs::features(x.data() + j * dim, dim), 1, one);
    CHECK((one.col(0) - all.col(j)).cwiseAbs().maxCoeff() < 1e-5f);
  }
}

TEST_CASE("feature MLP trained with SGD and momentum learns MNIST-1D") {
  Config c = dense_config(2, 64, "relu", "softmax");
  c.n_train = 2000; c.n_test = 1000; c.optimizer = "sgd"; c.lr = 0.05; c.momentum = 0.9; c.weight_decay = 0;
  c.warmup = 0; c.batch_size = 100; c.epochs = 15; c.eval_every = 100;
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(c, t) == "");
  CHECK(t->config().steps == 15 * 20);
  t->run(t->config().steps);
  // Chance is 10%; a 40-64-64-10 MLP passes 40% within a few epochs (and ~60% given time).
  CHECK(t->summary().final_test_acc > 0.35);
  CHECK(t->summary().final_train_acc > 0.45);
  CHECK(t->summary().params == 40 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10);
  CHECK(t->snapshots().empty());
}
