// The run file ("grok-run/1"): config, metric history, snapshots and summary as JSON. Written by the
// native CLI and scripts/wasm-train.mjs, replayed by the page. This file is the schema's one home.
//   {"schema": "grok-run/1", "config": {...every field...},
//    "metrics": [{"step", "train_loss", "train_acc", "test_loss", "test_acc", "weight_norm"}, ...],
//    "snapshots": [{"step", "embed_spectrum", "logit_spectrum", "freq_share", "key_freqs", "neuron_freq",
//                   "gini_embed", "gini_logit", "restricted_loss", "excluded_loss"}, ...],
//    "summary": {"memorize_step", "grok_step", "steps", "final_train_acc", "final_test_acc",
//                "wall_seconds", "measures_seconds", "ms_per_step", "diverged", "complete", "split_hash", "init_param_hash",
//                "circuit_freqs", "phases"}}
// circuit_freqs: the frequencies every snapshot's restricted/excluded loss was computed with (the
// latest key frequencies; empty: each snapshot used its own). phases: see phases.h.
// Steps not reached are null. Hashes are 16 hex digits (FNV-1a of the split and of the initial weights).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/config.h"
#include "grok/trainer.h"

namespace grok {

constexpr const char* kRunSchema = "grok-run/1";

nlohmann::json config_to_json(const Config& c);
// Reads fields present in j over `c` (so a partial config overrides defaults). Unknown keys, wrong
// types and out-of-range values are errors naming the key. Returns "" on success.
std::string config_from_json(const nlohmann::json& j, Config& c);

struct RunData {
  Config config;
  std::vector<MetricPoint> metrics;
  std::vector<Snapshot> snapshots;
  Summary summary;
  std::vector<int> circuit_freqs;
  bool complete = false;  // false for a partial file (interrupted or still running)
};

nlohmann::json run_to_json(const RunData& run);
// The "summary" object alone (phases are inferred from `metrics`), for callers that poll it often.
nlohmann::json summary_to_json(const Summary& s, const std::vector<MetricPoint>& metrics,
                               const std::vector<int>& circuit_freqs, bool complete);
nlohmann::json metric_to_json(const MetricPoint& m);
nlohmann::json snapshot_to_json(const Snapshot& s);
nlohmann::json snapshots_to_json(const std::vector<Snapshot>& s);
std::string snapshots_from_json(const nlohmann::json& j, std::vector<Snapshot>& out);
RunData run_from_trainer(const Trainer& t, bool complete);
// Parses and checks a run file; returns "" or a message naming what is wrong.
std::string run_from_json(const nlohmann::json& j, RunData& out);

// Field specs and presets as JSON, for the page and --help (one source for both).
nlohmann::json schema_json();

}  // namespace grok
