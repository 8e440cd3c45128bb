// How a planned sweep run is performed from a shell: the `grok train` arguments of one run of a
// grok::SweepPlan (core grokking/sweep.h), for `grok sweep --list` (| parallel, Slurm arrays) and
// the sweep's own child runs.
#pragma once
#include <string>
#include <vector>

#include "grok/grokking/sweep.h"

namespace grok_cli {

// The `grok train` arguments (without the program) that perform `run` into `run_path`:
// --preset (if any), every field that differs from the preset (grid fields and seed always),
// --out and --continue (so re-running the same command never redoes or clobbers finished work).
std::vector<std::string> train_args(const grok::SweepPlan& plan, const grok::PlannedRun& run, const std::string& run_path);

// The `grok sweep` arguments (without the program, -j and --out) that plan `plan` again: --preset,
// the base config's fields that differ from the preset (grid fields aside), each --grid axis, and
// --seed S --seeds N (a plan's seeds must be S .. S+N-1; "" in `error` otherwise).
std::vector<std::string> sweep_args(const grok::SweepPlan& plan, std::string& error);

std::string shell_quote(const std::string& word);

}  // namespace grok_cli
