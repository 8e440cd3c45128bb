// Double descent: the field table, presets, model-size grid and the grok-dd/1 file format.
#include <catch2/catch.hpp>

#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/sweep.h"

using namespace grok;

TEST_CASE("dd: defaults and every preset validate; each preset is its experiment") {
  CHECK(validate_dd(DDConfig{}) == "");
  REQUIRE(dd_presets().size() == 5);
  for (const auto& p : dd_presets()) {
    INFO(p.name);
    CHECK(validate_dd(p.config) == "");
    CHECK(p.config.experiment == p.name);
  }
  // The experiment field's choices are exactly the presets (one list, not two that drift apart).
  const FieldSpec* f = find_dd_field("experiment");
  REQUIRE(f);
  REQUIRE(f->choices.size() == dd_presets().size());
  for (const auto& name : f->choices) CHECK(find_dd_preset(name) != nullptr);
}

TEST_CASE("dd: bad values are rejected naming the field and its range") {
  DDConfig c;
  CHECK(set_dd_field_from_string(c, *find_dd_field("n_train"), "3") == "n_train: '3' is not an integer in [4, 5000]");
  CHECK(set_dd_field_from_string(c, *find_dd_field("noise"), "-1").find("noise: '-1' is not a number in [0, 100]") == 0);
  CHECK(set_dd_field_from_string(c, *find_dd_field("trials"), "2.5") != "");
  CHECK(set_dd_field_from_string(c, *find_dd_field("ridge"), "nan") != "");
  CHECK(set_dd_field_from_string(c, *find_dd_field("experiment"), "cubic").find("one of linear, relu-features, legendre") !=
        std::string::npos);
  CHECK(set_dd_field_from_string(c, *find_dd_field("tune-ridge"), "yes") != "");  // kebab-case finds it too
  CHECK(set_dd_field_from_string(c, *find_dd_field("tune_ridge"), "true") == "");
  CHECK(c.tune_ridge);
  CHECK(c.n_train == DDConfig{}.n_train);  // a rejected value leaves the field alone

  DDConfig bad = DDConfig{};
  bad.p_min = 50;
  bad.p_max = 10;
  CHECK(validate_dd(bad).find("p_min") == 0);
  bad = DDConfig{};
  bad.p_max = bad.total_features + 1;
  CHECK(validate_dd(bad).find("p_max") == 0);
  bad = find_dd_preset("relu-features")->config;
  bad.n_test = 100000;
  bad.p_max = 1000;
  CHECK(validate_dd(bad).find("n_test") == 0);  // memory bound names the field to lower
}

TEST_CASE("dd: model sizes are sorted, unique, in range and hit n and its multiples") {
  DDConfig c;
  c.n_train = 40;
  c.p_min = 1;
  c.p_max = 400;
  c.points = 12;
  const std::vector<int> sizes = dd_model_sizes(c);
  REQUIRE(!sizes.empty());
  CHECK(sizes.front() == 1);
  CHECK(sizes.back() == 400);
  for (size_t i = 1; i < sizes.size(); ++i) CHECK(sizes[i - 1] < sizes[i]);
  for (int want : {20, 39, 40, 41, 80, 160, 400})
    CHECK(std::find(sizes.begin(), sizes.end(), want) != sizes.end());
  c.p_min = 50;  // n/2, n-1, n, n+1 fall outside [p_min, p_max] and are left out
  const std::vector<int> high = dd_model_sizes(c);
  CHECK(high.front() == 50);
  CHECK(std::find(high.begin(), high.end(), 40) == high.end());
}

TEST_CASE("dd: result files round-trip and bad files say what is wrong") {
  DDConfig c = find_dd_preset("legendre")->config;
  c.trials = 2;
  c.p_max = 30;
  c.points = 4;
  c.n_test = 50;
  std::unique_ptr<DDSweep> sweep;
  REQUIRE(DDSweep::create(c, sweep) == "");
  while (sweep->step()) {}
  const nlohmann::json j = dd_result_to_json(sweep->result());
  CHECK(j["schema"] == "grok-dd/1");
  CHECK(j["complete"] == true);
  CHECK(j["points"][0]["theory"].is_null());  // no theory for legendre: null, not NaN
  DDResult back;
  REQUIRE(dd_result_from_json(j, back) == "");
  CHECK(dd_result_to_json(back) == j);

  nlohmann::json bad = j;
  bad["schema"] = "grok-run/1";
  CHECK(dd_result_from_json(bad, back).find("expected \"grok-dd/1\"") != std::string::npos);
  bad = j;
  bad["config"]["noise"] = -2;
  CHECK(dd_result_from_json(bad, back).find("noise") != std::string::npos);
  bad = j;
  bad["points"][1]["test_mse_median"] = "big";
  CHECK(dd_result_from_json(bad, back) == "dd file: points[1]: 'test_mse_median' is not a finite number");
  // Sizes are read as integers in range: a float-to-int cast of 1e300 would be undefined.
  bad = j;
  bad["points"][0]["p"] = 1e300;
  CHECK(dd_result_from_json(bad, back) == "dd file: points[0]: p and n must be integers in [1, 100000]");
  bad = j;
  bad["points"][0]["n"] = 2.5;
  CHECK(dd_result_from_json(bad, back) == "dd file: points[0]: p and n must be integers in [1, 100000]");
  bad = j;
  std::swap(bad["model_sizes"][0], bad["model_sizes"][1]);
  CHECK(dd_result_from_json(bad, back) == "dd file: model_sizes must hold increasing integers in [1, 100000]");
  bad = j;
  bad["points"].erase(bad["points"].size() - 1);
  CHECK(dd_result_from_json(bad, back).find("marked complete") != std::string::npos);
  bad["complete"] = false;  // a partial sweep (interrupted) is a valid file
  CHECK(dd_result_from_json(bad, back) == "");
  bad = j;
  bad["points"][0]["fit_curve"].erase(0);
  CHECK(dd_result_from_json(bad, back).find("fit_curve") != std::string::npos);
}

TEST_CASE("dd: the linear theory is +inf at the peak and written as null") {
  DDConfig c;
  c.n_train = 10;
  c.total_features = 30;
  c.p_min = 9;
  c.p_max = 11;
  c.points = 2;
  c.trials = 3;
  std::unique_ptr<DDSweep> sweep;
  REQUIRE(DDSweep::create(c, sweep) == "");
  while (sweep->step()) {}
  const nlohmann::json j = dd_result_to_json(sweep->result());
  REQUIRE(j["points"].size() == 3);  // 9, 10, 11
  for (const auto& p : j["points"]) CHECK(p["theory"].is_null());
  CHECK(j["theory"].get<std::string>().find("exact") != std::string::npos);
}
