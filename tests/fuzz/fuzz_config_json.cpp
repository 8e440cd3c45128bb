// Config files (grok train --config, run files' config, the page's init): arbitrary JSON text into
// config_from_json / dd_resolve_config. Never a crash or an exception; an accepted config validates
// the same after its own JSON is read back, and that JSON is a fixed point.
#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "grok/double_descent/config.h"
#include "grok/grokking/config.h"
#include "grok/grokking/cost.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using grok_fuzz::require;
  const nlohmann::json j = nlohmann::json::parse(grok_fuzz::text(data, size), nullptr, false);
  if (j.is_discarded()) return 0;
  grok::Config c;
  if (grok::config_from_json(j, c) == "") {
    const nlohmann::json out = grok::config_to_json(c);
    grok::Config back;
    require(grok::config_from_json(out, back) == "", "a config's JSON reads back");
    require(grok::config_to_json(back) == out, "config JSON is a fixed point");
    const std::string err = grok::validate(c);
    require(grok::validate(back) == err, "validation does not change on a round trip");
    if (err.empty()) (void)grok::estimate_cost(c);  // the page asks it of any valid config
  }
  grok::DDConfig d;
  if (grok::dd_resolve_config(j, d) == "") {
    grok::DDConfig back;
    require(grok::dd_config_from_json(grok::dd_config_to_json(d), back) == "", "a dd config's JSON reads back");
    require(grok::validate_dd(back) == "", "a resolved dd config stays valid");
    (void)grok::dd_model_sizes(d);
  }
  return 0;
}
