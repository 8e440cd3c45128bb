// The double-descent field table and presets: the single source of every DD default and range.
#include "grok/double_descent/config.h"

#include <algorithm>
#include <cmath>

namespace grok {
namespace {

// Member access per field name (field_table.h); kept next to the table so adding a field touches one file.
struct Visit {
  template <class F>
  bool operator()(DDConfig& c, const std::string& name, F&& f) const {
#define GROK_DD_FIELD(member) \
  if (name == #member) { f(c.member); return true; }
    GROK_DD_FIELD(experiment) GROK_DD_FIELD(axis) GROK_DD_FIELD(model_size) GROK_DD_FIELD(n_min) GROK_DD_FIELD(n_max)
    GROK_DD_FIELD(n_train) GROK_DD_FIELD(n_test) GROK_DD_FIELD(total_features)
    GROK_DD_FIELD(input_dim) GROK_DD_FIELD(p_min) GROK_DD_FIELD(p_max) GROK_DD_FIELD(points)
    GROK_DD_FIELD(trials) GROK_DD_FIELD(noise) GROK_DD_FIELD(ridge) GROK_DD_FIELD(tune_ridge)
    GROK_DD_FIELD(beta_decay) GROK_DD_FIELD(degree_damping) GROK_DD_FIELD(seed)
    GROK_DD_FIELD(width_min) GROK_DD_FIELD(width_max) GROK_DD_FIELD(width) GROK_DD_FIELD(epochs)
    GROK_DD_FIELD(label_noise) GROK_DD_FIELD(downsample)
#undef GROK_DD_FIELD
    return false;
  }
};

// Feature matrices are held as doubles: n_test x p_max (test features) and n_train x p_max must stay
// well inside a browser tab's memory (wasm32 tops out at 2-4 GiB, and the page shares it).
constexpr double kMaxMatrixEntries = 2e7;  // 160 MB of doubles

// The experiments that train networks (dd_network_experiment) and the fields only they have.
const std::vector<std::string> kNetworks = {"nn-mnist1d", "nn-fashion"};

}  // namespace


const std::vector<FieldSpec>& dd_field_specs() {
  using F = FieldSpec;
  const char* g = "Sweep";
  static const std::vector<FieldSpec> specs = {
      F::choice("experiment", {"linear", "relu-features", "legendre", "nn-mnist1d", "nn-fashion"},
                "linear: Gaussian linear regression on the first p of D features; relu-features: random ReLU "
                "features on Gaussian inputs; legendre: 1-D curve fit with damped Legendre features; "
                "nn-mnist1d: two-hidden-layer MLPs trained on MNIST-1D with label noise (a sweep of training runs); "
                "nn-fashion: the same on downsampled Fashion-MNIST images")
          .in(g).labelled("Experiment"),
      F::choice("axis", {"model", "samples"},
                "model: sweep the model size p at a fixed training set; samples: sweep the training-set size n "
                "at a fixed model size (linear and the nn experiments; Nakkiran 2019, \"More data can hurt\")")
          .in(g).labelled("Swept axis"),
      F::integer("model_size", 1, 100000, "axis samples: the fixed model size p (the peak is at n = p)")
          .in(g).labelled("Model size p").only_if("axis", {"samples"}).unless("experiment", kNetworks),
      F::integer("width", 1, 4096, "nn, axis samples: the fixed width H of both hidden layers")
          .in(g).labelled("Width H").only_if("axis", {"samples"}).only_if("experiment", kNetworks),
      F::integer("n_min", 2, 5000, "axis samples: smallest training set").in(g).labelled("Smallest n")
          .only_if("axis", {"samples"}),
      F::integer("n_max", 2, 5000, "axis samples: largest training set").in(g).labelled("Largest n")
          .only_if("axis", {"samples"}),
      F::integer("n_train", 4, 5000, "training samples n (closed-form experiments: the peak is at model size p = n)")
          .in(g).labelled("Training samples n").only_if("axis", {"model"}),
      F::integer("n_test", 10, 100000,
                 "test inputs for test MSE and effective parameters (linear computes both exactly and ignores it)")
          .in(g).labelled("Test inputs").unless("experiment", {"linear"}),
      F::integer("total_features", 1, 100000,
                 "linear: features D of the true model; the learner sees the first p, the rest act as noise")
          .in(g).labelled("True features D").only_if("experiment", {"linear"}),
      F::integer("input_dim", 1, 1000, "relu-features: dimension d of the Gaussian inputs")
          .in(g).labelled("Input dimension d").only_if("experiment", {"relu-features"}),
      F::integer("p_min", 1, 100000, "smallest model size p (number of features)").in(g).labelled("Smallest model p")
          .only_if("axis", {"model"}).unless("experiment", kNetworks),
      F::integer("p_max", 1, 100000, "largest model size p").in(g).labelled("Largest model p")
          .only_if("axis", {"model"}).unless("experiment", kNetworks),
      F::integer("width_min", 1, 4096, "nn: smallest width H (units in each of the two hidden layers)")
          .in(g).labelled("Smallest width H").only_if("axis", {"model"}).only_if("experiment", kNetworks),
      F::integer("width_max", 1, 4096, "nn: largest width H")
          .in(g).labelled("Largest width H").only_if("axis", {"model"}).only_if("experiment", kNetworks),
      F::integer("points", 2, 500,
                 "log-spaced sizes of the swept axis; the closed-form experiments add n/2, n-1, n, n+1, 2n, 4n, 10n "
                 "(axis samples: p/2 .. 4p) when in range")
          .in(g).labelled("Sizes (log-spaced)"),
      F::integer("trials", 1, 1000000, "independent data sets per size (nn: seeds, each its own data and init)")
          .in(g).labelled("Trials per size"),
      F::real("noise", 0, 100, "label noise standard deviation sigma").in(g).labelled("Label noise σ")
          .unless("experiment", kNetworks),
      F::real("label_noise", 0, 1,
              "nn: fraction of training labels redrawn uniformly at random (1 = random labels; test labels stay clean)")
          .in(g).labelled("Label noise (fraction)").only_if("experiment", kNetworks),
      F::integer("epochs", 1, 100000, "nn: training epochs of every run (SGD, batch 100)")
          .in(g).labelled("Epochs").only_if("experiment", kNetworks),
      F::integer("downsample", 1, 28, "nn-fashion: average k x k pixel blocks (1, 2, 4, 7, 14 or 28: 28/k x 28/k features)")
          .in(g).labelled("Downsample k").only_if("experiment", {"nn-fashion"}),
      F::real("ridge", 0, 1e9, "ridge lambda in ||y - Xw||^2 + lambda ||w||^2; 0 = ridgeless minimum-norm fit")
          .in(g).labelled("Ridge λ (0 = none)").unless("experiment", kNetworks),
      F::flag("tune_ridge",
              "choose lambda per model size (linear: optimal lambda from theory; others: best on a validation set)")
          .in(g).labelled("Optimal ridge").unless("experiment", kNetworks),
      F::real("beta_decay", 0, 4,
              "linear: true coefficients beta_j ~ j^-decay, ||beta|| = 1 (0 = all features equally strong)")
          .in(g).labelled("Coefficient decay").only_if("experiment", {"linear"}),
      F::real("degree_damping", 0, 8,
              "legendre: feature of degree k scaled by 1/(k+1)^q with q = this (higher = smoother wide fits)")
          .in(g).labelled("Degree damping q").only_if("experiment", {"legendre"}),
      F::integer("seed", 0, 4294967295.0, "seed of all sampled data").in(g).labelled("Seed"),
  };
  return specs;
}

const FieldSpec* find_dd_field(const std::string& name) { return find_field_in(dd_field_specs(), name); }

bool dd_field_applies(const FieldSpec& f, const DDConfig& c) {
  return conditions_hold(f, [&](const std::string& name) { return get_dd_field_string(c, *find_dd_field(name)); });
}

std::string get_dd_field_string(const DDConfig& c, const FieldSpec& f) { return field_to_string(c, f, Visit{}); }

std::string set_dd_field_from_string(DDConfig& c, const FieldSpec& f, const std::string& text) {
  return field_from_string(c, f, text, Visit{});
}

nlohmann::json dd_config_to_json(const DDConfig& c) { return fields_to_json(c, dd_field_specs(), Visit{}); }

std::string dd_config_from_json(const nlohmann::json& j, DDConfig& c) {
  return fields_from_json(j, c, dd_field_specs(), Visit{});
}

std::string dd_resolve_config(const nlohmann::json& j, DDConfig& out) {
  if (!j.is_object()) return "config: expected a JSON object";
  std::string experiment = "linear";
  if (j.contains("experiment")) {
    if (!j["experiment"].is_string()) return "experiment: expected a string";
    experiment = j["experiment"].get<std::string>();
  }
  const DDPreset* preset = find_dd_preset(experiment);
  if (!preset) {
    DDConfig scratch;  // the setter's message lists the choices
    return set_dd_field_from_string(scratch, *find_dd_field("experiment"), experiment);
  }
  DDConfig c = preset->config;
  std::string err = dd_config_from_json(j, c);
  if (err.empty()) err = validate_dd(c);
  if (!err.empty()) return err;
  out = c;
  return "";
}

bool dd_sample_axis(const DDConfig& c) { return c.axis == "samples"; }
bool dd_network_experiment(const DDConfig& c) { return c.experiment.rfind("nn-", 0) == 0; }
int dd_max_samples(const DDConfig& c) { return dd_sample_axis(c) ? c.n_max : c.n_train; }

std::string validate_dd(const DDConfig& c) {
  const std::string err = check_ranges(c, dd_field_specs(), Visit{});
  if (!err.empty()) return err;
  if (dd_network_experiment(c)) {
    if (dd_sample_axis(c)) {
      if (c.n_min > c.n_max)
        return "n_min: " + std::to_string(c.n_min) + " is larger than n_max (" + std::to_string(c.n_max) + ")";
    } else if (c.width_min > c.width_max) {
      return "width_min: " + std::to_string(c.width_min) + " is larger than width_max (" + std::to_string(c.width_max) + ")";
    }
    if (c.experiment == "nn-fashion" && 28 % c.downsample != 0)
      return "downsample: must divide 28 (1, 2, 4, 7, 14 or 28; got " + std::to_string(c.downsample) + ")";
    return "";
  }
  if (dd_sample_axis(c)) {
    if (c.experiment != "linear")
      return "axis: 'samples' needs the linear or an nn experiment (linear's risk is exact at every n); " +
             c.experiment + " is not";
    if (c.n_min > c.n_max)
      return "n_min: " + std::to_string(c.n_min) + " is larger than n_max (" + std::to_string(c.n_max) + ")";
    if (c.model_size > c.total_features)
      return "model_size: " + std::to_string(c.model_size) + " exceeds total_features (" +
             std::to_string(c.total_features) + "): the linear learner uses the first p of the D true features";
    if (double(c.n_max) * c.total_features > kMaxMatrixEntries)
      return "total_features: n_max x total_features exceeds the limit of 2e7";
    return "";
  }
  if (c.p_min > c.p_max)
    return "p_min: " + std::to_string(c.p_min) + " is larger than p_max (" + std::to_string(c.p_max) + ")";
  if (c.experiment == "linear" && c.p_max > c.total_features)
    return "p_max: " + std::to_string(c.p_max) + " exceeds total_features (" + std::to_string(c.total_features) +
           "): the linear learner uses the first p of the D true features";
  if (double(c.n_train) * c.p_max > kMaxMatrixEntries)
    return "p_max: n_train x p_max = " + format_number(double(c.n_train) * c.p_max) +
           " feature entries exceeds the limit of 2e7; lower p_max or n_train";
  if (c.experiment != "linear" && double(c.n_test) * c.p_max > kMaxMatrixEntries)
    return "n_test: n_test x p_max = " + format_number(double(c.n_test) * c.p_max) +
           " feature entries exceeds the limit of 2e7; lower n_test or p_max";
  if (c.experiment == "linear" && double(c.n_train) * c.total_features > kMaxMatrixEntries)
    return "total_features: n_train x total_features exceeds the limit of 2e7";
  return "";
}

namespace {
DDConfig linear_preset() {
  // Hastie et al. 2019 / Belkin, Hsu & Xu 2019: n = 40 Gaussian samples, D = 400 features, the learner
  // sees the first p. Many trials: the Monte Carlo means are compared with the exact risk.
  DDConfig c;
  c.experiment = "linear"; c.n_train = 40; c.n_test = 400; c.total_features = 400;
  c.p_min = 1; c.p_max = 400; c.points = 40; c.trials = 200; c.noise = 0.5; c.beta_decay = 0.0;
  return c;
}
DDConfig relu_preset() {
  // Belkin et al. 2019, random ReLU features: n = 100 samples in d = 10 dimensions, up to 10 n features
  // (sized for the page: seconds in wasm; docs/double-descent.md has a larger native sweep).
  DDConfig c;
  c.experiment = "relu-features"; c.n_train = 100; c.n_test = 200; c.input_dim = 10;
  c.p_min = 2; c.p_max = 1000; c.points = 30; c.trials = 10; c.noise = 0.2;
  return c;
}
DDConfig legendre_preset() {
  // The picture at a glance: 20 noisy points on [-1, 1], polynomials of growing degree.
  DDConfig c;
  c.experiment = "legendre"; c.n_train = 20; c.n_test = 200;
  c.p_min = 1; c.p_max = 1000; c.points = 40; c.trials = 40; c.noise = 0.2; c.degree_damping = 1.0;
  return c;
}
DDConfig network_preset() {
  // Deep double descent sized for the page (network_dd/plan.h runs it): the MNIST-1D setup of preset
  // mnist1d-dd (Greydanus's notebook: MLP 40-H-H-10, SGD lr 0.01 momentum 0.9, batch 100) on 2000
  // training examples with 20% label noise for 300 epochs, 11 widths from 4 to 192, two seeds each.
  // The native preset has 4000 examples, 15% noise, 500 epochs and 19 widths (docs/deep-learning.md).
  DDConfig c;
  c.experiment = "nn-mnist1d"; c.n_train = 2000; c.n_test = 2000; c.label_noise = 0.2; c.epochs = 300;
  c.width_min = 4; c.width_max = 192; c.points = 11; c.trials = 2;
  c.width = 32; c.n_min = 250; c.n_max = 4000;  // axis samples: near the model-wise threshold
  return c;
}
DDConfig fashion_network_preset() {
  // The same on Fashion-MNIST as the page ships it (web/data/fashion-mnist/: 2000 training and 1000
  // test images): MLP 49-H-H-10 on 7 x 7 images (preset fashion-dd's model and optimizer), 1000 images
  // with 20% of the labels redrawn, 1000 epochs, 11 widths 4..192, one seed (about 36 s of CPU
  // natively). Sizing runs (docs/double-descent.md): 2000 images for 300 epochs never fit their noisy
  // labels (train error 23% at H = 192) and show no peak; at 1000 epochs test error dips at H = 9,
  // peaks near H = 58 and falls again, though the widest still miss 3% of the training labels.
  DDConfig c = network_preset();
  c.experiment = "nn-fashion"; c.n_train = 1000; c.n_test = 1000; c.downsample = 4; c.epochs = 1000;
  c.trials = 1; c.n_min = 100; c.n_max = 2000;
  return c;
}
}  // namespace

const std::vector<DDPreset>& dd_presets() {
  static const std::vector<DDPreset> list = {
      {"linear", "Gaussian linear regression, n = 40, learner uses the first p of D = 400 features; exact theory",
       linear_preset()},
      {"relu-features", "Random ReLU features on 10-d Gaussian inputs, n = 100, nonlinear target", relu_preset()},
      {"legendre", "1-D curve fit: 20 noisy points, Legendre features damped by 1/(k+1)", legendre_preset()},
      {"nn-mnist1d", "Two-hidden-layer MLPs on MNIST-1D, 2000 examples with 20% of the labels redrawn, 300 epochs of SGD; "
                     "widths 4 to 192, two seeds each",
       network_preset()},
      {"nn-fashion", "The same MLPs on 7x7 Fashion-MNIST: 1000 images of the page's subset with 20% of the labels "
                     "redrawn, 1000 epochs of SGD; widths 4 to 192, one seed each",
       fashion_network_preset()},
  };
  return list;
}

const DDPreset* find_dd_preset(const std::string& experiment) {
  for (const auto& p : dd_presets())
    if (p.name == experiment) return &p;
  return nullptr;
}

DDPresetSettings dd_settings_from_params(const TextPairs& params, const std::string& default_experiment) {
  DDPresetSettings out;
  std::string experiment = default_experiment;
  for (const auto& [key, text] : params)
    if (key == "experiment") experiment = text;
  const DDPreset* preset = find_dd_preset(experiment);
  if (!preset) {
    DDConfig scratch;  // the setter's message lists the choices
    const std::string err = set_dd_field_from_string(scratch, *find_dd_field("experiment"), experiment);
    out.notices.push_back({"experiment", err, err + "; using " + default_experiment});
    preset = find_dd_preset(default_experiment);
    if (!preset) preset = &dd_presets().front();
  }
  out.config = preset->config;
  for (auto& n : apply_text_settings(out.config, preset->config, dd_field_specs(), params, {"experiment"}, Visit{}))
    out.notices.push_back(std::move(n));
  return out;
}

TextPairs dd_params_from_settings(const DDConfig& c) {
  const DDPreset* p = find_dd_preset(c.experiment);
  TextPairs out = {{"experiment", c.experiment}};
  for (auto& pair : text_settings_diff(c, p ? p->config : DDConfig{}, dd_field_specs(), Visit{}))
    if (pair.first != "experiment") out.push_back(std::move(pair));
  return out;
}

std::vector<int> dd_model_sizes(const DDConfig& c) {
  std::vector<int> sizes;
  const bool samples = dd_sample_axis(c);
  const bool network = dd_network_experiment(c);
  const int from = samples ? c.n_min : network ? c.width_min : c.p_min;
  const int to = samples ? c.n_max : network ? c.width_max : c.p_max;
  const double lo = std::log(double(from)), hi = std::log(double(to));
  for (int i = 0; i < c.points; ++i) {
    const double t = c.points == 1 ? 0.0 : double(i) / (c.points - 1);
    sizes.push_back(int(std::lround(std::exp(lo + t * (hi - lo)))));
  }
  const int peak = samples ? c.model_size : c.n_train;
  const std::vector<int> extras = samples ? std::vector<int>{peak / 2, peak - 1, peak, peak + 1, 2 * peak, 4 * peak}
                                          : std::vector<int>{peak / 2, peak - 1, peak, peak + 1, 2 * peak, 4 * peak, 10 * peak};
  // A network's peak is not at p = n (it depends on the training): only the log-spaced sizes.
  for (int extra : extras)
    if (!network && extra >= from && extra <= to) sizes.push_back(extra);
  sizes.push_back(from);
  sizes.push_back(to);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

}  // namespace grok
