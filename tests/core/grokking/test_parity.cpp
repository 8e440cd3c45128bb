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
template <class M>
double rel_inf_error(const M& ours, const Tensor& ref) {
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
  return diff / std::max(scale, 1e-30);
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

  // Same tensors, same names, same shapes on both sides; then overwrite ours with torch's.
  auto& P = model->params();
  const auto weights = read_named(fx.at("params"));
  REQUIRE(weights.size() == P.info.size());
  for (size_t k = 0; k < P.info.size(); ++k)  // transformer.h: the order is part of the contract too
    CHECK(fx.at("params")[k].at("name").get<std::string>() == P.info[k].name);
  for (size_t k = 0; k < P.info.size(); ++k) {
    const auto& info = P.info[k];
    INFO("parameter " << info.name << " (" << info.rows << " x " << info.cols << ")");
    const auto it = weights.find(info.name);
    REQUIRE(it != weights.end());
    REQUIRE(it->second.rows == info.rows);
    REQUIRE(it->second.cols == info.cols);
    for (size_t i = 0; i < info.size(); ++i) P.value[info.offset + i] = static_cast<S>(it->second.data[i]);
  }

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
      const double e = rel_inf_error(P.g(static_cast<int>(k)), it->second);
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
