#include "grok/run_file.h"

#include "grok/phases.h"

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

json metric_to_json(const MetricPoint& m) {
  return {{"step", m.step}, {"train_loss", m.train_loss}, {"train_acc", m.train_acc},
          {"test_loss", m.test_loss}, {"test_acc", m.test_acc}, {"weight_norm", m.weight_norm}};
}

json snapshot_to_json(const Snapshot& s) {
  // Losses that do not apply to the op are null; spectra are rounded to float precision already.
  const auto loss = [](double v) { return v < 0 ? json(nullptr) : json(v); };
  return {{"step", s.step}, {"embed_spectrum", s.embed_spectrum}, {"logit_spectrum", s.logit_spectrum},
          {"freq_share", s.freq_share}, {"key_freqs", s.key_freqs}, {"neuron_freq", s.neuron_freq},
          {"gini_embed", s.gini_embed}, {"gini_logit", s.gini_logit},
          {"restricted_loss", loss(s.restricted_loss)}, {"excluded_loss", loss(s.excluded_loss)}};
}

json snapshots_to_json(const std::vector<Snapshot>& snaps) {
  json out = json::array();
  for (const auto& s : snaps) out.push_back(snapshot_to_json(s));
  return out;
}

namespace {
template <class T>
bool read_array(const json& obj, const char* key, std::vector<T>& out) {
  if (!obj.contains(key)) return true;  // optional: older files carry fewer measures
  const json& a = obj[key];
  if (!a.is_array()) return false;
  out.clear();
  for (const auto& v : a) {
    if (!v.is_number()) return false;
    out.push_back(v.get<T>());
  }
  return true;
}
bool read_optional(const json& obj, const char* key, double& out) {
  if (!obj.contains(key) || obj[key].is_null()) return true;
  if (!obj[key].is_number()) return false;
  out = obj[key].get<double>();
  return true;
}
}  // namespace

std::string snapshots_from_json(const json& j, std::vector<Snapshot>& out) {
  if (!j.is_array()) return "snapshots must be an array";
  std::vector<Snapshot> snaps;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& s = j[i];
    const std::string where = "snapshots[" + std::to_string(i) + "]";
    if (!s.is_object() || !s.contains("step") || !s["step"].is_number()) return where + ": no numeric step";
    Snapshot snap;
    snap.step = s["step"].get<long>();
    if (!read_array(s, "embed_spectrum", snap.embed_spectrum) || !read_array(s, "logit_spectrum", snap.logit_spectrum) ||
        !read_array(s, "freq_share", snap.freq_share) || !read_array(s, "key_freqs", snap.key_freqs) ||
        !read_array(s, "neuron_freq", snap.neuron_freq) || !read_optional(s, "gini_embed", snap.gini_embed) ||
        !read_optional(s, "gini_logit", snap.gini_logit) || !read_optional(s, "restricted_loss", snap.restricted_loss) ||
        !read_optional(s, "excluded_loss", snap.excluded_loss))
      return where + ": a measure has the wrong type";
    snaps.push_back(std::move(snap));
  }
  out = std::move(snaps);
  return "";
}

json summary_to_json(const Summary& s, const std::vector<MetricPoint>& metrics, const std::vector<int>& circuit_freqs,
                     bool complete) {
  const auto opt_step = [](long v) { return v < 0 ? json(nullptr) : json(v); };
  const Phases ph = infer_phases(metrics, s);
  return {{"memorize_step", opt_step(s.memorize_step)}, {"grok_step", opt_step(s.grok_step)},
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
  return {{"schema", kRunSchema},
          {"config", config_to_json(run.config)},
          {"metrics", metrics},
          {"snapshots", snapshots_to_json(run.snapshots)},
          {"summary", summary_to_json(run.summary, run.metrics, run.circuit_freqs, run.complete)}};
}

RunData run_from_trainer(const Trainer& t, bool complete) {
  return RunData{t.config(), t.metrics(), t.snapshots(), t.summary(), t.circuit_freqs(), complete};
}

namespace {
// Reads a number field with a clear message; json's own get<> would throw on a wrong type.
bool read_number(const json& obj, const char* key, double& out, std::string& err, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) {
    err = where + ": '" + key + "' missing or not a number";
    return false;
  }
  out = it->get<double>();
  return true;
}
}  // namespace

std::string run_from_json(const json& j, RunData& out) {
  if (!j.is_object()) return "run file: not a JSON object";
  if (!j.contains("schema") || j["schema"] != kRunSchema)
    return std::string("run file: schema must be \"") + kRunSchema + "\"";
  if (!j.contains("config")) return "run file: no config";
  RunData run;
  std::string err = config_from_json(j["config"], run.config);
  if (!err.empty()) return "run file: " + err;
  if (!j.contains("metrics") || !j["metrics"].is_array()) return "run file: metrics must be an array";
  for (size_t i = 0; i < j["metrics"].size(); ++i) {
    const json& m = j["metrics"][i];
    const std::string where = "run file: metrics[" + std::to_string(i) + "]";
    if (!m.is_object()) return where + ": not an object";
    MetricPoint p;
    double step;
    if (!read_number(m, "step", step, err, where) || !read_number(m, "train_loss", p.train_loss, err, where) ||
        !read_number(m, "train_acc", p.train_acc, err, where) || !read_number(m, "test_loss", p.test_loss, err, where) ||
        !read_number(m, "test_acc", p.test_acc, err, where) || !read_number(m, "weight_norm", p.weight_norm, err, where))
      return err;
    p.step = static_cast<long>(step);
    run.metrics.push_back(p);
  }
  if (j.contains("snapshots")) {
    err = snapshots_from_json(j["snapshots"], run.snapshots);
    if (!err.empty()) return "run file: " + err;
  }
  if (!j.contains("summary") || !j["summary"].is_object()) return "run file: no summary";
  const json& s = j["summary"];
  const auto step_or_null = [&](const char* key, long& v) {
    if (!s.contains(key) || s[key].is_null()) { v = -1; return true; }
    if (!s[key].is_number()) return false;
    v = s[key].get<long>();
    return true;
  };
  if (!step_or_null("memorize_step", run.summary.memorize_step) || !step_or_null("grok_step", run.summary.grok_step))
    return "run file: summary steps must be numbers or null";
  double steps = 0;
  if (!read_number(s, "steps", steps, err, "run file: summary")) return err;
  run.summary.steps = static_cast<long>(steps);
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
      if (!k.is_number_integer() || k.get<long>() < 1 || 2 * k.get<long>() >= run.config.p)
        return "run file: summary.circuit_freqs must hold integers in [1, (p-1)/2]";
      run.circuit_freqs.push_back(k.get<int>());
    }
  }
  run.complete = s.value("complete", true);
  out = std::move(run);
  return "";
}

json schema_json() {
  json fields = json::array();
  const Config defaults;
  for (const auto& f : field_specs()) {
    static const char* kinds[] = {"int", "real", "choice", "bool"};
    json row = {{"name", f.name}, {"flag", "--" + kebab(f.name)}, {"kind", kinds[static_cast<int>(f.kind)]},
                {"help", f.help}};
    if (f.kind == FieldSpec::Kind::Int || f.kind == FieldSpec::Kind::Real) {
      row["min"] = f.min; row["max"] = f.max;
      row["exclusive_min"] = f.exclusive_min; row["exclusive_max"] = f.exclusive_max;
    }
    if (f.kind == FieldSpec::Kind::Choice) row["choices"] = f.choices;
    row["default"] = config_to_json(defaults)[f.name];
    fields.push_back(row);
  }
  json list = json::array();
  for (const auto& p : presets())
    list.push_back({{"name", p.name}, {"description", p.description}, {"config", config_to_json(p.config)}});
  return {{"run_schema", kRunSchema}, {"fields", fields}, {"presets", list}};
}

}  // namespace grok
