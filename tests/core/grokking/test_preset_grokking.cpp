// The pair-mlp preset reproduces grokking within the acceptance bar (train acc >= 99% before step 1500,
// test acc >= 99% within 25,000 steps) in a few seconds, so one seed runs as a test; nanda2023 takes
// minutes per seed and is recorded in docs/results.md instead. Seed 2 groks both natively and in wasm;
// the builds round differently, and in wasm seed 0 settles at 52% test accuracy (docs/results.md).
#include <catch2/catch.hpp>

#include "grok/grokking/run_file.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/trainer.h"

using namespace grok;

TEST_CASE("pair-mlp seed 2 memorizes then groks after a plateau within the bar", "[preset][long]") {
  Config c = find_preset("pair-mlp")->config;
  c.seed = 2;
  c.stop_at_grok = true;
  std::unique_ptr<Trainer> t;
  REQUIRE(Trainer::create(c, t) == "");
  t->run(c.steps);
  const Summary& s = t->summary();
  INFO("memorize_step " << s.memorize_step << " grok_step " << s.grok_step);
  CHECK(s.memorize_step > 0);
  CHECK(s.memorize_step < 1500);
  CHECK(s.grok_step > 0);
  CHECK(s.grok_step <= 25000);
  // Grokking, not gradual generalization: when the training set is memorized, unseen pairs are still
  // near chance (1/67), and they stay there for a while.
  int checked = 0;
  for (const auto& m : t->metrics()) {
    if (m.step > 2 * s.memorize_step) break;
    INFO("step " << m.step << " test acc " << m.test_acc);
    CHECK(m.test_acc < (m.step <= s.memorize_step ? 0.1 : 0.5));
    ++checked;
  }
  CHECK(checked > 20);
  CHECK(s.grok_step >= 3 * s.memorize_step);
}

TEST_CASE("pair-notebook is pair-mlp at PAIR's learning rate") {
  Config fast = find_preset("pair-mlp")->config, notebook = find_preset("pair-notebook")->config;
  CHECK(notebook.lr == 1e-3);
  CHECK(fast.lr == 1e-2);
  fast.lr = notebook.lr;
  fast.steps = notebook.steps;
  CHECK(config_to_json(fast) == config_to_json(notebook));
}
