// The grokking field table: the single source of every default, range, group and live-edit rule.
#include "grok/grokking/config.h"

#include <algorithm>
#include <cmath>

#include "grok/data/fashion_mnist.h"
#include "grok/data/mnist1d.h"

namespace grok {
namespace {

// The standard splits of the dense datasets are their specs' defaults (data/mnist1d.h, data/fashion_mnist.h).
const int kMnist1dTrain = Mnist1dSpec{}.n_train, kMnist1dTest = Mnist1dSpec{}.n_test;
const int kFashionTrain = FashionSpec{}.n_train, kFashionTest = FashionSpec{}.n_test;

// Member access per field name (field_table.h); kept next to the table so adding a field touches one file.
struct Visit {
  template <class F>
  bool operator()(Config& c, const std::string& name, F&& f) const {
#define GROK_FIELD(member) \
  if (name == #member) { f(c.member); return true; }
    GROK_FIELD(dataset) GROK_FIELD(op) GROK_FIELD(p) GROK_FIELD(train_fraction) GROK_FIELD(pairs) GROK_FIELD(n_train)
    GROK_FIELD(n_test) GROK_FIELD(label_noise) GROK_FIELD(downsample) GROK_FIELD(model) GROK_FIELD(layers)
    GROK_FIELD(d_model) GROK_FIELD(heads) GROK_FIELD(d_mlp) GROK_FIELD(mlp_ratio) GROK_FIELD(hidden) GROK_FIELD(depth) GROK_FIELD(mlp_input)
    GROK_FIELD(activation) GROK_FIELD(layer_norm) GROK_FIELD(op_token) GROK_FIELD(attn_bias)
    GROK_FIELD(init) GROK_FIELD(init_scale) GROK_FIELD(optimizer) GROK_FIELD(loss)
    GROK_FIELD(lr) GROK_FIELD(weight_decay) GROK_FIELD(momentum) GROK_FIELD(beta1) GROK_FIELD(beta2) GROK_FIELD(eps)
    GROK_FIELD(warmup) GROK_FIELD(batch_size) GROK_FIELD(last_batch) GROK_FIELD(perp_grad) GROK_FIELD(grokfast)
    GROK_FIELD(grokfast_alpha) GROK_FIELD(grokfast_window) GROK_FIELD(grokfast_lambda) GROK_FIELD(steps) GROK_FIELD(epochs) GROK_FIELD(seed) GROK_FIELD(eval_every)
    GROK_FIELD(stop_at_grok) GROK_FIELD(threads)
#undef GROK_FIELD
    return false;
  }
};

// "operation: add a + b, sub a − b, ..., s5 a ∘ b, ...; in S5 for ..., the others mod p", from ops().
const char* op_help() {
  static const std::string text = [] {
    std::string s = "operation:";
    for (const auto& o : ops()) {
      std::string e = o.expression;
      for (const char* slot : {"{a}", "{b}"})
        for (size_t at; (at = e.find(slot)) != std::string::npos;) e.replace(at, 3, slot[1] == 'a' ? "a" : "b");
      s += std::string(" ") + o.name + " " + e + (o.nonzero_b ? " (b != 0)" : "") + ",";
    }
    s.back() = ';';
    return s + " in S5 for s5, s5conj and s5aba (120 permutations), the others mod p";
  }();
  return text.c_str();
}

std::vector<std::string> commutative_ops() {
  std::vector<std::string> names;
  for (const auto& o : ops())
    if (o.commutative) names.push_back(o.name);
  return names;
}

std::vector<std::string> ops_with_modulus() {
  std::vector<std::string> names;
  for (const auto& o : ops())
    if (o.elements == 0) names.push_back(o.name);
  return names;
}

}  // namespace

const std::vector<FieldSpec>& field_specs() {
  using F = FieldSpec;
  const std::vector<std::string> modular = {"modular"}, dense = {"mnist1d", "fashion-mnist"};
  static const std::vector<FieldSpec> specs = {
      F::choice("dataset", {"modular", "mnist1d", "fashion-mnist"},
                "modular: token pairs of a modular operation; mnist1d: Greydanus's 1-D digits (40 features, generated); "
                "fashion-mnist: Debian's dataset-fashion-mnist images (784 features)")
          .in("Task"),
      F::choice("op", op_names(), op_help()).in("Task").only_if("dataset", modular),
      F::integer("p", 3, 509, "prime modulus").in("Task").only_if("op", ops_with_modulus()).only_if("dataset", modular),
      F::real("train_fraction", 0, 1, "fraction of all pairs used for training").exclusive(true, true).in("Task")
          .only_if("dataset", modular),
      F::choice("pairs", {"all", "unordered", "nonzero-b"},
                "which pairs make the dataset: every (a, b), a <= b only (commutative ops; PAIR's setup), or every "
                "(a, b) with b != 0 (ironjr/grokfast's x*y)")
          .in("Task").only_if("dataset", modular),
      F::integer("n_train", 0, 1000000,
                 "training examples (0 = the standard split: mnist1d 4000, fashion-mnist 60000; fashion-mnist takes a "
                 "seeded subset)")
          .in("Task").only_if("dataset", dense),
      F::integer("n_test", 0, 1000000, "test examples (0 = the standard split: mnist1d 1000, fashion-mnist 10000)")
          .in("Task").only_if("dataset", dense),
      F::real("label_noise", 0, 1,
              "share of training labels redrawn uniformly at random, chosen by the seed (1 = random labels)")
          .in("Task").only_if("dataset", dense),
      F::integer("downsample", 1, 28, "fashion-mnist: average k x k pixel blocks (1, 2, 4, 7, 14 or 28)")
          .in("Task").only_if("dataset", {"fashion-mnist"}),
      F::choice("model", {"mlp", "transformer"}, "architecture").in("Model"),
      F::integer("layers", 1, 2, "transformer blocks").in("Model").only_if("model", {"transformer"}),
      F::integer("d_model", 4, 1024, "residual width (transformer) or embedding width (mlp)").in("Model")
          .only_if("dataset", modular),
      F::integer("heads", 1, 16, "attention heads (d_model must be a multiple)").in("Model")
          .only_if("model", {"transformer"}),
      F::integer("d_mlp", 4, 8192, "transformer MLP width").in("Model").only_if("model", {"transformer"})
          .only_if("mlp_ratio", {"0"}),
      F::integer("mlp_ratio", 0, 64, "transformer MLP width as a multiple of d_model (0 = d_mlp sets it)").in("Model")
          .only_if("model", {"transformer"}),
      F::integer("hidden", 1, 16384, "MLP model: hidden units (of every hidden layer)").in("Model")
          .only_if("model", {"mlp"}),
      F::integer("depth", 1, 16, "MLP on dense features: hidden layers").in("Model").only_if("model", {"mlp"})
          .only_if("dataset", dense),
      F::choice("mlp_input", {"embed", "tied", "factored"},
                "MLP input: per-operand embeddings (embed), one input matrix shared by a and b (tied), or PAIR's "
                "factored model: one d_model-wide embedding shared by a, b and the output, no biases (factored)")
          .in("Model").only_if("model", {"mlp"}).only_if("dataset", modular),
      F::choice("activation", {"relu", "quad", "gelu"},
                "hidden activation: relu, x^2, or GELU in its exact erf form (nn.GELU(); transformer only)").in("Model"),
      F::choice("layer_norm", {"none", "post", "pre", "pre-inplace"},
                "transformer LayerNorm: none (Nanda), post-LN (Power), pre-LN (before attention and MLP, and a final "
                "LN before the unembedding), or pre-inplace: pre-LN whose first LN replaces the residual stream "
                "(x = LN1(x); x = x + attn(x)), as ironjr/grokfast's model")
          .in("Model").only_if("model", {"transformer"}),
      F::flag("op_token", "transformer input [a, op, b, =] (Power; Grokfast) instead of [a, b, =], and logits over "
                          "the whole vocabulary (the answers, '=' and the op token)")
          .in("Model").only_if("model", {"transformer"}),
      F::flag("attn_bias", "attention with in- and out-projection biases (nn.MultiheadAttention)").in("Model")
          .only_if("model", {"transformer"}),
      F::choice("init", {"nanda", "torch"},
                "transformer init: nanda (N(0, 1/d_model), unembedding N(0, 1/vocab), biases 0) or torch (the "
                "default init of nn.Embedding, nn.MultiheadAttention, nn.Linear and nn.LayerNorm)")
          .in("Model").only_if("model", {"transformer"}),
      F::real("init_scale", 0, 1000, "every parameter multiplied by this after its usual init (Omnigrok's alpha)")
          .exclusive(true, false).in("Model"),
      F::choice("optimizer", {"adamw", "adam", "sgd"},
                "adamw: decoupled weight decay; adam: weight decay as an L2 term in the gradient "
                "(torch.optim.Adam); sgd: with momentum (torch.optim.SGD)")
          .in("Optimizer"),
      F::choice("loss", {"softmax", "stablemax", "mse"},
                "cross-entropy over softmax (ce) or StableMax, or the squared error against one-hot targets")
          .alias("ce", "softmax").in("Optimizer"),
      F::real("lr", 0, 1, "learning rate").exclusive(true, false).in("Optimizer").changes_live(),
      F::real("weight_decay", 0, 100, "weight decay: adamw p -= lr*wd*p; adam and sgd add wd*p to the gradient")
          .in("Optimizer").changes_live(),
      F::real("momentum", 0, 1, "sgd momentum").exclusive(false, true).in("Optimizer").only_if("optimizer", {"sgd"}),
      F::real("beta1", 0, 1, "Adam beta1").exclusive(false, true).in("Optimizer").changes_live()
          .unless("optimizer", {"sgd"}),
      F::real("beta2", 0, 1, "Adam beta2").exclusive(false, true).in("Optimizer").changes_live()
          .unless("optimizer", {"sgd"}),
      F::real("eps", 0, 1, "Adam epsilon").exclusive(true, false).in("Optimizer").changes_live()
          .unless("optimizer", {"sgd"}),
      F::integer("warmup", 0, 1000000, "linear learning-rate warmup steps").in("Optimizer"),
      F::integer("batch_size", 0, 1000000, "examples per step; 0 = full batch").in("Optimizer"),
      F::choice("last_batch", {"wrap", "short"},
                "minibatches: wrap (every batch full, one epoch runs into the next) or short (each epoch ends with "
                "the remainder, as torch.split or a DataLoader that keeps it)")
          .in("Optimizer"),
      F::flag("perp_grad", "use gradients perpendicular to the weights").in("Optimizer").changes_live(),
      F::choice("grokfast", {"ema", "ma"},
                "Grokfast filter: ema (exponential moving average of the gradients) or ma (mean of the last "
                "grokfast_window gradients, applied once the window is full)")
          .in("Optimizer"),
      F::real("grokfast_alpha", 0, 1, "Grokfast-EMA decay").exclusive(false, true).in("Optimizer").changes_live()
          .only_if("grokfast", {"ema"}),
      F::integer("grokfast_window", 1, 1000, "Grokfast-MA window (gradients kept: memory grows with it)").in("Optimizer")
          .only_if("grokfast", {"ma"}),
      F::real("grokfast_lambda", 0, 100, "Grokfast amplification of the filtered gradient; 0 = off").in("Optimizer")
          .changes_live(),
      F::integer("steps", 1, 100000000, "optimizer steps").in("Run").changes_on_resume(),
      F::integer("epochs", 0, 10000000, "passes over the training set; > 0 sets steps to epochs x steps per epoch")
          .in("Run"),
      F::integer("seed", 0, 4294967295.0, "seed for the data split and initial weights").in("Run"),
      F::integer("eval_every", 1, 1000000, "metrics interval in steps (plus log-spaced early steps)").in("Run")
          .changes_live(),
      F::flag("stop_at_grok", "stop once test accuracy reaches 99%").in("Run").changes_on_resume(),
      F::integer("threads", 0, 256, "CPU threads for one run, native build (0: every core; a sweep runs one per run)").in("Run").changes_on_resume().native().neutral(),
  };
  return specs;
}

const FieldSpec* find_field(const std::string& name) { return find_field_in(field_specs(), name); }

std::string get_field_string(const Config& c, const FieldSpec& f) { return field_to_string(c, f, Visit{}); }

std::string set_field_from_string(Config& c, const FieldSpec& f, const std::string& text) {
  return field_from_string(c, f, text, Visit{});
}

bool field_applies(const FieldSpec& f, const Config& c) {
  return conditions_hold(f, [&](const std::string& name) { return get_field_string(c, *find_field(name)); });
}

std::vector<SettingNotice> apply_text_settings(Config& c, const Config& base, const TextPairs& pairs,
                                               const std::vector<std::string>& skip) {
  return apply_text_settings(c, base, field_specs(), pairs, skip, Visit{});
}

TextPairs text_settings_diff(const Config& c, const Config& base) {
  return text_settings_diff(c, base, field_specs(), Visit{});
}

nlohmann::json config_to_json(const Config& c) { return fields_to_json(c, field_specs(), Visit{}); }

std::string config_from_json(const nlohmann::json& j, Config& c) { return fields_from_json(j, c, field_specs(), Visit{}); }

bool is_prime(int n) {
  if (n < 2) return false;
  for (int d = 2; d * d <= n; ++d)
    if (n % d == 0) return false;
  return true;
}

PairSpec pair_spec(const Config& c) {
  PairSpec s;
  s.op = c.op; s.p = c.p; s.unordered = c.pairs == "unordered";
  s.nonzero_b = c.pairs == "nonzero-b"; s.train_fraction = c.train_fraction; s.seed = c.seed;
  return s;
}
int n_elements(const Config& c) { return n_elements(pair_spec(c)); }
long pair_count(const Config& c) { return pair_count(pair_spec(c)); }

std::string make_dataset(const Config& config, Dataset& out) {
  const std::string err = validate(config);
  if (!err.empty()) return err;
  make_token_pairs(pair_spec(config), out);
  return "";
}

bool dense_dataset(const Config& c) { return c.dataset != "modular"; }

int dense_train_size(const Config& c) {
  if (c.n_train > 0) return c.n_train;
  return c.dataset == "fashion-mnist" ? kFashionTrain : kMnist1dTrain;
}

int dense_test_size(const Config& c) {
  if (c.n_test > 0) return c.n_test;
  return c.dataset == "fashion-mnist" ? kFashionTest : kMnist1dTest;
}

int dense_feature_dim(const Config& c) {
  return c.dataset == "fashion-mnist" ? fashion_mnist_dim(c.downsample) : Mnist1dSpec{}.final_seq_length;
}

int dense_classes(const Config&) { return 10; }  // both are ten-class datasets (digits, clothing)

long train_size(const Config& c) { return dense_dataset(c) ? dense_train_size(c) : train_count(pair_spec(c)); }

long run_steps(const Config& c) {
  if (c.epochs <= 0) return c.steps;
  const long n = train_size(c);
  const long batch = c.batch_size > 0 ? std::min<long>(c.batch_size, n) : n;
  return c.epochs * ((n + batch - 1) / batch);
}

Config normalized(const Config& c) {
  Config out = c;
  out.steps = static_cast<int>(std::min<long>(run_steps(c), 100000000));
  return out;
}

std::string config_difference(const Config& a, const Config& b, const std::function<bool(const FieldSpec&)>& skip) {
  const Config na = normalized(a), nb = normalized(b);  // an epochs run states its steps
  for (const auto& f : field_specs()) {
    if (skip && skip(f)) continue;
    const std::string va = get_field_string(na, f), vb = get_field_string(nb, f);
    if (va != vb) return std::string(f.name) + " " + va + " vs " + vb;
  }
  return "";
}

std::string make_feature_data(const Config& c, FeatureData& out) {
  const std::string err = validate(c);
  if (!err.empty()) return err;
  if (!dense_dataset(c)) return "dataset: modular has token pairs, not dense features";
  if (c.dataset == "mnist1d") {
    Mnist1dSpec spec;
    spec.n_train = dense_train_size(c);
    spec.n_test = dense_test_size(c);
    spec.seed = c.seed;
    make_mnist1d(spec, out);
  } else {
    FashionSpec spec;
    spec.n_train = dense_train_size(c);
    spec.n_test = dense_test_size(c);
    spec.downsample = c.downsample;
    spec.seed = c.seed;
    const std::string load = load_fashion_mnist(spec, out);
    if (!load.empty()) return load;
  }
  apply_label_noise(out, c.label_noise, c.seed);
  return "";
}

namespace {
// A batch larger than the training set would silently be the full batch: say so instead.
std::string check_batch_size(const Config& c) {
  const long n = train_size(c);
  if (c.batch_size > n)
    return "batch_size: " + std::to_string(c.batch_size) + " is more than the " + std::to_string(n) +
           " training examples (0 = full batch)";
  return "";
}
}  // namespace

std::string validate(const Config& c) {
  // Ranges first (the same check the setters do), then combinations.
  const std::string err = check_ranges(c, field_specs(), Visit{});
  if (!err.empty()) return err;
  if (c.activation == "gelu" && c.model != "transformer")
    return "activation: gelu is offered for the transformer only; the " + c.model + " model takes relu or quad";
  if (dense_dataset(c)) {
    if (c.model != "mlp")
      return "model: " + c.model + " reads token pairs; the " + c.dataset + " dataset needs model mlp";
    if (c.dataset == "fashion-mnist") {
      if (dense_train_size(c) > kFashionTrain)
        return "n_train: " + std::to_string(c.n_train) + " is more than fashion-mnist's " + std::to_string(kFashionTrain) +
               " training images";
      if (dense_test_size(c) > kFashionTest)
        return "n_test: " + std::to_string(c.n_test) + " is more than fashion-mnist's " + std::to_string(kFashionTest) +
               " test images";
      if (kFashionSide % c.downsample != 0)
        return "downsample: " + std::to_string(c.downsample) + " does not divide " + std::to_string(kFashionSide) +
               " (the images' side in pixels)";
    }
    if (run_steps(c) > 100000000) return "epochs: " + std::to_string(c.epochs) + " epochs are more than 100000000 steps";
    return check_batch_size(c);
  }
  if (find_op(c.op)->elements == 0 && !is_prime(c.p))
    return "p: " + std::to_string(c.p) + " is not prime (modular division and the Fourier analysis need a prime)";
  if (c.model == "transformer" && c.d_model % c.heads != 0)
    return "heads: d_model (" + std::to_string(c.d_model) + ") must be a multiple of heads (" +
           std::to_string(c.heads) + ")";
  if (c.pairs == "unordered" && !find_op(c.op)->commutative) {
    std::string list;
    for (const auto& name : commutative_ops()) list += (list.empty() ? "" : ", ") + name;
    return "pairs: 'unordered' needs a commutative op (" + list + "); " + c.op + " is not";
  }
  const long pairs = pair_count(c);
  const long train = train_count(pair_spec(c));
  if (train < 1 || train >= pairs)
    return "train_fraction: " + format_number(c.train_fraction) + " of " + std::to_string(pairs) +
           " pairs leaves an empty train or test set";
  return check_batch_size(c);
}

}  // namespace grok
