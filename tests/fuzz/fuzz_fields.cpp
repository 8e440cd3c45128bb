// Every field of both tables from arbitrary text (the CLI flags, URL values and form entries all go
// through set_field_from_string): never a crash; an accepted value prints and reads back to itself
// exactly, and a config of accepted values survives its JSON with that field unchanged.
// Input: first byte picks the table and the field, the rest is the text.
#include "fuzz_util.h"
#include "grok/double_descent/config.h"
#include "grok/grokking/config.h"

namespace {

// One round trip over a table: the grokking and double-descent tables differ only in these calls.
template <class Cfg, class Set, class Get, class ToJson, class FromJson, class Validate>
void round_trip(const std::vector<grok::FieldSpec>& specs, uint8_t pick, const std::string& value, Set set, Get get,
                ToJson to_json, FromJson from_json, Validate validate) {
  using grok_fuzz::require;
  const grok::FieldSpec& f = specs[pick % specs.size()];
  Cfg c;
  if (set(c, f, value) != "") return;
  const std::string printed = get(c, f);
  Cfg again;
  require(set(again, f, printed) == "", "a printed value reads back");
  require(get(again, f) == printed, "the round trip is exact");
  Cfg back;
  require(from_json(to_json(c), back) == "", "the config's JSON reads back");
  require(get(back, f) == printed, "the JSON round trip is exact");
  (void)validate(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string value = grok_fuzz::text(data + 1, size - 1);
  const uint8_t pick = data[0] & 0x7f;
  if (!(data[0] & 0x80))
    round_trip<grok::Config>(
        grok::field_specs(), pick, value,
        [](grok::Config& c, const grok::FieldSpec& f, const std::string& t) { return grok::set_field_from_string(c, f, t); },
        [](const grok::Config& c, const grok::FieldSpec& f) { return grok::get_field_string(c, f); },
        [](const grok::Config& c) { return grok::config_to_json(c); },
        [](const nlohmann::json& j, grok::Config& c) { return grok::config_from_json(j, c); },
        [](const grok::Config& c) { return grok::validate(c); });
  else
    round_trip<grok::DDConfig>(
        grok::dd_field_specs(), pick, value,
        [](grok::DDConfig& c, const grok::FieldSpec& f, const std::string& t) { return grok::set_dd_field_from_string(c, f, t); },
        [](const grok::DDConfig& c, const grok::FieldSpec& f) { return grok::get_dd_field_string(c, f); },
        [](const grok::DDConfig& c) { return grok::dd_config_to_json(c); },
        [](const nlohmann::json& j, grok::DDConfig& c) { return grok::dd_config_from_json(j, c); },
        [](const grok::DDConfig& c) { return grok::validate_dd(c); });
  return 0;
}
