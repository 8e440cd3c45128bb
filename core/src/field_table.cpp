#include "grok/field_table.h"

#include <cstdio>
#include <sstream>

namespace grok {

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

std::string range_text(const FieldSpec& f) {
  using K = FieldSpec::Kind;
  if (f.kind == K::Choice) {
    std::string s = "one of ";
    for (size_t i = 0; i < f.choices.size(); ++i) s += (i ? ", " : "") + f.choices[i];
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

}  // namespace grok
