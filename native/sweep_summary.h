// summary.json of a sweep ("grok-sweep/1"): the grid definition and one row per finished run,
// built only from what is on disk (plan.json + run files), so `grok sweep` and `grok sweep-merge`
// give the same file however the runs were executed.
//   {"schema": "grok-sweep/1", "preset", "base_config", "grid": [{"field", "spec", "values"}],
//    "seeds": [...], "runs_total", "runs_complete", "incomplete": [file, ...],
//    "unreadable": [{"file", "error"}] (run files listed as incomplete because they cannot be read),
//    "rows": [{"index", "file", "values": {field: value}, "seed", "memorize_step", "grok_step",
//              "steps", "final_train_acc", "final_test_acc", "diverged", "wall_seconds", "ms_per_step"}]}
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "sweep_plan.h"

namespace grok_cli {

std::string plan_path(const std::string& dir);     // DIR/plan.json
std::string summary_path(const std::string& dir);  // DIR/summary.json
std::string run_path(const std::string& dir, const PlannedRun& run);

// Reads DIR/plan.json.
std::string read_plan(const std::string& dir, SweepPlan& out);

// The directory's plan: writes DIR/plan.json, or, when one is there, checks that it plans the same
// runs and takes it (its grid specs, so summary.json matches what sweep-merge would write). A
// directory holding another sweep is refused, not mixed. `grok sweep` and the Python module use it.
std::string adopt_plan(const std::string& dir, SweepPlan& plan);

// State of one planned run on disk. A file from another sweep (different config) is an error.
enum class RunState { Missing, Partial, Complete };
std::string run_state(const std::string& dir, const PlannedRun& run, RunState& out);

// Builds the summary from DIR's run files; a run file that cannot be read is listed in "incomplete"
// and "unreadable", never an error. Returns "" (the signature leaves room for I/O errors).
std::string build_summary(const std::string& dir, const SweepPlan& plan, nlohmann::json& out);

}  // namespace grok_cli
