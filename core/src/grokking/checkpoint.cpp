#include "grok/grokking/checkpoint.h"

#include <cstring>

#include "grok/common/rng.h"
#include "grok/grokking/history.h"

namespace grok {

namespace {
const char kMagic[8] = {'G', 'R', 'O', 'K', 'S', 'T', '0', '4'};  // 04: the Grokfast-MA queue
template <class T>
void put(std::vector<uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
template <class V>
void put_vec(std::vector<uint8_t>& out, const V& v) {
  using T = typename V::value_type;
  put<uint64_t>(out, v.size());
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(T));
}
struct Reader {
  const std::vector<uint8_t>& b;
  size_t pos = 0;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (pos + sizeof(T) > b.size()) { ok = false; return v; }
    std::memcpy(&v, b.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  template <class T>
  std::vector<T> get_vec(size_t max_items) {
    const uint64_t n = get<uint64_t>();
    if (!ok || n > max_items || pos + n * sizeof(T) > b.size()) { ok = false; return {}; }
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), b.data() + pos, n * sizeof(T));  // memcpy of nullptr is undefined even for 0 bytes
    pos += n * sizeof(T);
    return v;
  }
};
}  // namespace

// The trainer's private state, written and read in one fixed order.
struct CheckpointCodec {
  static std::vector<uint8_t> save(const Trainer& t);
  static std::string load(Trainer& t, const std::vector<uint8_t>& bytes);
  static std::string check_state(const Trainer& t, long steps_done, const std::vector<int>& order,
                                 const std::vector<MetricPoint>& metrics, const std::vector<Snapshot>& snaps,
                                 const Summary& summary, const std::vector<int>& circuit);
};

std::string CheckpointCodec::check_state(const Trainer& t, long steps_done, const std::vector<int>& order,
                                         const std::vector<MetricPoint>& metrics, const std::vector<Snapshot>& snaps,
                                         const Summary& summary, const std::vector<int>& circuit) {
  const long max_steps = run_steps(t.config_);
  if (steps_done < 0 || steps_done > max_steps)
    return "step " + std::to_string(steps_done) + " is outside [0, " + std::to_string(max_steps) + "]";
  const long n = static_cast<long>(t.order_.size());
  for (int i : order)
    if (i < 0 || i >= n) return "the batch order names an example outside [0, " + std::to_string(n) + ")";
  long last = -1;
  for (const MetricPoint& m : metrics) {
    if (m.step <= last || m.step > steps_done) return "metric steps are out of order or past the checkpoint's step";
    last = m.step;
  }
  last = -1;
  for (const Snapshot& sn : snaps) {
    if (sn.step <= last || sn.step > steps_done) return "snapshot steps are out of order or past the checkpoint's step";
    last = sn.step;
  }
  // The summary was copied as bytes: check its bool's byte before anything reads it as a bool.
  unsigned char diverged_byte = 0;
  std::memcpy(&diverged_byte, &summary.diverged, 1);
  if (diverged_byte > 1 || summary.steps != steps_done || summary.memorize_step < -1 || summary.grok_step < -1 ||
      summary.memorize_step > steps_done || summary.grok_step > steps_done)
    return "the summary does not match the checkpoint's step";
  for (int k : circuit)
    if (k < 1 || 2 * k >= t.config_.p) return "a key frequency is outside [1, (p-1)/2]";
  return "";
}

std::vector<uint8_t> CheckpointCodec::save(const Trainer& t) {
  std::vector<uint8_t> out(kMagic, kMagic + 8);
  put<uint64_t>(out, split_hash(t.data_));
  put<int64_t>(out, t.optimizer_.t);
  put_vec(out, t.model_->params().value);
  put_vec(out, t.optimizer_.m);
  put_vec(out, t.optimizer_.v);
  put_vec(out, t.optimizer_.ema);
  put<int64_t>(out, t.optimizer_.ma_count);
  put_vec(out, t.optimizer_.ma);
  uint64_t rs[4];
  t.batch_rng_.get_state(rs);
  for (uint64_t x : rs) put(out, x);
  put_vec(out, t.order_);
  put<uint64_t>(out, t.cursor_);
  put_vec(out, t.metrics_);
  const std::string snaps = snapshots_to_json(t.snapshots_).dump();  // rarely written, so text is fine
  put_vec(out, std::vector<char>(snaps.begin(), snaps.end()));
  put(out, t.summary_);
  put(out, t.step_seconds_);
  put(out, t.eval_seconds_);
  put(out, t.measures_seconds_);
  put_vec(out, t.circuit_freqs_);
  for (const auto& w : t.snapshot_params_) put_vec(out, w);
  return out;
}

std::string CheckpointCodec::load(Trainer& t, const std::vector<uint8_t>& bytes) {
  Reader r{bytes};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kMagic, 6) == 0 && std::memcmp(bytes.data(), kMagic, 8) != 0)
    return "checkpoint: written by an older grokking-lab (format " + std::string(bytes.begin() + 6, bytes.begin() + 8) +
           "); start the run again";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return "checkpoint: not a grokking-lab checkpoint (bad header)";
  r.pos = 8;
  if (r.get<uint64_t>() != split_hash(t.data_))
    return "checkpoint: made with a different data split (config or seed differ)";
  const long steps_done = static_cast<long>(r.get<int64_t>());
  const size_t n = t.model_->params().size();
  auto value = r.get_vec<float>(n), m = r.get_vec<float>(n), v = r.get_vec<float>(n),
       ema = r.get_vec<float>(n);
  if (!r.ok || value.size() != n || m.size() != n || v.size() != n || ema.size() != n)
    return "checkpoint: parameter count does not match this model";
  const long ma_count = static_cast<long>(r.get<int64_t>());
  const size_t ma_limit = static_cast<size_t>(t.config_.grokfast_window) * n;
  auto ma = r.get_vec<float>(1000 * n);  // grokfast_window's largest value; the bytes bound it too
  if (r.ok && ((ma.size() != 0 && ma.size() != ma_limit) || ma_count < 0 || ma_count > steps_done))
    return "checkpoint: the Grokfast-MA queue does not match this model and window";
  uint64_t rs[4];
  for (auto& x : rs) x = r.get<uint64_t>();
  auto order = r.get_vec<int>(t.order_.size());
  const uint64_t cursor = r.get<uint64_t>();
  auto metrics = r.get_vec<MetricPoint>(100000000);
  const std::vector<char> snap_text = r.get_vec<char>(size_t(1) << 31);
  std::vector<Snapshot> snaps;
  if (r.ok) {
    const nlohmann::json j = nlohmann::json::parse(snap_text.begin(), snap_text.end(), nullptr, false);
    if (j.is_discarded() || !snapshots_from_json(j, snaps, steps_done).empty()) return "checkpoint: corrupt snapshots";
  }
  const Summary summary = r.get<Summary>();
  const double step_s = r.get<double>(), eval_s = r.get<double>(), measures_s = r.get<double>();
  auto circuit = r.get_vec<int>(100000);
  std::vector<std::vector<float>> snap_params;
  for (size_t i = 0; r.ok && i < snaps.size(); ++i) {
    snap_params.push_back(r.get_vec<float>(n));
    if (snap_params.back().size() != n) r.ok = false;
  }
  if (!r.ok || order.size() != t.order_.size() || cursor > t.order_.size())
    return "checkpoint: truncated or corrupt";
  // Everything below indexes or counts by these values: a corrupt one must be refused, not used.
  const std::string bad = check_state(t, steps_done, order, metrics, snaps, summary, circuit);
  if (!bad.empty()) return "checkpoint: " + bad;
  t.model_->params().value.assign(value.begin(), value.end());
  t.optimizer_.t = steps_done; t.optimizer_.m = std::move(m); t.optimizer_.v = std::move(v); t.optimizer_.ema = std::move(ema);
  t.optimizer_.ma = std::move(ma); t.optimizer_.ma_count = ma_count;
  t.batch_rng_.set_state(rs);
  t.order_ = std::move(order); t.cursor_ = cursor;
  t.metrics_ = std::move(metrics); t.snapshots_ = std::move(snaps);
  t.snapshot_params_ = std::move(snap_params); t.circuit_freqs_ = std::move(circuit);
  t.summary_ = summary; t.step_seconds_ = step_s; t.eval_seconds_ = eval_s; t.measures_seconds_ = measures_s;
  return "";
}


std::vector<uint8_t> save_state(const Trainer& t) { return CheckpointCodec::save(t); }
std::string load_state(Trainer& t, const std::vector<uint8_t>& bytes) { return CheckpointCodec::load(t, bytes); }

namespace {
const char kCheckpointMagic[8] = {'G', 'R', 'O', 'K', 'C', 'K', 'P', '1'};
void put_u64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
}  // namespace

std::string checkpoint_bytes(const Trainer& t) {
  const std::string config = config_to_json(t.config()).dump();
  const std::vector<uint8_t> state = save_state(t);
  std::string bytes(kCheckpointMagic, 8);
  put_u64(bytes, static_cast<uint64_t>(t.steps_done()));
  put_u64(bytes, config.size());
  bytes += config;
  put_u64(bytes, state.size());
  bytes.append(reinterpret_cast<const char*>(state.data()), state.size());
  // FNV-1a over everything before: catches truncation and bit rot, not tampering.
  put_u64(bytes, fnv1a(bytes.data(), bytes.size()));
  return bytes;
}

std::string parse_checkpoint(const std::string& bytes, Checkpoint& out) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  if (n < 8 + 8 + 8 + 8 + 8 || std::memcmp(p, kCheckpointMagic, 8) != 0) return "not a grok checkpoint";
  uint64_t stored_hash;
  std::memcpy(&stored_hash, p + n - 8, 8);
  if (fnv1a(p, n - 8) != stored_hash) return "checkpoint is corrupt (checksum mismatch)";
  size_t pos = 8;
  const auto get_u64 = [&](uint64_t& v) {
    if (pos + 8 > n - 8) return false;
    std::memcpy(&v, p + pos, 8);
    pos += 8;
    return true;
  };
  uint64_t steps = 0, config_len = 0, state_len = 0;
  if (!get_u64(steps) || !get_u64(config_len) || config_len > n - 8 - pos) return "checkpoint is corrupt";
  const std::string config_text = bytes.substr(pos, config_len);
  pos += config_len;
  if (!get_u64(state_len) || state_len != n - 8 - pos) return "checkpoint is corrupt";
  const nlohmann::json cj = nlohmann::json::parse(config_text, nullptr, false);
  Checkpoint c;
  if (cj.is_discarded()) return "checkpoint is corrupt (config)";
  const std::string err = config_from_json(cj, c.config);
  if (!err.empty()) return "checkpoint config: " + err;
  if (steps > static_cast<uint64_t>(run_steps(c.config)))
    return "checkpoint is corrupt (step " + std::to_string(steps) + " is past the config's " +
           std::to_string(run_steps(c.config)) + " steps)";
  c.state.assign(p + pos, p + pos + state_len);
  c.steps = static_cast<long>(steps);
  out = std::move(c);
  return "";
}

}  // namespace grok
