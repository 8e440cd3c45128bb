// Looking inside a live run: "ask the model" (its answer to one pair, how sure it is, whether the
// pair was trained on) and the MLP's neuron waves (each hidden unit's input wave over the operand,
// with its dominant frequency). The page calls these through the wasm session.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "grok/grokking/trainer.h"

namespace grok {

struct Prediction {
  int a = 0, b = 0;
  int answer = 0;                           // the model's most probable class
  int truth = 0;                            // apply_op(a, b)
  bool in_train = false;                    // (a, b) is a training pair
  std::vector<std::pair<int, double>> top;  // the three most probable classes with their softmax probabilities
};
// "" or why not ("a: operands must be in 0..58", "b: must not be 0 for div").
std::string predict(Trainer& t, int a, int b, Prediction& out);
nlohmann::json prediction_to_json(const Prediction& p);

struct NeuronWaves {
  long step = 0;                            // of the snapshot the frequencies come from
  std::vector<int> freq;                    // per hidden unit: its dominant frequency (0 = none)
  std::vector<std::vector<float>> waves;    // per hidden unit: its column of the token embedding the hidden layer sees
};
// MLP runs with a snapshot only; "" or why not.
std::string neuron_waves(Trainer& t, NeuronWaves& out);
nlohmann::json neuron_waves_to_json(const NeuronWaves& w);

}  // namespace grok
