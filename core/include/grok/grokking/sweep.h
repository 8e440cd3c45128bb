// A sweep: grid axes, seeds, the fixed base config and the list of runs (one per grid point and
// seed, with deterministic file names), and the summary built from finished runs. Defined once here
// so `grok sweep`, `grok sweep-merge`, the Python module and the page's live phase diagram plan the
// same runs and write the same files:
//   plan    {"schema": "grok-sweep-plan/1", "preset", "base_config", "grid": [{"field", "spec", "values"}],
//            "seeds": [...], "runs": [{"index", "file", "seed", "values": {field: value}}]}
//   summary {"schema": "grok-sweep/1", "preset", "base_config", "grid", "seeds", "runs_total",
//            "runs_complete", "incomplete": [file, ...], "unreadable": [{"file", "error"}],
//            "rows": [{"index", "file", "values", "seed", "memorize_step", "grok_step", "generalize_step",
//                      "steps", "params", "final_train_acc", "final_test_acc", "best_test_acc", "diverged",
//                      "wall_seconds", "ms_per_step", "final_train_loss", "final_test_loss", ...}]}
// Files on disk (plan.json, run files) are the native front end's business (native/sweep_summary).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/grokking/config.h"
#include "grok/grokking/run_file.h"

namespace grok {

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
  Config config;
};

struct SweepPlan {
  std::string preset;               // "" = built-in defaults
  Config base;                      // the fixed part (grid fields and seed get overwritten per run)
  std::vector<GridAxis> axes;
  std::vector<uint64_t> seeds;
  std::vector<PlannedRun> runs;
};

// Expands the grid over the base config. Every run's config is validated (e.g. a train fraction
// that leaves no test set) before anything starts. Runs of a sweep share the cores: threads 0
// (all) becomes 1 per run.
std::string make_plan(const std::string& preset, const Config& base, const std::vector<GridAxis>& axes,
                      const std::vector<uint64_t>& seeds, SweepPlan& out);

nlohmann::json plan_to_json(const SweepPlan& plan);
// A run's values of the grid's fields ({field: value}), as its plan entry and its summary row state them.
nlohmann::json run_values(const SweepPlan& plan, const PlannedRun& run);
// Whether two plans plan the same runs: 'wd=1:2:2' and 'wd=1,2' spell the same axis.
bool same_runs(const SweepPlan& a, const SweepPlan& b);
std::string plan_from_json(const nlohmann::json& j, SweepPlan& out);

// Whether a run file belongs to a planned run: "" or what differs. A resume may have changed steps
// or stop-at-grok, and threads change nothing, so those are not compared.
std::string planned_run_mismatch(const RunData& data, const PlannedRun& run);
// Whether a run file that belongs to its run is finished at the plan's length.
bool planned_run_complete(const RunData& data, const PlannedRun& run);

// One row of the summary: what a finished run came to (plan.runs[i] and its run file), with its
// accuracies over training as "history": {"step", "train_acc", "test_acc"} (arrays of one length),
// at most kRowHistoryPoints of its evaluations, log-spaced in step when it has more, so a summary
// alone can draw error against epoch (the double-descent page's epoch-wise views) and stays small.
constexpr size_t kRowHistoryPoints = 128;
nlohmann::json sweep_row(const SweepPlan& plan, size_t i, const RunData& data);
// The evaluations a row's history keeps of `count` (ascending indices): all of them up to
// kRowHistoryPoints, else kRowHistoryPoints of them: the first, the last and those nearest to
// log-spaced positions between.
std::vector<size_t> row_history_indices(size_t count);

// The summary of a plan from its rows (any order; sorted by index here), the files of runs that
// are not finished, and the files that could not be read with why ({"file", "error"}).
nlohmann::json sweep_summary(const SweepPlan& plan, nlohmann::json rows, const nlohmann::json& incomplete,
                             const nlohmann::json& unreadable);

// Reads a summary (grok-sweep/1: from `grok sweep`, `grok sweep-merge` or the page's live sweep):
// its plan, rebuilt from its preset, base config, grid and seeds as a plan file is, and its rows,
// each checked against the plan (index, file and values of a planned run, no run twice). Returns ""
// or one line naming the problem.
std::string summary_from_json(const nlohmann::json& j, SweepPlan& plan, nlohmann::json& rows,
                              nlohmann::json& unreadable);

// Merges summaries of the same sweep (e.g. the page's and a cluster's halves): their rows by run
// index (a run in several takes the first file's row; `duplicates` counts them), the runs no file
// finished listed as incomplete. Every summary must plan the same runs. Errors start "summary N: "
// (N from 1, in the order given).
std::string merge_summaries(const std::vector<nlohmann::json>& summaries, nlohmann::json& out, long& duplicates);

}  // namespace grok
