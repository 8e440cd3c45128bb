// The double-descent result file ("grok-dd/1"), written by `grok double-descent --out` and by the
// page's "Download", replayed by the page. This file is the schema's one home.
//   {"schema": "grok-dd/1", "config": {...every DD field...}, "model_sizes": [the swept values: p, or n],
//    "theory": "what the theory column is" | "",
//    "points": [{"p", "n", "test_mse_median", "test_mse_q25", "test_mse_q75", "test_mse_mean", "test_mse_sem",
//                "train_mse_median", "coef_norm_median", "p_eff_median", "ridge_median",
//                "theory", "solver", "fit_curve": [...] (legendre only)}, ...],
//    "curves": {"plot_x", "plot_truth", "train_x", "train_y"} (legendre only),
//    "complete": bool}
// Numbers that are not finite (theory is +inf at the peak and absent for the nonlinear experiments)
// are written as null: JSON has no infinity.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "grok/double_descent/config.h"
#include "grok/double_descent/sweep.h"

namespace grok {

constexpr const char* kDDSchema = "grok-dd/1";

nlohmann::json dd_point_to_json(const DDPoint& p);
nlohmann::json dd_result_to_json(const DDResult& r);
// Parses and checks a result file; "" or a message naming what is wrong ("points[3]: ...").
std::string dd_result_from_json(const nlohmann::json& j, DDResult& out);

}  // namespace grok
