#include "sweep_summary.h"

#include "grok/grokking/run_file.h"
#include "run_io.h"

namespace grok_cli {

std::string plan_path(const std::string& dir) { return dir + "/plan.json"; }
std::string summary_path(const std::string& dir) { return dir + "/summary.json"; }
std::string run_path(const std::string& dir, const grok::PlannedRun& run) { return dir + "/" + run.file; }

std::string read_plan(const std::string& dir, grok::SweepPlan& out) {
  const std::string path = plan_path(dir);
  if (!file_exists(path)) return path + ": missing (grok sweep and grok sweep --list write it)";
  std::string text;
  std::string err = read_file(path, text);
  if (!err.empty()) return err;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return path + ": not valid JSON";
  err = grok::plan_from_json(j, out);
  if (!err.empty()) return path + ": " + err;
  return "";
}

namespace {
std::string read_planned_run(const std::string& dir, const grok::PlannedRun& run, bool& exists, grok::RunData& data) {
  const std::string path = run_path(dir, run);
  exists = file_exists(path);
  if (!exists) return "";
  std::string err = read_run_file(path, data);
  if (!err.empty()) return err;
  err = grok::planned_run_mismatch(data, run);
  return err.empty() ? "" : path + ": " + err;
}
}  // namespace

std::string adopt_plan(const std::string& dir, grok::SweepPlan& plan) {
  if (!file_exists(plan_path(dir))) return write_file_atomic(plan_path(dir), grok::plan_to_json(plan).dump(2) + "\n");
  grok::SweepPlan existing;
  std::string err = read_plan(dir, existing);
  if (!err.empty()) return err;
  if (!grok::same_runs(existing, plan))
    return dir + " already holds a different sweep (its plan.json differs); use another --out";
  plan = std::move(existing);
  return "";
}

std::string run_state(const std::string& dir, const grok::PlannedRun& run, RunState& out) {
  bool exists = false;
  grok::RunData data;
  const std::string err = read_planned_run(dir, run, exists, data);
  if (!err.empty()) return err;
  out = !exists ? RunState::Missing : grok::planned_run_complete(data, run) ? RunState::Complete : RunState::Partial;
  return "";
}

std::string build_summary(const std::string& dir, const grok::SweepPlan& plan, nlohmann::json& out) {
  using nlohmann::json;
  json rows = json::array(), incomplete = json::array(), problems = json::array();
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const grok::PlannedRun& run = plan.runs[i];
    bool exists = false;
    grok::RunData data;
    const std::string err = read_planned_run(dir, run, exists, data);
    if (!err.empty()) {
      // One bad file (truncated by a full disk, from another sweep) must not cost the whole
      // summary: it is listed as incomplete, with what is wrong with it.
      incomplete.push_back(run.file);
      problems.push_back({{"file", run.file}, {"error", err}});
      continue;
    }
    if (!exists || !grok::planned_run_complete(data, run)) {
      incomplete.push_back(run.file);
      continue;
    }
    rows.push_back(grok::sweep_row(plan, i, data));
  }
  out = grok::sweep_summary(plan, std::move(rows), incomplete, problems);
  return "";
}

}  // namespace grok_cli
