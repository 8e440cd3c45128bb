// MLP: double-precision finite-difference gradient checks (relu and x^2, softmax and StableMax),
// and the whole training loop memorizing a small task.
#include <catch2/catch.hpp>

#include "gradcheck.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/models/token_mlp.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
Config small_mlp() {
  Config c;
  c.model = "mlp"; c.p = 7; c.d_model = 5; c.hidden = 6; c.train_fraction = 0.5; c.seed = 3;
  return c;
}
}  // namespace

TEST_CASE("MLP gradients match finite differences", "[gradcheck]") {
  for (const char* input : {"embed", "tied", "factored"})
  for (const char* act : {"relu", "quad"})
    for (const char* loss : {"softmax", "stablemax"}) {
      Config c = small_mlp();
      c.activation = act; c.loss = loss; c.mlp_input = input;
      Dataset d;
      REQUIRE(make_dataset(c, d) == "");
      std::unique_ptr<ModelT<double>> m;
      REQUIRE(make_model<double>(c, d, m) == "");
      INFO(input << " " << act << " " << loss);
      // Bias away from 0 so no relu sits at its kink within h.
      grok_test::gradcheck(*m, d.train.a, d.train.b, d.train.y, 1000);
    }
}

TEST_CASE("MLP inspect gives the logits and hidden activations of the separate calls") {
  for (const char* input : {"embed", "tied", "factored"}) {
    INFO(input);
    Config c = small_mlp();
    c.mlp_input = input;
    Dataset d;
    REQUIRE(make_dataset(c, d) == "");
    std::unique_ptr<ModelT<double>> m;
    REQUIRE(make_model<double>(c, d, m) == "");
    const auto& t = d.test;
    Eigen::MatrixXd hidden, logits, both_hidden, both_logits;
    m->hidden_activations(t.a.data(), t.b.data(), t.size(), hidden);
    m->logits(t.a.data(), t.b.data(), t.size(), logits);
    m->inspect(t.a.data(), t.b.data(), t.size(), both_hidden, &both_logits);
    CHECK(hidden.rows() == c.hidden);
    CHECK(logits.rows() == c.p);
    CHECK(both_hidden == hidden);
    CHECK(both_logits == logits);
  }
}

TEST_CASE("MLP trainer memorizes a small task and reports metrics") {
  Config c = small_mlp();
  c.p = 23; c.hidden = 64; c.d_model = 16; c.lr = 1e-2; c.weight_decay = 0.1; c.steps = 400;
  c.eval_every = 50;
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(c, t) == "");
  t->run(400);
  CHECK(t->steps_done() == 400);
  CHECK(t->summary().memorize_step > 0);
  CHECK(t->metrics().back().train_acc >= 0.99);
  CHECK(t->metrics().front().step == 0);
  CHECK(t->snapshots().size() > 5);
  CHECK(t->snapshots().back().embed_spectrum.size() == 12);
}
