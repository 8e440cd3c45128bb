// Config: every setting of a grokking run, in one struct, plus its field table (common/field_table.h:
// name, default, range, help, form group, when it applies, whether it may change mid-run). The CLI
// flags, the page's form and URL checks, live edits, the run file's config and the tests all read
// that one table; nothing else restates a default, a range or a group. Presets: presets.h.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grok/common/field_table.h"
#include "grok/data/features.h"
#include "grok/data/token_pairs.h"

namespace grok {

struct Config {
  // --- task ---
  std::string dataset = "modular";  // modular: token pairs of an operation; mnist1d, fashion-mnist: dense features
  std::string op = "add";           // binary operation (data/token_pairs.h ops())
  int p = 97;                       // prime modulus (ignored by s5, which has 120 elements)
  double train_fraction = 0.3;      // share of all pairs used for training, the rest is the test set
  std::string pairs = "all";        // all: every (a, b); unordered: a <= b only (commutative ops, as PAIR);
                                    // nonzero-b: b runs over 1..n-1 (ironjr/grokfast's x*y data)
  int n_train = 0;                  // dense datasets: training examples (0 = the dataset's standard split)
  int n_test = 0;                   // dense datasets: test examples (0 = the dataset's standard split)
  double label_noise = 0.0;         // share of training labels redrawn uniformly at random (1 = random labels)
  int downsample = 1;               // fashion-mnist: k x k pixel blocks averaged (28 / k pixels a side)
  // --- model ---
  std::string model = "transformer";// mlp | transformer
  int layers = 1;                   // transformer blocks (1 or 2)
  int d_model = 128;                // residual width (transformer) / embedding width (mlp)
  int heads = 4;                    // attention heads; d_model must be a multiple
  int d_mlp = 512;                  // transformer MLP width
  int mlp_ratio = 0;                // > 0: the MLP width is mlp_ratio x d_model (d_mlp is then unused)
  int hidden = 24;                  // MLP hidden units (every hidden layer of the feature MLP)
  int depth = 1;                    // feature MLP: hidden layers
  std::string mlp_input = "embed";  // embed: per-operand embeddings then W_in; tied: relu(W[a] + W[b]);
                                    // factored: PAIR's notebook model (see models/token_mlp.h)
  std::string activation = "relu";  // relu | quad (x^2, Gromov 2023) | gelu (exact erf form; transformer)
  std::string layer_norm = "none";  // none (Nanda 2023) | post (Power 2022) | pre | pre-inplace (ironjr/grokfast)
  bool op_token = false;            // transformer input [a, op, b, =] and logits over the whole vocabulary
  bool attn_bias = false;           // attention in- and out-projection biases (nn.MultiheadAttention)
  std::string init = "nanda";       // transformer init: nanda (N(0, 1/d_model)) | torch (PyTorch modules' defaults)
  double init_scale = 1.0;          // every parameter multiplied by this after init (Omnigrok's alpha)
  // --- loss and optimizer ---
  std::string optimizer = "adamw";  // adamw | adam (L2 in the gradient) | sgd (with momentum)
  std::string loss = "softmax";     // softmax (cross-entropy, "ce") | stablemax (Prieto et al. 2025) | mse (one-hot)
  double lr = 1e-3;                 // learning rate
  double weight_decay = 1.0;        // adamw: decoupled, p -= lr * wd * p; adam, sgd: + wd * p in the gradient
  double momentum = 0.0;            // sgd: heavy-ball momentum (torch.optim.SGD, no dampening)
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  int warmup = 10;                  // linear warmup steps: lr * min(step / warmup, 1)
  int batch_size = 0;               // 0 = full batch
  std::string last_batch = "wrap";  // wrap: every batch full, epochs run on into each other; short: each
                                    // epoch ends with the remainder (torch.split, a DataLoader keeping it)
  bool perp_grad = false;           // project gradients perpendicular to the weights (Prieto et al.)
  std::string grokfast = "ema";     // Grokfast filter when grokfast_lambda > 0: ema | ma (moving average)
  double grokfast_alpha = 0.98;     // Grokfast-EMA decay
  int grokfast_window = 100;        // Grokfast-MA window (gradients averaged; off until the window is full)
  double grokfast_lambda = 0.0;     // Grokfast amplification; 0 = off
  // --- run ---
  int steps = 20000;                // optimizer steps
  int epochs = 0;                   // > 0: steps = epochs x steps per epoch (ceil(n_train / batch))
  uint64_t seed = 0;                // data split and initial weights; same seed, same run, native or wasm
  int eval_every = 100;             // metrics every N steps, plus log-spaced steps early on
  bool stop_at_grok = false;        // end the run once test accuracy >= 99%
  int threads = 0;                  // native only: the run's threads, 0 = every core (wasm: one)
};

const std::vector<FieldSpec>& field_specs();
const FieldSpec* find_field(const std::string& name);

// Generic access by field name (values as text) so front ends need no per-field code.
std::string get_field_string(const Config& c, const FieldSpec& f);   // "0.3", "add", "true"
// Sets a field from text; returns "" or a message naming the field and its allowed range/choices.
std::string set_field_from_string(Config& c, const FieldSpec& f, const std::string& text);
// Whether a field means anything for this config (the row's conditions: `layers` only for a transformer).
bool field_applies(const FieldSpec& f, const Config& c);

// Checks ranges and combinations (p prime, d_model % heads, ...). "" if valid, else one clear line.
std::string validate(const Config& c);

// Text settings over `c` (field_table.h apply_text_settings), and the fields of `c` whose text
// differs from `base` (the shortest description of c on top of a preset).
std::vector<SettingNotice> apply_text_settings(Config& c, const Config& base, const TextPairs& pairs,
                                               const std::vector<std::string>& skip = {});
TextPairs text_settings_diff(const Config& c, const Config& base);

nlohmann::json config_to_json(const Config& c);
// Reads fields present in j over `c` (so a partial config overrides defaults). Unknown keys, wrong
// types and out-of-range values are errors naming the key. Returns "" on success.
std::string config_from_json(const nlohmann::json& j, Config& c);

// The token-pair dataset the config describes (data/token_pairs.h) and its size.
PairSpec pair_spec(const Config& c);
int n_elements(const Config& c);
long pair_count(const Config& c);
// Validates the config, then builds its token-pair dataset. "" or a message naming the field.
std::string make_dataset(const Config& config, Dataset& out);

// Dense datasets (data/features.h): whether the config uses one, its training and test sizes (the
// standard split when n_train / n_test are 0), and the steps a run takes (epochs x steps per epoch
// when epochs > 0, else steps).
bool dense_dataset(const Config& c);
int dense_train_size(const Config& c);
int dense_test_size(const Config& c);
long train_size(const Config& c);  // training examples of either kind
int dense_feature_dim(const Config& c);  // features per example: mnist1d 40, fashion-mnist (28 / downsample)^2
int dense_classes(const Config& c);      // 10 for both
long run_steps(const Config& c);
// The config as a run uses it: steps = run_steps (so a run file of an epochs run states its steps).
Config normalized(const Config& c);
// Names the first field in which two configs differ ("seed 0 vs 7"), or "" if equal, both as runs
// use them (normalized). Rows for which `skip` says true are not compared: the two usual skips are
// the fields a resume may change (they do not alter what has been computed so far) and the fields
// that never change what a run computes (threads).
std::string config_difference(const Config& a, const Config& b,
                              const std::function<bool(const FieldSpec&)>& skip = nullptr);
inline bool resumable(const FieldSpec& f) { return f.resumable; }
inline bool neutral(const FieldSpec& f) { return f.result_neutral; }
// Validates the config, then builds (generates or loads) its dense dataset, label noise applied.
std::string make_feature_data(const Config& config, FeatureData& out);

bool is_prime(int n);

}  // namespace grok
