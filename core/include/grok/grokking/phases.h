// Phases of a grokking run (Nanda et al. 2023, section 5): memorization, circuit formation, cleanup.
// The paper reads the boundaries off its progress measures by eye; we need a rule that a live chart
// and a replay both apply the same way, so the boundaries are:
//   memorization       step 0 .. memorize_step (train accuracy first >= 99%)
//   circuit formation  .. the first evaluated step after memorization at which test loss has fallen
//                      to half its peak since memorization (the generalizing circuit starts to win)
//   cleanup            .. the first step at or after that with test accuracy >= 99% (grok_step)
// A boundary not reached yet is -1, and the phase it closes is still running.
#pragma once
#include <vector>

#include "grok/grokking/history.h"

namespace grok {

struct Phases {
  long memorization_end = -1;  // = summary.memorize_step
  long circuit_end = -1;       // cleanup starts here
  long cleanup_end = -1;
};

Phases infer_phases(const std::vector<MetricPoint>& metrics, const Summary& summary);

// Markers for runs whose test accuracy never reaches 99% (real data, label noise):
//   generalize_step  the first evaluated step from which test accuracy stays within kSettleTolerance
//                    (one point) of its final value to the end of the run: when the test curve has settled
//   best_test_step   the evaluated step with the highest test accuracy (the first, on a tie), and that accuracy
constexpr double kSettleTolerance = 0.01;
struct Markers {
  long generalize_step = -1;
  long best_test_step = -1;
  double best_test_acc = 0;
};
Markers infer_markers(const std::vector<MetricPoint>& metrics);

}  // namespace grok
