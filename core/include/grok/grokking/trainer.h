// Trainer: a whole grokking run (data, model, optimizer, metric history), advanced a step or a chunk
// at a time so that the CLI, the web worker and the tests all drive the same loop. Its state is saved
// and restored by the checkpoint unit (checkpoint.h), which sits above it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grok/grokking/config.h"
#include "grok/grokking/history.h"
#include "grok/grokking/models/data_parallel.h"
#include "grok/grokking/models/model.h"
#include "grok/grokking/optimizer.h"
#include "grok/common/rng.h"
#include "grok/data/features.h"
#include "grok/data/token_pairs.h"

namespace grok {

class Trainer {
 public:
  // Validates the config, builds data and model. Returns "" or a message naming the bad field.
  static std::string create(const Config& config, std::unique_ptr<Trainer>& out);

  // Runs up to max_steps steps, evaluating and snapshotting when due; stops early when finished().
  // Returns the number of steps run.
  long run(long max_steps);
  bool step();                 // one optimizer step (no evaluation); false if the loss diverged
  const MetricPoint& evaluate();  // metrics at the current step, appended to the history
  void snapshot();             // spectrum at the current step, appended
  // Fixes the circuit frequencies (for restricted/excluded loss) to the latest snapshot's key
  // frequencies and, if they changed, re-scores every earlier snapshot with them from its saved
  // weights, as the paper does with the final model's frequencies. Returns true if anything changed.
  bool refresh_circuit();
  bool evaluation_due() const; // is steps_done() a metrics step (log-spaced early, then eval_every)
  bool snapshot_due() const;   // log-spaced snapshot steps
  bool finished() const;       // reached config.steps, grokked with stop_at_grok, or diverged

  // Applies a config that differs only in fields the table marks live (FieldSpec::live: lr, weight
  // decay, Grokfast, steps, ...). Returns "" or an error naming the first other field that differs:
  // changing that needs a new run.
  std::string update_live(const Config& next);

  long steps_done() const { return optimizer_.t; }
  int last_batch_size() const { return last_batch_size_; }  // examples in the latest step's batch
  // Whether steps and evaluations are split over more than one thread (config.threads, 0: every
  // core), by the tabulated transformer itself, else by data_parallel.h; results are the same for
  // every thread count.
  bool threaded() const { return pool_ != nullptr; }
  int threads() const { return pool_ ? pool_->size() : 1; }
  const Config& config() const { return config_; }
  const Dataset& data() const { return data_; }          // token pairs (modular tasks)
  const FeatureData& features() const { return features_; }  // dense datasets
  bool dense() const { return dense_; }
  Model& model() { return *model_; }
  const std::vector<MetricPoint>& metrics() const { return metrics_; }
  const std::vector<Snapshot>& snapshots() const { return snapshots_; }
  // Frequencies the snapshots' restricted/excluded losses were computed with (empty: each its own).
  const std::vector<int>& circuit_freqs() const { return circuit_freqs_; }
  const Summary& summary() const { return summary_; }
  // Wall time spent evaluating so far (the page calibrates its cost estimate with it, cost.h).
  double eval_seconds() const { return eval_seconds_; }

 private:
  friend struct CheckpointCodec;  // checkpoint.cpp: saves and restores the state below

  Trainer() : optimizer_(0), batch_rng_(0) {}
  int next_batch();  // fills the batch buffers; returns the batch's size
  int last_batch_size_ = 0;
  Inputs train_inputs() const;  // the whole training set, in the model's form
  // Accuracy over the training examples listed in `idx` (by the training labels), -1 if none.
  double subset_accuracy(const std::vector<int>& idx);

  Config config_;
  bool dense_ = false;
  Dataset data_;                    // token pairs, when !dense_
  FeatureData features_;            // dense features, when dense_
  std::vector<int> clean_idx_, noisy_idx_;  // training examples whose label noise left them right / wrong
  std::unique_ptr<ThreadPool> pool_;  // config.threads > 1 (before model_: it outlives it)
  std::unique_ptr<Model> model_;
  // Splits steps (of a model that does not split its own) and the measures' forward passes.
  std::unique_ptr<DataParallel<float>> parallel_;
  BatchStats train_pass(const Inputs& in, const int* y, int n);  // forward_backward, mean over n
  BatchStats eval_pass(const Inputs& in, const int* y, int n);
  Optimizer optimizer_;
  Rng batch_rng_;                   // minibatch order
  std::vector<int> order_;          // permutation of train indices for the current epoch
  size_t cursor_ = 0;
  std::vector<int> batch_a_, batch_b_, batch_y_;
  std::vector<float> batch_x_;      // dense: the minibatch's feature columns (dim x batch)
  std::vector<MetricPoint> metrics_;
  std::vector<Snapshot> snapshots_;
  std::vector<std::vector<float>> snapshot_params_;  // weights at each snapshot, for re-scoring
  std::vector<int> circuit_freqs_;
  Summary summary_;
  double step_seconds_ = 0, eval_seconds_ = 0, measures_seconds_ = 0;
  void sync_times();  // the summary's time fields from the three totals above
};


}  // namespace grok
