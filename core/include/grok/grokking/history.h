// A run's history: the metrics at each evaluated step, the progress-measure snapshots and the
// summary, plus their JSON (the run file, run_file.h, is made of these; so is the checkpoint's copy
// of the snapshots). Below the trainer, which fills them, and the phases, which read them.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/grokking/measures.h"

namespace grok {

constexpr double kGrokThreshold = 0.99;  // "memorized"/"grokked": accuracy >= 99%

struct MetricPoint {
  long step = 0;          // optimizer steps completed
  double train_loss = 0, train_acc = 0, test_loss = 0, test_acc = 0;
  double weight_norm = 0; // L2 norm of all parameters, sqrt(sum w^2)
  // With label noise: training accuracy over the examples whose label is still right (clean) and over
  // those whose label the noise made wrong (noisy: fitting them is memorizing noise). -1 without noise.
  double train_acc_clean = -1, train_acc_noisy = -1;
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
  long params = 0;          // trainable parameters
  // Fingerprints (FNV-1a) of the data split and the initial weights: equal natively and in wasm for a seed.
  uint64_t split_hash = 0, init_param_hash = 0;
};

// When a history gets a point: metrics at log-spaced steps early on (about 20 per decade: 0, 1, ...,
// 10, 11, 12, 14, 15, 17, 19, 22, ...) then every eval_every steps; snapshots at 10 per decade.
bool is_log_spaced_step(long step, int per_decade = 20);
constexpr int kSnapshotsPerDecade = 10;

nlohmann::json metric_to_json(const MetricPoint& m);
nlohmann::json snapshot_to_json(const Snapshot& s);
nlohmann::json snapshots_to_json(const std::vector<Snapshot>& s);
// "" or "snapshots[i]: what is wrong". Steps are integers in [0, max_step] and increase.
std::string snapshots_from_json(const nlohmann::json& j, std::vector<Snapshot>& out, long max_step);

}  // namespace grok
