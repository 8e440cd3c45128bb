// Our RNG, samplers and datasets: deterministic, correct and the same on every platform.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <set>

#include "grok/common/rng.h"
#include "grok/data/token_pairs.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/trainer.h"

using namespace grok;

TEST_CASE("portable_log agrees with std::log") {
  for (double x : {1e-300, 1e-10, 0.001, 0.3, 0.5, 0.70710678, 0.9999, 1.0, 1.5, 2.0, 1e10})
    CHECK(portable_log(x) == Approx(std::log(x)).epsilon(1e-15));
}

TEST_CASE("RNG streams are fixed for a seed (same numbers natively and in wasm)") {
  Rng r(42);
  // Reference values recorded once; a change here means every saved seed gives a new run.
  const uint64_t first = r.next_u64();
  Rng again(42);
  CHECK(again.next_u64() == first);
  Rng n(7);
  double sum = 0, sum2 = 0;
  const int N = 200000;
  for (int i = 0; i < N; ++i) { const double z = n.normal(); sum += z; sum2 += z * z; }
  CHECK(std::abs(sum / N) < 0.01);
  CHECK(std::abs(sum2 / N - 1.0) < 0.01);
  Rng u(3);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) counts[u.below(7)]++;
  for (int c : counts) CHECK(std::abs(c - 10000) < 400);
}

TEST_CASE("apply_op is right for every operation") {
  CHECK(apply_op("add", 100, 20, 113) == 7);
  CHECK(apply_op("sub", 3, 5, 7) == 5);
  CHECK(apply_op("mul", 5, 6, 7) == 2);
  for (int b = 1; b < 97; ++b) CHECK(apply_op("mul", apply_op("div", 13, b, 97), b, 97) == 13);
  CHECK(apply_op("sq-sum", 3, 4, 7) == (9 + 16) % 7);
  CHECK(apply_op("quad", 3, 4, 7) == (9 + 12 + 16) % 7);
  CHECK(apply_op("cubic", 3, 4, 7) == (27 + 12) % 7);
  CHECK(apply_op("quad-x", 3, 4, 7) == (9 + 12 + 16 + 3) % 7);
  CHECK(apply_op("cubic-y", 3, 4, 7) == (27 + 48 + 4) % 7);
  CHECK(apply_op("cubic-y", 96, 95, 97) == ((-1) + (-1) * 4 + 95 + 97 * 2) % 97);  // no overflow, no sign slip
  // openai/grok's "**2+", "**3+" (eval of "(a **2+ b) % 97"), "+*" and "+-" (parity of a):
  CHECK(apply_op("square-plus", 10, 5, 97) == (100 + 5) % 97);
  CHECK(apply_op("cube-plus", 10, 5, 97) == (1000 + 5) % 97);
  CHECK(apply_op("add-or-mul", 10, 50, 97) == 60);
  CHECK(apply_op("add-or-mul", 11, 50, 97) == 550 % 97);
  CHECK(apply_op("add-or-sub", 10, 50, 97) == 60);
  CHECK(apply_op("add-or-sub", 11, 50, 97) == 58);  // (11 - 50) mod 97
  // S5: identity is element 0 (lexicographic order); composition is a group operation.
  for (int a = 0; a < 120; a += 7) {
    CHECK(apply_op("s5", a, 0, 0) == a);
    CHECK(apply_op("s5", 0, a, 0) == a);
  }
  std::set<int> row;
  for (int b = 0; b < 120; ++b) row.insert(apply_op("s5", 17, b, 0));
  CHECK(row.size() == 120);
  // s5conj (a b a^-1) and s5aba (a b a), sympy's products (a * b applies a first): conjugating the
  // identity gives the identity, conjugating by the identity changes nothing, conjugation keeps
  // the cycle type (here: fixed points), and a b a with b = identity is a applied twice.
  const auto perm = [](int k) {  // element k in lexicographic order, as itertools.permutations lists them
    std::array<int, 5> q = {0, 1, 2, 3, 4};
    for (int i = 0; i < k; ++i) std::next_permutation(q.begin(), q.end());
    return q;
  };
  const auto fixed_points = [&](int k) {
    const auto q = perm(k);
    int n = 0;
    for (int i = 0; i < 5; ++i) n += q[i] == i;
    return n;
  };
  for (int a = 0; a < 120; a += 11)
    for (int b = 0; b < 120; b += 13) {
      CHECK(apply_op("s5conj", a, 0, 0) == 0);
      CHECK(apply_op("s5conj", 0, b, 0) == b);
      CHECK(fixed_points(apply_op("s5conj", a, b, 0)) == fixed_points(b));
      CHECK(apply_op("s5aba", 0, b, 0) == b);
    }
  // Worked by hand: a = (0 1) = [1, 0, 2, 3, 4] (element 24), b = (1 2) = [0, 2, 1, 3, 4] (element 6).
  // a b a^-1 (a first, then b, then a^-1): 0 -> 1 -> 2 -> 2, 1 -> 0 -> 0 -> 1, 2 -> 2 -> 1 -> 0.
  REQUIRE(perm(24) == (std::array<int, 5>{1, 0, 2, 3, 4}));
  REQUIRE(perm(6) == (std::array<int, 5>{0, 2, 1, 3, 4}));
  CHECK(perm(apply_op("s5conj", 24, 6, 0)) == (std::array<int, 5>{2, 1, 0, 3, 4}));
  CHECK(perm(apply_op("s5aba", 24, 6, 0)) == (std::array<int, 5>{2, 1, 0, 3, 4}));  // a is its own inverse
  // a = (0 1 2) = [1, 2, 0, 3, 4] (element 30): a b a^-1 = [1, 0, 2, 3, 4], a b a = [0, 2, 1, 3, 4].
  REQUIRE(perm(30) == (std::array<int, 5>{1, 2, 0, 3, 4}));
  CHECK(perm(apply_op("s5conj", 30, 6, 0)) == (std::array<int, 5>{1, 0, 2, 3, 4}));
  CHECK(perm(apply_op("s5aba", 30, 6, 0)) == (std::array<int, 5>{0, 2, 1, 3, 4}));
  // And as sympy computes them (Permutation(a) * Permutation(b) * ~Permutation(a), indices into
  // itertools.permutations(range(5))): 17 and 99 give 59 and 33.
  CHECK(apply_op("s5conj", 17, 99, 0) == 59);
  CHECK(apply_op("s5aba", 17, 99, 0) == 33);
}

TEST_CASE("split: right sizes, disjoint, seeded") {
  Config c;
  c.p = 113; c.train_fraction = 0.3; c.seed = 1;
  Dataset d;
  REQUIRE(make_dataset(c, d) == "");
  CHECK(d.train.size() == 3830);  // floor(0.3 * 113^2), as in Nanda et al.
  CHECK(d.test.size() == 113 * 113 - 3830);
  CHECK(d.vocab == 114);
  std::set<int> seen;
  for (int i = 0; i < d.train.size(); ++i) seen.insert(d.train.a[i] * 113 + d.train.b[i]);
  for (int i = 0; i < d.test.size(); ++i) seen.insert(d.test.a[i] * 113 + d.test.b[i]);
  CHECK(seen.size() == 113u * 113u);
  Dataset d2;
  REQUIRE(make_dataset(c, d2) == "");
  CHECK(split_hash(d) == split_hash(d2));
  c.seed = 2;
  REQUIRE(make_dataset(c, d2) == "");
  CHECK(split_hash(d) != split_hash(d2));
  Config dv;
  dv.op = "div"; dv.p = 97; dv.train_fraction = 0.5;
  REQUIRE(make_dataset(dv, d) == "");
  CHECK(d.train.size() + d.test.size() == 97 * 96);
  for (int i = 0; i < d.train.size(); ++i) CHECK(d.train.b[i] != 0);
  Config bad;
  bad.p = 9;
  CHECK(make_dataset(bad, d).find("p:") == 0);
}

TEST_CASE("unordered pairs: each a <= b once, only for commutative ops (PAIR's split)") {
  Config c;
  c.p = 67; c.train_fraction = 0.4; c.pairs = "unordered";
  Dataset d;
  REQUIRE(make_dataset(c, d) == "");
  CHECK(d.train.size() == 911);  // floor(0.4 * 67 * 68 / 2), as in PAIR's notebook
  CHECK(d.train.size() + d.test.size() == 67 * 68 / 2);
  std::set<int> seen;
  for (const Examples* e : {&d.train, &d.test})
    for (int i = 0; i < e->size(); ++i) {
      CHECK(e->a[i] <= e->b[i]);
      seen.insert(e->a[i] * 67 + e->b[i]);
    }
  CHECK(seen.size() == 67u * 68u / 2);
  c.op = "sub";
  CHECK(make_dataset(c, d).find("pairs: 'unordered' needs a commutative op") == 0);
}

TEST_CASE("same seed gives the same curve wherever the heap puts the weights", "[long]") {
  // Regression: with an unaligned parameter buffer, Eigen's reductions peeled differently depending
  // on the address, so two runs of one seed in the same wasm instance drifted apart in the last bits.
  Config c = find_preset("browser")->config;
  c.steps = 60;
  c.eval_every = 20;
  std::vector<double> first;
  // Every trainer stays alive and odd-sized blocks sit between them, so each lands somewhere new.
  std::vector<std::unique_ptr<std::vector<char>>> junk;
  std::vector<std::unique_ptr<Trainer>> alive;
  for (size_t shift : {0u, 4u, 8u, 12u, 20u}) {
    junk.push_back(std::make_unique<std::vector<char>>(shift + 1));
    alive.emplace_back();
    std::unique_ptr<Trainer>& t = alive.back();
    REQUIRE(Trainer::create(c, t) == "");
    t->run(c.steps);
    std::vector<double> curve;
    for (const auto& m : t->metrics()) { curve.push_back(m.train_loss); curve.push_back(m.test_loss); }
    if (first.empty()) first = curve;
    INFO("heap shift " << shift);
    CHECK(curve == first);  // bit for bit
  }
}

TEST_CASE("pair_count is the dataset's size for each op and pairs choice") {
  struct Case { const char* op; const char* pairs; int p; long expected; };
  for (const Case& k : {Case{"add", "all", 7, 49}, Case{"add", "unordered", 7, 28}, Case{"div", "all", 7, 42},
                        Case{"mul", "unordered", 11, 66}, Case{"s5", "all", 7, 14400}}) {
    INFO(k.op << " " << k.pairs);
    Config c;
    c.op = k.op; c.pairs = k.pairs; c.p = k.p; c.train_fraction = 0.5;
    CHECK(pair_count(c) == k.expected);
    Dataset d;
    REQUIRE(make_dataset(c, d) == "");
    CHECK(d.train.size() + d.test.size() == k.expected);
  }
}
