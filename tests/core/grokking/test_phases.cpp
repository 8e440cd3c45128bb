// Phase boundaries (grokking/phases.h) from a metric history: memorization, circuit formation, cleanup.
#include <catch2/catch.hpp>

#include "grok/grokking/phases.h"

using namespace grok;

namespace {
MetricPoint point(long step, double test_loss, double test_acc) {
  MetricPoint m;
  m.step = step; m.test_loss = test_loss; m.test_acc = test_acc; m.train_acc = 1.0;
  return m;
}
}  // namespace

TEST_CASE("phases: boundaries at memorization, test-loss collapse and grokking") {
  std::vector<MetricPoint> m = {point(0, 4.7, 0.01), point(100, 8, 0.01), point(200, 20, 0.02),
                                point(300, 30, 0.02), point(400, 22, 0.05), point(500, 14, 0.4),
                                point(600, 2, 0.95), point(700, 0.1, 0.995), point(800, 0.01, 1.0)};
  Summary s;
  s.memorize_step = 200;
  Phases ph = infer_phases(m, s);
  CHECK(ph.memorization_end == 200);
  CHECK(ph.circuit_end == 500);  // first step with test loss <= 30 / 2
  CHECK(ph.cleanup_end == 700);  // first step with test accuracy >= 99%

  m.resize(5);  // still forming the circuit: later boundaries not reached
  ph = infer_phases(m, s);
  CHECK(ph.memorization_end == 200);
  CHECK(ph.circuit_end == -1);
  CHECK(ph.cleanup_end == -1);

  s.memorize_step = -1;  // not memorized yet: no boundary at all
  ph = infer_phases(m, s);
  CHECK(ph.memorization_end == -1);
  CHECK(ph.circuit_end == -1);
}

TEST_CASE("markers for runs that never reach 99%: when test accuracy settles, and its best") {
  std::vector<MetricPoint> m;
  const double acc[] = {0.1, 0.30, 0.52, 0.47, 0.44, 0.46, 0.488, 0.495, 0.50};  // a dip, then a slow rise
  for (int i = 0; i < 9; ++i) { MetricPoint p; p.step = 100 * i; p.test_acc = acc[i]; m.push_back(p); }
  const Markers mk = infer_markers(m);
  CHECK(mk.generalize_step == 700);  // from 0.495 on, within one point of the final 0.50 (0.488 is not)
  CHECK(mk.best_test_step == 200);
  CHECK(mk.best_test_acc == Approx(0.52));
  CHECK(infer_markers({}).generalize_step == -1);
}
