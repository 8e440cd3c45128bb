// Field tables: a settings struct (grokking Config, double-descent DDConfig) described row by row.
// A row holds every fact about one field: its name, kind, allowed range or choices, help, the form
// group it belongs to, when it applies (which model kinds or experiments), and whether it may change
// mid-run or on resume. The CLI's flags and --help, the page's form, URL checks and live edits, the
// run files' config and the tests all read the table; nothing restates a default, a range or a group.
//
// The rules shared by every table are written once, here: the number parser and printer (finite,
// normal or zero, exact round trip), the range text, parsing from text and JSON, and the schema rows
// the page reads. Each table supplies its rows and a visitor giving access to a member by name:
//   visitor(C& c, const std::string& name, F&& f) -> bool: calls f(c.<member named name>).
#pragma once
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace grok {

// The row applies only while another field of the same table holds one of `values` (or, with
// `negate`, none of them): e.g. `layers` only when model is transformer.
struct FieldCondition {
  std::string field;
  std::vector<std::string> values;
  bool negate = false;
};

struct FieldSpec {
  enum class Kind { Int, Real, Choice, Bool };
  const char* name = "";                // snake_case; the CLI flag is its kebab-case
  Kind kind = Kind::Int;
  double min = 0, max = 0;              // inclusive range for Int/Real (Real may exclude an end)
  bool exclusive_min = false, exclusive_max = false;
  std::vector<std::string> choices;     // for Choice
  std::vector<std::pair<std::string, std::string>> aliases;  // Choice: other names read as a choice ("ce" -> "softmax")
  const char* help = "";
  const char* group = "";               // the form group the page shows it in ("Task", "Model", ...)
  const char* label = "";               // short form label; "" = the name with spaces
  bool live = false;                    // may change mid-run without starting a new run
  bool resumable = false;               // may change when a stopped run is resumed
  bool native_only = false;             // means nothing in the page (e.g. CPU threads)
  bool result_neutral = false;          // never changes what a run computes (CPU threads)
  std::vector<FieldCondition> when;     // applies only when every condition holds

  // Row builders, e.g. FieldSpec::integer("p", 3, 509, "prime modulus").in("Task").
  static FieldSpec integer(const char* name, double min, double max, const char* help);
  static FieldSpec real(const char* name, double min, double max, const char* help);
  static FieldSpec choice(const char* name, std::vector<std::string> choices, const char* help);
  static FieldSpec flag(const char* name, const char* help);
  FieldSpec& exclusive(bool lo, bool hi) { exclusive_min = lo; exclusive_max = hi; return *this; }
  FieldSpec& in(const char* g) { group = g; return *this; }
  FieldSpec& labelled(const char* l) { label = l; return *this; }
  FieldSpec& changes_live() { live = true; return *this; }
  FieldSpec& changes_on_resume() { resumable = true; live = true; return *this; }
  FieldSpec& native() { native_only = true; return *this; }
  FieldSpec& alias(const char* other, const char* choice) { aliases.push_back({other, choice}); return *this; }
  FieldSpec& neutral() { result_neutral = true; return *this; }
  FieldSpec& only_if(const char* field, std::vector<std::string> values) {
    when.push_back({field, std::move(values), false});
    return *this;
  }
  FieldSpec& unless(const char* field, std::vector<std::string> values) {
    when.push_back({field, std::move(values), true});
    return *this;
  }
};

std::string kebab(const std::string& snake);  // train_fraction -> train-fraction

// The one number printer: whole numbers as integers ("5000", "100000000"), others in the shortest
// form that reads back to the same double ("0.3", "1e-05").
std::string format_number(double v);
// The one number parser: the whole text is a decimal number (no spaces, no hex, no inf/nan), finite,
// and normal or zero (a subnormal such as 1e-310 cannot round-trip through every printer and would
// pass a range check only to underflow later). False otherwise.
bool parse_number(const std::string& text, double& out);
// "an integer in [3, 509]", "a number in (0, 1)", "one of add, sub, ...", "true or false".
std::string range_text(const FieldSpec& f);
const FieldSpec* find_field_in(const std::vector<FieldSpec>& specs, const std::string& name);  // snake or kebab
// Whether a row's conditions hold, given the text of each field (field_to_string).
template <class Lookup>
bool conditions_hold(const FieldSpec& f, Lookup&& text_of) {
  for (const auto& c : f.when) {
    bool in = false;
    for (const auto& v : c.values) in = in || v == text_of(c.field);
    if (in == c.negate) return false;
  }
  return true;
}
// The schema rows the page and --help read: every fact of every row, plus its default and range text.
nlohmann::json field_rows_json(const std::vector<FieldSpec>& specs, const nlohmann::json& defaults);

template <class C, class Visit>
std::string field_to_string(const C& c_in, const FieldSpec& f, Visit visit) {
  C& c = const_cast<C&>(c_in);  // the visitor hands out mutable references; nothing is written
  std::string out;
  visit(c, f.name, [&](auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<T, std::string>) out = v;
    else if constexpr (std::is_same_v<T, bool>) out = v ? "true" : "false";
    else if constexpr (std::is_same_v<T, double>) out = format_number(v);
    else out = std::to_string(v);
  });
  return out;
}

// "" or "<field>: '<text>' is not <range_text>".
template <class C, class Visit>
std::string field_from_string(C& c, const FieldSpec& f, const std::string& text, Visit visit) {
  using K = FieldSpec::Kind;
  const std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  const std::string bad = std::string(f.name) + ": '" + shown + "' is not " + range_text(f);
  if (f.kind == K::Choice) {
    std::string value;
    for (const auto& ch : f.choices)
      if (ch == text) value = ch;
    for (const auto& [other, ch] : f.aliases)
      if (other == text) value = ch;
    if (value.empty()) return bad;
    visit(c, f.name, [&](auto& v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) v = value;
    });
    return "";
  }
  if (f.kind == K::Bool) {
    bool value;
    if (text == "true" || text == "1") value = true;
    else if (text == "false" || text == "0") value = false;
    else return bad;
    visit(c, f.name, [&](auto& v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>) v = value;
    });
    return "";
  }
  double value = 0;
  if (!parse_number(text, value)) return bad;
  if (f.kind == K::Int && value != std::floor(value)) return bad;
  if (value < f.min || value > f.max || (f.exclusive_min && value == f.min) || (f.exclusive_max && value == f.max))
    return bad;
  visit(c, f.name, [&](auto& v) {
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) v = static_cast<T>(value);
  });
  return "";
}

// Every field inside its range (the same check the setter does), or the first error.
template <class C, class Visit>
std::string check_ranges(const C& c, const std::vector<FieldSpec>& specs, Visit visit) {
  for (const auto& f : specs) {
    C copy = c;
    const std::string err = field_from_string(copy, f, field_to_string(c, f, visit), visit);
    if (!err.empty()) return err;
  }
  return "";
}

// Values are taken from the members themselves, not re-parsed from text.
template <class C, class Visit>
nlohmann::json fields_to_json(const C& c_in, const std::vector<FieldSpec>& specs, Visit visit) {
  C& c = const_cast<C&>(c_in);  // read only, as in field_to_string
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : specs)
    visit(c, f.name, [&](auto& v) {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, uint64_t>) j[f.name] = static_cast<uint64_t>(v);
      else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) j[f.name] = static_cast<long long>(v);
      else j[f.name] = v;
    });
  return j;
}

// Reads the fields present in j over c (a partial object overrides what c holds). Unknown keys,
// wrong JSON types and out-of-range values are errors naming the key. Numbers go through the same
// parser as text (a JSON number is printed shortest-exact and parsed back).
template <class C, class Visit>
std::string fields_from_json(const nlohmann::json& j, C& c, const std::vector<FieldSpec>& specs, Visit visit) {
  if (!j.is_object()) return "config: expected a JSON object";
  for (auto it = j.begin(); it != j.end(); ++it) {
    const FieldSpec* f = find_field_in(specs, it.key());
    if (!f) return "config: unknown key '" + (it.key().size() > 40 ? it.key().substr(0, 40) + "..." : it.key()) + "'";
    const nlohmann::json& v = it.value();
    std::string text;
    if (f->kind == FieldSpec::Kind::Choice) {
      if (!v.is_string()) return std::string(f->name) + ": expected a string";
      text = v.get<std::string>();
    } else if (f->kind == FieldSpec::Kind::Bool) {
      if (!v.is_boolean()) return std::string(f->name) + ": expected true or false";
      text = v.get<bool>() ? "true" : "false";
    } else {
      if (!v.is_number()) return std::string(f->name) + ": expected a number";
      text = v.is_number_float() ? format_number(v.get<double>()) : v.dump();
    }
    const std::string err = field_from_string(c, *f, text, visit);
    if (!err.empty()) return err;
  }
  return "";
}

// Settings given as text (URL parameters, form entries): (key, text) pairs, keys snake or kebab.
using TextPairs = std::vector<std::pair<std::string, std::string>>;
struct SettingNotice {
  std::string field;    // the field (or the unknown key) it is about
  std::string error;    // what is wrong, naming the field ("noise: 'loud' is not a number in [0, 100]")
  std::string message;  // the error and what was done about it ("...; reset to 0.2")
};

// Applies text settings over `c` one by one: a good value applies; a bad one leaves the field at
// `base`'s value, with a notice naming the field, the value and the allowed range; an unknown key
// (or a native-only field, such as CPU threads in a page) is ignored with a notice. Keys in `skip`
// (the one naming the preset, and what else the page reads itself) are passed over.
template <class C, class Visit>
std::vector<SettingNotice> apply_text_settings(C& c, const C& base, const std::vector<FieldSpec>& specs,
                                               const TextPairs& pairs, const std::vector<std::string>& skip,
                                               Visit visit) {
  std::vector<SettingNotice> notices;
  for (const auto& [key, text] : pairs) {
    bool skipped = false;
    for (const auto& s : skip) skipped = skipped || s == key;
    if (skipped) continue;
    const FieldSpec* f = find_field_in(specs, key);
    const std::string shown = key.size() > 40 ? key.substr(0, 40) + "..." : key;
    if (!f || f->native_only) {
      notices.push_back({shown, "'" + shown + "' is not a setting", "'" + shown + "' is not a setting; ignored"});
      continue;
    }
    const std::string err = field_from_string(c, *f, text, visit);
    if (err.empty()) continue;
    const std::string reset = field_to_string(base, *f, visit);
    field_from_string(c, *f, reset, visit);
    notices.push_back({f->name, err, err + "; reset to " + reset});
  }
  return notices;
}

// The shortest description of `c` on top of `base`: the fields whose text differs, in table order.
template <class C, class Visit>
TextPairs text_settings_diff(const C& c, const C& base, const std::vector<FieldSpec>& specs, Visit visit) {
  TextPairs out;
  for (const auto& f : specs) {
    if (f.native_only) continue;
    const std::string v = field_to_string(c, f, visit);
    if (v != field_to_string(base, f, visit)) out.push_back({f.name, v});
  }
  return out;
}

}  // namespace grok
