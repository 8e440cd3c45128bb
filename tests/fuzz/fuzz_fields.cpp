// Every field of both tables from arbitrary text (the CLI flags, URL values and form entries all go
// through set_field_from_string): never a crash; an accepted value prints and reads back to itself
// exactly, lies in the row's range, and a config of accepted values survives its JSON.
// Input: first byte picks the table and the field, the rest is the text.
#include "fuzz_util.h"
#include "grok/double_descent/config.h"
#include "grok/grokking/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using grok_fuzz::require;
  if (size < 1) return 0;
  const std::string value = grok_fuzz::text(data + 1, size - 1);
  const bool dd = data[0] & 0x80;
  if (!dd) {
    const auto& specs = grok::field_specs();
    const grok::FieldSpec& f = specs[(data[0] & 0x7f) % specs.size()];
    grok::Config c;
    if (grok::set_field_from_string(c, f, value) != "") return 0;
    const std::string printed = grok::get_field_string(c, f);
    grok::Config again;
    require(grok::set_field_from_string(again, f, printed) == "", "a printed value reads back");
    require(grok::get_field_string(again, f) == printed, "the round trip is exact");
    grok::Config from_json;
    require(grok::config_from_json(grok::config_to_json(c), from_json) == "", "the config's JSON reads back");
    require(grok::get_field_string(from_json, f) == printed, "the JSON round trip is exact");
    (void)grok::validate(c);
  } else {
    const auto& specs = grok::dd_field_specs();
    const grok::FieldSpec& f = specs[(data[0] & 0x7f) % specs.size()];
    grok::DDConfig c;
    if (grok::set_dd_field_from_string(c, f, value) != "") return 0;
    const std::string printed = grok::get_dd_field_string(c, f);
    grok::DDConfig again;
    require(grok::set_dd_field_from_string(again, f, printed) == "", "a printed dd value reads back");
    require(grok::get_dd_field_string(again, f) == printed, "the dd round trip is exact");
    grok::DDConfig from_json;
    require(grok::dd_config_from_json(grok::dd_config_to_json(c), from_json) == "", "the dd JSON reads back");
    (void)grok::validate_dd(c);
  }
  return 0;
}
