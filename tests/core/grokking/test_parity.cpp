// Parity with PyTorch: each tests/fixtures/parity_*.json (written by scripts/make-parity-fixture from
// scripts/torch_models.py) holds weights drawn by torch, a batch, and PyTorch's logits, hidden
// activations, mean loss and every gradient, computed in float64 from those float32 weights.
// We load the weights into our model by name, run logits() / hidden_activations() /
// forward_backward(), and compare.
//
// Error measure, per tensor: max_i |ours_i - ref_i| / max_i |ref_i| (infinity-norm relative error);
// for the loss: |ours - ref| / |ref|. Bounds: 1e-4 for the float32 model (float32 rounding is ~1e-7;
// a wrong formula, layout or transpose gives O(1)), 1e-9 for the double instantiation (which must
// agree with float64 PyTorch to rounding, so it also catches errors too small for float32 to show).
// The fixtures keep every ReLU input >= 1e-3 from 0, so rounding cannot flip a unit.
//
// The fixture list is fixed here, not globbed: a fixture for a model that does not exist yet (or
// is missing on disk) FAILS, it is never skipped.
//
// The MLP on dense features (parity_feature_mlp_*) is checked the same way, from a batch of float32
// inputs x (in_dim x n). The optimizer fixtures (parity_optimizer_*) hold torch.optim's trajectory
// (SGD with momentum, Adam with coupled L2, AdamW; LambdaLR warmup lr * min(t / warmup, 1), 0-based
// t, so the first warmup step has lr 0) on a small feature MLP and one batch, computed in float64
// from float32 weights: we run our float32 Optimizer from the same weights and compare every tensor
// after each step. Bound 1e-5: each step rounds the weights to float32 (~6e-8 relative) on top of the
// gradient's float32 error, over 4 steps a few 1e-7 (a float32 torch run deviates from the float64
// one by 0.9-1.6e-7, see scripts/make-parity-fixture); a wrong rule (warmup off by one step, decay
// coupled instead of decoupled, a missing bias correction, dampening) moves the weights by ~lr * 0.1
// or more, i.e. >= 1e-3 relative. Adam's update follows the sign of each gradient entry, so the
// fixtures keep every nonzero entry >= 1e-4 of its tensor's largest (float32 cannot flip a sign).
// parity_optimizer_grokfast_*: the same on Grokfast's decoder with a batch of token pairs, the
// Grokfast-EMA or -MA filter (scripts/torch_models.py grokfast_filter) before torch.optim.Adam.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "grok/grokking/models/factory.h"
#include "grok/grokking/models/model.h"
#include "grok/grokking/optimizer.h"
#include "grok/data/token_pairs.h"
#include "grok/grokking/models/transformer/transformer.h"

using grok::Config;
using grok::Dataset;
using grok::ModelT;
using nlohmann::json;

namespace {

struct Tensor {
  int rows = 0, cols = 0;
  std::vector<double> data;  // column-major
};

Tensor read_tensor(const json& j) {
  Tensor t;
  t.rows = j.at("rows").get<int>();
  t.cols = j.at("cols").get<int>();
  t.data = j.at("data").get<std::vector<double>>();
  REQUIRE(t.data.size() == static_cast<size_t>(t.rows) * t.cols);
  return t;
}

std::map<std::string, Tensor> read_named(const json& list) {
  std::map<std::string, Tensor> out;
  for (const auto& e : list) out[e.at("name").get<std::string>()] = read_tensor(e);
  return out;
}

json load_fixture(const std::string& name) {
  const std::string path = std::string(GROK_SOURCE_DIR) + "/tests/fixtures/" + name + ".json";
  std::ifstream in(path);
  INFO("fixture " << path << " (regenerate with scripts/make-parity-fixture)");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

// Config from the fixture's fields, through the same setters (and checks) as the CLI and the page.
Config fixture_config(const json& fields) {
  Config c;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const grok::FieldSpec* f = grok::find_field(it.key());
    INFO("config field " << it.key());
    REQUIRE(f != nullptr);
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    REQUIRE(grok::set_field_from_string(c, *f, text) == "");
  }
  return c;
}

// max |ours - ref| / max |ref| over one tensor. `ours` is any Eigen matrix or map (column-major).
// floor: the smallest scale to divide by. A gradient that is zero by symmetry (the attention key
// bias: softmax ignores a constant q . b_K) is rounding noise on both sides (~1e-17 in float64):
// gradient checks pass 1e-3 x the largest gradient of the model as the floor, so such a tensor is
// measured against the model's gradients, not against its own noise (float32 rounding leaves ~1e-8
// there); every other fixture tensor's own scale is far above the floor.
template <class M>
double rel_inf_error(const M& ours, const Tensor& ref, double floor = 1e-30) {
  REQUIRE(ours.rows() == ref.rows);
  REQUIRE(ours.cols() == ref.cols);
  double diff = 0, scale = 0;
  for (int j = 0; j < ref.cols; ++j)
    for (int i = 0; i < ref.rows; ++i) {
      const double r = ref.data[static_cast<size_t>(j) * ref.rows + i];
      diff = std::max(diff, std::abs(static_cast<double>(ours(i, j)) - r));
      scale = std::max(scale, std::abs(r));
    }
  // A reference tensor that is all zero must come out (almost) exactly zero.
  return diff / std::max(scale, floor);
}

// 1e-3 x the largest entry of any reference gradient: the floor for rel_inf_error on gradients.
double gradient_floor(const std::map<std::string, Tensor>& grads) {
  double largest = 0;
  for (const auto& [name, t] : grads)
    for (double v : t.data) largest = std::max(largest, std::abs(v));
  return 1e-3 * largest;
}

// Same tensors, same names, same shapes, same order on both sides; then overwrite ours with torch's.
template <class S>
void load_weights(grok::ParamsT<S>& P, const json& list) {
  const auto weights = read_named(list);
  REQUIRE(weights.size() == P.info.size());
  REQUIRE(list.size() == P.info.size());
  for (size_t k = 0; k < P.info.size(); ++k)  // the order is part of the contract too
    CHECK(list[k].at("name").get<std::string>() == P.info[k].name);
  for (size_t k = 0; k < P.info.size(); ++k) {
    const auto& info = P.info[k];
    INFO("parameter " << info.name << " (" << info.rows << " x " << info.cols << ")");
    const auto it = weights.find(info.name);
    REQUIRE(it != weights.end());
    REQUIRE(it->second.rows == info.rows);
    REQUIRE(it->second.cols == info.cols);
    for (size_t i = 0; i < info.size(); ++i) P.value[info.offset + i] = static_cast<S>(it->second.data[i]);
  }
}

// The batch's dense inputs (in_dim x n, column-major), float32 values exactly as the fixture has them.
std::vector<float> read_features(const json& batch, int in_dim, int n) {
  const Tensor x = read_tensor(batch.at("x"));
  REQUIRE(x.rows == in_dim);
  REQUIRE(x.cols == n);
  std::vector<float> out(x.data.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(x.data[i]);
    REQUIRE(static_cast<double>(out[i]) == x.data[i]);  // the generator draws float32 inputs
  }
  return out;
}

template <class S>
void check_parity(const std::string& fixture, double tol) {
  const json fx = load_fixture(fixture);
  REQUIRE(fx.at("schema") == "grok-parity/1");
  const Config config = fixture_config(fx.at("config"));
  Dataset data;  // only for the sizes (n_elements, vocab): the batch comes from the fixture
  REQUIRE(grok::make_dataset(config, data) == "");
  std::unique_ptr<ModelT<S>> model;
  const std::string err = grok::make_model<S>(config, data, model);
  INFO("make_model: " << err);
  REQUIRE(err == "");

  auto& P = model->params();
  load_weights(P, fx.at("params"));  // transformer.h: the order is part of the contract too

  const std::vector<int> a = fx.at("batch").at("a").get<std::vector<int>>();
  const std::vector<int> b = fx.at("batch").at("b").get<std::vector<int>>();
  const std::vector<int> y = fx.at("batch").at("y").get<std::vector<int>>();
  const int n = static_cast<int>(y.size());
  REQUIRE(n > 0);
  const Tensor ref_logits = read_tensor(fx.at("logits"));
  const Tensor ref_hidden = read_tensor(fx.at("hidden_activations"));
  const double ref_loss = fx.at("loss").get<double>();
  const auto grads = read_named(fx.at("grads"));
  REQUIRE(grads.size() == P.info.size());

  auto compare = [&](const char* path) {
    INFO("path: " << path);
    typename ModelT<S>::Mat out;
    model->logits(a.data(), b.data(), n, out);
    const double logits_err = rel_inf_error(out, ref_logits);
    INFO("logits: max abs diff / max abs value = " << logits_err);
    CHECK(logits_err < tol);

    model->hidden_activations(a.data(), b.data(), n, out);
    const double hidden_err = rel_inf_error(out, ref_hidden);
    INFO("hidden activations: max abs diff / max abs value = " << hidden_err);
    CHECK(hidden_err < tol);

    P.zero_grad();
    const grok::BatchStats st = model->forward_backward(a.data(), b.data(), y.data(), n, n);
    const double loss_err = std::abs(st.mean_loss() - ref_loss) / std::abs(ref_loss);
    INFO("mean loss ours " << st.mean_loss() << " torch " << ref_loss << " relative error " << loss_err);
    CHECK(loss_err < tol);

    for (size_t k = 0; k < P.info.size(); ++k) {
      const auto it = grads.find(P.info[k].name);
      REQUIRE(it != grads.end());
      const double e = rel_inf_error(P.g(static_cast<int>(k)), it->second, gradient_floor(grads));
      INFO("gradient " << P.info[k].name << ": max abs diff / max abs value = " << e);
      CHECK(e < tol);
    }
  };

  // The transformer has two implementations of one function (tabulated one-layer path and the
  // layer-by-layer reference path): each must match PyTorch on its own.
  if (auto* tm = dynamic_cast<grok::TransformerModel<S>*>(model.get()); tm && tm->fast_path_available()) {
    tm->set_fast_path(true);
    REQUIRE(tm->fast_path());
    compare("tabulated one-layer");
    tm->set_fast_path(false);
    REQUIRE_FALSE(tm->fast_path());
    compare("reference");
  } else {
    compare("default");
  }
}

const char* const kFixtures[] = {
    "parity_mlp_relu",
    "parity_mlp_quad_stablemax",
    "parity_mlp_tied",                         // one input matrix shared by a and b
    "parity_mlp_factored",                     // Google PAIR notebook: shared embedding in and out
    "parity_transformer_1l",                   // Nanda 2023 shape: 1 layer, no LayerNorm
    "parity_transformer_1l_quad_stablemax",    // x^2 activation, StableMax loss
    "parity_transformer_2l_postln",            // Power 2022 shape: 2 layers, post-LN
    "parity_transformer_2l_postln_stablemax",
    "parity_transformer_grokfast",             // ironjr/grokfast: pre-inplace LN, GELU, [a, op, b, =], MHA biases
    "parity_transformer_1l_preln_gelu",        // standard pre-LN, GELU
    "parity_transformer_2l_preln_relu_op",     // pre-LN, relu, op token, StableMax
};

// The MLP on dense features: logits, last hidden layer (inspect, with and without the logits of the
// same pass), mean loss (cross-entropy or MSE) and every gradient.
template <class S>
void check_feature_parity(const std::string& fixture, double tol) {
  const json fx = load_fixture(fixture);
  REQUIRE(fx.at("schema") == "grok-parity/1");
  const Config config = fixture_config(fx.at("config"));
  const int in_dim = fx.at("in_dim").get<int>(), classes = fx.at("classes").get<int>();
  std::unique_ptr<ModelT<S>> model;
  const std::string err = grok::make_feature_model<S>(config, in_dim, classes, model);
  INFO("make_feature_model: " << err);
  REQUIRE(err == "");
  auto& P = model->params();
  load_weights(P, fx.at("params"));

  const std::vector<int> y = fx.at("batch").at("y").get<std::vector<int>>();
  const int n = static_cast<int>(y.size());
  REQUIRE(n > 0);
  const std::vector<float> x = read_features(fx.at("batch"), in_dim, n);
  const grok::Inputs in = grok::Inputs::features(x.data(), in_dim);
  const Tensor ref_logits = read_tensor(fx.at("logits"));
  const Tensor ref_hidden = read_tensor(fx.at("hidden_activations"));
  const double ref_loss = fx.at("loss").get<double>();
  const auto grads = read_named(fx.at("grads"));
  REQUIRE(grads.size() == P.info.size());

  typename ModelT<S>::Mat out, hidden, both_logits;
  model->logits(in, n, out);
  const double logits_err = rel_inf_error(out, ref_logits);
  INFO("logits: max abs diff / max abs value = " << logits_err);
  CHECK(logits_err < tol);

  model->inspect(in, n, hidden, nullptr);
  const double hidden_err = rel_inf_error(hidden, ref_hidden);
  INFO("hidden activations: max abs diff / max abs value = " << hidden_err);
  CHECK(hidden_err < tol);
  model->inspect(in, n, hidden, &both_logits);
  CHECK(rel_inf_error(hidden, ref_hidden) < tol);
  CHECK(rel_inf_error(both_logits, ref_logits) < tol);

  P.zero_grad();
  const grok::BatchStats st = model->forward_backward(in, y.data(), n, n);
  const double loss_err = std::abs(st.mean_loss() - ref_loss) / std::abs(ref_loss);
  INFO("mean loss ours " << st.mean_loss() << " torch " << ref_loss << " relative error " << loss_err);
  CHECK(loss_err < tol);
  CHECK(st.count == n);
  // evaluate() is the same forward and loss without the gradient.
  const grok::BatchStats ev = model->evaluate(in, y.data(), n);
  CHECK(std::abs(ev.mean_loss() - ref_loss) / std::abs(ref_loss) < tol);

  for (size_t k = 0; k < P.info.size(); ++k) {
    const auto it = grads.find(P.info[k].name);
    REQUIRE(it != grads.end());
    const double e = rel_inf_error(P.g(static_cast<int>(k)), it->second, gradient_floor(grads));
    INFO("gradient " << P.info[k].name << ": max abs diff / max abs value = " << e);
    CHECK(e < tol);
  }
}

// The optimizer: our float32 Optimizer from torch's initial weights, one batch, every step's loss and
// the weights after every step against torch.optim's float64 trajectory.
void check_optimizer_parity(const std::string& fixture, double tol) {
  const json fx = load_fixture(fixture);
  REQUIRE(fx.at("schema") == "grok-parity-optimizer/1");
  const Config config = fixture_config(fx.at("config"));
  REQUIRE_FALSE(config.perp_grad);
  // Dense-feature fixtures give in_dim and classes; token-pair ones (the Grokfast filters on a
  // transformer) give the batch as (a, b, y).
  const bool dense = fx.contains("in_dim");
  if (dense) REQUIRE(config.grokfast_lambda == 0.0);  // those fixtures run torch.optim alone
  std::unique_ptr<ModelT<float>> model;
  Dataset data;
  std::string err;
  if (dense) {
    err = grok::make_feature_model<float>(config, fx.at("in_dim").get<int>(), fx.at("classes").get<int>(), model);
  } else {
    REQUIRE(grok::make_dataset(config, data) == "");  // only for the sizes: the batch comes from the fixture
    err = grok::make_model<float>(config, data, model);
  }
  INFO("make_model: " << err);
  REQUIRE(err == "");
  auto& P = model->params();
  load_weights(P, fx.at("params"));

  const json& batch = fx.at("batch");
  const std::vector<int> y = batch.at("y").get<std::vector<int>>();
  const int n = static_cast<int>(y.size());
  REQUIRE(n > 0);
  std::vector<float> x;
  std::vector<int> a, b;
  grok::Inputs in;
  if (dense) {
    x = read_features(batch, fx.at("in_dim").get<int>(), n);
    in = grok::Inputs::features(x.data(), fx.at("in_dim").get<int>());
  } else {
    a = batch.at("a").get<std::vector<int>>();
    b = batch.at("b").get<std::vector<int>>();
    in = grok::Inputs::pairs(a.data(), b.data());
  }

  const json& trajectory = fx.at("trajectory");
  REQUIRE(trajectory.size() >= 2);
  grok::Optimizer opt(P.size());
  for (size_t t = 0; t < trajectory.size(); ++t) {
    const json& rec = trajectory[t];
    INFO("step " << t << " (lr " << rec.at("lr").get<double>() << ")");
    REQUIRE(rec.at("step").get<size_t>() == t);
    const double warm = config.warmup > 0 ? std::min(static_cast<double>(t) / config.warmup, 1.0) : 1.0;
    CHECK(std::abs(config.lr * warm - rec.at("lr").get<double>()) <= 1e-15 * config.lr);  // optimizer.h's rule

    P.zero_grad();
    const grok::BatchStats st = model->forward_backward(in, y.data(), n, n);
    const double ref_loss = rec.at("loss").get<double>();
    const double loss_err = std::abs(st.mean_loss() - ref_loss) / std::abs(ref_loss);
    INFO("loss before the step: ours " << st.mean_loss() << " torch " << ref_loss << " relative error " << loss_err);
    CHECK(loss_err < tol);
    opt.step(P, config);
    REQUIRE(opt.t == static_cast<long>(t) + 1);

    const auto ref = read_named(rec.at("params"));
    REQUIRE(ref.size() == P.info.size());
    for (size_t k = 0; k < P.info.size(); ++k) {
      const auto it = ref.find(P.info[k].name);
      REQUIRE(it != ref.end());
      const double e = rel_inf_error(P.w(static_cast<int>(k)), it->second);
      INFO("weights " << P.info[k].name << " after the step: max abs diff / max abs value = " << e);
      CHECK(e < tol);
    }
  }
}

const char* const kFeatureFixtures[] = {
    "parity_feature_mlp_relu_ce",   // 2 hidden layers, relu, softmax cross-entropy
    "parity_feature_mlp_quad_mse",  // 3 hidden layers, x^2, MSE on one-hot (torch nn.MSELoss)
};

const char* const kOptimizerFixtures[] = {
    "parity_optimizer_sgd_momentum",  // torch.optim.SGD, momentum 0.9, L2 weight decay, no warmup
    "parity_optimizer_adam_l2",       // torch.optim.Adam, coupled L2, 3 warmup steps (the first has lr 0)
    "parity_optimizer_adamw",         // torch.optim.AdamW, decoupled decay 0.5, no warmup
    // Grokfast's decoder, the Grokfast filter, then torch.optim.Adam with coupled L2:
    "parity_optimizer_grokfast_ema_adam_l2",  // EMA alpha 0.8, lambda 2, 3 warmup steps
    "parity_optimizer_grokfast_ma_adam_l2",   // MA window 2, lambda 5 (acts from the second step)
};

}  // namespace

TEST_CASE("float32 models match PyTorch (logits, loss, every gradient)", "[parity]") {
  for (const char* name : kFixtures) {
    SECTION(name) { check_parity<float>(name, 1e-4); }
  }
}

TEST_CASE("float64 models match PyTorch to rounding", "[parity]") {
  for (const char* name : kFixtures) {
    SECTION(name) { check_parity<double>(name, 1e-9); }
  }
}

TEST_CASE("float32 feature MLP matches PyTorch (logits, hidden, loss, every gradient)", "[parity]") {
  for (const char* name : kFeatureFixtures) {
    SECTION(name) { check_feature_parity<float>(name, 1e-4); }
  }
}

TEST_CASE("float64 feature MLP matches PyTorch to rounding", "[parity]") {
  for (const char* name : kFeatureFixtures) {
    SECTION(name) { check_feature_parity<double>(name, 1e-9); }
  }
}

TEST_CASE("Optimizer follows torch.optim's trajectory (sgd momentum, adam L2, adamw, warmup, Grokfast)", "[parity]") {
  for (const char* name : kOptimizerFixtures) {
    SECTION(name) { check_optimizer_parity(name, 1e-5); }
  }
}
