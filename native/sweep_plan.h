// The plan of a sweep: grid axes parsed from --grid, seeds, the fixed base config, and the list of
// runs (one per grid point and seed) with deterministic file names. The plan is also stored as
// DIR/plan.json ("grok-sweep-plan/1"), so `grok sweep-merge DIR` knows the grid after runs were
// started any other way (--list | parallel, Slurm, Kubernetes).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/grokking/config.h"

namespace grok_cli {

// Grid points x seeds: more runs than this is surely a mistake (stated in `grok sweep --help`).
constexpr long kMaxSweepRuns = 1000000;

constexpr const char* kSweepSchema = "grok-sweep/1";
constexpr const char* kPlanSchema = "grok-sweep-plan/1";

struct GridAxis {
  std::string field;                // snake_case name from the field table
  std::string spec;                 // as given after '=' ("0.2:0.6:9", "0.1,0.3,1")
  std::vector<std::string> values;  // canonical text of each value (what the core prints)
};

// Parses "field=a:b:n" (n evenly spaced values, a and b included; "field=a:b:n:log" spaces them
// geometrically) or "field=v1,v2,...". Every value is checked against the field table. Returns
// "" or one line naming the problem.
std::string parse_grid(const std::string& text, GridAxis& out);

struct PlannedRun {
  long index = 0;                   // position in the plan: axes in order given, last fastest, seed fastest of all
  std::vector<std::string> values;  // one per axis
  uint64_t seed = 0;
  std::string file;                 // file name inside the sweep directory
  grok::Config config;
};

struct SweepPlan {
  std::string preset;               // "" = built-in defaults
  grok::Config base;                // the fixed part (grid fields and seed get overwritten per run)
  std::vector<GridAxis> axes;
  std::vector<uint64_t> seeds;
  std::vector<PlannedRun> runs;
};

// Expands the grid over the base config. Every run's config is validated (e.g. a train fraction
// that leaves no test set) before anything starts.
std::string make_plan(const std::string& preset, const grok::Config& base, const std::vector<GridAxis>& axes,
                      const std::vector<uint64_t>& seeds, SweepPlan& out);

nlohmann::json plan_to_json(const SweepPlan& plan);
std::string plan_from_json(const nlohmann::json& j, SweepPlan& out);

// The `grok train` arguments (without the program) that perform `run` into `run_path`:
// --preset (if any), every field that differs from the preset (grid fields and seed always),
// --out and --continue (so re-running the same command never redoes or clobbers finished work).
std::vector<std::string> train_args(const SweepPlan& plan, const PlannedRun& run, const std::string& run_path);

std::string shell_quote(const std::string& word);

}  // namespace grok_cli
