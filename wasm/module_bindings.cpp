// The wasm module's free functions: schemas, file checks, settings and cost estimates, all by the
// core's own rules (one parser, one printer, one table), so the page never restates them. A thin
// layer: JSON strings in and out, no logic beyond the conversion.
//   JSON.parse(m.schema())  -> {fields, presets, ops, run_schema};  m.ddSchema() -> {fields, presets, dd_schema}
//   m.checkRunFile(text), m.ddCheckResult(text) -> "" or what is wrong with the file
//   m.settingsFromParams(table, '[["preset","browser"],["lr","0.003"]]', default) ->
//       {preset, config, notices: [{field, error, message}]}  (table: "grok" or "dd")
//   m.paramsFromSettings(table, preset, configJson) -> [[key, text], ...] (the shortest address)
//   m.checkField(table, name, text) -> {value} or {error}
//   m.estimateCost(configJson) -> core/grokking/cost.h as JSON, or {error}
//   m.fashionMnistFiles() -> the four file names; m.provideFashionMnistFile(name, Uint8Array of the
//       decompressed file) -> "" or what is wrong (the page has no files: common/datasets.mjs fetches
//       web/data/fashion-mnist/ and hands it over)
#include <emscripten/bind.h>

#include <string>

#include "grok/data/fashion_mnist.h"
#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/schema.h"
#include "grok/grokking/cost.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/run_file.h"
#include "grok/grokking/schema.h"
#include "replies.h"

namespace {
using nlohmann::json;

using grok_wasm::error_json;

bool read_pairs(const std::string& text, grok::TextPairs& out) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return false;
  for (const json& p : j) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string()) return false;
    out.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  }
  return true;
}

json notices_json(const std::vector<grok::SettingNotice>& notices) {
  json out = json::array();
  for (const auto& n : notices) out.push_back({{"field", n.field}, {"error", n.error}, {"message", n.message}});
  return out;
}

json pairs_json(const grok::TextPairs& pairs) {
  json out = json::array();
  for (const auto& [k, v] : pairs) out.push_back({k, v});
  return out;
}

std::string settings_from_params(const std::string& table, const std::string& params, const std::string& fallback) {
  grok::TextPairs pairs;
  if (!read_pairs(params, pairs)) return error_json("settings: expected [[key, text], ...]");
  if (table == "dd") {
    const grok::DDPresetSettings s = grok::dd_settings_from_params(pairs, fallback);
    return json{{"preset", s.config.experiment}, {"config", grok::dd_config_to_json(s.config)},
                {"notices", notices_json(s.notices)}}.dump();
  }
  const grok::PresetSettings s = grok::settings_from_params(pairs, fallback);
  return json{{"preset", s.preset}, {"config", grok::config_to_json(s.config)}, {"notices", notices_json(s.notices)}}
      .dump();
}

std::string params_from_settings(const std::string& table, const std::string& preset, const std::string& config) {
  const json j = json::parse(config, nullptr, false);
  if (j.is_discarded()) return error_json("config: not valid JSON");
  std::string err;
  if (table == "dd") {
    grok::DDConfig c;
    err = grok::dd_config_from_json(j, c);
    return err.empty() ? pairs_json(grok::dd_params_from_settings(c)).dump() : error_json(err);
  }
  grok::Config c;
  err = grok::config_from_json(j, c);
  return err.empty() ? pairs_json(grok::params_from_settings(preset, c)).dump() : error_json(err);
}

std::string check_field(const std::string& table, const std::string& name, const std::string& text) {
  if (table == "dd") {
    const grok::FieldSpec* f = grok::find_dd_field(name);
    if (!f) return error_json("'" + name + "' is not a setting");
    grok::DDConfig c;
    const std::string err = grok::set_dd_field_from_string(c, *f, text);
    return err.empty() ? json{{"value", grok::dd_config_to_json(c)[f->name]}}.dump() : error_json(err);
  }
  const grok::FieldSpec* f = grok::find_field(name);
  if (!f) return error_json("'" + name + "' is not a setting");
  grok::Config c;
  const std::string err = grok::set_field_from_string(c, *f, text);
  return err.empty() ? json{{"value", grok::config_to_json(c)[f->name]}}.dump() : error_json(err);
}

std::string estimate_cost(const std::string& config) {
  const json j = json::parse(config, nullptr, false);
  if (j.is_discarded()) return error_json("config: not valid JSON");
  grok::Config c;
  std::string err = grok::config_from_json(j, c);
  if (err.empty()) err = grok::validate(c);
  return err.empty() ? grok::cost_to_json(grok::estimate_cost(c)).dump() : error_json(err);
}

std::string schema() { return grok::schema_json().dump(); }
std::string dd_schema() { return grok::dd_schema_json().dump(); }

std::string check_run_file(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return "run file: not valid JSON";
  grok::RunData run;
  return grok::run_from_json(j, run);
}

std::string dd_check_result(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return "dd file: not valid JSON";
  grok::DDResult r;
  return grok::dd_result_from_json(j, r);
}

// embind passes a Uint8Array to a std::string parameter as its bytes.
std::string provide_fashion_mnist_file(const std::string& name, const std::string& bytes) {
  return grok::provide_fashion_mnist_file(name, bytes);
}

std::string fashion_mnist_files() { return json(grok::fashion_mnist_file_names()).dump(); }

std::string simd_in_use() { return Eigen::SimdInstructionSetsInUse(); }

}  // namespace

EMSCRIPTEN_BINDINGS(grok_module) {
  emscripten::function("schema", &schema);
  emscripten::function("ddSchema", &dd_schema);
  emscripten::function("simdInUse", &simd_in_use);
  emscripten::function("checkRunFile", &check_run_file);
  emscripten::function("ddCheckResult", &dd_check_result);
  emscripten::function("settingsFromParams", &settings_from_params);
  emscripten::function("paramsFromSettings", &params_from_settings);
  emscripten::function("checkField", &check_field);
  emscripten::function("estimateCost", &estimate_cost);
  emscripten::function("fashionMnistFiles", &fashion_mnist_files);
  emscripten::function("provideFashionMnistFile", &provide_fashion_mnist_file);
}
