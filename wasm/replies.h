// What the wasm bindings answer, in one place: JSON text; {"error": "..."} when a request cannot
// be done; and a sweep plan with the config of each run, which both pages' pools send to a worker
// (web/js/common/sweep-worker.mjs), bounded by the runs one page may hold.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "grok/grokking/sweep.h"

namespace grok_wasm {

// Runs one page may plan: a sweep this size keeps every run file in memory so a cell can open its
// run (a few hundred kB each); larger ones belong to `grok sweep` (which has no such limit).
constexpr long kMaxPageRuns = 1000;

inline std::string error_json(const std::string& message) { return nlohmann::json{{"error", message}}.dump(); }

// "" or why `runs` planned runs (`what` has them, counted as `counted`) are too many for the page.
inline std::string check_page_runs(long runs, const std::string& what, const std::string& counted) {
  if (runs <= kMaxPageRuns) return "";
  return "the " + what + " has more than " + std::to_string(kMaxPageRuns) + " runs (" + counted +
         "), the most the page runs; use grok sweep for more";
}

// {plan: <grok-sweep-plan/1>, configs: [<config of each run>], ...extra}
inline std::string plan_reply(const grok::SweepPlan& plan, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json configs = nlohmann::json::array();
  for (const auto& r : plan.runs) configs.push_back(grok::config_to_json(r.config));
  extra["plan"] = grok::plan_to_json(plan);
  extra["configs"] = std::move(configs);
  return extra.dump();
}

}  // namespace grok_wasm
