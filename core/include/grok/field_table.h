// Field tables: the code that reads, writes, checks and (de)serializes a settings struct through its
// table of FieldSpec rows (config.h). Config and DDConfig each supply their table and a visitor that
// gives access to a member by name; the rules (number format, range text, parsing, JSON types) are
// written once, here, so both tables behave alike on the CLI, in URLs and in files.
//   visitor(C& c, const std::string& name, F&& f) -> bool: calls f(c.<member named name>).
#pragma once
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "grok/config.h"

namespace grok {

std::string format_number(double v);         // shortest text that reads back to the same double
std::string range_text(const FieldSpec& f);  // "an integer in [3, 509]", "one of add, sub, ..."
const FieldSpec* find_field_in(const std::vector<FieldSpec>& specs, const std::string& name);  // snake or kebab

template <class C, class Visit>
std::string field_to_string(const C& c_in, const FieldSpec& f, Visit visit) {
  C c = c_in;  // the visitor hands out mutable references
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
  const std::string bad = std::string(f.name) + ": '" + text + "' is not " + range_text(f);
  if (f.kind == K::Choice) {
    bool known = false;
    for (const auto& ch : f.choices) known = known || ch == text;
    if (!known) return bad;
    visit(c, f.name, [&](auto& v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) v = text;
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
  if (text.empty()) return bad;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value)) return bad;
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

template <class C, class Visit>
nlohmann::json fields_to_json(const C& c, const std::vector<FieldSpec>& specs, Visit visit) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : specs) {
    const std::string v = field_to_string(c, f, visit);
    switch (f.kind) {
      case FieldSpec::Kind::Choice: j[f.name] = v; break;
      case FieldSpec::Kind::Bool: j[f.name] = (v == "true"); break;
      case FieldSpec::Kind::Int: j[f.name] = std::stoll(v); break;
      case FieldSpec::Kind::Real: j[f.name] = std::stod(v); break;
    }
  }
  return j;
}

// Reads the fields present in j over c (a partial object overrides what c holds). Unknown keys,
// wrong JSON types and out-of-range values are errors naming the key.
template <class C, class Visit>
std::string fields_from_json(const nlohmann::json& j, C& c, const std::vector<FieldSpec>& specs, Visit visit) {
  if (!j.is_object()) return "config: expected a JSON object";
  for (auto it = j.begin(); it != j.end(); ++it) {
    const FieldSpec* f = find_field_in(specs, it.key());
    if (!f) return "config: unknown key '" + it.key() + "'";
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
      text = v.dump();
    }
    const std::string err = field_from_string(c, *f, text, visit);
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace grok
