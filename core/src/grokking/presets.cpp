// The presets (presets.h): each one a config with the paper, notebook or tuning it comes from.
#include "grok/grokking/presets.h"

namespace grok {

namespace {
Config nanda2023() {
  Config c;  // Nanda et al. 2023: a+b mod 113, 1-layer transformer, no LayerNorm, full batch.
  c.op = "add"; c.p = 113; c.train_fraction = 0.3; c.model = "transformer"; c.layers = 1;
  c.d_model = 128; c.heads = 4; c.d_mlp = 512; c.layer_norm = "none";
  c.lr = 1e-3; c.weight_decay = 1.0; c.beta1 = 0.9; c.beta2 = 0.98; c.warmup = 10;
  c.batch_size = 0; c.steps = 25000; c.eval_every = 100;
  return c;
}
Config power2022() {
  Config c;  // Power et al. 2022 (openai/grok): x/y mod 97, 2-layer post-LN decoder, 50% data.
  c.op = "div"; c.p = 97; c.train_fraction = 0.5; c.model = "transformer"; c.layers = 2;
  c.d_model = 128; c.heads = 4; c.d_mlp = 512; c.layer_norm = "post";
  c.lr = 1e-3; c.weight_decay = 1.0; c.beta1 = 0.9; c.beta2 = 0.98; c.warmup = 10;
  c.batch_size = 512; c.steps = 50000; c.eval_every = 200;
  return c;
}
Config grokfast2024_baseline() {
  // ironjr/grokfast main.py without a filter (Lee et al. 2024's baseline): x*y mod 97 over x in 0..96,
  // y in 1..96, a random half of the 9312 pairs to train; a 2-layer decoder of width 128 with 4 heads,
  // its Block's pre-LN (ln_1 replaces the residual stream), a GELU MLP of 4x width, nn.MultiheadAttention
  // (biases), [x, op, y, =] in and logits over all 99 tokens out, torch's default init; torch.optim.Adam
  // lr 1e-3 betas (0.9, 0.98), weight_decay 0 (main.py's default), LambdaLR warmup over the first 10
  // updates; batch 512 from a shuffle each epoch with its last batch of 48 kept (torch.split), so 10
  // steps an epoch. main.py's budget is 3e5 steps; its README reports 95% validation accuracy at step
  // 39,890, so 100,000 here (--steps 300000 for the whole budget). Evaluated every 100 steps.
  Config c;
  c.op = "mul"; c.p = 97; c.pairs = "nonzero-b"; c.train_fraction = 0.5;
  c.model = "transformer"; c.layers = 2; c.d_model = 128; c.heads = 4; c.mlp_ratio = 4;
  c.layer_norm = "pre-inplace"; c.activation = "gelu"; c.op_token = true; c.attn_bias = true; c.init = "torch";
  c.optimizer = "adam"; c.lr = 1e-3; c.beta1 = 0.9; c.beta2 = 0.98; c.eps = 1e-8; c.weight_decay = 0;
  c.warmup = 10; c.batch_size = 512; c.last_batch = "short";
  c.steps = 100000; c.eval_every = 100;
  return c;
}
Config grokfast2024() {
  // The same with Grokfast-EMA as its README runs it: --filter ema --alpha 0.98 --lamb 2.0
  // --weight_decay 0.005 (95% validation accuracy at step 910 there). Evaluated every 10 steps (once
  // an epoch, as main.py).
  Config c = grokfast2024_baseline();
  c.grokfast = "ema"; c.grokfast_alpha = 0.98; c.grokfast_lambda = 2.0; c.weight_decay = 0.005;
  c.steps = 10000; c.eval_every = 10;
  return c;
}
Config pair_notebook() {
  // Google PAIR explorable, exactly as its notebook trains it (PAIR-code/ai-explorables, server-side/
  // grokking/MLP_Modular_Addition.ipynb): a+b mod 67 over the unordered pairs a <= b, 40% train; a
  // 500-wide embedding shared by both operands and the output, 24 hidden ReLU units (mlp_input =
  // factored); optax.adamw 1e-3, wd 1, betas (0.9, 0.98), no warmup, full batch. PAIR stops at 50,000
  // steps (its seed groks at 40,800); seeds 0-4 here grok at 14,500-142,400 (docs/results.md), hence 150,000.
  Config c;
  c.op = "add"; c.p = 67; c.train_fraction = 0.4; c.pairs = "unordered"; c.model = "mlp";
  c.mlp_input = "factored"; c.d_model = 500; c.hidden = 24;
  c.lr = 1e-3; c.weight_decay = 1.0; c.beta1 = 0.9; c.beta2 = 0.98; c.warmup = 0;
  c.batch_size = 0; c.steps = 150000; c.eval_every = 100;
  return c;
}
Config pair_mlp() {
  // PAIR's model, data and optimizer with one change: lr 1e-2 instead of 1e-3. At 1e-3 four of five
  // seeds need 37k-142k steps; at 1e-2 native seeds 0-29 memorize by step 1000 and grok at 1,200-7,100
  // after a plateau at chance (docs/results.md; in wasm, seed 0 stalls at 52% test accuracy). lr 3e-3
  // and 5e-3, wd 3 or 5, and Grokfast left seeds ungrokked at 25k. Ordered pairs are no fix: the model
  // is symmetric in a and b, so a test pair whose mirror is in the training set comes for free and test
  // accuracy is 55% at memorization.
  Config c = pair_notebook();
  c.lr = 1e-2; c.steps = 25000;
  return c;
}
Config browser() {
  // Small and quick: memorizes in ~200 steps, groks in ~700-1300 (seeds 0-4), a few seconds of compute in
  // the page. Tuned with plain AdamW (no Grokfast) so the page can show what Grokfast adds (docs/results.md).
  Config c;
  c.op = "add"; c.p = 59; c.train_fraction = 0.5; c.model = "mlp"; c.d_model = 32; c.hidden = 128;
  c.lr = 5e-3; c.weight_decay = 2.0; c.beta1 = 0.9; c.beta2 = 0.98; c.warmup = 10;
  c.batch_size = 0; c.steps = 5000; c.eval_every = 25;
  return c;
}
Config browser_transformer() {
  // Our own tuning (docs/results.md): Nanda's one-layer transformer small enough to grok live in the
  // page. a+b mod 53 over 40% of the pairs, d_model 32, 4 heads, d_mlp 128, AdamW lr 1e-2 wd 1, full
  // batch: native seeds 0-4 memorize by step 100, then test accuracy creeps up for a few hundred to
  // a thousand steps before it jumps to 99% at steps 600-1675. Nearby settings lost the plateau
  // (train fraction 0.45+, lr 1.5e-2+: generalization straight after memorization) or took 2-5x
  // longer (p 59, train fraction 0.3-0.35). The tabulated one-layer path applies.
  Config c = nanda2023();
  c.p = 53; c.train_fraction = 0.4; c.d_model = 32; c.heads = 4; c.d_mlp = 128;
  c.lr = 1e-2; c.weight_decay = 1.0;
  c.steps = 5000; c.eval_every = 25;
  return c;
}
// ---- neural networks on real data (docs/deep-learning.md) ----
Config mnist1d_dd() {
  // Model-wise deep double descent (greydanus/mnist1d notebooks/deep-double-descent.ipynb): MNIST-1D
  // with 4000 training and 12000 test examples, 15% of the training labels redrawn, MLP 40-H-H-10 with
  // ReLU and torch's default init, SGD lr 0.01 momentum 0.9, batch 100, 500 epochs, cross-entropy, no
  // weight decay. Sweep hidden over geomspace(2, 300, 20); the notebook's test error peaks at H = 47-61,
  // where training error first reaches 0. Evaluated every 5 epochs (and log-spaced early on).
  Config c;
  c.dataset = "mnist1d"; c.n_train = 4000; c.n_test = 12000; c.label_noise = 0.15;
  c.model = "mlp"; c.depth = 2; c.hidden = 61;
  c.optimizer = "sgd"; c.lr = 0.01; c.momentum = 0.9; c.weight_decay = 0; c.warmup = 0; c.loss = "softmax";
  c.batch_size = 100; c.epochs = 500; c.eval_every = 200;
  return c;
}
Config mnist1d_dd_clean() {
  Config c = mnist1d_dd();  // the same without label noise, for contrast
  c.label_noise = 0;
  return c;
}
Config fashion_dd() {
  // Our own: the model-wise sweep on a Fashion-MNIST subset (4000 training images, all 10000 test
  // images) with 15% label noise, MLP 784-H-H-10, the MNIST-1D notebook's optimizer, 200 epochs.
  Config c = mnist1d_dd();
  c.dataset = "fashion-mnist"; c.n_train = 4000; c.n_test = 10000; c.hidden = 64; c.epochs = 200;
  return c;
}
Config fashion_mlp() {
  // A sanity check against published MLP accuracies (~88-89% on Fashion-MNIST's test set): 784-100-10
  // on all 60000 training images, Adam lr 1e-3 (no weight decay), batch 128, 10 epochs.
  Config c;
  c.dataset = "fashion-mnist"; c.model = "mlp"; c.depth = 1; c.hidden = 100;
  c.optimizer = "adam"; c.lr = 1e-3; c.weight_decay = 0; c.beta1 = 0.9; c.beta2 = 0.999; c.warmup = 0;
  c.batch_size = 128; c.epochs = 10; c.eval_every = 469;
  return c;
}
Config zhang_random_labels() {
  // Zhang et al. 2017, "Understanding deep learning requires rethinking generalization": every label
  // of a 5000-image Fashion-MNIST subset redrawn at random; an MLP 784-512-512-10 still fits them all
  // (train accuracy -> 100%) while test accuracy stays at chance. --label-noise 0 gives the same run on
  // true labels, for the steps-to-fit comparison.
  Config c;
  c.dataset = "fashion-mnist"; c.n_train = 5000; c.n_test = 10000; c.label_noise = 1.0;
  c.model = "mlp"; c.depth = 2; c.hidden = 512;
  c.optimizer = "sgd"; c.lr = 0.01; c.momentum = 0.9; c.weight_decay = 0; c.warmup = 0;
  c.batch_size = 100; c.epochs = 300; c.eval_every = 250; c.stop_at_grok = false;
  return c;
}
Config omnigrok_fashion() {
  // Omnigrok (Liu, Michaud & Tegmark 2022; KindXiaoming/Omnigrok mnist/grokking) on Fashion-MNIST (MNIST
  // itself is not installable here): MLP 784-200-200-10 with ReLU, every parameter x8 at init, MSE on
  // one-hot targets, AdamW lr 1e-3 wd 0.01, batch 200, 1000 training images (a seeded subset; Omnigrok
  // takes the first 1000), 100k steps. Omnigrok trains in float64; we train in float32.
  Config c;
  c.dataset = "fashion-mnist"; c.n_train = 1000; c.n_test = 10000;
  c.model = "mlp"; c.depth = 2; c.hidden = 200; c.init_scale = 8; c.loss = "mse";
  c.optimizer = "adamw"; c.lr = 1e-3; c.weight_decay = 0.01; c.beta1 = 0.9; c.beta2 = 0.999; c.warmup = 0;
  c.batch_size = 200; c.steps = 100000; c.eval_every = 500;
  return c;
}
Config omnigrok_browser() {
  // Omnigrok's image grokking sized for the page (about a minute in one worker here): the same recipe
  // (init x8, MSE, AdamW lr 1e-3) on 500 of the site's 2000 shipped training images (web/data/
  // fashion-mnist/, scripts/make-fashion-subset) at 14 x 14, its 1000 test images, 196-200-200-10,
  // batch 100, and weight decay 0.05 instead of 0.01 so the weight norm shrinks within 20k steps.
  // Measured natively on the shipped subset: train accuracy 100% by step ~3,600 with test 31%, test
  // 77% at 20k while the norm falls 94 -> 38 (docs/deep-learning.md).
  Config c = omnigrok_fashion();
  c.n_train = 500; c.n_test = 1000; c.downsample = 2;
  c.weight_decay = 0.05; c.batch_size = 100; c.steps = 20000; c.eval_every = 200;
  return c;
}
}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> list = {
      {"browser", "Small MLP on a+b mod 59 that memorizes and groks in seconds in the page", browser()},
      {"browser-transformer", "Small 1-layer transformer on a+b mod 53 that memorizes, plateaus and groks within seconds in the page", browser_transformer()},
      {"nanda2023", "Nanda et al. 2023: 1-layer transformer, a+b mod 113, 30% of pairs, full batch", nanda2023()},
      {"pair-mlp", "Google PAIR's MLP (24 ReLU units, shared 500-wide embedding, a+b mod 67, 40% of pairs a<=b) at lr 1e-2: groks in a few thousand steps", pair_mlp()},
      {"pair-notebook", "Google PAIR's MLP exactly as its notebook trains it (lr 1e-3): groks after 15k-140k steps", pair_notebook()},
      {"power2022", "Power et al. 2022: 2-layer post-LN transformer, a/b mod 97, 50% of pairs, batch 512", power2022()},
      {"grokfast2024", "Grokfast (Lee et al. 2024) as ironjr/grokfast runs it: x*y mod 97, 2-layer pre-LN GELU decoder, Adam, Grokfast-EMA alpha 0.98 lambda 2", grokfast2024()},
      {"grokfast2024-baseline", "Grokfast's baseline: the same model and data, Adam without a filter or weight decay (groks after ~40k steps)", grokfast2024_baseline()},
      {"mnist1d-dd", "Deep double descent on MNIST-1D (Greydanus's notebook): 4000 train, 15% label noise, MLP 40-H-H-10, SGD, 500 epochs; sweep hidden", mnist1d_dd()},
      {"mnist1d-dd-clean", "The MNIST-1D double-descent setup without label noise", mnist1d_dd_clean()},
      {"fashion-dd", "Model-wise double descent on 4000 Fashion-MNIST images with 15% label noise, MLP 784-H-H-10, 200 epochs", fashion_dd()},
      {"fashion-mlp", "A 784-100-10 MLP on all of Fashion-MNIST (Adam, 10 epochs): the sanity check, ~88% test accuracy", fashion_mlp()},
      {"zhang-random-labels", "Zhang et al. 2017: an MLP fits 5000 Fashion-MNIST images with random labels; test stays at chance", zhang_random_labels()},
      {"omnigrok-fashion", "Omnigrok on Fashion-MNIST: MLP 784-200-200-10, init x8, MSE, AdamW, 1000 images: memorizes, then generalizes", omnigrok_fashion()},
      {"omnigrok-browser", "Omnigrok in the page: the same recipe on 500 Fashion-MNIST images at 14x14 (the site's subset), weight decay 0.05, 20k steps: memorizes, then generalizes as the weights shrink", omnigrok_browser()},
  };
  return list;
}

const Preset* find_preset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string preset_names() {
  std::string names;
  for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

PresetSettings settings_from_params(const TextPairs& params, const std::string& default_preset,
                                    const std::vector<std::string>& skip) {
  PresetSettings out;
  out.preset = default_preset;
  for (const auto& [key, text] : params)
    if (key == "preset") out.preset = text;
  const Preset* preset = find_preset(out.preset);
  if (!preset) {
    const std::string shown = out.preset.size() > 40 ? out.preset.substr(0, 40) + "..." : out.preset;
    const std::string err = "preset: '" + shown + "' is not one of " + preset_names();
    out.notices.push_back({"preset", err, err + "; using " + default_preset});
    out.preset = default_preset;
    preset = find_preset(default_preset);
    if (!preset) preset = &presets().front();
  }
  out.config = preset->config;
  std::vector<std::string> all_skip = skip;
  all_skip.push_back("preset");
  for (auto& n : apply_text_settings(out.config, preset->config, params, all_skip)) out.notices.push_back(std::move(n));
  return out;
}

TextPairs params_from_settings(const std::string& preset, const Config& c) {
  const Preset* p = find_preset(preset);
  TextPairs out = {{"preset", preset}};
  for (auto& pair : text_settings_diff(c, p ? p->config : Config{})) out.push_back(std::move(pair));
  return out;
}

}  // namespace grok
