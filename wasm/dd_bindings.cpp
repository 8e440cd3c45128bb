// The double-descent part of the wasm module: a thin embind layer over core double_descent/sweep.h, no logic of
// its own. JSON strings cross the boundary (one call per model size, so the cost is negligible).
//   const s = new m.DDSession(); s.init(json)  -> "" or an error naming the field (partial config
//                                                 over the preset of json.experiment)
//   s.header() -> the result without points (config, model_sizes, theory, curves)
//   s.step() -> false once done;  s.pointsSince(i) -> JSON array;  s.workFraction(); s.done()
//   s.resultJson() -> the whole grok-dd/1 file
// The network experiments (nn-mnist1d: network_dd/plan.h) are sweeps of training runs the page runs
// on its worker pool (web/js/common/sweep-worker.mjs), planned and drawn by the core:
//   m.ddNetworkPlan(configJson)          -> {config, plan: <grok-sweep-plan/1>, configs: [...]} or {error}
//                                           (at most grok_wasm::kMaxPageRuns runs, replies.h)
//   m.ddNetworkCurve(planJson, rowsJson) -> the curve of the finished rows (network_dd_curve) or {error}
//   m.ddNetworkReplay(summaryText)       -> {plan, rows, curve} of a grok-sweep/1 file or {error}
#include <emscripten/bind.h>

#include <memory>
#include <string>

#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/sweep.h"
#include "grok/network_dd/plan.h"
#include "replies.h"

namespace {
using nlohmann::json;

class DDSession {
 public:
  std::string init(const std::string& config_json) {
    const json j = json::parse(config_json, nullptr, false);
    if (j.is_discarded()) return "config: not valid JSON";
    grok::DDConfig c;
    std::string err = grok::dd_resolve_config(j, c);
    if (!err.empty()) return err;
    std::unique_ptr<grok::DDSweep> s;
    err = grok::DDSweep::create(c, s);
    if (!err.empty()) return err;
    sweep_ = std::move(s);
    return "";
  }
  bool step() { return sweep_ && sweep_->step(); }
  bool done() const { return !sweep_ || sweep_->done(); }
  double work_fraction() const { return sweep_ ? sweep_->work_fraction() : 0.0; }
  std::string header() const {
    if (!sweep_) return "{}";
    json j = grok::dd_result_to_json(sweep_->result());
    j["points"] = json::array();
    return j.dump();
  }
  std::string points_since(int index) const {
    json out = json::array();
    if (!sweep_) return out.dump();
    const auto& points = sweep_->result().points;
    for (size_t i = size_t(index < 0 ? 0 : index); i < points.size(); ++i) out.push_back(grok::dd_point_to_json(points[i]));
    return out.dump();
  }
  std::string result_json() const { return sweep_ ? grok::dd_result_to_json(sweep_->result()).dump() : "{}"; }

 private:
  std::unique_ptr<grok::DDSweep> sweep_;
};

using grok_wasm::error_json;

std::string network_plan(const std::string& config_json) {
  const json j = json::parse(config_json, nullptr, false);
  if (j.is_discarded()) return error_json("config: not valid JSON");
  grok::DDConfig c;
  std::string err = grok::dd_resolve_config(j, c);
  if (!err.empty()) return error_json(err);
  // Bounded before planning, as the grokking page's grid is: sizes x seeds.
  err = grok_wasm::check_page_runs(long(grok::dd_model_sizes(c).size()) * c.trials, "sweep", "sizes x trials");
  if (!err.empty()) return error_json(err);
  grok::SweepPlan plan;
  err = grok::network_dd_plan(c, plan);
  if (!err.empty()) return error_json(err);
  return grok_wasm::plan_reply(plan, {{"config", grok::dd_config_to_json(c)}});
}

std::string network_curve(const std::string& plan_json, const std::string& rows_json) {
  const json pj = json::parse(plan_json, nullptr, false);
  const json rows = json::parse(rows_json, nullptr, false);
  grok::SweepPlan plan;
  std::string err = grok::plan_from_json(pj, plan);
  if (!err.empty()) return error_json(err);
  json curve;
  err = grok::network_dd_curve(plan, rows, curve);
  return err.empty() ? curve.dump() : error_json(err);
}

std::string network_replay(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return error_json("not valid JSON");
  grok::SweepPlan plan;
  json rows, unreadable;
  std::string err = grok::summary_from_json(j, plan, rows, unreadable);
  if (!err.empty()) return error_json(err);
  json curve;
  err = grok::network_dd_curve(plan, rows, curve);
  if (!err.empty()) return error_json(err);
  return json{{"plan", grok::plan_to_json(plan)}, {"rows", rows}, {"curve", curve}}.dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(dd) {
  emscripten::function("ddNetworkPlan", &network_plan);
  emscripten::function("ddNetworkCurve", &network_curve);
  emscripten::function("ddNetworkReplay", &network_replay);
  emscripten::class_<DDSession>("DDSession")
      .constructor<>()
      .function("init", &DDSession::init)
      .function("step", &DDSession::step)
      .function("done", &DDSession::done)
      .function("workFraction", &DDSession::work_fraction)
      .function("header", &DDSession::header)
      .function("pointsSince", &DDSession::points_since)
      .function("resultJson", &DDSession::result_json);
}
