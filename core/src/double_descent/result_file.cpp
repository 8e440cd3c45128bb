// grok-dd/1 result files: writing, reading with checks, and the schema for the page (result_file.h).
#include "grok/double_descent/result_file.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "grok/common/json_values.h"

namespace grok {

using json = nlohmann::json;

namespace {

// Model sizes and training-set sizes a file may name: the largest the field table allows.
int max_swept_size() {
  const auto& specs = dd_field_specs();
  return static_cast<int>(std::max(find_field_in(specs, "p_max")->max, find_field_in(specs, "model_size")->max));
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json doubles(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number_or_null(x));
  return a;
}

// A number, or null read as `null_value`; false with a message for anything else. The json
// library's own get<> would throw (and the wasm build has no exceptions).
bool read_number(const json& obj, const char* key, double null_value, double& out, std::string& err,
                 const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) { err = where + ": '" + key + "' is missing"; return false; }
  if (it->is_null()) { out = null_value; return true; }
  if (!json_finite(*it, out)) { err = where + ": '" + key + "' is not a finite number"; return false; }
  return true;
}

bool read_doubles(const json& obj, const char* key, std::vector<double>& out, std::string& err,
                  const std::string& where) {
  const auto it = obj.find(key);
  if (it == obj.end()) { out.clear(); return true; }  // optional arrays
  if (!it->is_array()) { err = where + ": '" + key + "' is not an array"; return false; }
  out.clear();
  for (const json& v : *it) {
    if (v.is_null()) out.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (double d = 0; json_finite(v, d)) out.push_back(d);
    else { err = where + ": '" + key + "' holds a value that is not a finite number"; return false; }
  }
  return true;
}

}  // namespace

json dd_point_to_json(const DDPoint& p) {
  json j = {{"p", p.p},
            {"n", p.n},
            {"test_mse_median", number_or_null(p.test_mse_median)},
            {"test_mse_q25", number_or_null(p.test_mse_q25)},
            {"test_mse_q75", number_or_null(p.test_mse_q75)},
            {"test_mse_mean", number_or_null(p.test_mse_mean)},
            {"test_mse_sem", number_or_null(p.test_mse_sem)},
            {"train_mse_median", number_or_null(p.train_mse_median)},
            {"coef_norm_median", number_or_null(p.coef_norm_median)},
            {"p_eff_median", number_or_null(p.p_eff_median)},
            {"ridge_median", number_or_null(p.ridge_median)},
            {"theory", number_or_null(p.theory)},
            {"solver", p.solver}};
  if (!p.fit_curve.empty()) j["fit_curve"] = doubles(p.fit_curve);
  return j;
}

json dd_result_to_json(const DDResult& r) {
  json points = json::array();
  for (const auto& p : r.points) points.push_back(dd_point_to_json(p));
  json j = {{"schema", kDDSchema},
            {"config", dd_config_to_json(r.config)},
            {"model_sizes", r.model_sizes},
            {"theory", r.theory},
            {"points", points},
            {"complete", r.complete}};
  if (!r.plot_x.empty())
    j["curves"] = {{"plot_x", doubles(r.plot_x)}, {"plot_truth", doubles(r.plot_truth)},
                   {"train_x", doubles(r.train_x)}, {"train_y", doubles(r.train_y)}};
  return j;
}

std::string dd_result_from_json(const json& j, DDResult& out) {
  const std::string file = "dd file";
  if (!j.is_object()) return file + ": not a JSON object";
  if (!j.contains("schema") || !j["schema"].is_string())
    return file + ": no schema (expected \"" + kDDSchema + "\")";
  if (j["schema"].get<std::string>() != kDDSchema)
    return file + ": schema is \"" + j["schema"].get<std::string>() + "\", expected \"" + kDDSchema + "\"";
  DDResult r;
  if (!j.contains("config")) return file + ": no config";
  std::string err = dd_config_from_json(j["config"], r.config);
  if (!err.empty()) return file + ": " + err;
  err = validate_dd(r.config);
  if (!err.empty()) return file + ": " + err;
  if (!j.contains("model_sizes") || !j["model_sizes"].is_array()) return file + ": model_sizes must be an array";
  const int max_size = max_swept_size();
  for (const json& v : j["model_sizes"]) {
    int size = 0;
    if (!json_integer_as(v, 1, max_size, size) || (!r.model_sizes.empty() && size <= r.model_sizes.back()))
      return file + ": model_sizes must hold increasing integers in [1, " + std::to_string(max_size) + "]";
    r.model_sizes.push_back(size);
  }
  if (j.contains("theory") && j["theory"].is_string()) r.theory = j["theory"].get<std::string>();
  if (!j.contains("points") || !j["points"].is_array()) return file + ": points must be an array";
  if (j["points"].size() > r.model_sizes.size()) return file + ": more points than model_sizes";
  for (size_t i = 0; i < j["points"].size(); ++i) {
    const json& pj = j["points"][i];
    const std::string where = file + ": points[" + std::to_string(i) + "]";
    if (!pj.is_object()) return where + ": not an object";
    DDPoint p;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.n = r.config.n_train;
    if (!pj.contains("p") || !json_integer_as(pj["p"], 1, max_size, p.p) ||
        (pj.contains("n") && !json_integer_as(pj["n"], 1, max_size, p.n)))
      return where + ": p and n must be integers in [1, " + std::to_string(max_size) + "]";
    const bool by_samples = dd_sample_axis(r.config);
    if ((by_samples ? p.n : p.p) != r.model_sizes[i])
      return where + ": " + (by_samples ? "n" : "p") + " does not match model_sizes[" + std::to_string(i) + "]";
    if (!read_number(pj, "test_mse_median", nan, p.test_mse_median, err, where) ||
        !read_number(pj, "test_mse_q25", nan, p.test_mse_q25, err, where) ||
        !read_number(pj, "test_mse_q75", nan, p.test_mse_q75, err, where) ||
        !read_number(pj, "test_mse_mean", nan, p.test_mse_mean, err, where) ||
        !read_number(pj, "test_mse_sem", nan, p.test_mse_sem, err, where) ||
        !read_number(pj, "train_mse_median", nan, p.train_mse_median, err, where) ||
        !read_number(pj, "coef_norm_median", nan, p.coef_norm_median, err, where) ||
        !read_number(pj, "p_eff_median", nan, p.p_eff_median, err, where) ||
        !read_number(pj, "ridge_median", nan, p.ridge_median, err, where) ||
        !read_number(pj, "theory", nan, p.theory, err, where) ||
        !read_doubles(pj, "fit_curve", p.fit_curve, err, where))
      return err;
    if (pj.contains("solver") && pj["solver"].is_string()) p.solver = pj["solver"].get<std::string>();
    r.points.push_back(std::move(p));
  }
  if (j.contains("curves")) {
    const json& cj = j["curves"];
    const std::string where = file + ": curves";
    if (!cj.is_object()) return where + ": not an object";
    if (!read_doubles(cj, "plot_x", r.plot_x, err, where) || !read_doubles(cj, "plot_truth", r.plot_truth, err, where) ||
        !read_doubles(cj, "train_x", r.train_x, err, where) || !read_doubles(cj, "train_y", r.train_y, err, where))
      return err;
    if (r.plot_x.size() != r.plot_truth.size() || r.train_x.size() != r.train_y.size())
      return where + ": arrays of different lengths";
    for (const auto& p : r.points)
      if (!p.fit_curve.empty() && p.fit_curve.size() != r.plot_x.size())
        return where + ": a fit_curve does not match plot_x in length";
  }
  if (!j.contains("complete") || !j["complete"].is_boolean()) return file + ": 'complete' must be true or false";
  r.complete = j["complete"].get<bool>();
  if (r.complete && r.points.size() != r.model_sizes.size())
    return file + ": marked complete but holds " + std::to_string(r.points.size()) + " of " +
           std::to_string(r.model_sizes.size()) + " points";
  out = std::move(r);
  return "";
}

}  // namespace grok
