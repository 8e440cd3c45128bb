#include "grok/grokking/phases.h"

#include <algorithm>
#include <cmath>

namespace grok {

Phases infer_phases(const std::vector<MetricPoint>& metrics, const Summary& summary) {
  Phases ph;
  ph.memorization_end = summary.memorize_step;
  if (ph.memorization_end < 0) return ph;
  double peak = 0;
  for (const MetricPoint& m : metrics) {
    if (m.step < ph.memorization_end) continue;
    if (ph.circuit_end < 0) {
      peak = std::max(peak, m.test_loss);
      if (m.test_loss <= 0.5 * peak && m.step > ph.memorization_end) ph.circuit_end = m.step;
    }
    if (ph.circuit_end >= 0 && m.test_acc >= kGrokThreshold) {
      ph.cleanup_end = m.step;
      break;
    }
  }
  return ph;
}

Markers infer_markers(const std::vector<MetricPoint>& metrics) {
  Markers mk;
  if (metrics.empty()) return mk;
  const double final_acc = metrics.back().test_acc;
  for (size_t i = metrics.size(); i-- > 0;) {
    if (std::abs(metrics[i].test_acc - final_acc) > kSettleTolerance) break;
    mk.generalize_step = metrics[i].step;
  }
  for (const MetricPoint& m : metrics)
    if (mk.best_test_step < 0 || m.test_acc > mk.best_test_acc) { mk.best_test_acc = m.test_acc; mk.best_test_step = m.step; }
  return mk;
}

}  // namespace grok
