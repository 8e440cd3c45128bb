// A grokking run in the wasm module: a thin embind layer over the core's Trainer, no logic of its
// own. Everything crosses the boundary as JSON strings (one call per chunk of steps, so the cost is
// negligible). The module's free functions are in module_bindings.cpp.
//   const m = await createGrokModule();
//   const s = new m.Session(); s.init(json)  -> "" or an error naming the field
//   s.run(n) -> steps run; s.metricsSince(i), s.snapshotsSince(i), s.summary(), s.runJson() -> JSON
//   s.predict(a, b) -> JSON "ask the model";  s.cost() -> the cost model's estimate;  s.evaluate()
//   s.refreshCircuit() -> true if restricted/excluded losses were re-scored; s.neuronWaves() -> JSON
//   s.sweepRow(planJson, index) -> this run's row of a sweep summary (grokking/sweep.h), or {error}
#include <emscripten/bind.h>

#include <memory>
#include <string>

#include "grok/grokking/cost.h"
#include "grok/grokking/inspect.h"
#include "grok/grokking/run_file.h"
#include "grok/grokking/sweep.h"
#include "grok/grokking/trainer.h"

namespace {
using nlohmann::json;

class Session {
 public:
  // Builds a run from a (partial) config JSON over the defaults; "" or an error message.
  std::string init(const std::string& config_json) {
    const json j = json::parse(config_json, nullptr, false);
    if (j.is_discarded()) return "config: not valid JSON";
    grok::Config c;
    std::string err = grok::config_from_json(j, c);
    if (!err.empty()) return err;
    std::unique_ptr<grok::Trainer> t;
    err = grok::Trainer::create(c, t);
    if (!err.empty()) return err;
    trainer_ = std::move(t);
    return "";
  }
  bool ready() const { return trainer_ != nullptr; }
  double run(double max_steps) { return trainer_ ? double(trainer_->run(long(max_steps))) : 0.0; }
  // Evaluates the current step again (same numbers): the page times it to learn this machine's speed.
  void evaluate() { if (trainer_) trainer_->evaluate(); }
  bool finished() const { return !trainer_ || trainer_->finished(); }
  std::string update_live(const std::string& config_json) {
    if (!trainer_) return "no run";
    const json j = json::parse(config_json, nullptr, false);
    if (j.is_discarded()) return "config: not valid JSON";
    grok::Config c = trainer_->config();
    const std::string err = grok::config_from_json(j, c);
    return err.empty() ? trainer_->update_live(c) : err;
  }
  // Only the entries from `index` on are serialized (the worker asks for the new ones after every chunk).
  std::string metrics_since(int index) const {
    if (!trainer_) return "[]";
    json out = json::array();
    const auto& m = trainer_->metrics();
    for (size_t i = static_cast<size_t>(std::max(0, index)); i < m.size(); ++i) out.push_back(grok::metric_to_json(m[i]));
    return out.dump();
  }
  // Snapshots as in the run file: spectra and the progress measures (grok/measures.h).
  std::string snapshots_since(int index) const {
    if (!trainer_) return "[]";
    json out = json::array();
    const auto& s = trainer_->snapshots();
    for (size_t i = static_cast<size_t>(std::max(0, index)); i < s.size(); ++i) out.push_back(grok::snapshot_to_json(s[i]));
    return out.dump();
  }
  std::string summary() const {
    if (!trainer_) return "{}";
    // Polled after every chunk: serializes the summary alone, not the whole history.
    return grok::summary_to_json(trainer_->summary(), trainer_->metrics(), trainer_->circuit_freqs(),
                                 trainer_->finished()).dump();
  }
  std::string config() const { return trainer_ ? grok::config_to_json(trainer_->config()).dump() : "{}"; }
  std::string run_json() const {
    return trainer_ ? grok::run_to_json(grok::run_from_trainer(*trainer_, trainer_->finished())).dump() : "{}";
  }
  // "Ask the model" (core grokking/inspect.h): {a, b, answer, truth, in_train, top} or {error}.
  std::string predict(int a, int b) const {
    if (!trainer_) return json{{"error", "no run"}}.dump();
    grok::Prediction p;
    const std::string err = grok::predict(*trainer_, a, b, p);
    return err.empty() ? grok::prediction_to_json(p).dump() : json{{"error", err}}.dump();
  }
  // Re-scores every snapshot's restricted/excluded loss against the latest key frequencies (see
  // Trainer::refresh_circuit); true if they changed, and the page then refetches snapshotsSince(0).
  bool refresh_circuit() { return trainer_ && trainer_->refresh_circuit(); }
  // MLP only (core grokking/inspect.h): {step, freq, waves} or {error}.
  std::string neuron_waves() const {
    if (!trainer_) return json{{"error", "no run"}}.dump();
    grok::NeuronWaves w;
    const std::string err = grok::neuron_waves(*trainer_, w);
    return err.empty() ? grok::neuron_waves_to_json(w).dump() : json{{"error", err}}.dump();
  }
  // The row the sweep summary gets for this run, when it is run `index` of the plan (the page's
  // pool workers answer with it, so the summary's rows are the core's, as `grok sweep-merge` builds them).
  std::string sweep_row(const std::string& plan_json, int index) const {
    if (!trainer_) return json{{"error", "no run"}}.dump();
    const json pj = json::parse(plan_json, nullptr, false);
    grok::SweepPlan plan;
    const std::string err = grok::plan_from_json(pj, plan);
    if (!err.empty()) return json{{"error", err}}.dump();
    if (index < 0 || static_cast<size_t>(index) >= plan.runs.size())
      return json{{"error", "sweep row: index " + std::to_string(index) + " is not a run of the plan"}}.dump();
    const grok::RunData data = grok::run_from_trainer(*trainer_, trainer_->finished());
    const std::string mismatch = grok::planned_run_mismatch(data, plan.runs[index]);
    if (!mismatch.empty()) return json{{"error", "sweep row: this run was " + mismatch}}.dump();
    return grok::sweep_row(plan, static_cast<size_t>(index), data).dump();
  }
  // The cost model's estimate for this run's config (core grokking/cost.h).
  std::string cost() const { return trainer_ ? grok::cost_to_json(grok::estimate_cost(trainer_->config())).dump() : "{}"; }
  // Fingerprints compared with the native build (same seed -> same split and initial weights).
  std::string param_hash() const { return trainer_ ? std::to_string(trainer_->model().params().hash()) : ""; }
  std::string split_hash() const { return trainer_ ? std::to_string(grok::split_hash(trainer_->data())) : ""; }

 private:
  std::unique_ptr<grok::Trainer> trainer_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(grok_session) {
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("init", &Session::init)
      .function("ready", &Session::ready)
      .function("run", &Session::run)
      .function("evaluate", &Session::evaluate)
      .function("finished", &Session::finished)
      .function("updateLive", &Session::update_live)
      .function("metricsSince", &Session::metrics_since)
      .function("snapshotsSince", &Session::snapshots_since)
      .function("summary", &Session::summary)
      .function("config", &Session::config)
      .function("runJson", &Session::run_json)
      .function("predict", &Session::predict)
      .function("refreshCircuit", &Session::refresh_circuit)
      .function("neuronWaves", &Session::neuron_waves)
      .function("sweepRow", &Session::sweep_row)
      .function("cost", &Session::cost)
      .function("paramHash", &Session::param_hash)
      .function("splitHash", &Session::split_hash);
}
