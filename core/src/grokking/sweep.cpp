#include "grok/grokking/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "grok/grokking/phases.h"
#include "grok/grokking/presets.h"

namespace grok {
namespace {

using K = FieldSpec::Kind;

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(trim(s.substr(start, pos - start)));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::string field_list() {
  std::string s;
  for (const auto& f : field_specs())
    if (std::string(f.name) != "seed") s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

// 12 significant digits: 0.2 + 0.05 * 1 prints as "0.25", not "0.25000000000000006".
std::string round_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace

std::string parse_grid(const std::string& text, GridAxis& out) {
  const std::string where = "--grid '" + text + "'";
  const size_t eq = text.find('=');
  if (eq == std::string::npos) return where + ": expected field=a:b:n or field=v1,v2,...";
  const std::string name = trim(text.substr(0, eq));
  const std::string spec = trim(text.substr(eq + 1));
  const FieldSpec* f = find_field(name);
  if (name == "seed") return where + ": seeds are not a grid axis; use --seeds N";
  if (!f) return where + ": unknown field '" + name + "' (one of " + field_list() + ")";
  GridAxis axis;
  axis.field = f->name;
  axis.spec = spec;
  std::vector<std::string> raw;
  if (spec.find(':') != std::string::npos) {
    const auto parts = split(spec, ':');
    double a, b, n;
    const bool log = parts.size() == 4 && parts[3] == "log";
    if ((parts.size() != 3 && !log) || !parse_number(parts[0], a) || !parse_number(parts[1], b) ||
        !parse_number(parts[2], n) || n < 1 || n != std::floor(n) || n > 10000)
      return where + ": a range is a:b:n or a:b:n:log with numbers a, b and a count n >= 1";
    if (f->kind != K::Int && f->kind != K::Real)
      return where + ": " + axis.field + " is not numeric; list its values (" + range_text(*f) + ")";
    if (n == 1 && a != b) return where + ": n = 1 needs a = b";
    if (log && (a <= 0 || b <= 0)) return where + ": a log range needs a > 0 and b > 0";
    for (int i = 0; i < static_cast<int>(n); ++i) {
      const double t = n == 1 ? 0 : static_cast<double>(i) / (n - 1);
      const double v = log ? std::exp(std::log(a) + t * (std::log(b) - std::log(a))) : a + t * (b - a);
      std::string s = round_text(v);
      if (f->kind == K::Int && std::strtod(s.c_str(), nullptr) != std::floor(std::strtod(s.c_str(), nullptr)))
        return where + ": " + axis.field + " is an integer but the range gives " + s +
               " (choose n so the values are whole, or list them)";
      raw.push_back(s);
    }
  } else {
    raw = split(spec, ',');
  }
  Config probe;
  for (const auto& v : raw) {
    if (v.empty()) return where + ": empty value";
    if (!set_field_from_string(probe, *f, v).empty())
      return where + ": " + axis.field + " value '" + v + "' is not " + range_text(*f);
    const std::string canonical = get_field_string(probe, *f);
    for (const auto& seen : axis.values)
      if (seen == canonical) return where + ": value " + canonical + " appears twice";
    axis.values.push_back(canonical);
  }
  out = std::move(axis);
  return "";
}

std::string make_plan(const std::string& preset, const Config& base, const std::vector<GridAxis>& axes,
                      const std::vector<uint64_t>& seeds, SweepPlan& out) {
  if (!preset.empty() && !find_preset(preset)) return "unknown preset '" + preset + "'";
  SweepPlan plan;
  plan.preset = preset;
  plan.base = base;
  plan.axes = axes;
  plan.seeds = seeds;
  for (size_t i = 0; i < axes.size(); ++i)
    for (size_t k = 0; k < i; ++k)
      if (axes[i].field == axes[k].field) return "--grid: " + axes[i].field + " appears in two --grid options";
  if (seeds.empty()) return "--seeds: need at least one seed";
  long total = static_cast<long>(seeds.size());
  for (const auto& a : axes) {  // checked per axis, so the product cannot overflow
    total *= static_cast<long>(a.values.size());
    if (total > kMaxSweepRuns)
      return "the grid has more than " + std::to_string(kMaxSweepRuns) + " runs (grid points x seeds), the most allowed";
  }
  std::vector<size_t> at(axes.size(), 0);  // odometer over the axes, last axis fastest
  for (long index = 0; index < total; ++index) {
    PlannedRun run;
    run.index = index;
    run.seed = seeds[index % seeds.size()];
    long rest = index / static_cast<long>(seeds.size());
    for (size_t k = axes.size(); k-- > 0;) {
      at[k] = static_cast<size_t>(rest % static_cast<long>(axes[k].values.size()));
      rest /= static_cast<long>(axes[k].values.size());
    }
    run.config = base;
    std::string name;
    for (size_t k = 0; k < axes.size(); ++k) {
      const std::string& v = axes[k].values[at[k]];
      run.values.push_back(v);
      set_field_from_string(run.config, *find_field(axes[k].field), v);
      name += axes[k].field + "=" + v + "_";
    }
    run.config.seed = run.seed;
    // Runs of a sweep share the cores (-j, Python's jobs): one thread each unless threads was set.
    if (run.config.threads == 0) run.config.threads = 1;
    run.file = name + "seed=" + std::to_string(run.seed) + ".json";
    const std::string err = validate(run.config);
    if (!err.empty()) return "run " + run.file + ": " + err;
    plan.runs.push_back(std::move(run));
  }
  out = std::move(plan);
  return "";
}

namespace {
// What a plan and a summary both state about the sweep: preset, base config, grid and seeds.
nlohmann::json plan_fields_json(const SweepPlan& plan) {
  using nlohmann::json;
  json grid = json::array();
  for (const auto& a : plan.axes) {
    Config c = plan.base;
    json values = json::array();
    for (const auto& v : a.values) {
      set_field_from_string(c, *find_field(a.field), v);
      values.push_back(config_to_json(c)[a.field]);
    }
    grid.push_back({{"field", a.field}, {"spec", a.spec}, {"values", values}});
  }
  return {{"preset", plan.preset}, {"base_config", config_to_json(plan.base)}, {"grid", grid}, {"seeds", plan.seeds}};
}
}  // namespace

nlohmann::json run_values(const SweepPlan& plan, const PlannedRun& run) {
  nlohmann::json values = nlohmann::json::object();
  const nlohmann::json cj = config_to_json(run.config);
  for (const auto& a : plan.axes) values[a.field] = cj[a.field];
  return values;
}

bool same_runs(const SweepPlan& a, const SweepPlan& b) {
  nlohmann::json ja = plan_to_json(a), jb = plan_to_json(b);
  for (auto* j : {&ja, &jb})
    for (auto& g : (*j)["grid"]) g.erase("spec");
  return ja == jb;
}

nlohmann::json plan_to_json(const SweepPlan& plan) {
  using nlohmann::json;
  json runs = json::array();
  for (const auto& r : plan.runs)
    runs.push_back({{"index", r.index}, {"file", r.file}, {"seed", r.seed}, {"values", run_values(plan, r)}});
  json out = plan_fields_json(plan);
  out["schema"] = kPlanSchema;
  out["runs"] = std::move(runs);
  return out;
}

std::string plan_from_json(const nlohmann::json& j, SweepPlan& out) {
  if (!j.is_object() || j.value("schema", "") != kPlanSchema)
    return std::string("not a sweep plan (schema must be \"") + kPlanSchema + "\")";
  Config base;
  if (!j.contains("base_config")) return "plan: no base_config";
  std::string err = config_from_json(j["base_config"], base);
  if (!err.empty()) return "plan: base_config: " + err;
  if (!j.contains("preset") || !j["preset"].is_string()) return "plan: no preset";
  if (!j.contains("grid") || !j["grid"].is_array()) return "plan: grid must be an array";
  std::vector<GridAxis> axes;
  for (const auto& g : j["grid"]) {
    if (!g.is_object() || !g.contains("field") || !g["field"].is_string() || !g.contains("values") ||
        !g["values"].is_array())
      return "plan: a grid entry needs field and values";
    // Rebuild the axis from its stored values (not the spec), so the plan is exactly what ran.
    std::string list;
    for (const auto& v : g["values"]) list += (list.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
    GridAxis axis;
    err = parse_grid(g["field"].get<std::string>() + "=" + list, axis);
    if (!err.empty()) return "plan: " + err;
    axis.spec = g.value("spec", list);
    axes.push_back(std::move(axis));
  }
  std::vector<uint64_t> seeds;
  if (!j.contains("seeds") || !j["seeds"].is_array()) return "plan: seeds must be an array";
  for (const auto& s : j["seeds"]) {
    if (!s.is_number_unsigned()) return "plan: seeds must be non-negative integers";
    seeds.push_back(s.get<uint64_t>());
  }
  SweepPlan plan;
  err = make_plan(j["preset"].get<std::string>(), base, axes, seeds, plan);
  if (!err.empty()) return "plan: " + err;
  out = std::move(plan);
  return "";
}

std::string planned_run_mismatch(const RunData& data, const PlannedRun& run) {
  const std::string diff = config_difference(data.config, run.config, resumable);
  return diff.empty() ? "" : "made with a different config than this sweep plans (" + diff + ")";
}

bool planned_run_complete(const RunData& data, const PlannedRun& run) {
  return data.complete && config_difference(data.config, run.config, neutral).empty();
}

std::vector<size_t> row_history_indices(size_t count) {
  std::vector<size_t> keep;
  if (count <= kRowHistoryPoints) {
    for (size_t k = 0; k < count; ++k) keep.push_back(k);
    return keep;
  }
  // Positions 1 .. count - 1 on a log scale (evaluations are evenly spaced in step, and the epoch
  // views are log-scaled): early evaluations, where test error moves fastest, keep their resolution.
  // Where log positions round to one index the next one is taken instead, so exactly
  // kRowHistoryPoints are kept; the last position is count - 1 (pow(last, 1)), which the ones
  // before it cannot reach (index k is at most max(k + 1, its log position) < count - 1).
  keep.push_back(0);
  const double last = static_cast<double>(count - 1);
  for (size_t k = 0; k + 1 < kRowHistoryPoints; ++k) {
    const double t = static_cast<double>(k) / static_cast<double>(kRowHistoryPoints - 2);
    const size_t at = static_cast<size_t>(std::llround(std::pow(last, t)));
    keep.push_back(std::max(at, keep.back() + 1));
  }
  return keep;
}

nlohmann::json sweep_row(const SweepPlan& plan, size_t i, const RunData& data) {
  using nlohmann::json;
  const PlannedRun& run = plan.runs.at(i);
  const Summary& s = data.summary;
  const auto step_or_null = [](long v) { return v < 0 ? json(nullptr) : json(v); };
  const Markers mk = infer_markers(data.metrics);
  json row = {{"index", run.index}, {"file", run.file}, {"values", run_values(plan, run)},
              {"seed", run.seed}, {"memorize_step", step_or_null(s.memorize_step)},
              {"grok_step", step_or_null(s.grok_step)}, {"generalize_step", step_or_null(mk.generalize_step)},
              {"steps", s.steps}, {"params", s.params},
              {"final_train_acc", s.final_train_acc}, {"final_test_acc", s.final_test_acc},
              {"best_test_acc", mk.best_test_acc},
              {"diverged", s.diverged}, {"wall_seconds", s.wall_seconds}, {"ms_per_step", s.ms_per_step}};
  if (!data.metrics.empty()) {  // the losses double descent is also read from, and label noise's split
    const MetricPoint& last = data.metrics.back();
    row["final_train_loss"] = last.train_loss;
    row["final_test_loss"] = last.test_loss;
    if (last.train_acc_clean >= 0) row["final_train_acc_clean"] = last.train_acc_clean;
    if (last.train_acc_noisy >= 0) row["final_train_acc_noisy"] = last.train_acc_noisy;
  }
  json steps = json::array(), train = json::array(), test = json::array();
  for (size_t k : row_history_indices(data.metrics.size())) {
    const MetricPoint& m = data.metrics[k];
    steps.push_back(m.step);
    train.push_back(m.train_acc);
    test.push_back(m.test_acc);
  }
  row["history"] = {{"step", std::move(steps)}, {"train_acc", std::move(train)}, {"test_acc", std::move(test)}};
  return row;
}

nlohmann::json sweep_summary(const SweepPlan& plan, nlohmann::json rows, const nlohmann::json& incomplete,
                             const nlohmann::json& unreadable) {
  using nlohmann::json;
  // Rows arrive in the order runs finished (the page's pool); the file lists them in plan order.
  std::sort(rows.begin(), rows.end(), [](const json& x, const json& y) { return x["index"] < y["index"]; });
  json out = plan_fields_json(plan);
  out["schema"] = kSweepSchema;
  out["runs_total"] = plan.runs.size();
  out["runs_complete"] = rows.size();
  out["incomplete"] = incomplete;
  out["unreadable"] = unreadable;
  out["rows"] = std::move(rows);
  return out;
}

namespace {
// A row's history: three arrays of one length (at most kRowHistoryPoints), steps ascending from 0,
// accuracies in [0, 1].
std::string check_row_history(const nlohmann::json& h) {
  if (!h.is_object()) return "must be an object of step, train_acc and test_acc";
  for (const char* key : {"step", "train_acc", "test_acc"})
    if (!h.contains(key) || !h[key].is_array()) return std::string(key) + " must be an array";
  const size_t n = h["step"].size();
  if (n > kRowHistoryPoints)
    return "holds " + std::to_string(n) + " evaluations; at most " + std::to_string(kRowHistoryPoints);
  if (h["train_acc"].size() != n || h["test_acc"].size() != n) return "step, train_acc and test_acc must have one length";
  long previous = -1;
  for (size_t k = 0; k < n; ++k) {
    const auto& s = h["step"][k];
    if (!s.is_number_integer() || s.get<long>() <= previous)
      return "step[" + std::to_string(k) + "] must be an integer above the one before (and at least 0)";
    previous = s.get<long>();
    for (const char* key : {"train_acc", "test_acc"}) {
      const auto& a = h[key][k];
      if (!a.is_number() || !(a.get<double>() >= 0 && a.get<double>() <= 1))
        return std::string(key) + "[" + std::to_string(k) + "] must be a number in [0, 1]";
    }
  }
  return "";
}
}  // namespace

std::string summary_from_json(const nlohmann::json& j, SweepPlan& plan, nlohmann::json& rows,
                              nlohmann::json& unreadable) {
  using nlohmann::json;
  if (!j.is_object() || j.value("schema", "") != kSweepSchema)
    return std::string("not a sweep summary (schema must be \"") + kSweepSchema + "\")";
  json as_plan = j;  // a summary carries the plan's fields; its runs are rebuilt from them
  as_plan["schema"] = kPlanSchema;
  SweepPlan p;
  std::string err = plan_from_json(as_plan, p);
  if (!err.empty()) return err.rfind("plan: ", 0) == 0 ? "summary: " + err.substr(6) : err;
  if (!j.contains("rows") || !j["rows"].is_array()) return "summary: rows must be an array";
  std::vector<bool> seen(p.runs.size(), false);
  json out = json::array();
  for (size_t k = 0; k < j["rows"].size(); ++k) {
    const json& r = j["rows"][k];
    const std::string where = "summary: rows[" + std::to_string(k) + "]";
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_integer()) return where + ": no run index";
    const long i = r["index"].get<long>();
    if (i < 0 || i >= static_cast<long>(p.runs.size()))
      return where + ": index " + std::to_string(i) + " is not a run of the grid (0 to " +
             std::to_string(p.runs.size() - 1) + ")";
    if (r.value("file", "") != p.runs[i].file)
      return where + ": run " + std::to_string(i) + " of this grid is " + p.runs[i].file;
    if (!r.contains("values") || r["values"] != run_values(p, p.runs[i]))
      return where + ": its values are not those of run " + p.runs[i].file;
    if (seen[i]) return where + ": run " + p.runs[i].file + " appears twice";
    for (const char* key : {"grok_step", "memorize_step"})
      if (!r.contains(key) || !(r[key].is_null() || r[key].is_number_integer()))
        return where + ": " + key + " must be a step or null";
    if (r.contains("history")) {  // optional: summaries written before it existed have none
      err = check_row_history(r["history"]);
      if (!err.empty()) return where + ": history: " + err;
    }
    seen[i] = true;
    out.push_back(r);
  }
  json bad = json::array();
  if (j.contains("unreadable") && j["unreadable"].is_array())
    for (const json& u : j["unreadable"])
      if (u.is_object() && u.contains("file") && u["file"].is_string()) bad.push_back(u);
  plan = std::move(p);
  rows = std::move(out);
  unreadable = std::move(bad);
  return "";
}

std::string merge_summaries(const std::vector<nlohmann::json>& summaries, nlohmann::json& out, long& duplicates) {
  using nlohmann::json;
  if (summaries.empty()) return "no summaries to merge";
  SweepPlan plan;
  std::vector<json> by_index;
  std::vector<json> problems;
  duplicates = 0;
  for (size_t f = 0; f < summaries.size(); ++f) {
    SweepPlan p;
    json rows, unreadable;
    const std::string err = summary_from_json(summaries[f], p, rows, unreadable);
    if (!err.empty()) return "summary " + std::to_string(f + 1) + ": " + err;
    if (f == 0) {
      plan = std::move(p);
      by_index.assign(plan.runs.size(), json());
    } else if (!same_runs(p, plan)) {
      return "summary " + std::to_string(f + 1) + ": a different sweep from summary 1 (its preset, base config, grid or seeds differ)";
    }
    for (auto& r : rows) {
      json& slot = by_index[r["index"].get<size_t>()];
      if (slot.is_null()) slot = std::move(r);
      else ++duplicates;
    }
    for (const auto& u : unreadable) problems.push_back(u);
  }
  json rows = json::array(), incomplete = json::array(), unreadable = json::array();
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    if (!by_index[i].is_null()) { rows.push_back(by_index[i]); continue; }
    incomplete.push_back(plan.runs[i].file);
    for (const auto& u : problems)
      if (u["file"] == plan.runs[i].file) { unreadable.push_back(u); break; }
  }
  out = sweep_summary(plan, std::move(rows), incomplete, unreadable);
  return "";
}

}  // namespace grok
