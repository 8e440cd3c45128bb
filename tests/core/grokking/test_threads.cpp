// --threads: every model path gives the same run, bit for bit, at 1, 2 and 3 threads (the tabulated
// transformer splits its own steps; the reference transformer and the MLPs are split by
// data_parallel.h), and the split computes the same gradient as one unsplit pass, up to rounding.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include "grok/grokking/models/data_parallel.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
struct Case {
  const char* name;
  Config config;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  Config base;
  base.steps = 24; base.eval_every = 8; base.seed = 3;
  {  // 1123 training pairs (3 chunks of 512), 1686 test pairs: several groups per step
    Config c = base;
    c.model = "transformer"; c.p = 53; c.train_fraction = 0.4; c.layers = 1; c.d_model = 32; c.heads = 4;
    c.d_mlp = 128; c.layer_norm = "none"; c.lr = 1e-2;
    out.push_back({"tabulated transformer", c});
  }
  {  // reference path, post-LN, two blocks, full batch of 264
    Config c = base;
    c.model = "transformer"; c.p = 23; c.train_fraction = 0.5; c.layers = 2; c.d_model = 16; c.heads = 2;
    c.d_mlp = 32; c.layer_norm = "post"; c.lr = 3e-3;
    out.push_back({"reference transformer (post-LN)", c});
  }
  {  // reference path as ironjr/grokfast builds it, minibatches of 300 with a short last batch
    Config c = base;
    c.model = "transformer"; c.p = 29; c.pairs = "nonzero-b"; c.train_fraction = 0.5; c.layers = 2;
    c.d_model = 16; c.heads = 2; c.mlp_ratio = 4; c.layer_norm = "pre-inplace"; c.activation = "gelu";
    c.op_token = true; c.attn_bias = true; c.init = "torch"; c.optimizer = "adam"; c.batch_size = 300;
    c.last_batch = "short"; c.grokfast = "ema"; c.grokfast_lambda = 2; c.lr = 1e-3; c.warmup = 10;
    out.push_back({"reference transformer (Grokfast's)", c});
  }
  {  // token-pair MLP, full batch of 1123
    Config c = base;
    c.model = "mlp"; c.p = 53; c.train_fraction = 0.4; c.hidden = 64; c.d_model = 16; c.lr = 3e-3;
    out.push_back({"token MLP", c});
  }
  {  // MLP on dense features, minibatches of 400
    Config c = base;
    c.dataset = "mnist1d"; c.model = "mlp"; c.depth = 2; c.hidden = 30; c.n_train = 1000; c.batch_size = 400;
    c.optimizer = "sgd"; c.lr = 0.05; c.label_noise = 0.1;
    out.push_back({"feature MLP", c});
  }
  return out;
}
}  // namespace

TEST_CASE("threads: the same run for 1, 2 and 3 threads, bit for bit, on every model path", "[threads]") {
  for (const Case& k : cases()) {
    INFO(k.name);
    std::vector<unsigned long long> hashes;
    std::vector<std::vector<MetricPoint>> metrics;
    std::vector<std::vector<Snapshot>> snapshots;
    for (int threads : {1, 2, 3}) {
      Config c = k.config;
      c.threads = threads;
      std::unique_ptr<Trainer> t;
      REQUIRE(Trainer::create(c, t) == "");
      CHECK(t->threaded() == (threads > 1));
      t->run(c.steps);
      REQUIRE(!t->summary().diverged);
      hashes.push_back(t->model().params().hash());
      metrics.push_back(t->metrics());
      snapshots.push_back(t->snapshots());
    }
    CHECK(hashes[1] == hashes[0]);
    CHECK(hashes[2] == hashes[0]);
    for (size_t r = 1; r < metrics.size(); ++r) {
      REQUIRE(metrics[r].size() == metrics[0].size());
      for (size_t i = 0; i < metrics[0].size(); ++i) {
        CHECK(metrics[r][i].train_loss == metrics[0][i].train_loss);
        CHECK(metrics[r][i].test_loss == metrics[0][i].test_loss);
        CHECK(metrics[r][i].train_acc == metrics[0][i].train_acc);
      }
    }
    for (size_t r = 1; r < snapshots.size(); ++r) {  // the measures' forward pass is split too
      REQUIRE(snapshots[r].size() == snapshots[0].size());
      for (size_t i = 0; i < snapshots[0].size(); ++i) {
        CHECK(snapshots[r][i].freq_share == snapshots[0][i].freq_share);
        CHECK(snapshots[r][i].neuron_freq == snapshots[0][i].neuron_freq);
        CHECK(snapshots[r][i].restricted_loss == snapshots[0][i].restricted_loss);
      }
    }
    // The run moved: identical hashes of an untouched model would prove nothing.
    CHECK(metrics[0].back().train_loss < metrics[0].front().train_loss);
  }
}

TEST_CASE("data_parallel: groups set by n alone; the split gradient is the unsplit one up to rounding") {
  using DP = DataParallel<float>;
  CHECK(DP::split(1).groups == 1);
  CHECK(DP::split(2 * DP::kMinGroup - 1).groups == 2);
  CHECK(DP::split(DP::kMinGroup).groups == 1);
  const auto big = DP::split(100000);
  CHECK(big.groups == DP::kGroups);
  CHECK(big.per * big.groups >= 100000);
  CHECK(big.per * (big.groups - 1) < 100000);

  Config c;
  c.model = "mlp"; c.p = 31; c.train_fraction = 0.9; c.hidden = 40; c.d_model = 12; c.seed = 8;  // 864 pairs
  Dataset d;
  REQUIRE(make_dataset(c, d) == "");
  const int n = d.train.size();
  REQUIRE(DP::split(n).groups > 2);
  std::unique_ptr<Model> whole, split_model, replica;
  REQUIRE(make_model<float>(c, d, whole) == "");
  REQUIRE(make_model<float>(c, d, split_model) == "");
  REQUIRE(make_model<float>(c, d, replica) == "");
  ThreadPool pool(2);
  std::vector<std::unique_ptr<Model>> replicas;
  replicas.push_back(std::move(replica));
  DP dp(*split_model, std::move(replicas), &pool);
  const Inputs in = Inputs::pairs(d.train.a.data(), d.train.b.data());
  for (int call = 0; call < 2; ++call) {  // the second call reads weights changed in between
    whole->params().zero_grad();
    split_model->params().zero_grad();
    const BatchStats a = whole->forward_backward(in, d.train.y.data(), n, n);
    const BatchStats b = dp.forward_backward(in, d.train.y.data(), n, n);
    CHECK(b.count == n);
    CHECK(b.correct == a.correct);
    CHECK(b.loss_sum == Approx(a.loss_sum).epsilon(1e-9));
    const auto& ga = whole->params().grad;
    const auto& gb = split_model->params().grad;
    double scale = 0, diff = 0;
    for (size_t i = 0; i < ga.size(); ++i) {
      scale = std::max(scale, std::abs(double(ga[i])));
      diff = std::max(diff, std::abs(double(ga[i]) - gb[i]));
    }
    CHECK(scale > 0);
    CHECK(diff <= 1e-5 * scale);
    const BatchStats ea = whole->evaluate(in, d.train.y.data(), n), eb = dp.evaluate(in, d.train.y.data(), n);
    CHECK(eb.correct == ea.correct);
    CHECK(eb.loss_sum == Approx(ea.loss_sum).epsilon(1e-9));
    for (auto* m : {whole.get(), split_model.get()})  // the same step for both
      for (size_t i = 0; i < m->params().size(); ++i) m->params().value[i] -= 0.5f * ga[i];
  }
}
