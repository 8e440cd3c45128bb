// Sweep plans (grok sweep, sweep-merge: DIR/plan.json) and --grid specs: arbitrary text into
// plan_from_json and parse_grid. Never a crash; an accepted plan rewrites to JSON that reads back to
// the same plan.
#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "grok/grokking/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = grok_fuzz::text(data, size);
  grok::GridAxis axis;
  (void)grok::parse_grid(input, axis);
  const nlohmann::json j = nlohmann::json::parse(input, nullptr, false);
  if (j.is_discarded()) return 0;
  grok::SweepPlan plan;
  if (grok::plan_from_json(j, plan) != "") return 0;
  grok::SweepPlan back;
  const nlohmann::json out = grok::plan_to_json(plan);
  grok_fuzz::require(grok::plan_from_json(out, back) == "", "an accepted plan rewrites readably");
  grok_fuzz::require(grok::plan_to_json(back) == out, "plan JSON is a fixed point");
  return 0;
}
