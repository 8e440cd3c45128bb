#include "grok/trainer.h"

#include "grok/run_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

namespace grok {
namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
uint64_t batch_seed(uint64_t seed) { return seed ^ 0xd1b54a32d192ed03ull; }
}  // namespace

bool is_log_spaced_step(long step, int per_decade) {
  if (step <= 10) return true;
  // step is on the grid if it equals floor(10^(k/per_decade)) for some k.
  const double k = std::ceil(std::log10(static_cast<double>(step)) * per_decade - 1e-9);
  return static_cast<long>(std::floor(std::pow(10.0, k / per_decade) + 1e-9)) == step;
}

std::string Trainer::create(const Config& config, std::unique_ptr<Trainer>& out) {
  std::unique_ptr<Trainer> t(new Trainer());
  t->config_ = config;
  std::string err = make_dataset(config, t->data_);
  if (!err.empty()) return err;
  err = make_model<float>(config, t->data_, t->model_);
  if (!err.empty()) return err;
  t->optimizer_ = AdamW(t->model_->params().size());
  t->summary_.split_hash = split_hash(t->data_);
  t->summary_.init_param_hash = t->model_->params().hash();
  t->batch_rng_ = Rng(batch_seed(config.seed));
  const int n_train = t->data_.train.size();
  t->order_.resize(n_train);
  for (int i = 0; i < n_train; ++i) t->order_[i] = i;
  t->cursor_ = n_train;  // forces a shuffle on the first minibatch
  const int bs = config.batch_size > 0 ? std::min(config.batch_size, n_train) : n_train;
  t->batch_a_.resize(bs); t->batch_b_.resize(bs); t->batch_y_.resize(bs);
  out = std::move(t);
  return "";
}

void Trainer::next_batch() {
  // Epochs without replacement, reshuffled each epoch (a DataLoader with shuffle=True).
  const size_t bs = batch_a_.size();
  for (size_t i = 0; i < bs; ++i) {
    if (cursor_ >= order_.size()) { batch_rng_.shuffle(order_); cursor_ = 0; }
    const int k = order_[cursor_++];
    batch_a_[i] = data_.train.a[k]; batch_b_[i] = data_.train.b[k]; batch_y_[i] = data_.train.y[k];
  }
}

bool Trainer::step() {
  const auto t0 = Clock::now();
  Model& m = *model_;
  m.params().zero_grad();
  BatchStats st;
  if (config_.batch_size <= 0 || config_.batch_size >= data_.train.size()) {
    const Examples& tr = data_.train;
    st = m.forward_backward(tr.a.data(), tr.b.data(), tr.y.data(), tr.size(), tr.size());
  } else {
    next_batch();
    const int n = static_cast<int>(batch_a_.size());
    st = m.forward_backward(batch_a_.data(), batch_b_.data(), batch_y_.data(), n, n);
  }
  optimizer_.step(m.params(), config_);
  step_seconds_ += seconds_since(t0);
  bool finite = st.finite;
  if (finite) {  // a NaN in the weights would not show in this step's loss: check the update too
    double s = 0;
    for (float v : m.params().value) s += v;
    finite = std::isfinite(s);
  }
  if (!finite) summary_.diverged = true;
  summary_.steps = optimizer_.t;
  sync_times();
  return finite;
}

const MetricPoint& Trainer::evaluate() {
  const auto t0 = Clock::now();
  Model& m = *model_;
  MetricPoint p;
  p.step = optimizer_.t;
  const Examples& tr = data_.train;
  const Examples& te = data_.test;
  const BatchStats a = m.evaluate(tr.a.data(), tr.b.data(), tr.y.data(), tr.size());
  const BatchStats b = m.evaluate(te.a.data(), te.b.data(), te.y.data(), te.size());
  p.train_loss = a.mean_loss(); p.train_acc = a.accuracy();
  p.test_loss = b.mean_loss(); p.test_acc = b.accuracy();
  p.weight_norm = std::sqrt(m.params().sum_squares());
  if (!a.finite || !std::isfinite(p.weight_norm)) summary_.diverged = true;
  if (!metrics_.empty() && metrics_.back().step == p.step) metrics_.pop_back();  // re-evaluation
  metrics_.push_back(p);
  if (summary_.memorize_step < 0 && p.train_acc >= kGrokThreshold) summary_.memorize_step = p.step;
  if (summary_.grok_step < 0 && p.test_acc >= kGrokThreshold) summary_.grok_step = p.step;
  summary_.final_train_acc = p.train_acc;
  summary_.final_test_acc = p.test_acc;
  eval_seconds_ += seconds_since(t0);
  sync_times();
  return metrics_.back();
}

void Trainer::sync_times() {
  summary_.ms_per_step = 1000.0 * step_seconds_ / std::max<long>(1, optimizer_.t);
  summary_.measures_seconds = measures_seconds_;
  summary_.wall_seconds = step_seconds_ + eval_seconds_ + measures_seconds_;
}

void Trainer::snapshot() {
  const auto t0 = Clock::now();
  Snapshot s;
  s.step = optimizer_.t;
  // S5 has no Fourier analysis: its snapshots carry the step only (compute_measures says why).
  compute_measures(*model_, data_, config_, s, circuit_freqs_.empty() ? nullptr : &circuit_freqs_);
  if (!snapshots_.empty() && snapshots_.back().step == s.step) {
    snapshots_.pop_back();
    snapshot_params_.pop_back();
  }
  snapshots_.push_back(std::move(s));
  snapshot_params_.emplace_back(model_->params().value.begin(), model_->params().value.end());
  measures_seconds_ += seconds_since(t0);
  sync_times();
}

bool Trainer::refresh_circuit() {
  if (snapshots_.empty() || config_.op != "add") return false;
  std::vector<int> freqs = snapshots_.back().key_freqs;
  std::sort(freqs.begin(), freqs.end());
  if (freqs.empty() || freqs == circuit_freqs_) return false;
  const auto t0 = Clock::now();
  circuit_freqs_ = freqs;
  auto& value = model_->params().value;
  const std::vector<float> current(value.begin(), value.end());
  for (size_t i = 0; i < snapshots_.size(); ++i) {
    std::copy(snapshot_params_[i].begin(), snapshot_params_[i].end(), value.begin());
    circuit_losses(*model_, data_, config_, circuit_freqs_, snapshots_[i].restricted_loss, snapshots_[i].excluded_loss);
  }
  std::copy(current.begin(), current.end(), value.begin());
  measures_seconds_ += seconds_since(t0);
  sync_times();
  return true;
}

bool Trainer::evaluation_due() const {
  const long s = optimizer_.t;
  return s % config_.eval_every == 0 || (s < config_.eval_every && is_log_spaced_step(s)) ||
         s == config_.steps;
}

bool Trainer::snapshot_due() const {
  const long s = optimizer_.t;
  return is_log_spaced_step(s, 10) || s == config_.steps;
}

bool Trainer::finished() const {
  return summary_.diverged || optimizer_.t >= config_.steps ||
         (config_.stop_at_grok && summary_.grok_step >= 0);
}

long Trainer::run(long max_steps) {
  if (metrics_.empty()) { evaluate(); snapshot(); }  // the starting point
  long done = 0;
  while (done < max_steps && !finished()) {
    step();
    ++done;
    if (evaluation_due() || summary_.diverged) evaluate();
    if (snapshot_due()) snapshot();
  }
  // The final weights always get a snapshot: replays and the circuit frequencies need the end state
  // (a run stopped at grokking ends between log-spaced snapshot steps).
  if (finished() && !snapshots_.empty() && snapshots_.back().step != optimizer_.t) snapshot();
  return done;
}

std::string Trainer::update_live(const Config& next) {
  const std::string err = validate(next);
  if (!err.empty()) return err;
  Config probe = next;  // everything except the live fields must stay as it is
  probe.lr = config_.lr; probe.weight_decay = config_.weight_decay;
  probe.grokfast_alpha = config_.grokfast_alpha; probe.grokfast_lambda = config_.grokfast_lambda;
  probe.perp_grad = config_.perp_grad; probe.steps = config_.steps;
  probe.stop_at_grok = config_.stop_at_grok; probe.eval_every = config_.eval_every;
  probe.beta1 = config_.beta1; probe.beta2 = config_.beta2; probe.eps = config_.eps;
  probe.threads = config_.threads;
  for (const auto& f : field_specs())
    if (get_field_string(probe, f) != get_field_string(config_, f))
      return std::string(f.name) + ": changing it needs a reset (a new run)";
  config_ = next;
  return "";
}

// ---- state (checkpoints) ----
namespace {
const char kMagic[8] = {'G', 'R', 'O', 'K', 'S', 'T', '0', '2'};  // 02: snapshot weights, circuit freqs
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
    std::memcpy(v.data(), b.data() + pos, n * sizeof(T));
    pos += n * sizeof(T);
    return v;
  }
};
}  // namespace

std::vector<uint8_t> Trainer::save_state() const {
  std::vector<uint8_t> out(kMagic, kMagic + 8);
  put<uint64_t>(out, split_hash(data_));
  put<int64_t>(out, optimizer_.t);
  put_vec(out, model_->params().value);
  put_vec(out, optimizer_.m);
  put_vec(out, optimizer_.v);
  put_vec(out, optimizer_.ema);
  uint64_t rs[4];
  batch_rng_.get_state(rs);
  for (uint64_t x : rs) put(out, x);
  put_vec(out, order_);
  put<uint64_t>(out, cursor_);
  put_vec(out, metrics_);
  const std::string snaps = snapshots_to_json(snapshots_).dump();  // rarely written, so text is fine
  put_vec(out, std::vector<char>(snaps.begin(), snaps.end()));
  put(out, summary_);
  put(out, step_seconds_);
  put(out, eval_seconds_);
  put(out, measures_seconds_);
  put_vec(out, circuit_freqs_);
  for (const auto& w : snapshot_params_) put_vec(out, w);
  return out;
}

std::string Trainer::load_state(const std::vector<uint8_t>& bytes) {
  Reader r{bytes};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kMagic, 6) == 0 && std::memcmp(bytes.data(), kMagic, 8) != 0)
    return "checkpoint: written by an older grokking-lab (format " + std::string(bytes.begin() + 6, bytes.begin() + 8) +
           "); start the run again";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return "checkpoint: not a grokking-lab checkpoint (bad header)";
  r.pos = 8;
  if (r.get<uint64_t>() != split_hash(data_))
    return "checkpoint: made with a different data split (config or seed differ)";
  const long t = static_cast<long>(r.get<int64_t>());
  const size_t n = model_->params().size();
  auto value = r.get_vec<float>(n), m = r.get_vec<float>(n), v = r.get_vec<float>(n),
       ema = r.get_vec<float>(n);
  if (!r.ok || value.size() != n || m.size() != n || v.size() != n || ema.size() != n)
    return "checkpoint: parameter count does not match this model";
  uint64_t rs[4];
  for (auto& x : rs) x = r.get<uint64_t>();
  auto order = r.get_vec<int>(order_.size());
  const uint64_t cursor = r.get<uint64_t>();
  auto metrics = r.get_vec<MetricPoint>(100000000);
  const std::vector<char> snap_text = r.get_vec<char>(size_t(1) << 31);
  std::vector<Snapshot> snaps;
  if (r.ok) {
    const nlohmann::json j = nlohmann::json::parse(snap_text.begin(), snap_text.end(), nullptr, false);
    if (j.is_discarded() || !snapshots_from_json(j, snaps).empty()) return "checkpoint: corrupt snapshots";
  }
  const Summary summary = r.get<Summary>();
  const double step_s = r.get<double>(), eval_s = r.get<double>(), measures_s = r.get<double>();
  auto circuit = r.get_vec<int>(100000);
  std::vector<std::vector<float>> snap_params;
  for (size_t i = 0; r.ok && i < snaps.size(); ++i) {
    snap_params.push_back(r.get_vec<float>(n));
    if (snap_params.back().size() != n) r.ok = false;
  }
  if (!r.ok || order.size() != order_.size() || cursor > order_.size())
    return "checkpoint: truncated or corrupt";
  model_->params().value.assign(value.begin(), value.end());
  optimizer_.t = t; optimizer_.m = std::move(m); optimizer_.v = std::move(v); optimizer_.ema = std::move(ema);
  batch_rng_.set_state(rs);
  order_ = std::move(order); cursor_ = cursor;
  metrics_ = std::move(metrics); snapshots_ = std::move(snaps);
  snapshot_params_ = std::move(snap_params); circuit_freqs_ = std::move(circuit);
  summary_ = summary; step_seconds_ = step_s; eval_seconds_ = eval_s; measures_seconds_ = measures_s;
  return "";
}

}  // namespace grok
