// The WebAssembly front end: a thin embind layer over the core, no logic of its own. Everything
// crosses the boundary as JSON strings (one call per chunk of steps, so the cost is negligible).
//   const m = await createGrokModule();
//   JSON.parse(m.schema())                  -> {fields, presets, run_schema}
//   const s = new m.Session(); s.init(json)  -> "" or an error naming the field
//   s.run(n) -> steps run; s.metricsSince(i), s.snapshotsSince(i), s.summary(), s.runJson() -> JSON
//   s.predict(a, b) -> JSON "ask the model";  m.checkRunFile(text) -> "" or what is wrong with it
//   s.refreshCircuit() -> true if restricted/excluded losses were re-scored; s.neuronWaves() -> JSON
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "grok/run_file.h"
#include "grok/trainer.h"

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
  // "Ask the model": its answer to (a op b), the true answer, whether the pair was trained on, and
  // the three most probable classes (softmax of the logits). {"error": ...} for operands out of range.
  std::string predict(int a, int b) const {
    if (!trainer_) return json{{"error", "no run"}}.dump();
    const grok::Config& c = trainer_->config();
    const int n = trainer_->data().n_elements;
    if (a < 0 || a >= n || b < 0 || b >= n) return json{{"error", "operands must be in 0.." + std::to_string(n - 1)}}.dump();
    if (c.op == "div" && b == 0) return json{{"error", "b must not be 0 for division"}}.dump();
    Eigen::MatrixXf logits;
    trainer_->model().logits(&a, &b, 1, logits);
    const Eigen::VectorXd z = logits.col(0).cast<double>();
    const Eigen::ArrayXd e = (z.array() - z.maxCoeff()).exp();
    const Eigen::ArrayXd prob = e / e.sum();
    std::vector<int> order(prob.size());
    for (int i = 0; i < int(order.size()); ++i) order[i] = i;
    const int k = std::min<int>(3, int(order.size()));
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int x, int y) { return prob(x) > prob(y); });
    json top = json::array();
    for (int i = 0; i < k; ++i) top.push_back({{"answer", order[i]}, {"prob", prob(order[i])}});
    const grok::Examples& tr = trainer_->data().train;
    bool in_train = false;
    for (int i = 0; i < tr.size() && !in_train; ++i) in_train = tr.a[i] == a && tr.b[i] == b;
    return json{{"a", a}, {"b", b}, {"answer", order[0]}, {"truth", grok::apply_op(c.op, a, b, c.p)},
                {"in_train", in_train}, {"top", top}}.dump();
  }
  // Re-scores every snapshot's restricted/excluded loss against the latest key frequencies (see
  // Trainer::refresh_circuit); true if they changed, and the page then refetches snapshotsSince(0).
  bool refresh_circuit() { return trainer_ && trainer_->refresh_circuit(); }
  // MLP only: each hidden unit's input wave over the operand (its column of the token embedding the
  // hidden layer sees, grok/model.h) and its dominant frequency at the latest snapshot.
  std::string neuron_waves() const {
    if (!trainer_) return json{{"error", "no run"}}.dump();
    if (trainer_->config().model != "mlp") return json{{"error", "neuron waves are for the MLP"}}.dump();
    if (trainer_->snapshots().empty()) return json{{"error", "no snapshot yet"}}.dump();
    const Eigen::MatrixXf emb = trainer_->model().token_embedding();  // (tokens x hidden)
    json waves = json::array();
    for (int u = 0; u < emb.cols(); ++u) {
      std::vector<float> w(emb.col(u).data(), emb.col(u).data() + emb.rows());
      waves.push_back(w);
    }
    const auto& snap = trainer_->snapshots().back();
    return json{{"step", snap.step}, {"freq", snap.neuron_freq}, {"waves", waves}}.dump();
  }
  // Fingerprints compared with the native build (same seed -> same split and initial weights).
  std::string param_hash() const { return trainer_ ? std::to_string(trainer_->model().params().hash()) : ""; }
  std::string split_hash() const { return trainer_ ? std::to_string(grok::split_hash(trainer_->data())) : ""; }

 private:
  std::unique_ptr<grok::Trainer> trainer_;
};

std::string schema() { return grok::schema_json().dump(); }
// The page checks a run file with the core's own reader (one definition of the format).
std::string check_run_file(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return "run file: not valid JSON";
  grok::RunData run;
  return grok::run_from_json(j, run);
}
std::string simd_in_use() { return Eigen::SimdInstructionSetsInUse(); }

}  // namespace

EMSCRIPTEN_BINDINGS(grok) {
  emscripten::function("schema", &schema);
  emscripten::function("simdInUse", &simd_in_use);
  emscripten::function("checkRunFile", &check_run_file);
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("init", &Session::init)
      .function("ready", &Session::ready)
      .function("run", &Session::run)
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
      .function("paramHash", &Session::param_hash)
      .function("splitHash", &Session::split_hash);
}
