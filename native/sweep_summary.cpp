#include "sweep_summary.h"

#include "grok/grokking/phases.h"
#include "grok/grokking/run_file.h"
#include "run_io.h"

namespace grok_cli {

std::string plan_path(const std::string& dir) { return dir + "/plan.json"; }
std::string summary_path(const std::string& dir) { return dir + "/summary.json"; }
std::string run_path(const std::string& dir, const PlannedRun& run) { return dir + "/" + run.file; }

std::string read_plan(const std::string& dir, SweepPlan& out) {
  const std::string path = plan_path(dir);
  if (!file_exists(path)) return path + ": missing (grok sweep and grok sweep --list write it)";
  std::string text;
  std::string err = read_file(path, text);
  if (!err.empty()) return err;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return path + ": not valid JSON";
  err = plan_from_json(j, out);
  if (!err.empty()) return path + ": " + err;
  return "";
}

namespace {
std::string read_planned_run(const std::string& dir, const PlannedRun& run, bool& exists, grok::RunData& data) {
  const std::string path = run_path(dir, run);
  exists = file_exists(path);
  if (!exists) return "";
  std::string err = read_run_file(path, data);
  if (!err.empty()) return err;
  // A resume may have changed steps or stop-at-grok, and threads change nothing.
  const std::string diff = config_difference(data.config, run.config, resumable);
  if (!diff.empty()) return path + ": made with a different config than this sweep plans (" + diff + ")";
  return "";
}
}  // namespace

std::string adopt_plan(const std::string& dir, SweepPlan& plan) {
  const nlohmann::json plan_json = plan_to_json(plan);
  if (!file_exists(plan_path(dir))) return write_file_atomic(plan_path(dir), plan_json.dump(2) + "\n");
  SweepPlan existing;
  std::string err = read_plan(dir, existing);
  if (!err.empty()) return err;
  // Same runs is what matters: 'wd=1:2:2' and 'wd=1,2' spell the same axis.
  const auto without_specs = [](nlohmann::json j) {
    for (auto& g : j["grid"]) g.erase("spec");
    return j;
  };
  if (without_specs(plan_to_json(existing)) != without_specs(plan_json))
    return dir + " already holds a different sweep (its plan.json differs); use another --out";
  plan = std::move(existing);
  return "";
}

std::string run_state(const std::string& dir, const PlannedRun& run, RunState& out) {
  bool exists = false;
  grok::RunData data;
  const std::string err = read_planned_run(dir, run, exists, data);
  if (!err.empty()) return err;
  const bool same_length = config_difference(data.config, run.config, neutral).empty();
  out = !exists ? RunState::Missing : data.complete && same_length ? RunState::Complete : RunState::Partial;
  return "";
}

std::string build_summary(const std::string& dir, const SweepPlan& plan, nlohmann::json& out) {
  using nlohmann::json;
  const json p = plan_to_json(plan);
  json rows = json::array(), incomplete = json::array(), problems = json::array();
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
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
    if (!exists || !data.complete || !config_difference(data.config, run.config, neutral).empty()) {
      incomplete.push_back(run.file);
      continue;
    }
    const grok::Summary& s = data.summary;
    const auto step_or_null = [](long v) { return v < 0 ? json(nullptr) : json(v); };
    const grok::Markers mk = grok::infer_markers(data.metrics);
    json row = {{"index", run.index}, {"file", run.file}, {"values", p["runs"][i]["values"]},
                {"seed", run.seed}, {"memorize_step", step_or_null(s.memorize_step)},
                {"grok_step", step_or_null(s.grok_step)}, {"generalize_step", step_or_null(mk.generalize_step)},
                {"steps", s.steps}, {"params", s.params},
                {"final_train_acc", s.final_train_acc}, {"final_test_acc", s.final_test_acc},
                {"best_test_acc", mk.best_test_acc},
                {"diverged", s.diverged}, {"wall_seconds", s.wall_seconds}, {"ms_per_step", s.ms_per_step}};
    if (!data.metrics.empty()) {  // the losses double descent is also read from, and label noise's split
      const grok::MetricPoint& last = data.metrics.back();
      row["final_train_loss"] = last.train_loss;
      row["final_test_loss"] = last.test_loss;
      if (last.train_acc_clean >= 0) row["final_train_acc_clean"] = last.train_acc_clean;
      if (last.train_acc_noisy >= 0) row["final_train_acc_noisy"] = last.train_acc_noisy;
    }
    rows.push_back(row);
  }
  out = {{"schema", kSweepSchema}, {"preset", p["preset"]}, {"base_config", p["base_config"]},
         {"grid", p["grid"]}, {"seeds", p["seeds"]}, {"runs_total", plan.runs.size()},
         {"runs_complete", rows.size()}, {"incomplete", incomplete}, {"unreadable", problems}, {"rows", rows}};
  return "";
}

}  // namespace grok_cli
