// Trainer options that change what a step sees: the short last batch of an epoch (torch.split /
// a DataLoader that keeps the remainder) and Grokfast-MA's queue, which a checkpoint must carry so
// a resumed run continues bit-identically.
#include <catch2/catch.hpp>

#include "grok/grokking/checkpoint.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
Config small() {
  Config c;
  c.model = "mlp"; c.op = "add"; c.p = 11; c.train_fraction = 0.5; c.d_model = 8; c.hidden = 16;
  c.batch_size = 16; c.steps = 40; c.seed = 3; c.eval_every = 1000;
  return c;
}

std::unique_ptr<Trainer> make(const Config& c) {
  std::unique_ptr<Trainer> t;
  const std::string err = Trainer::create(c, t);
  INFO(err);
  REQUIRE(err == "");
  return t;
}
}  // namespace

TEST_CASE("last_batch short: each epoch ends with its remainder; wrap keeps every batch full") {
  Config c = small();  // 60 training pairs, batch 16: 16, 16, 16, 12 per epoch
  REQUIRE(train_count(pair_spec(c)) == 60);
  c.last_batch = "short";
  auto t = make(c);
  std::vector<int> sizes;
  for (int i = 0; i < 8; ++i) {
    REQUIRE(t->step());
    sizes.push_back(t->last_batch_size());
  }
  CHECK(sizes == std::vector<int>{16, 16, 16, 12, 16, 16, 16, 12});
  CHECK(run_steps(c) == c.steps);
  c.epochs = 3;
  CHECK(run_steps(c) == 12);  // ceil(60 / 16) steps an epoch

  c = small();
  auto w = make(c);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(w->step());
    CHECK(w->last_batch_size() == 16);
  }
}

TEST_CASE("pairs nonzero-b leaves out b = 0 for every op (ironjr/grokfast's x*y data)") {
  Config c = small();
  c.op = "mul"; c.p = 97; c.pairs = "nonzero-b"; c.train_fraction = 0.5;
  CHECK(pair_count(c) == 97 * 96);
  CHECK(train_count(pair_spec(c)) == 4656);
  Dataset d;
  REQUIRE(make_dataset(c, d) == "");
  for (int i = 0; i < d.train.size(); ++i) REQUIRE(d.train.b[i] != 0);
  for (int i = 0; i < d.test.size(); ++i) REQUIRE(d.test.b[i] != 0);
}

TEST_CASE("Grokfast-MA: off until the window is full, and a checkpoint resumes it bit-identically") {
  Config c = small();
  c.grokfast = "ma"; c.grokfast_window = 5; c.grokfast_lambda = 5; c.last_batch = "short";
  // With the filter off for the first window - 1 steps, MA and no filter agree exactly up to there.
  Config off = c;
  off.grokfast_lambda = 0;
  auto a = make(c), b = make(off);
  for (int i = 0; i < 4; ++i) {
    a->step();
    b->step();
  }
  CHECK(a->model().params().hash() == b->model().params().hash());
  a->step();
  b->step();
  CHECK(a->model().params().hash() != b->model().params().hash());

  // 40 steps straight, against 13 steps, a checkpoint, and the other 27 in a new trainer.
  auto straight = make(c);
  for (int i = 0; i < 40; ++i) straight->step();
  auto first = make(c);
  for (int i = 0; i < 13; ++i) first->step();
  const std::vector<uint8_t> state = save_state(*first);
  auto second = make(c);
  REQUIRE(load_state(*second, state) == "");
  for (int i = 13; i < 40; ++i) second->step();
  CHECK(second->model().params().hash() == straight->model().params().hash());

  // A checkpoint whose queue does not fit this window is refused, not used.
  Config wider = c;
  wider.grokfast_window = 4;
  auto other = make(wider);
  const std::string err = load_state(*other, state);
  CHECK(err.find("Grokfast-MA") != std::string::npos);
}
