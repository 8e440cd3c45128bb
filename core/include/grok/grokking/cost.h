// What a run will cost, from its config alone, counted the way the implementation computes it (the
// tabulated transformer path, the MLP's per-token tables, chunked evaluation, the progress measures),
// so a front end can refuse or warn before building anything. Work is in FLOP-equivalents: a
// multiply-add is 2, and the per-class exp/log of the float64 cross-entropy is charged as
// kCrossEntropyWork. Times need a throughput: the page measures its own (FLOP-equivalents per second
// of the first evaluation, which every run does at step 0) and scales the step work by it.
#pragma once
#include <nlohmann/json.hpp>

#include "grok/grokking/config.h"

namespace grok {

struct CostEstimate {
  long params = 0;            // trainable parameters (the flat buffer, padding excluded)
  long n_train = 0, n_test = 0;
  long batch = 0;             // examples per training step
  long snapshots = 0;         // snapshots a run of config.steps keeps (log-spaced, and the last step)
  double step_work = 0;       // one training step: forward, loss, backward, optimizer
  double eval_work = 0;       // one evaluation: forward and loss over the train and test sets
  double snapshot_work = 0;   // one snapshot of the progress measures (forward over all p^2 pairs, 2-D Fourier)
  // Work per step averaged over the whole run: the step, plus evaluations and snapshots spread over it.
  double amortized_step_work = 0;
  double bytes = 0;           // peak memory: parameters x 5 (values, gradients, Adam moments, Grokfast
                              // EMA), a weight copy per snapshot, activations, data, measures' temporaries
};

constexpr double kCrossEntropyWork = 40;  // FLOP-equivalents per class and example (exp, log in double)

// The config must be valid (validate()).
CostEstimate estimate_cost(const Config& c);
nlohmann::json cost_to_json(const CostEstimate& e);

}  // namespace grok
