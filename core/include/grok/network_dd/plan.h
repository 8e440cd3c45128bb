// Neural-network double descent: the dd lab's network experiments (nn-mnist1d, nn-fashion) are sweeps
// of training runs of the grokking lab. This unit joins the two labs (neither includes the other), so
// `grok double-descent`, the double-descent page and the tests plan the same runs from one DDConfig:
//   network_dd_plan(c, plan)  preset mnist1d-dd (MLP 40-H-H-10, SGD lr 0.01 momentum 0.9, batch 100),
//                             or for nn-fashion fashion-dd (the same on Fashion-MNIST at c's downsample),
//                             with c's n_train, n_test, label_noise and epochs; axis model: grid
//                             hidden = dd_model_sizes(c); axis samples: grid n_train = dd_model_sizes(c)
//                             at hidden = c.width; seeds c.seed .. c.seed + trials - 1.
//   network_dd_curve(plan, rows)  the curve of the finished runs' summary rows (grok-sweep/1 rows):
//                             per size, medians over seeds of test and train error, and where the
//                             networks start (model-wise) or stop (sample-wise) fitting their training set.
// A grok-sweep/1 file from `grok sweep --grid hidden=...` (one axis, hidden or n_train) has the same
// rows, so the page draws a native sweep's curve with the same function.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "grok/double_descent/config.h"
#include "grok/grokking/sweep.h"

namespace grok {

// The grokking preset a network experiment starts from: "mnist1d-dd" or "fashion-dd".
const char* network_dd_preset(const DDConfig& c);
// Training error at or below this counts as fitting the training set (noisy labels included).
constexpr double kInterpolationError = 0.01;

// "" or a message naming the DD field (validate_dd's, or the grokking config's for a run).
std::string network_dd_plan(const DDConfig& c, SweepPlan& out);

// {"axis": "hidden" | "n_train", "sizes": [every planned size],
//  "points": [{"size", "params", "runs", "test_error_median", "test_error_q25", "test_error_q75",
//              "train_error_median", "test_loss_median"}, ...] (sizes with at least one finished run),
//  "threshold": {"size", "params"} or null}
// Model-wise the threshold is the smallest size whose median training error is at most
// kInterpolationError; sample-wise, the largest training set still fitted (when the smallest is).
// "" or why the plan is not a sweep over one of those fields, or a row does not belong to it.
std::string network_dd_curve(const SweepPlan& plan, const nlohmann::json& rows, nlohmann::json& out);

}  // namespace grok
