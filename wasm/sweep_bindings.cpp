// The page's live sweeps (web/js/grok/sweep.mjs) plan and summarize through the core's own sweep
// unit (grokking/sweep.h), so a sweep run in the page is the sweep `grok sweep` would run, and its
// download is a `grok-sweep/1` file the CLI's `sweep-merge` and the page's reader both accept.
//   m.sweepPlan(preset, baseConfigJson, '["train_fraction=0.4:0.8:5", "weight_decay=0.5,1,2"]', '[0]')
//       -> {plan: <grok-sweep-plan/1>, configs: [<config of each run>]} or {error}
//   m.sweepSummary(planJson, rowsJson, incompleteJson, failedJson) -> <grok-sweep/1> or {error}
//   (each row comes from the worker that ran it: Session.sweepRow, session_bindings.cpp)
#include <emscripten/bind.h>

#include <algorithm>
#include <string>

#include "grok/grokking/sweep.h"
#include "replies.h"

namespace {
using nlohmann::json;

using grok_wasm::error_json;
using grok_wasm::kMaxPageRuns;

std::string sweep_plan(const std::string& preset, const std::string& base_json, const std::string& specs_json,
                       const std::string& seeds_json) {
  const json base_j = json::parse(base_json, nullptr, false);
  const json specs = json::parse(specs_json, nullptr, false);
  const json seeds_j = json::parse(seeds_json, nullptr, false);
  if (base_j.is_discarded()) return error_json("config: not valid JSON");
  if (!specs.is_array() || specs.empty()) return error_json("grid: expected a list of field=values specs");
  if (!seeds_j.is_array()) return error_json("seeds: expected a list of seeds");
  grok::Config base;
  std::string err = grok::config_from_json(base_j, base);
  if (!err.empty()) return error_json(err);
  std::vector<grok::GridAxis> axes;
  for (const json& s : specs) {
    if (!s.is_string()) return error_json("grid: each entry is a text such as \"weight_decay=0.5,1,2\"");
    grok::GridAxis axis;
    err = grok::parse_grid(s.get<std::string>(), axis);
    if (!err.empty()) return error_json(err);
    axes.push_back(std::move(axis));
  }
  std::vector<uint64_t> seeds;
  for (const json& s : seeds_j) {
    if (!s.is_number_unsigned()) return error_json("seeds: each seed is a whole number >= 0");
    seeds.push_back(s.get<uint64_t>());
  }
  long total = static_cast<long>(seeds.size());
  for (const auto& a : axes) total = std::min(total * static_cast<long>(a.values.size()), kMaxPageRuns + 1);
  err = grok_wasm::check_page_runs(total, "grid", "grid points x seeds");
  if (!err.empty()) return error_json(err);
  grok::SweepPlan plan;
  err = grok::make_plan(preset, base, axes, seeds, plan);
  if (!err.empty()) return error_json(err);
  return grok_wasm::plan_reply(plan);
}

std::string sweep_summary(const std::string& plan_json, const std::string& rows_json, const std::string& incomplete_json,
                          const std::string& failed_json) {
  const json pj = json::parse(plan_json, nullptr, false);
  json rows = json::parse(rows_json, nullptr, false);
  const json incomplete = json::parse(incomplete_json, nullptr, false);
  const json failed = json::parse(failed_json, nullptr, false);
  if (!rows.is_array() || !incomplete.is_array() || !failed.is_array())
    return error_json("sweep summary: rows, incomplete and failed must be lists");
  grok::SweepPlan plan;
  const std::string err = grok::plan_from_json(pj, plan);
  if (!err.empty()) return error_json(err);
  return grok::sweep_summary(plan, std::move(rows), incomplete, failed).dump();
}

}  // namespace

EMSCRIPTEN_BINDINGS(grok_sweep) {
  emscripten::function("sweepPlan", &sweep_plan);
  emscripten::function("sweepSummary", &sweep_summary);
}
