// Double descent acceptance: Monte Carlo against the closed-form risk, the peak at p = n in all
// three experiments, and optimal ridge removing it. Sizes are chosen to run in about a second
// natively (and a few under Node as wasm); the full-size sweeps are in docs/double-descent.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "grok/double_descent/result_file.h"
#include "grok/double_descent/sweep.h"

using namespace grok;

namespace {

std::map<int, DDPoint> run(const DDConfig& c) {
  std::unique_ptr<DDSweep> sweep;
  const std::string err = DDSweep::create(c, sweep);
  INFO(err);
  REQUIRE(err == "");
  while (sweep->step()) {}
  REQUIRE(sweep->result().complete);
  std::map<int, DDPoint> by_p;
  for (const auto& p : sweep->result().points) by_p[p.p] = p;
  return by_p;
}

// Sizes n/2 .. 10n only (points = 2 adds nothing between p_min and p_max but the fixed multiples).
DDConfig linear_config(int trials) {
  DDConfig c = find_dd_preset("linear")->config;
  c.n_train = 20;
  c.total_features = 200;
  c.p_min = 10;
  c.p_max = 200;
  c.points = 2;
  c.trials = trials;
  c.noise = 0.5;
  return c;
}

DDConfig relu_config() {
  DDConfig c = find_dd_preset("relu-features")->config;
  c.n_train = 40;
  c.n_test = 200;
  c.p_min = 20;
  c.p_max = 160;
  c.points = 2;
  c.trials = 7;
  return c;
}

DDConfig legendre_config() {
  DDConfig c = find_dd_preset("legendre")->config;
  c.p_min = 10;
  c.p_max = 80;
  c.points = 2;
  c.trials = 15;
  c.n_test = 200;
  return c;
}

// Largest median strictly between n/2 and 2n, relative to the larger of the medians at n/2 and 2n:
// far above 1 for a peak, at most about 1 for a curve without one.
double bump(const std::map<int, DDPoint>& r, int n) {
  double inside = 0;
  for (const auto& [p, point] : r)
    if (p > n / 2 && p < 2 * n) inside = std::max(inside, point.test_mse_median);
  return inside / std::max(r.at(n / 2).test_mse_median, r.at(2 * n).test_mse_median);
}

}  // namespace

TEST_CASE("dd acceptance: Monte Carlo means match the exact risk at p = n/2, 2n and 10n") {
  // 1000 trials: standard errors of about 1% at n/2 and 2n (inverse-Wishart tails), 0.1% at 10n.
  const auto r = run(linear_config(1000));
  for (int p : {10, 40, 200}) {
    const DDPoint& point = r.at(p);
    INFO("p = " << p << ": mean " << point.test_mse_mean << " +- " << point.test_mse_sem << ", theory " << point.theory);
    REQUIRE(std::isfinite(point.theory));
    CHECK(std::abs(point.test_mse_mean / point.theory - 1) < 0.04);
    CHECK(std::abs(point.test_mse_mean - point.theory) < 4 * point.test_mse_sem);
  }
  CHECK(std::isinf(r.at(20).theory));
}

TEST_CASE("dd acceptance: the median test error peaks at p = n in all three experiments") {
  struct Case { const char* name; DDConfig config; double factor; };
  for (const Case& k : {Case{"linear", linear_config(200), 10.0}, Case{"relu-features", relu_config(), 10.0},
                        Case{"legendre", legendre_config(), 100.0}}) {
    INFO(k.name);
    const auto r = run(k.config);
    const int n = k.config.n_train;
    const double peak = r.at(n).test_mse_median;
    INFO("median at n " << peak << ", at n/2 " << r.at(n / 2).test_mse_median << ", at 4n "
                        << r.at(4 * n).test_mse_median);
    CHECK(peak > k.factor * r.at(n / 2).test_mse_median);
    CHECK(peak > k.factor * r.at(4 * n).test_mse_median);
    // The fit interpolates from p = n on: train error ~ 0 (relative to the labels' scale).
    CHECK(r.at(n).train_mse_median < 1e-12);
    CHECK(r.at(4 * n).train_mse_median < 1e-12);
    CHECK(r.at(n / 2).train_mse_median > 1e-3);
  }
}

TEST_CASE("dd acceptance: optimal ridge leaves no peak near p = n") {
  DDConfig linear = linear_config(200);
  DDConfig relu = relu_config();
  DDConfig legendre = legendre_config();
  for (DDConfig* c : {&linear, &relu, &legendre}) {
    INFO(c->experiment);
    DDConfig ridgeless = *c;
    c->tune_ridge = true;
    const auto tuned = run(*c);
    const double tuned_bump = bump(tuned, c->n_train);
    const double plain_bump = bump(run(ridgeless), c->n_train);
    INFO("bump: tuned " << tuned_bump << ", ridgeless " << plain_bump);
    CHECK(plain_bump > 5);
    CHECK(tuned_bump < 1.05);  // a few percent: trial-to-trial noise of the medians
    // Tuned ridge is never much worse than ridgeless at any size (it could pick lambda ~ 0).
    const auto plain = run(ridgeless);
    for (const auto& [p, point] : tuned) CHECK(point.test_mse_median < 1.1 * plain.at(p).test_mse_median);
  }
}

TEST_CASE("dd acceptance: wide random-feature models beat the best small one") {
  DDConfig c = find_dd_preset("relu-features")->config;
  c.n_train = 40;
  c.n_test = 200;
  c.p_min = 2;
  c.p_max = 800;
  c.points = 12;
  c.trials = 5;
  const auto r = run(c);
  double best_classical = 1e300;
  for (const auto& [p, point] : r)
    if (p < c.n_train) best_classical = std::min(best_classical, point.test_mse_median);
  INFO("best p < n: " << best_classical << ", p = 20n: " << r.at(800).test_mse_median);
  CHECK(r.at(800).test_mse_median < 0.9 * best_classical);
}

TEST_CASE("dd: a sweep is deterministic given its seed") {
  DDConfig c = legendre_config();
  c.trials = 3;
  std::unique_ptr<DDSweep> a, b, other;
  REQUIRE(DDSweep::create(c, a) == "");
  REQUIRE(DDSweep::create(c, b) == "");
  c.seed = 1;
  REQUIRE(DDSweep::create(c, other) == "");
  while (a->step()) {}
  while (b->step()) {}
  while (other->step()) {}
  CHECK(dd_result_to_json(a->result()) == dd_result_to_json(b->result()));
  CHECK(a->result().points[0].test_mse_median != other->result().points[0].test_mse_median);
  CHECK(a->work_fraction() == 1.0);
}

TEST_CASE("dd: re-sampling trials instead of caching them gives the same numbers") {
  for (DDConfig c : {linear_config(4), relu_config(), legendre_config()}) {
    INFO(c.experiment);
    c.trials = 3;
    std::unique_ptr<DDSweep> cached, resampled;
    REQUIRE(DDSweep::create(c, cached) == "");
    REQUIRE(DDSweep::create(c, resampled, 0.0) == "");
    CHECK(cached->cached());
    CHECK(!resampled->cached());
    while (cached->step()) {}
    while (resampled->step()) {}
    CHECK(dd_result_to_json(cached->result()) == dd_result_to_json(resampled->result()));
  }
}

TEST_CASE("dd acceptance, sample-wise: more data can hurt; the peak sits at n = p and matches theory", "[long]") {
  // Nakkiran 2019, "More data can hurt": at a fixed model size p, the minimum-norm fit's test error
  // rises with the training-set size up to n = p and falls after it.
  DDConfig c = find_dd_preset("linear")->config;
  c.axis = "samples";
  c.model_size = 20;
  c.total_features = 200;
  c.n_min = 5;
  c.n_max = 200;
  c.points = 2;  // the sizes around the peak: p/2, p-1, p, p+1, 2p, 4p, and the ends
  c.trials = 400;
  std::unique_ptr<DDSweep> sweep;
  REQUIRE(DDSweep::create(c, sweep) == "");
  while (sweep->step()) {}
  std::map<int, DDPoint> by_n;
  for (const auto& p : sweep->result().points) {
    CHECK(p.p == 20);
    by_n[p.n] = p;
  }
  REQUIRE(by_n.count(10));
  REQUIRE(by_n.count(20));
  CHECK(by_n[20].test_mse_median > 10 * by_n[10].test_mse_median);  // more data (10 -> 20) hurts
  CHECK(by_n[20].test_mse_median > 10 * by_n[80].test_mse_median);
  CHECK(by_n[5].test_mse_median < by_n[10].test_mse_median);
  for (int n : {5, 10, 40, 80, 200})
    CHECK(std::abs(by_n[n].test_mse_mean / by_n[n].theory - 1) < 0.08);
  CHECK(std::isinf(by_n[20].theory));
  // The file says which axis it swept and reads back.
  DDResult back;
  REQUIRE(dd_result_from_json(dd_result_to_json(sweep->result()), back) == "");
  CHECK(back.points.size() == sweep->result().points.size());
  CHECK(back.points[3].n == sweep->result().points[3].n);
  c.experiment = "legendre";
  CHECK(validate_dd(c).rfind("axis: 'samples' needs the linear or an nn experiment", 0) == 0);
}
