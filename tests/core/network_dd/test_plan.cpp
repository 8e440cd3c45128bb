// The network experiments of the dd lab (network_dd/plan.h): the plan of training runs a DDConfig
// gives, and the curve (medians, interpolation threshold) of their summary rows.
#include <catch2/catch.hpp>

#include "grok/double_descent/sweep.h"
#include "grok/grokking/presets.h"
#include "grok/network_dd/plan.h"

using namespace grok;
using nlohmann::json;

namespace {
DDConfig network() { return find_dd_preset("nn-mnist1d")->config; }

// A summary row as the page's workers and `grok sweep` write it, for run `index` of `plan`.
json row(const SweepPlan& plan, long index, double test_err, double train_err) {
  return {{"index", index}, {"file", plan.runs[size_t(index)].file}, {"params", 100 + index},
          {"final_test_acc", 1 - test_err}, {"final_train_acc", 1 - train_err}, {"final_test_loss", 2 * test_err}};
}
}  // namespace

TEST_CASE("network dd: the preset plans widths x seeds of the mnist1d-dd setup") {
  const DDConfig c = network();
  REQUIRE(validate_dd(c) == "");
  SweepPlan plan;
  REQUIRE(network_dd_plan(c, plan) == "");
  const std::vector<int> sizes = dd_model_sizes(c);
  REQUIRE(sizes.size() == size_t(c.points));  // log-spaced alone: no p = n extras for networks
  CHECK(sizes.front() == c.width_min);
  CHECK(sizes.back() == c.width_max);
  REQUIRE(plan.axes.size() == 1);
  CHECK(plan.axes[0].field == "hidden");
  CHECK(plan.preset == "mnist1d-dd");
  CHECK(plan.preset == network_dd_preset(c));
  REQUIRE(plan.runs.size() == sizes.size() * size_t(c.trials));
  const Config& preset = find_preset("mnist1d-dd")->config;
  for (const auto& r : plan.runs) {
    INFO(r.file);
    CHECK(r.config.dataset == "mnist1d");
    CHECK(r.config.n_train == c.n_train);
    CHECK(r.config.n_test == c.n_test);
    CHECK(r.config.label_noise == c.label_noise);
    CHECK(r.config.epochs == c.epochs);
    CHECK(r.config.optimizer == preset.optimizer);
    CHECK(r.config.lr == preset.lr);
    CHECK(r.seed < uint64_t(c.trials));
    CHECK(std::find(sizes.begin(), sizes.end(), r.config.hidden) != sizes.end());
    // About 50 evaluations: the epoch-wise views' resolution.
    CHECK(run_steps(r.config) / r.config.eval_every >= 45);
    CHECK(run_steps(r.config) / r.config.eval_every <= 55);
  }
}

TEST_CASE("network dd: nn-fashion plans fashion-dd runs at its downsampling, within the page's shipped images") {
  DDConfig c = find_dd_preset("nn-fashion")->config;
  REQUIRE(validate_dd(c) == "");
  SweepPlan plan;
  REQUIRE(network_dd_plan(c, plan) == "");
  CHECK(plan.preset == "fashion-dd");
  const Config& preset = find_preset("fashion-dd")->config;
  REQUIRE(plan.runs.size() == size_t(c.points) * size_t(c.trials));
  for (const auto& r : plan.runs) {
    INFO(r.file);
    CHECK(r.config.dataset == "fashion-mnist");
    CHECK(r.config.downsample == c.downsample);
    CHECK(dense_feature_dim(r.config) == 49);
    CHECK(r.config.n_train <= 2000);  // web/data/fashion-mnist/ holds 2000 training and 1000 test images
    CHECK(r.config.n_test <= 1000);
    CHECK(r.config.label_noise == c.label_noise);
    CHECK(r.config.optimizer == preset.optimizer);
  }
  c.downsample = 2;
  REQUIRE(network_dd_plan(c, plan) == "");
  CHECK(dense_feature_dim(plan.runs.front().config) == 196);
  c.downsample = 3;
  CHECK(network_dd_plan(c, plan) == "downsample: must divide 28 (1, 2, 4, 7, 14 or 28; got 3)");
  // MNIST-1D has no pixels: the field does not apply there.
  CHECK_FALSE(dd_field_applies(*find_dd_field("downsample"), network()));
  CHECK(dd_field_applies(*find_dd_field("downsample"), find_dd_preset("nn-fashion")->config));
}

TEST_CASE("network dd: sample-wise plans training-set sizes at a fixed width") {
  DDConfig c = network();
  c.axis = "samples";
  c.width = 24; c.n_min = 100; c.n_max = 3000; c.points = 6; c.trials = 1; c.seed = 7;
  SweepPlan plan;
  REQUIRE(network_dd_plan(c, plan) == "");
  CHECK(plan.axes[0].field == "n_train");
  REQUIRE(plan.runs.size() == 6);
  CHECK(plan.runs.front().config.n_train == 100);
  CHECK(plan.runs.back().config.n_train == 3000);
  for (const auto& r : plan.runs) {
    CHECK(r.config.hidden == 24);
    CHECK(r.seed == 7);
  }
}

TEST_CASE("network dd: bad settings name the field; closed-form sweeps refuse networks") {
  DDConfig c = network();
  c.width_min = 200; c.width_max = 100;
  SweepPlan plan;
  CHECK(network_dd_plan(c, plan) == "width_min: 200 is larger than width_max (100)");
  c = network();
  CHECK(set_dd_field_from_string(c, *find_dd_field("label_noise"), "1.5") == "label_noise: '1.5' is not a number in [0, 1]");
  std::unique_ptr<DDSweep> sweep;
  CHECK(DDSweep::create(network(), sweep).find("experiment: nn-mnist1d trains networks") == 0);
  CHECK(network_dd_plan(find_dd_preset("linear")->config, plan).find("is a closed-form fit") != std::string::npos);
  // The closed-form fields do not apply to networks, the network fields not to closed-form fits.
  CHECK_FALSE(dd_field_applies(*find_dd_field("p_max"), network()));
  CHECK_FALSE(dd_field_applies(*find_dd_field("noise"), network()));
  CHECK(dd_field_applies(*find_dd_field("width_max"), network()));
  CHECK_FALSE(dd_field_applies(*find_dd_field("epochs"), find_dd_preset("linear")->config));
}

TEST_CASE("network dd: the curve is the medians per size and marks where the networks fit") {
  DDConfig c = network();
  c.width_min = 4; c.width_max = 64; c.points = 5; c.trials = 3;
  SweepPlan plan;
  REQUIRE(network_dd_plan(c, plan) == "");
  // runs: sizes 4, 8, 16, 32, 64 (log-spaced), seeds fastest: index = 3 * size_index + seed.
  json rows = json::array();
  const double test[5][3] = {{0.7, 0.6, 0.65}, {0.5, 0.55, 0.6}, {0.62, 0.64, 0.66}, {0.58, 0.57, 0.59}, {0.5, 0.52, 0.51}};
  const double train[5] = {0.6, 0.3, 0.005, 0, 0};
  for (int s = 0; s < 5; ++s)
    for (int k = 0; k < 3; ++k)
      if (!(s == 4 && k == 2)) rows.push_back(row(plan, 3 * s + k, test[s][k], s == 1 && k == 0 ? 0.02 : train[s]));
  json curve;
  REQUIRE(network_dd_curve(plan, rows, curve) == "");
  CHECK(curve["axis"] == "hidden");
  CHECK(curve["sizes"] == json({4, 8, 16, 32, 64}));
  REQUIRE(curve["points"].size() == 5);
  const json& p8 = curve["points"][1];
  CHECK(p8["size"] == 8);
  CHECK(p8["runs"] == 3);
  CHECK(p8["test_error_median"].get<double>() == Approx(0.55));
  CHECK(p8["test_error_q25"].get<double>() == Approx(0.525));
  CHECK(p8["train_error_median"].get<double>() == Approx(0.3));
  CHECK(curve["points"][4]["runs"] == 2);  // a run not finished yet
  CHECK(curve["points"][4]["test_error_median"].get<double>() == Approx(0.51));
  CHECK(curve["threshold"]["size"] == 16);  // the first median train error <= 1%
  // Sample-wise, the threshold is the largest training set still fitted.
  c.axis = "samples"; c.n_min = 100; c.n_max = 1600; c.points = 5; c.trials = 1;
  REQUIRE(network_dd_plan(c, plan) == "");
  rows = json::array();
  const double fit[5] = {0, 0, 0.004, 0.05, 0.1};
  for (int s = 0; s < 5; ++s) rows.push_back(row(plan, s, 0.5, fit[s]));
  REQUIRE(network_dd_curve(plan, rows, curve) == "");
  CHECK(curve["axis"] == "n_train");
  CHECK(curve["threshold"]["size"] == 400);
  // Rows that are not the plan's, and plans that are not one width or size axis.
  CHECK(network_dd_curve(plan, json::array({{{"index", 99}}}), curve) == "rows: index 99 is not a planned run");
  CHECK(network_dd_curve(plan, json::array({{{"index", 0}}}), curve) == "rows: run 0 has no final_test_acc");
  SweepPlan two;
  GridAxis wd, fr;
  REQUIRE(parse_grid("weight_decay=0.5,1", wd) == "");
  REQUIRE(parse_grid("train_fraction=0.3,0.5", fr) == "");
  REQUIRE(make_plan("browser", find_preset("browser")->config, {wd, fr}, {0}, two) == "");
  CHECK(network_dd_curve(two, json::array(), curve) ==
        "a double-descent curve needs a sweep over one field, hidden or n_train; this one sweeps weight_decay x train_fraction");
}
