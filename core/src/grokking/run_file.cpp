#include "grok/grokking/run_file.h"

#include "grok/common/json_values.h"
#include "grok/grokking/phases.h"

namespace grok {
using nlohmann::json;

namespace {
// 64-bit fingerprints as hex strings: JSON numbers lose bits past 2^53 in JavaScript.
std::string hex64(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[i] = digits[v & 15];
  return s;
}
uint64_t parse_hex64(const std::string& s) {
  uint64_t v = 0;
  for (char ch : s) v = (v << 4) | static_cast<uint64_t>(ch <= '9' ? ch - '0' : ch - 'a' + 10);
  return v;
}
}  // namespace

json summary_to_json(const Summary& s, const std::vector<MetricPoint>& metrics, const std::vector<int>& circuit_freqs,
                     bool complete) {
  const auto opt_step = [](long v) { return v < 0 ? json(nullptr) : json(v); };
  const Phases ph = infer_phases(metrics, s);
  const Markers mk = infer_markers(metrics);
  return {{"memorize_step", opt_step(s.memorize_step)}, {"grok_step", opt_step(s.grok_step)},
          {"generalize_step", opt_step(mk.generalize_step)}, {"best_test_step", opt_step(mk.best_test_step)},
          {"best_test_acc", mk.best_test_acc}, {"params", s.params},
          {"steps", s.steps}, {"final_train_acc", s.final_train_acc},
          {"final_test_acc", s.final_test_acc}, {"wall_seconds", s.wall_seconds},
          {"measures_seconds", s.measures_seconds},
          {"ms_per_step", s.ms_per_step}, {"diverged", s.diverged},
          {"complete", complete}, {"split_hash", hex64(s.split_hash)},
          {"init_param_hash", hex64(s.init_param_hash)}, {"circuit_freqs", circuit_freqs},
          {"phases", {{"memorization_end", opt_step(ph.memorization_end)},
                      {"circuit_end", opt_step(ph.circuit_end)},
                      {"cleanup_end", opt_step(ph.cleanup_end)}}}};
}

json run_to_json(const RunData& run) {
  json metrics = json::array();
  for (const auto& m : run.metrics) metrics.push_back(metric_to_json(m));
  json j = {{"schema", kRunSchema},
            {"config", config_to_json(run.config)},
            {"metrics", metrics},
            {"snapshots", snapshots_to_json(run.snapshots)},
            {"summary", summary_to_json(run.summary, run.metrics, run.circuit_freqs, run.complete)}};
  if (run.label_noise.redrawn > 0)
    j["label_noise"] = {{"redrawn", run.label_noise.redrawn}, {"changed_examples", run.label_noise.changed_examples}};
  return j;
}

RunData run_from_trainer(const Trainer& t, bool complete) {
  RunData run{t.config(), t.metrics(), t.snapshots(), t.summary(), t.circuit_freqs(), {}, complete};
  if (t.dense()) {
    const FeatureData& d = t.features();
    run.label_noise.redrawn = static_cast<long>(d.redrawn.size());
    for (int i : d.redrawn)
      if (d.train.y[i] != d.clean_train_y[i]) run.label_noise.changed_examples.push_back(i);
  }
  return run;
}

namespace {
// Reads a number field with a clear message; json's own get<> would throw on a wrong type. A loss
// that overflowed is written as null (JSON has no NaN or infinity) and reads back as NaN.
bool read_number(const json& obj, const char* key, double& out, std::string& err, const std::string& where,
                 bool null_is_nan = false) {
  auto it = obj.find(key);
  if (it != obj.end() && null_is_nan && it->is_null()) {
    out = std::nan("");
    return true;
  }
  if (it == obj.end() || !json_finite(*it, out)) {
    err = where + ": '" + key + "' missing or not a finite number";
    return false;
  }
  return true;
}

// A step of this run: an integer in [0, max_step].
bool read_step(const json& v, long max_step, long& out) { return json_integer_as(v, 0, max_step, out); }
}  // namespace

std::string run_from_json(const json& j, RunData& out) {
  if (!j.is_object()) return "run file: not a JSON object";
  if (!j.contains("schema") || j["schema"] != kRunSchema)
    return std::string("run file: schema must be \"") + kRunSchema + "\"";
  if (!j.contains("config")) return "run file: no config";
  RunData run;
  std::string err = config_from_json(j["config"], run.config);
  if (!err.empty()) return "run file: " + err;
  // Every step a run file names lies in [0, the config's steps] and the metrics' steps increase:
  // the page, resume and the summaries index by them.
  const long max_step = run_steps(run.config);
  const std::string step_range = "an integer in [0, " + std::to_string(max_step) + "] (the config's steps)";
  if (!j.contains("metrics") || !j["metrics"].is_array()) return "run file: metrics must be an array";
  for (size_t i = 0; i < j["metrics"].size(); ++i) {
    const json& m = j["metrics"][i];
    const std::string where = "run file: metrics[" + std::to_string(i) + "]";
    if (!m.is_object()) return where + ": not an object";
    MetricPoint p;
    if (!m.contains("step") || !read_step(m["step"], max_step, p.step)) return where + ": step must be " + step_range;
    if (!run.metrics.empty() && p.step <= run.metrics.back().step)
      return where + ": step " + std::to_string(p.step) + " does not follow step " + std::to_string(run.metrics.back().step);
    if (!read_number(m, "train_loss", p.train_loss, err, where, true) ||
        !read_number(m, "train_acc", p.train_acc, err, where) || !read_number(m, "test_loss", p.test_loss, err, where, true) ||
        !read_number(m, "test_acc", p.test_acc, err, where) || !read_number(m, "weight_norm", p.weight_norm, err, where, true))
      return err;
    for (auto [key, field] : {std::pair{"train_acc_clean", &p.train_acc_clean}, std::pair{"train_acc_noisy", &p.train_acc_noisy}}) {
      if (!m.contains(key)) continue;
      if (!json_finite(m[key], *field)) return where + ": '" + key + "' is not a finite number";
    }
    run.metrics.push_back(p);
  }
  if (j.contains("snapshots")) {
    err = snapshots_from_json(j["snapshots"], run.snapshots, max_step);
    if (!err.empty()) return "run file: " + err;
  }
  if (!j.contains("summary") || !j["summary"].is_object()) return "run file: no summary";
  const json& s = j["summary"];
  if (!s.contains("steps") || !read_step(s["steps"], max_step, run.summary.steps))
    return "run file: summary.steps must be " + step_range;
  if (!run.metrics.empty() && run.metrics.back().step > run.summary.steps)
    return "run file: metrics go to step " + std::to_string(run.metrics.back().step) + ", past summary.steps " +
           std::to_string(run.summary.steps);
  for (auto [key, field] : {std::pair{"memorize_step", &run.summary.memorize_step}, std::pair{"grok_step", &run.summary.grok_step}}) {
    *field = -1;
    if (!s.contains(key) || s[key].is_null()) continue;
    if (!read_step(s[key], run.summary.steps, *field))
      return std::string("run file: summary.") + key + " must be null or an integer in [0, " +
             std::to_string(run.summary.steps) + "] (summary.steps)";
  }
  read_number(s, "final_train_acc", run.summary.final_train_acc, err, "");
  read_number(s, "final_test_acc", run.summary.final_test_acc, err, "");
  read_number(s, "wall_seconds", run.summary.wall_seconds, err, "");
  read_number(s, "measures_seconds", run.summary.measures_seconds, err, "");
  read_number(s, "ms_per_step", run.summary.ms_per_step, err, "");
  if (s.contains("diverged") && !s["diverged"].is_boolean()) return "run file: summary.diverged must be true or false";
  if (s.contains("complete") && !s["complete"].is_boolean()) return "run file: summary.complete must be true or false";
  run.summary.diverged = s.value("diverged", false);
  for (auto [key, field] : {std::pair{"split_hash", &run.summary.split_hash},
                            std::pair{"init_param_hash", &run.summary.init_param_hash}}) {
    if (!s.contains(key)) continue;
    const json& v = s[key];
    if (!v.is_string() || v.get<std::string>().size() != 16 ||
        v.get<std::string>().find_first_not_of("0123456789abcdef") != std::string::npos)
      return std::string("run file: summary.") + key + " must be 16 lowercase hex digits";
    *field = parse_hex64(v.get<std::string>());
  }
  if (s.contains("circuit_freqs")) {
    const json& f = s["circuit_freqs"];
    if (!f.is_array()) return "run file: summary.circuit_freqs must be an array of frequencies";
    for (const auto& k : f) {
      int v = 0;
      if (!json_integer_as(k, 1, (run.config.p - 1) / 2, v))
        return "run file: summary.circuit_freqs must hold integers in [1, (p-1)/2]";
      run.circuit_freqs.push_back(v);
    }
  }
  if (s.contains("params")) {
    if (!json_integer_as(s["params"], 0, 1LL << 40, run.summary.params))
      return "run file: summary.params must be a non-negative integer";
  }
  if (j.contains("label_noise")) {
    const json& ln = j["label_noise"];
    const long n = train_size(run.config);
    if (!ln.is_object() || !ln.contains("redrawn") || !json_integer_as(ln["redrawn"], 0, n, run.label_noise.redrawn) ||
        !ln.contains("changed_examples") || !ln["changed_examples"].is_array())
      return "run file: label_noise must be {redrawn: 0.." + std::to_string(n) + ", changed_examples: [...]}";
    for (const auto& v : ln["changed_examples"]) {
      int k = 0;
      if (!json_integer_as(v, 0, n - 1, k))
        return "run file: label_noise.changed_examples must hold example indices in [0, " + std::to_string(n - 1) + "]";
      run.label_noise.changed_examples.push_back(k);
    }
  }
  run.complete = s.value("complete", true);
  out = std::move(run);
  return "";
}

}  // namespace grok
