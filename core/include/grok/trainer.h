// Trainer: a whole grokking run (data, model, optimizer, metric history), advanced a step or a chunk
// at a time so that the CLI, the web worker and the tests all drive the same loop.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grok/config.h"
#include "grok/measures.h"
#include "grok/model.h"
#include "grok/optimizer.h"
#include "grok/rng.h"
#include "grok/task.h"

namespace grok {

constexpr double kGrokThreshold = 0.99;  // "memorized"/"grokked": accuracy >= 99%

struct MetricPoint {
  long step = 0;          // optimizer steps completed
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0;
  double weight_norm = 0; // L2 norm of all parameters, sqrt(sum w^2)
};

// Progress measures at a log-spaced step (see measures.h): Fourier spectra, Gini, key frequencies,
// restricted and excluded loss.
struct Snapshot : Measures {
  long step = 0;
};

struct Summary {
  long memorize_step = -1;  // first evaluated step with train acc >= 0.99 (-1: not yet)
  long grok_step = -1;      // first evaluated step with test acc >= 0.99 (-1: not yet)
  long steps = 0;           // steps completed
  double final_train_acc = 0, final_test_acc = 0;
  double wall_seconds = 0;  // training steps, evaluation and progress measures
  double measures_seconds = 0;  // of which progress measures (snapshots and re-scoring)
  double ms_per_step = 0;   // mean wall time of a training step, evaluation excluded
  bool diverged = false;    // loss became NaN/inf; training stopped
  // Fingerprints (FNV-1a) of the data split and the initial weights: equal natively and in wasm for a seed.
  uint64_t split_hash = 0, init_param_hash = 0;
};

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

  // Settings that may change mid-run without a reset (lr, weight decay, Grokfast, perp_grad, steps,
  // stop_at_grok, eval_every). Returns "" or an error; anything else must be changed by a new run.
  std::string update_live(const Config& next);

  long steps_done() const { return optimizer_.t; }
  const Config& config() const { return config_; }
  const Dataset& data() const { return data_; }
  Model& model() { return *model_; }
  const std::vector<MetricPoint>& metrics() const { return metrics_; }
  const std::vector<Snapshot>& snapshots() const { return snapshots_; }
  // Frequencies the snapshots' restricted/excluded losses were computed with (empty: each its own).
  const std::vector<int>& circuit_freqs() const { return circuit_freqs_; }
  const Summary& summary() const { return summary_; }

  // Everything needed to continue bit-identically: parameters, optimizer state, sampler state,
  // history. Binary, versioned; load checks that it matches this trainer's config.
  std::vector<uint8_t> save_state() const;
  std::string load_state(const std::vector<uint8_t>& bytes);

 private:
  Trainer() : optimizer_(0), batch_rng_(0) {}
  void next_batch();

  Config config_;
  Dataset data_;
  std::unique_ptr<Model> model_;
  AdamW optimizer_;
  Rng batch_rng_;                   // minibatch order
  std::vector<int> order_;          // permutation of train indices for the current epoch
  size_t cursor_ = 0;
  std::vector<int> batch_a_, batch_b_, batch_y_;
  std::vector<MetricPoint> metrics_;
  std::vector<Snapshot> snapshots_;
  std::vector<std::vector<float>> snapshot_params_;  // weights at each snapshot, for re-scoring
  std::vector<int> circuit_freqs_;
  Summary summary_;
  double step_seconds_ = 0, eval_seconds_ = 0, measures_seconds_ = 0;
  void sync_times();  // the summary's time fields from the three totals above
};

// Log-spaced steps (about 20 per decade): 0, 1, 2, ..., 10, 11, 12, 14, 15, 17, 19, 22, ...
bool is_log_spaced_step(long step, int per_decade = 20);


}  // namespace grok
