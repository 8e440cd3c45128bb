#include "grok/grokking/inspect.h"

#include <algorithm>
#include <cmath>

namespace grok {
using nlohmann::json;

std::string predict(Trainer& t, int a, int b, Prediction& out) {
  const Config& c = t.config();
  const int n = t.data().n_elements;
  for (auto [name, v] : {std::pair{"a", a}, std::pair{"b", b}})
    if (v < 0 || v >= n) return std::string(name) + ": operands must be in 0.." + std::to_string(n - 1);
  if (find_op(c.op)->nonzero_b && b == 0) return "b: must not be 0 for " + c.op;
  Eigen::MatrixXf logits;
  t.model().logits(&a, &b, 1, logits);
  const Eigen::VectorXd z = logits.col(0).cast<double>();
  const Eigen::ArrayXd e = (z.array() - z.maxCoeff()).exp();
  const Eigen::ArrayXd prob = e / e.sum();
  std::vector<int> order(prob.size());
  for (int i = 0; i < static_cast<int>(order.size()); ++i) order[i] = i;
  const int k = std::min<int>(3, static_cast<int>(order.size()));
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int x, int y) { return prob(x) > prob(y); });
  Prediction p;
  p.a = a; p.b = b;
  for (int i = 0; i < k; ++i) p.top.push_back({order[i], prob(order[i])});
  p.answer = order[0];
  p.truth = apply_op(c.op, a, b, c.p);
  p.in_train = in_train_set(t.data(), a, b);
  out = std::move(p);
  return "";
}

json prediction_to_json(const Prediction& p) {
  json top = json::array();
  for (const auto& [answer, prob] : p.top) top.push_back({{"answer", answer}, {"prob", prob}});
  return {{"a", p.a}, {"b", p.b}, {"answer", p.answer}, {"truth", p.truth}, {"in_train", p.in_train}, {"top", top}};
}

std::string neuron_waves(Trainer& t, NeuronWaves& out) {
  if (t.config().model != "mlp") return "neuron waves are for the MLP";
  if (t.snapshots().empty()) return "no snapshot yet";
  const Eigen::MatrixXf emb = t.model().token_embedding();  // (tokens x hidden)
  NeuronWaves w;
  for (int u = 0; u < emb.cols(); ++u) w.waves.emplace_back(emb.col(u).data(), emb.col(u).data() + emb.rows());
  w.step = t.snapshots().back().step;
  w.freq = t.snapshots().back().neuron_freq;
  out = std::move(w);
  return "";
}

json neuron_waves_to_json(const NeuronWaves& w) { return {{"step", w.step}, {"freq", w.freq}, {"waves", w.waves}}; }

}  // namespace grok
