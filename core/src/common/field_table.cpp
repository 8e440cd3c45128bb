#include "grok/common/field_table.h"

#include <cerrno>
#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace grok {

FieldSpec FieldSpec::integer(const char* name, double min, double max, const char* help) {
  FieldSpec f;
  f.name = name; f.kind = Kind::Int; f.min = min; f.max = max; f.help = help;
  return f;
}

FieldSpec FieldSpec::real(const char* name, double min, double max, const char* help) {
  FieldSpec f;
  f.name = name; f.kind = Kind::Real; f.min = min; f.max = max; f.help = help;
  return f;
}

FieldSpec FieldSpec::choice(const char* name, std::vector<std::string> choices, const char* help) {
  FieldSpec f;
  f.name = name; f.kind = Kind::Choice; f.choices = std::move(choices); f.help = help;
  return f;
}

FieldSpec FieldSpec::flag(const char* name, const char* help) {
  FieldSpec f;
  f.name = name; f.kind = Kind::Bool; f.min = 0; f.max = 1; f.help = help;
  return f;
}

std::string kebab(const std::string& snake) {
  std::string s = snake;
  for (char& ch : s)
    if (ch == '_') ch = '-';
  return s;
}

std::string format_number(double v) {
  // Whole numbers as integers ("5000", not "5e+03"); others in the shortest form that reads back to
  // the same double, so URLs and --help stay readable ("0.3", not "0.29999999999999999").
  if (v == std::floor(v) && std::abs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int prec = 1; prec <= 17; ++prec) {
    std::ostringstream t;
    t.precision(prec);
    t << v;
    if (std::strtod(t.str().c_str(), nullptr) == v) return t.str();
  }
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

bool parse_number(const std::string& text, double& out) {
  // A decimal number and nothing else: [sign] digits [. digits] [e [sign] digits]. strtod alone
  // would also take leading spaces, hex ("0x11"), "inf", "nan" and a locale's decimal comma.
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < n && text[i] >= '0' && text[i] <= '9') { ++i; ++digits; }
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && text[i] >= '0' && text[i] <= '9') { ++i; ++digits; }
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && text[i] >= '0' && text[i] <= '9') { ++i; ++exp_digits; }
    if (exp_digits == 0) return false;
  }
  if (i != n) return false;
  errno = 0;
  const double v = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(v)) return false;
  if (v != 0.0 && std::abs(v) < DBL_MIN) return false;  // subnormal, or a nonzero that underflowed to 0
  if (v == 0.0) {
    // "1e-400" reads as 0 with ERANGE: a tiny number is not zero.
    for (size_t k = 0; k < n && text[k] != 'e' && text[k] != 'E'; ++k)
      if (text[k] >= '1' && text[k] <= '9') return false;
  }
  out = v;
  return true;
}

std::string range_text(const FieldSpec& f) {
  using K = FieldSpec::Kind;
  if (f.kind == K::Choice) {
    std::string s = "one of ";
    for (size_t i = 0; i < f.choices.size(); ++i) {
      s += (i ? ", " : "") + f.choices[i];
      for (const auto& [other, ch] : f.aliases)
        if (ch == f.choices[i]) s += " (or " + other + ")";
    }
    return s;
  }
  if (f.kind == K::Bool) return "true or false";
  const std::string lo = f.exclusive_min ? "(" : "[";
  const std::string hi = f.exclusive_max ? ")" : "]";
  const char* what = f.kind == K::Int ? "an integer in " : "a number in ";
  return what + lo + format_number(f.min) + ", " + format_number(f.max) + hi;
}

const FieldSpec* find_field_in(const std::vector<FieldSpec>& specs, const std::string& name) {
  for (const auto& f : specs)
    if (name == f.name || name == kebab(f.name)) return &f;
  return nullptr;
}

nlohmann::json field_rows_json(const std::vector<FieldSpec>& specs, const nlohmann::json& defaults) {
  static const char* kinds[] = {"int", "real", "choice", "bool"};
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& f : specs) {
    nlohmann::json row = {{"name", f.name},
                          {"flag", "--" + kebab(f.name)},
                          {"kind", kinds[static_cast<int>(f.kind)]},
                          {"help", f.help},
                          {"range", range_text(f)},
                          {"group", f.group},
                          {"label", *f.label ? std::string(f.label) : [&] {
                             std::string s = f.name;
                             for (char& ch : s)
                               if (ch == '_') ch = ' ';
                             return s;
                           }()},
                          {"live", f.live},
                          {"resumable", f.resumable},
                          {"native_only", f.native_only},
                          {"default", defaults.contains(f.name) ? defaults[f.name] : nlohmann::json()}};
    if (f.kind == FieldSpec::Kind::Int || f.kind == FieldSpec::Kind::Real) {
      row["min"] = f.min; row["max"] = f.max;
      row["exclusive_min"] = f.exclusive_min; row["exclusive_max"] = f.exclusive_max;
    }
    if (f.kind == FieldSpec::Kind::Choice) {
      row["choices"] = f.choices;
      nlohmann::json aliases = nlohmann::json::object();
      for (const auto& [other, ch] : f.aliases) aliases[other] = ch;
      row["aliases"] = aliases;
    }
    nlohmann::json when = nlohmann::json::array();
    for (const auto& c : f.when) when.push_back({{"field", c.field}, {"values", c.values}, {"negate", c.negate}});
    row["when"] = when;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace grok
