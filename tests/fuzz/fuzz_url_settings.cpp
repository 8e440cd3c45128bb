// Page addresses (index.html#..., double-descent.html#...): an arbitrary query string, split and
// percent-decoded the way URLSearchParams does, into settings_from_params / dd_settings_from_params.
// Never a crash; every notice names its key; the address written back for the result reads back to
// the same config.
#include <string>

#include "fuzz_util.h"
#include "grok/double_descent/config.h"
#include "grok/grokking/presets.h"

namespace {
int hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }

std::string decode(const std::string& s) {  // application/x-www-form-urlencoded
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}

grok::TextPairs parse_query(const std::string& q) {
  grok::TextPairs pairs;
  size_t start = 0;
  while (start <= q.size()) {
    const size_t amp = q.find('&', start);
    const std::string part = q.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      pairs.emplace_back(decode(part.substr(0, eq)), eq == std::string::npos ? "" : decode(part.substr(eq + 1)));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return pairs;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using grok_fuzz::require;
  const grok::TextPairs pairs = parse_query(grok_fuzz::text(data, size));
  const grok::PresetSettings s = grok::settings_from_params(pairs, "browser", {"run", "sweep"});
  // Every notice says what is wrong and names the key it is about (which is "" for "&=x").
  for (const auto& n : s.notices) {
    bool named = n.field == "preset";
    for (const auto& [key, text] : pairs) {
      const grok::FieldSpec* f = grok::find_field(key);
      named = named || n.field == key || (f && f == grok::find_field(n.field)) ||
              (key.size() > 40 && n.field == key.substr(0, 40) + "...");
    }
    require(!n.message.empty() && named, "a notice names its key");
  }
  const grok::PresetSettings again = grok::settings_from_params(grok::params_from_settings(s.preset, s.config), "browser");
  require(again.notices.empty(), "the written-back address has no bad values");
  require(grok::config_to_json(again.config) == grok::config_to_json(s.config), "the address reads back to the config");
  const grok::DDPresetSettings d = grok::dd_settings_from_params(pairs, "legendre");
  const grok::DDPresetSettings dd_again = grok::dd_settings_from_params(grok::dd_params_from_settings(d.config), "legendre");
  require(dd_again.notices.empty(), "the written-back dd address has no bad values");
  require(grok::dd_config_to_json(dd_again.config) == grok::dd_config_to_json(d.config), "the dd address reads back");
  return 0;
}
