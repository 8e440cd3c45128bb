#include "grok/grokking/phases.h"

#include <algorithm>

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

}  // namespace grok
