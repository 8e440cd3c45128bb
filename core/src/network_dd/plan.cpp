#include "grok/network_dd/plan.h"

#include <algorithm>
#include <map>

#include "grok/common/stats.h"
#include "grok/grokking/presets.h"

namespace grok {
using nlohmann::json;

namespace {
// About this many evaluations per run: enough for the epoch-wise curves and heatmap, few enough
// that evaluating (a forward pass over the training and test sets) stays a small share of a run.
constexpr long kEvaluations = 50;
}  // namespace

const char* network_dd_preset(const DDConfig& c) { return c.experiment == "nn-fashion" ? "fashion-dd" : "mnist1d-dd"; }

std::string network_dd_plan(const DDConfig& c, SweepPlan& out) {
  if (!dd_network_experiment(c)) return "experiment: " + c.experiment + " is a closed-form fit, not a network sweep";
  std::string err = validate_dd(c);
  if (!err.empty()) return err;
  const char* name = network_dd_preset(c);
  const Preset* preset = find_preset(name);
  if (!preset) return std::string("preset ") + name + " is missing";  // a build without it: a bug
  Config base = preset->config;
  if (c.experiment == "nn-fashion") base.downsample = c.downsample;
  const bool samples = dd_sample_axis(c);
  base.n_train = samples ? c.n_max : c.n_train;
  base.n_test = c.n_test;
  base.label_noise = c.label_noise;
  base.epochs = c.epochs;
  base.seed = c.seed;
  if (samples) base.hidden = c.width;
  base.eval_every = int(std::max<long>(1, run_steps(base) / kEvaluations));  // the longest run's
  GridAxis axis;
  std::string values;
  for (int size : dd_model_sizes(c)) values += (values.empty() ? "" : ",") + std::to_string(size);
  err = parse_grid(std::string(samples ? "n_train" : "hidden") + "=" + values, axis);
  if (!err.empty()) return err;
  std::vector<uint64_t> seeds;
  for (int t = 0; t < c.trials; ++t) seeds.push_back(c.seed + uint64_t(t));
  return make_plan(name, base, {axis}, seeds, out);
}

std::string network_dd_curve(const SweepPlan& plan, const json& rows, json& out) {
  if (plan.axes.size() != 1 || (plan.axes[0].field != "hidden" && plan.axes[0].field != "n_train"))
    return "a double-descent curve needs a sweep over one field, hidden or n_train; this one sweeps " +
           [&] {
             std::string s;
             for (const auto& a : plan.axes) s += (s.empty() ? "" : " x ") + a.field;
             return s.empty() ? std::string("nothing") : s;
           }();
  if (!rows.is_array()) return "rows: expected a list";
  const GridAxis& axis = plan.axes[0];
  struct Acc {
    std::vector<double> test, train, loss;
    long params = 0;
  };
  std::map<long, Acc> by_size;
  for (const json& r : rows) {
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_integer())
      return "rows: each row needs its run's index";
    const long i = r["index"].get<long>();
    if (i < 0 || i >= long(plan.runs.size())) return "rows: index " + std::to_string(i) + " is not a planned run";
    const Config& rc = plan.runs[size_t(i)].config;
    const long size = axis.field == "hidden" ? rc.hidden : rc.n_train;
    for (const char* key : {"final_test_acc", "final_train_acc", "params"})
      if (!r.contains(key) || !r[key].is_number()) return "rows: run " + std::to_string(i) + " has no " + key;
    Acc& a = by_size[size];
    a.test.push_back(1.0 - r["final_test_acc"].get<double>());
    a.train.push_back(1.0 - r["final_train_acc"].get<double>());
    if (r.contains("final_test_loss") && r["final_test_loss"].is_number()) a.loss.push_back(r["final_test_loss"].get<double>());
    a.params = r["params"].get<long>();
  }
  json sizes = json::array();
  for (const auto& v : axis.values) sizes.push_back(std::stol(v));
  json points = json::array();
  json threshold = nullptr;
  bool fitted_so_far = true;  // sample-wise: every smaller training set was fitted
  for (const auto& [size, a] : by_size) {
    std::vector<double> test = a.test;
    std::sort(test.begin(), test.end());
    const double train = median(a.train);
    points.push_back({{"size", size}, {"params", a.params}, {"runs", a.test.size()},
                      {"test_error_median", quantile_sorted(test, 0.5)}, {"test_error_q25", quantile_sorted(test, 0.25)},
                      {"test_error_q75", quantile_sorted(test, 0.75)}, {"train_error_median", train},
                      {"test_loss_median", a.loss.empty() ? json(nullptr) : json(median(a.loss))}});
    const bool fits = train <= kInterpolationError;
    if (axis.field == "hidden") {
      if (fits && threshold.is_null()) threshold = {{"size", size}, {"params", a.params}};
    } else {
      fitted_so_far = fitted_so_far && fits;
      if (fitted_so_far) threshold = {{"size", size}, {"params", a.params}};
    }
  }
  out = {{"axis", axis.field}, {"sizes", sizes}, {"points", points}, {"threshold", threshold}};
  return "";
}

}  // namespace grok
