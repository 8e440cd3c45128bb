// DDConfig: every setting of a double-descent sweep, plus its field table (name, default, range,
// help) and one preset per experiment. Same pattern as config.h: the CLI flags, the page's controls
// and URL validation, the dd.json schema and the tests all read this table; nothing restates a
// default or a range. Defaults that differ per experiment live in dd_presets() and nowhere else.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "grok/config.h"  // FieldSpec, kebab

namespace grok {

struct DDConfig {
  // linear | relu-features | legendre (see dd_data.h for what each one samples)
  std::string experiment = "linear";
  int n_train = 40;             // n: training samples; the peak sits at model size p = n
  int n_test = 400;             // test inputs for test MSE and effective parameters (linear: exact, unused)
  int total_features = 400;     // linear: D, features of the true model; the learner uses the first p
  int input_dim = 10;           // relu-features: d, dimension of the Gaussian inputs
  int p_min = 1;                // smallest model size (features used)
  int p_max = 400;              // largest model size
  int points = 40;              // log-spaced model sizes between p_min and p_max (plus n and its multiples)
  int trials = 200;             // independent data sets per model size; medians and means over them
  double noise = 0.5;           // sigma: label noise standard deviation (train and test labels)
  double ridge = 0.0;           // lambda in ||y - X w||^2 + lambda ||w||^2; 0 = ridgeless (minimum norm)
  bool tune_ridge = false;      // pick lambda per model size: linear: theory's optimum; else validation
  double beta_decay = 0.0;      // linear: beta_j proportional to j^-decay, ||beta|| = 1 (0 = isotropic)
  double degree_damping = 1.0;  // legendre: feature k scaled by 1/(k+1)^q, q = this
  uint64_t seed = 0;            // data of trial t comes from (seed, t): same seed, same sweep
};

const std::vector<FieldSpec>& dd_field_specs();
const FieldSpec* find_dd_field(const std::string& name);  // snake_case or kebab-case

// Whether a field affects the given experiment (total_features only the linear one, ...); the page
// hides the others and the CLI notes when a flag has no effect.
bool dd_field_applies(const FieldSpec& f, const std::string& experiment);

std::string get_dd_field_string(const DDConfig& c, const FieldSpec& f);
// Sets a field from text; "" or a message naming the field and its allowed range or choices.
std::string set_dd_field_from_string(DDConfig& c, const FieldSpec& f, const std::string& text);

// Ranges, then combinations (p_min <= p_max, linear p_max <= total_features, memory bound).
std::string validate_dd(const DDConfig& c);

// One preset per experiment; its name is the experiment's name.
struct DDPreset {
  std::string name;
  std::string description;
  DDConfig config;
};
const std::vector<DDPreset>& dd_presets();
const DDPreset* find_dd_preset(const std::string& experiment);

// The sweep's model sizes: `points` log-spaced integers in [p_min, p_max], plus n/2, n-1, n, n+1,
// 2n, 4n and 10n where they fall inside the range (the peak and the points the docs compare).
std::vector<int> dd_model_sizes(const DDConfig& c);

}  // namespace grok
