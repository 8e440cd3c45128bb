#include "grok/grokking/history.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "grok/common/json_values.h"

namespace grok {
using nlohmann::json;

bool is_log_spaced_step(long step, int per_decade) {
  if (step <= 10) return true;
  // step is on the grid if it equals floor(10^(k/per_decade)) for some k.
  const double k = std::ceil(std::log10(static_cast<double>(step)) * per_decade - 1e-9);
  return static_cast<long>(std::floor(std::pow(10.0, k / per_decade) + 1e-9)) == step;
}

json metric_to_json(const MetricPoint& m) {
  json j = {{"step", m.step}, {"train_loss", m.train_loss}, {"train_acc", m.train_acc},
            {"test_loss", m.test_loss}, {"test_acc", m.test_acc}, {"weight_norm", m.weight_norm}};
  if (m.train_acc_clean >= 0) j["train_acc_clean"] = m.train_acc_clean;
  if (m.train_acc_noisy >= 0) j["train_acc_noisy"] = m.train_acc_noisy;
  return j;
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
// Optional arrays (older files carry fewer measures): finite numbers, or integers in [0, 2^20]
// (frequencies; the check keeps the cast defined, a run's own range is the reader's business).
// read_array_with(obj, key, out, one): every element through one(json, T&) -> bool.
template <class T, class ReadOne>
bool read_array_with(const json& obj, const char* key, std::vector<T>& out, ReadOne one) {
  if (!obj.contains(key)) return true;
  const json& a = obj[key];
  if (!a.is_array()) return false;
  out.clear();
  for (const auto& v : a) {
    T x{};
    if (!one(v, x)) return false;
    out.push_back(x);
  }
  return true;
}
template <class Real, class = std::enable_if_t<std::is_floating_point_v<Real>>>
bool read_array(const json& obj, const char* key, std::vector<Real>& out) {
  return read_array_with(obj, key, out, [](const json& v, Real& x) {
    double d = 0;  // in range for Real too: a double past FLT_MAX cast to float is undefined
    if (!json_finite(v, d) || std::fabs(d) > static_cast<double>(std::numeric_limits<Real>::max())) return false;
    x = static_cast<Real>(d);
    return true;
  });
}
bool read_array(const json& obj, const char* key, std::vector<int>& out) {
  return read_array_with(obj, key, out, [](const json& v, int& k) { return json_integer_as(v, 0, 1 << 20, k); });
}
bool read_optional(const json& obj, const char* key, double& out) {
  if (!obj.contains(key) || obj[key].is_null()) return true;
  return json_finite(obj[key], out);
}
}  // namespace

std::string snapshots_from_json(const json& j, std::vector<Snapshot>& out, long max_step) {
  if (!j.is_array()) return "snapshots must be an array";
  std::vector<Snapshot> snaps;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& s = j[i];
    const std::string where = "snapshots[" + std::to_string(i) + "]";
    Snapshot snap;
    if (!s.is_object() || !s.contains("step") || !json_integer_as(s["step"], 0, max_step, snap.step))
      return where + ": step must be an integer in [0, " + std::to_string(max_step) + "]";
    if (!snaps.empty() && snap.step <= snaps.back().step)
      return where + ": step " + std::to_string(snap.step) + " does not follow step " + std::to_string(snaps.back().step);
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

}  // namespace grok
