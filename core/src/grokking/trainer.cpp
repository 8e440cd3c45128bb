#include "grok/grokking/trainer.h"

#include "grok/grokking/models/factory.h"

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
  return is_log_spaced_step(s, kSnapshotsPerDecade) || s == config_.steps;
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
  for (const auto& f : field_specs())
    if (!f.live && get_field_string(next, f) != get_field_string(config_, f))
      return std::string(f.name) + ": changing it needs a reset (a new run)";
  config_ = next;
  return "";
}

}  // namespace grok
