// Config: every setting of a grokking run, in one struct, plus the table that describes each field
// (name, default, allowed range, help). The CLI flags, the page's controls and URL validation, the
// run-file schema and the tests all read that one table; nothing else restates a default or a range.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace grok {

struct Config {
  // --- task ---
  std::string op = "add";           // binary operation: add sub mul div sq-sum quad cubic s5
  int p = 97;                       // prime modulus (ignored by s5, which has 120 elements)
  double train_fraction = 0.3;      // share of all pairs used for training, the rest is the test set
  std::string pairs = "all";        // all: every (a, b); unordered: a <= b only (commutative ops, as PAIR)
  // --- model ---
  std::string model = "transformer";// mlp | transformer
  int layers = 1;                   // transformer blocks (1 or 2)
  int d_model = 128;                // residual width (transformer) / embedding width (mlp)
  int heads = 4;                    // attention heads; d_model must be a multiple
  int d_mlp = 512;                  // transformer MLP width
  int hidden = 24;                  // MLP hidden units
  std::string mlp_input = "embed";  // embed: per-operand embeddings then W_in; tied: relu(W[a] + W[b]);
                                    // factored: PAIR's notebook model (see mlp.h)
  std::string activation = "relu";  // relu | quad (x^2, Gromov 2023)
  std::string layer_norm = "none";  // none (Nanda 2023) | post (Power 2022)
  // --- loss and optimizer ---
  std::string loss = "softmax";     // softmax | stablemax (Prieto et al. 2025)
  double lr = 1e-3;                 // AdamW learning rate
  double weight_decay = 1.0;        // decoupled: p -= lr * wd * p, on all parameters
  double beta1 = 0.9;
  double beta2 = 0.98;
  double eps = 1e-8;
  int warmup = 10;                  // linear warmup steps: lr * min(step / warmup, 1)
  int batch_size = 0;               // 0 = full batch
  bool perp_grad = false;           // project gradients perpendicular to the weights (Prieto et al.)
  double grokfast_alpha = 0.98;     // Grokfast-EMA decay (used when grokfast_lambda > 0)
  double grokfast_lambda = 0.0;     // Grokfast-EMA amplification; 0 = off
  // --- run ---
  int steps = 20000;                // optimizer steps
  uint64_t seed = 0;                // data split and initial weights; same seed, same run, native or wasm
  int eval_every = 100;             // metrics every N steps, plus log-spaced steps early on
  bool stop_at_grok = false;        // end the run once test accuracy >= 99%
  int threads = 1;                  // native only: Eigen threads (wasm is single-threaded)
};

// One row of the field table.
struct FieldSpec {
  enum class Kind { Int, Real, Choice, Bool };
  const char* name;                  // snake_case; the CLI flag is its kebab-case
  Kind kind;
  double min, max;                   // inclusive range for Int/Real (Real may be exclusive, see below)
  bool exclusive_min, exclusive_max; // for ranges like train_fraction in (0, 1)
  std::vector<std::string> choices;  // for Choice
  const char* help;
};

const std::vector<FieldSpec>& field_specs();
const FieldSpec* find_field(const std::string& name);

// Generic access by field name (values as double or string) so front ends need no per-field code.
std::string get_field_string(const Config& c, const FieldSpec& f);   // "0.3", "add", "true"
// Sets a field from text; returns "" or a message naming the field and its allowed range/choices.
std::string set_field_from_string(Config& c, const FieldSpec& f, const std::string& text);

// Checks ranges and combinations (p prime, d_model % heads, ...). "" if valid, else one clear line.
std::string validate(const Config& c);

// The task's elements (p of them, or the 120 permutations for S5) and which pairs (a, b) the dataset
// draws from: b runs from first_b(c, a) to n - 1 (all b; b != 0 for division; b >= a for unordered
// pairs). pair_count counts them by that same rule.
int n_elements(const Config& c);
int first_b(const Config& c, int a);
long pair_count(const Config& c);

// Presets, defined once. Each is a base config plus a description.
struct Preset {
  std::string name;
  std::string description;
  Config config;
};
const std::vector<Preset>& presets();
const Preset* find_preset(const std::string& name);

std::string kebab(const std::string& snake);   // train_fraction -> train-fraction
bool is_prime(int n);

}  // namespace grok
