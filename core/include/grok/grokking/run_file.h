// The run file ("grok-run/1"): config, metric history, snapshots and summary as JSON. Written by the
// native CLI and scripts/wasm-train.mjs, replayed by the page. This file is the schema's one home.
//   {"schema": "grok-run/1", "config": {...every field...},
//    "metrics": [{"step", "train_loss", "train_acc", "test_loss", "test_acc", "weight_norm",
//                 "train_acc_clean", "train_acc_noisy" (with label noise)}, ...],
//    "snapshots": [{"step", "embed_spectrum", "logit_spectrum", "freq_share", "key_freqs", "neuron_freq",
//                   "gini_embed", "gini_logit", "restricted_loss", "excluded_loss"}, ...],
//    "summary": {"memorize_step", "grok_step", "generalize_step", "best_test_step", "best_test_acc",
//                "params", "steps", "final_train_acc", "final_test_acc", "wall_seconds", "measures_seconds",
//                "ms_per_step", "diverged", "complete", "split_hash", "init_param_hash", "circuit_freqs", "phases"},
//    "label_noise": {"redrawn", "changed_examples"} (dense datasets with label noise only)}
// circuit_freqs: the frequencies every snapshot's restricted/excluded loss was computed with (the
// latest key frequencies; empty: each snapshot used its own). phases, generalize_step, best_test_*:
// see phases.h. Dense datasets have no snapshots (the measures are for token pairs).
// Steps not reached are null. Hashes are 16 hex digits (FNV-1a of the split and of the initial weights).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/grokking/config.h"
#include "grok/grokking/history.h"
#include "grok/grokking/trainer.h"

namespace grok {

constexpr const char* kRunSchema = "grok-run/1";

// Label noise of a dense dataset: how many training labels were redrawn, and which examples came out
// with a wrong label (ascending indices into the training set).
struct LabelNoiseRecord {
  long redrawn = 0;
  std::vector<int> changed_examples;
};

struct RunData {
  Config config;
  std::vector<MetricPoint> metrics;
  std::vector<Snapshot> snapshots;
  Summary summary;
  std::vector<int> circuit_freqs;
  LabelNoiseRecord label_noise;
  bool complete = false;  // false for a partial file (interrupted or still running)
};

nlohmann::json run_to_json(const RunData& run);
// The "summary" object alone (phases are inferred from `metrics`), for callers that poll it often.
nlohmann::json summary_to_json(const Summary& s, const std::vector<MetricPoint>& metrics,
                               const std::vector<int>& circuit_freqs, bool complete);
RunData run_from_trainer(const Trainer& t, bool complete);
// Parses and checks a run file; returns "" or a message naming what is wrong.
std::string run_from_json(const nlohmann::json& j, RunData& out);

}  // namespace grok
