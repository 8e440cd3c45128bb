// DDConfig: every setting of a double-descent sweep, plus its field table (common/field_table.h) and
// one preset per experiment. Same pattern as the grokking config: the CLI flags, the page's form and
// URL checks, the grok-dd/1 file and the tests all read this table; nothing restates a default, a
// range, a label or which experiment a field applies to. Defaults that differ per experiment live in
// dd_presets() and nowhere else.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grok/common/field_table.h"

namespace grok {

struct DDConfig {
  // linear | relu-features | legendre (see data.h for what each one samples) | nn-mnist1d, nn-fashion
  // (train networks: a sweep of training runs, network_dd/plan.h; the fields below marked nn are theirs)
  std::string experiment = "linear";
  std::string axis = "model";   // model: sweep the model size p at fixed n; samples: sweep n at fixed p (linear)
  int n_train = 40;             // n: training samples; the peak sits at model size p = n
  int n_test = 400;             // test inputs for test MSE and effective parameters (linear: exact, unused)
  int total_features = 400;     // linear: D, features of the true model; the learner uses the first p
  int input_dim = 10;           // relu-features: d, dimension of the Gaussian inputs
  int p_min = 1;                // smallest model size (features used)
  int p_max = 400;              // largest model size
  int points = 40;              // log-spaced sizes of the swept axis (plus the ones around the peak)
  int model_size = 40;          // axis samples: the fixed model size p; the peak sits at n = p
  int n_min = 4;                // axis samples: smallest training set
  int n_max = 200;              // axis samples: largest training set
  int trials = 200;             // independent data sets per model size; medians and means over them
  double noise = 0.5;           // sigma: label noise standard deviation (train and test labels)
  double ridge = 0.0;           // lambda in ||y - X w||^2 + lambda ||w||^2; 0 = ridgeless (minimum norm)
  bool tune_ridge = false;      // pick lambda per model size: linear: theory's optimum; else validation
  double beta_decay = 0.0;      // linear: beta_j proportional to j^-decay, ||beta|| = 1 (0 = isotropic)
  double degree_damping = 1.0;  // legendre: feature k scaled by 1/(k+1)^q, q = this
  uint64_t seed = 0;            // data of trial t comes from (seed, t): same seed, same sweep
  int width_min = 2;            // nn, axis model: smallest hidden width H
  int width_max = 128;          // nn, axis model: largest hidden width H
  int width = 16;               // nn, axis samples: the fixed hidden width H
  int epochs = 100;             // nn: training epochs of every run
  double label_noise = 0.15;    // nn: fraction of training labels redrawn at random (1 = random labels)
  int downsample = 4;           // nn-fashion: average k x k pixel blocks (4: 7 x 7 = 49 features)
};

const std::vector<FieldSpec>& dd_field_specs();
const FieldSpec* find_dd_field(const std::string& name);  // snake_case or kebab-case

// Whether a field affects this config's experiment (the row's conditions: total_features only the
// linear one, ...); the page hides the others and the CLI notes when a flag has no effect.
bool dd_field_applies(const FieldSpec& f, const DDConfig& c);

std::string get_dd_field_string(const DDConfig& c, const FieldSpec& f);
// Sets a field from text; "" or a message naming the field and its allowed range or choices.
std::string set_dd_field_from_string(DDConfig& c, const FieldSpec& f, const std::string& text);

// Ranges, then combinations (p_min <= p_max, linear p_max <= total_features, memory bound).
std::string validate_dd(const DDConfig& c);

nlohmann::json dd_config_to_json(const DDConfig& c);
// Reads the fields present in j over `c`; unknown keys, wrong types and out-of-range values are
// errors naming the key. Does not check combinations (validate_dd does). Returns "" on success.
std::string dd_config_from_json(const nlohmann::json& j, DDConfig& c);
// A partial config as the page and scripts send it: the preset of j["experiment"] (default linear)
// supplies every field j leaves out. Validated; "" or a message naming the field.
std::string dd_resolve_config(const nlohmann::json& j, DDConfig& out);

// One preset per experiment; its name is the experiment's name.
struct DDPreset {
  std::string name;
  std::string description;
  DDConfig config;
};
const std::vector<DDPreset>& dd_presets();
const DDPreset* find_dd_preset(const std::string& experiment);

// Settings as the page address gives them: `experiment` names the preset (default `default_experiment`;
// an unknown one falls back to it with a notice), every other key is a field applied over it
// (field_table.h apply_text_settings). Not validated for combinations; dd_resolve_config does that.
struct DDPresetSettings {
  DDConfig config;
  std::vector<SettingNotice> notices;
};
DDPresetSettings dd_settings_from_params(const TextPairs& params, const std::string& default_experiment);
// The address of a config: its experiment, then every field that differs from that experiment's preset.
TextPairs dd_params_from_settings(const DDConfig& c);

// The sweep's sizes: for axis model, `points` log-spaced model sizes in [p_min, p_max], plus n/2, n-1,
// n, n+1, 2n, 4n and 10n where they fall inside the range (the peak and the points the docs compare);
// for axis samples, log-spaced training-set sizes in [n_min, n_max] plus p/2, p-1, p, p+1, 2p, 4p.
// Network experiments: the log-spaced widths in [width_min, width_max] (or sizes in [n_min, n_max])
// alone, rounded to whole numbers and without repeats.
std::vector<int> dd_model_sizes(const DDConfig& c);
bool dd_sample_axis(const DDConfig& c);
// Whether the experiment trains networks (nn-*): a sweep of training runs (network_dd/plan.h), not a
// closed-form fit (DDSweep refuses it).
bool dd_network_experiment(const DDConfig& c);
int dd_max_samples(const DDConfig& c);  // the largest training set a trial draws

}  // namespace grok
