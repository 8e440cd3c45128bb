// A sweep directory: DIR/plan.json ("grok-sweep-plan/1"), one run file per planned run, and
// DIR/summary.json ("grok-sweep/1"), built only from what is on disk, so `grok sweep` and
// `grok sweep-merge` give the same file however the runs were executed (--list | parallel, Slurm,
// Kubernetes). The formats and the rows are the core's (grokking/sweep.h); this is the file side.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "grok/grokking/sweep.h"

namespace grok_cli {

std::string plan_path(const std::string& dir);     // DIR/plan.json
std::string summary_path(const std::string& dir);  // DIR/summary.json
std::string run_path(const std::string& dir, const grok::PlannedRun& run);

// Reads DIR/plan.json.
std::string read_plan(const std::string& dir, grok::SweepPlan& out);

// The directory's plan: writes DIR/plan.json, or, when one is there, checks that it plans the same
// runs and takes it (its grid specs, so summary.json matches what sweep-merge would write). A
// directory holding another sweep is refused, not mixed. `grok sweep` and the Python module use it.
std::string adopt_plan(const std::string& dir, grok::SweepPlan& plan);

// State of one planned run on disk. A file from another sweep (different config) is an error.
enum class RunState { Missing, Partial, Complete };
std::string run_state(const std::string& dir, const grok::PlannedRun& run, RunState& out);

// Builds the summary from DIR's run files; a run file that cannot be read is listed in "incomplete"
// and "unreadable", never an error. Returns "" (the signature leaves room for I/O errors).
std::string build_summary(const std::string& dir, const grok::SweepPlan& plan, nlohmann::json& out);

}  // namespace grok_cli
