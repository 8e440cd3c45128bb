// Sweeps (grokking/sweep.h): the grid, the plan's runs, and the summary rows the CLI and the page
// both build from finished runs.
#include <catch2/catch.hpp>

#include <memory>

#include "grok/grokking/presets.h"
#include "grok/grokking/sweep.h"
#include "grok/grokking/trainer.h"

using namespace grok;

namespace {
GridAxis axis(const std::string& text) {
  GridAxis a;
  const std::string err = parse_grid(text, a);
  INFO(err);
  REQUIRE(err == "");
  return a;
}
}  // namespace

TEST_CASE("sweep: grids read like the CLI's --grid, every value checked and printed canonically") {
  const GridAxis tf = axis("train_fraction=0.4:0.8:5");
  CHECK(tf.values == std::vector<std::string>{"0.4", "0.5", "0.6", "0.7", "0.8"});
  CHECK(axis("weight_decay=0.01:1:3:log").values == std::vector<std::string>{"0.01", "0.1", "1"});
  CHECK(axis(" lr = 1e-3, 0.003 ").values == std::vector<std::string>{"0.001", "0.003"});
  GridAxis bad;
  CHECK(parse_grid("train_fraction=0.4,1.2", bad).find("is not a number in (0, 1)") != std::string::npos);
  CHECK(parse_grid("hidden=1:2:3", bad).find("integer") != std::string::npos);
  CHECK(parse_grid("seed=1,2", bad).find("--seeds") != std::string::npos);
  CHECK(parse_grid("nonsense=1", bad).find("unknown field") != std::string::npos);
  CHECK(parse_grid("lr=0x10", bad) != "");  // the core's one number parser: no hex
}

TEST_CASE("sweep: the plan's runs in order (last axis fastest, seeds fastest of all), one thread each") {
  const Config base = find_preset("browser")->config;
  SweepPlan plan;
  REQUIRE(make_plan("browser", base, {axis("train_fraction=0.4,0.6"), axis("weight_decay=0.5,1,2")}, {0, 7}, plan) == "");
  REQUIRE(plan.runs.size() == 12);
  CHECK(plan.runs[0].file == "train_fraction=0.4_weight_decay=0.5_seed=0.json");
  CHECK(plan.runs[1].file == "train_fraction=0.4_weight_decay=0.5_seed=7.json");
  CHECK(plan.runs[2].file == "train_fraction=0.4_weight_decay=1_seed=0.json");
  CHECK(plan.runs[11].file == "train_fraction=0.6_weight_decay=2_seed=7.json");
  CHECK(plan.runs[11].config.train_fraction == 0.6);
  CHECK(plan.runs[11].config.weight_decay == 2.0);
  CHECK(plan.runs[11].config.seed == 7);
  for (const auto& r : plan.runs) CHECK(r.config.threads == 1);
  // A train fraction that leaves a run without data is refused before anything runs.
  SweepPlan refused;
  CHECK(make_plan("browser", base, {axis("train_fraction=0.0001")}, {0}, refused).find("run train_fraction=0.0001") == 0);
  // So is a modulus the range allows but the task does not (4 is not prime).
  CHECK(make_plan("browser", base, {axis("p=3:5:3")}, {0}, refused).find("run p=4_seed=0.json: ") == 0);
  // The plan's JSON reads back to the same plan.
  SweepPlan back;
  REQUIRE(plan_from_json(plan_to_json(plan), back) == "");
  CHECK(plan_to_json(back) == plan_to_json(plan));
}

TEST_CASE("sweep: rows from finished runs, the summary in plan order whatever order they finished in") {
  Config base = find_preset("browser")->config;
  base.steps = 60;
  base.eval_every = 20;
  SweepPlan plan;
  REQUIRE(make_plan("browser", base, {axis("weight_decay=0.5,2")}, {3}, plan) == "");
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i : {size_t(1), size_t(0)}) {  // finished in reverse order, as a pool may
    std::unique_ptr<Trainer> t;
    REQUIRE(Trainer::create(plan.runs[i].config, t) == "");
    t->run(1000);
    const RunData data = run_from_trainer(*t, t->finished());
    CHECK(planned_run_mismatch(data, plan.runs[i]) == "");
    CHECK(planned_run_complete(data, plan.runs[i]));
    // The other run's plan entry is not this run (weight decay differs).
    CHECK(planned_run_mismatch(data, plan.runs[1 - i]).find("weight_decay") != std::string::npos);
    const nlohmann::json row = sweep_row(plan, i, data);
    CHECK(row["index"] == long(i));
    CHECK(row["steps"] == 60);
    CHECK(row["values"]["weight_decay"] == plan.runs[i].config.weight_decay);
    CHECK(row["final_train_acc"] == data.summary.final_train_acc);
    // Every evaluation (the log-spaced early ones, then every 20 steps) with its accuracies, as the
    // run file has them.
    const nlohmann::json& h = row["history"];
    REQUIRE(h["step"].size() == data.metrics.size());
    for (size_t k = 0; k < data.metrics.size(); ++k) {
      CHECK(h["step"][k] == data.metrics[k].step);
      CHECK(h["train_acc"][k] == data.metrics[k].train_acc);
      CHECK(h["test_acc"][k] == data.metrics[k].test_acc);
    }
    CHECK(h["step"].back() == 60);
    CHECK(h["train_acc"].back() == data.summary.final_train_acc);
    rows.push_back(row);
  }
  const nlohmann::json s = sweep_summary(plan, rows, nlohmann::json::array(), nlohmann::json::array());
  CHECK(s["schema"] == kSweepSchema);
  CHECK(s["runs_total"] == 2);
  CHECK(s["runs_complete"] == 2);
  REQUIRE(s["rows"].size() == 2);
  CHECK(s["rows"][0]["index"] == 0);
  CHECK(s["rows"][1]["index"] == 1);
  CHECK(s["grid"][0]["field"] == "weight_decay");

  // The reader takes the summary back, history and all; a broken history is named.
  SweepPlan back;
  nlohmann::json back_rows, unreadable;
  CHECK(summary_from_json(s, back, back_rows, unreadable) == "");
  CHECK(back_rows[1]["history"] == s["rows"][1]["history"]);
  nlohmann::json bad = s;
  bad["rows"][1]["history"]["test_acc"][2] = 1.5;
  CHECK(summary_from_json(bad, back, back_rows, unreadable) ==
        "summary: rows[1]: history: test_acc[2] must be a number in [0, 1]");
  bad = s;
  bad["rows"][0]["history"]["step"][2] = bad["rows"][0]["history"]["step"][1];
  CHECK(summary_from_json(bad, back, back_rows, unreadable).find("history: step[2] must be an integer above") !=
        std::string::npos);
  bad = s;
  bad["rows"][0]["history"]["train_acc"].erase(0);
  CHECK(summary_from_json(bad, back, back_rows, unreadable) ==
        "summary: rows[0]: history: step, train_acc and test_acc must have one length");
  bad = s;  // a summary from before histories: still read
  bad["rows"][0].erase("history");
  CHECK(summary_from_json(bad, back, back_rows, unreadable) == "");
}

TEST_CASE("sweep: a row keeps every evaluation up to 128, else 128 log-spaced ones from the first to the last") {
  CHECK(row_history_indices(0).empty());
  CHECK(row_history_indices(5) == std::vector<size_t>{0, 1, 2, 3, 4});
  CHECK(row_history_indices(kRowHistoryPoints).size() == kRowHistoryPoints);
  for (size_t count : {size_t(129), size_t(1001), size_t(100001)}) {
    const std::vector<size_t> k = row_history_indices(count);
    INFO(count);
    CHECK(k.size() == kRowHistoryPoints);
    CHECK(k.front() == 0);
    CHECK(k.back() == count - 1);
    for (size_t i = 1; i < k.size(); ++i) CHECK(k[i] > k[i - 1]);
    CHECK(k[1] == 1);  // the first evaluations after step 0 are kept: they move fastest
    if (count > 10000) CHECK(k[k.size() / 2] < count / 100);  // log-spaced, not evenly
  }
}
