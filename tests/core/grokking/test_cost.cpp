// The cost model (cost.h) against the real thing: its parameter count is the models' own, its
// snapshot count is what a run keeps, and its step work scales the way the step time does.
#include <catch2/catch.hpp>

#include <memory>

#include "grok/grokking/cost.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
// The model itself (for dense datasets without their data: Fashion-MNIST cannot be read in wasm).
long real_param_count(const Config& c) {
  std::unique_ptr<ModelT<float>> m;
  if (dense_dataset(c)) {
    REQUIRE(make_feature_model<float>(c, dense_feature_dim(c), dense_classes(c), m) == "");
  } else {
    Dataset d;
    REQUIRE(make_dataset(c, d) == "");
    REQUIRE(make_model<float>(c, d, m) == "");
  }
  long n = 0;
  for (const auto& info : m->params().info) n += static_cast<long>(info.size());
  return n;
}

std::vector<Config> configs() {
  std::vector<Config> out;
  for (const auto& p : presets()) out.push_back(p.config);
  Config c = find_preset("browser")->config;
  for (const char* input : {"tied", "factored"}) { c.mlp_input = input; out.push_back(c); }
  c = find_preset("power2022")->config;
  c.layers = 1; out.push_back(c);          // post-LN, one block: the reference path
  c.layer_norm = "none"; out.push_back(c); // the tabulated path
  c.op = "s5"; out.push_back(c);
  Config dense;
  dense.dataset = "mnist1d"; dense.model = "mlp"; dense.depth = 2; dense.hidden = 30; dense.n_train = 500;
  out.push_back(dense);
  dense.depth = 1; dense.label_noise = 0.2; out.push_back(dense);
  return out;
}
}  // namespace

TEST_CASE("the cost model counts every model's parameters exactly") {
  for (const Config& c : configs()) {
    INFO(config_to_json(c).dump());
    const CostEstimate e = estimate_cost(c);
    CHECK(e.params == real_param_count(c));
    if (!dense_dataset(c)) CHECK(e.n_train + e.n_test == pair_count(c));
    CHECK(e.step_work > 0);
    CHECK(e.eval_work > 0);
    CHECK(e.bytes > 4.0 * e.params * 5);
  }
}

TEST_CASE("the cost model's snapshot count is what a run keeps", "[long]") {
  Config c = find_preset("browser")->config;
  for (int steps : {1, 7, 10, 11, 99, 100, 137}) {
    c.steps = steps;
    std::unique_ptr<Trainer> t;
    REQUIRE(Trainer::create(c, t) == "");
    t->run(steps);
    INFO("steps " << steps);
    CHECK(static_cast<long>(t->snapshots().size()) == estimate_cost(c).snapshots);
  }
}

TEST_CASE("the cost model grows with the work: batch, width, and snapshot weights in memory") {
  Config c = find_preset("power2022")->config;
  const CostEstimate base = estimate_cost(c);
  c.batch_size *= 2;
  CHECK(estimate_cost(c).step_work > 1.8 * base.step_work);
  c = find_preset("browser")->config;
  const CostEstimate narrow = estimate_cost(c);
  c.hidden *= 4;
  CHECK(estimate_cost(c).step_work > 3 * narrow.step_work);
  // Every snapshot keeps a copy of the weights (for re-scoring), so long runs of wide models are
  // large even when one step is cheap (the page's memory check relies on this).
  c = find_preset("browser")->config;
  c.p = 3; c.hidden = 16384; c.d_model = 1024;
  CHECK(estimate_cost(c).bytes > 2.0 * 1024 * 1024 * 1024);
}
