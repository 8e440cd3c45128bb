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

// No NaN or infinity among the values: an exponent of all ones, found with an integer OR over the
// bits (exact and vectorizable, unlike a floating-point sum).
bool all_finite(const float* v, size_t n) {
  uint32_t seen = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, v + i, 4);
    seen |= (bits & 0x7f800000u) == 0x7f800000u;
  }
  return seen == 0;
}
}  // namespace

std::string Trainer::create(const Config& config_in, std::unique_ptr<Trainer>& out) {
  std::unique_ptr<Trainer> t(new Trainer());
  std::string err = validate(config_in);
  if (!err.empty()) return err;
  const Config config = normalized(config_in);  // epochs, when given, decide the steps
  t->config_ = config;
  t->dense_ = dense_dataset(config);
  int n_train = 0;
  if (t->dense_) {
    err = make_feature_data(config, t->features_);
    if (!err.empty()) return err;
    err = make_feature_model<float>(config, t->features_.train.dim, t->features_.classes, t->model_);
    if (!err.empty()) return err;
    n_train = t->features_.train.size();
    for (int i = 0; i < n_train; ++i)
      (!t->features_.redrawn.empty() && t->features_.train.y[i] != t->features_.clean_train_y[i] ? t->noisy_idx_
                                                                                               : t->clean_idx_)
          .push_back(i);
    t->summary_.split_hash = feature_hash(t->features_);
  } else {
    err = make_dataset(config, t->data_);
    if (!err.empty()) return err;
    err = make_model<float>(config, t->data_, t->model_);
    if (!err.empty()) return err;
    n_train = t->data_.train.size();
    t->summary_.split_hash = split_hash(t->data_);
  }
  const int threads = config.threads > 0 ? config.threads : ThreadPool::hardware_threads();
  if (threads > 1) t->pool_ = std::make_unique<ThreadPool>(threads);
  {
    // The trainer splits the steps of a model that does not split its own, and every model's
    // forward pass for the measures (data_parallel.h), at one thread too, so that every thread
    // count gives the same sums: a replica per extra thread, built like the model.
    const bool split_steps = !t->model_->set_pool(t->pool_.get());
    std::vector<std::unique_ptr<Model>> replicas;
    for (int w = 1; w < (t->pool_ ? t->pool_->size() : 1); ++w) {
      std::unique_ptr<Model> r;
      err = t->dense_ ? make_feature_model<float>(config, t->features_.train.dim, t->features_.classes, r)
                      : make_model<float>(config, t->data_, r);
      if (!err.empty()) return err;
      replicas.push_back(std::move(r));
    }
    t->parallel_ = std::make_unique<DataParallel<float>>(*t->model_, std::move(replicas), t->pool_.get(), split_steps);
  }
  t->optimizer_ = Optimizer(t->model_->params().size());
  t->summary_.init_param_hash = t->model_->params().hash();
  for (const auto& info : t->model_->params().info) t->summary_.params += static_cast<long>(info.size());
  t->batch_rng_ = Rng(batch_seed(config.seed));
  t->order_.resize(n_train);
  for (int i = 0; i < n_train; ++i) t->order_[i] = i;
  t->cursor_ = n_train;  // forces a shuffle on the first minibatch
  const int bs = config.batch_size > 0 ? std::min(config.batch_size, n_train) : n_train;
  t->batch_y_.resize(bs);
  if (t->dense_) t->batch_x_.resize(static_cast<size_t>(bs) * t->features_.train.dim);
  else { t->batch_a_.resize(bs); t->batch_b_.resize(bs); }
  out = std::move(t);
  return "";
}

int Trainer::next_batch() {
  // Epochs without replacement, reshuffled each epoch (a DataLoader with shuffle=True). wrap: every
  // batch is full and runs on into the next epoch; short: an epoch's last batch is its remainder.
  const bool short_last = config_.last_batch == "short";
  if (short_last && cursor_ >= order_.size()) { batch_rng_.shuffle(order_); cursor_ = 0; }
  const size_t bs = short_last ? std::min(batch_y_.size(), order_.size() - cursor_) : batch_y_.size();
  const int dim = features_.train.dim;
  for (size_t i = 0; i < bs; ++i) {
    if (cursor_ >= order_.size()) { batch_rng_.shuffle(order_); cursor_ = 0; }
    const int k = order_[cursor_++];
    if (dense_) {
      std::copy(features_.train.example(k), features_.train.example(k) + dim, batch_x_.begin() + i * dim);
      batch_y_[i] = features_.train.y[k];
    } else {
      batch_a_[i] = data_.train.a[k]; batch_b_[i] = data_.train.b[k]; batch_y_[i] = data_.train.y[k];
    }
  }
  return static_cast<int>(bs);
}

Inputs Trainer::train_inputs() const {
  return dense_ ? Inputs::features(features_.train.x.data(), features_.train.dim)
                : Inputs::pairs(data_.train.a.data(), data_.train.b.data());
}

BatchStats Trainer::train_pass(const Inputs& in, const int* y, int n) {
  return parallel_->forward_backward(in, y, n, n);
}

BatchStats Trainer::eval_pass(const Inputs& in, const int* y, int n) {
  return parallel_->evaluate(in, y, n);
}

bool Trainer::step() {
  const auto t0 = Clock::now();
  Model& m = *model_;
  m.params().zero_grad();
  BatchStats st;
  const int n_train = static_cast<int>(order_.size());
  if (config_.batch_size <= 0 || config_.batch_size >= n_train) {
    st = train_pass(train_inputs(), dense_ ? features_.train.y.data() : data_.train.y.data(), n_train);
    last_batch_size_ = n_train;
  } else {
    const int n = next_batch();
    last_batch_size_ = n;
    const Inputs in = dense_ ? Inputs::features(batch_x_.data(), features_.train.dim)
                             : Inputs::pairs(batch_a_.data(), batch_b_.data());
    st = train_pass(in, batch_y_.data(), n);
  }
  optimizer_.step(m.params(), config_);
  step_seconds_ += seconds_since(t0);
  bool finite = st.finite;
  if (finite) finite = all_finite(m.params().value.data(), m.params().size());  // the update too
  if (!finite) summary_.diverged = true;
  summary_.steps = optimizer_.t;
  sync_times();
  return finite;
}

double Trainer::subset_accuracy(const std::vector<int>& idx) {
  if (idx.empty()) return -1;
  // Gathered a chunk at a time, so memory stays bounded on the largest datasets.
  constexpr int kChunk = 4096;
  const int dim = features_.train.dim;
  std::vector<float> x(static_cast<size_t>(std::min<size_t>(kChunk, idx.size())) * dim);
  std::vector<int> y(std::min<size_t>(kChunk, idx.size()));
  BatchStats total;
  for (size_t start = 0; start < idx.size(); start += kChunk) {
    const int m = static_cast<int>(std::min<size_t>(kChunk, idx.size() - start));
    for (int i = 0; i < m; ++i) {
      const int k = idx[start + i];
      std::copy(features_.train.example(k), features_.train.example(k) + dim, x.begin() + static_cast<size_t>(i) * dim);
      y[i] = features_.train.y[k];
    }
    total += eval_pass(Inputs::features(x.data(), dim), y.data(), m);
  }
  return total.accuracy();
}

const MetricPoint& Trainer::evaluate() {
  const auto t0 = Clock::now();
  Model& m = *model_;
  MetricPoint p;
  p.step = optimizer_.t;
  BatchStats a, b;
  if (dense_) {
    const FeatureSet& te = features_.test;
    a = eval_pass(train_inputs(), features_.train.y.data(), features_.train.size());
    b = eval_pass(Inputs::features(te.x.data(), te.dim), te.y.data(), te.size());
    if (!noisy_idx_.empty()) {  // label noise: how much of the right and of the wrong labels is fitted
      p.train_acc_clean = subset_accuracy(clean_idx_);
      p.train_acc_noisy = subset_accuracy(noisy_idx_);
    }
  } else {
    const Examples& tr = data_.train;
    const Examples& te = data_.test;
    a = eval_pass(Inputs::pairs(tr.a.data(), tr.b.data()), tr.y.data(), tr.size());
    b = eval_pass(Inputs::pairs(te.a.data(), te.b.data()), te.y.data(), te.size());
  }
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
  if (dense_) return;  // the progress measures are Fourier analyses of token pairs
  const auto t0 = Clock::now();
  Snapshot s;
  s.step = optimizer_.t;
  // S5 has no Fourier analysis: its snapshots carry the step only (compute_measures says why).
  compute_measures(*model_, data_, config_, s, circuit_freqs_.empty() ? nullptr : &circuit_freqs_, parallel_.get());
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
  if (dense_ || snapshots_.empty() || config_.op != "add") return false;
  std::vector<int> freqs = snapshots_.back().key_freqs;
  std::sort(freqs.begin(), freqs.end());
  if (freqs.empty() || freqs == circuit_freqs_) return false;
  const auto t0 = Clock::now();
  circuit_freqs_ = freqs;
  auto& value = model_->params().value;
  const std::vector<float> current(value.begin(), value.end());
  for (size_t i = 0; i < snapshots_.size(); ++i) {
    std::copy(snapshot_params_[i].begin(), snapshot_params_[i].end(), value.begin());
    circuit_losses(*model_, data_, config_, circuit_freqs_, snapshots_[i].restricted_loss, snapshots_[i].excluded_loss,
                   parallel_.get());
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
