// Numbers read from files someone else may have written (run files, dd results, plans): the checks
// every reader needs, written once. nlohmann's get<long>() of 1e300 or get<int>() of 1e10 is
// undefined behaviour (a float-to-integer cast out of range), and a JSON number may be any size, so
// readers take integers only through json_integer, which refuses what does not fit.
#pragma once
#include <cmath>
#include <nlohmann/json.hpp>

namespace grok {

// An integer-valued JSON number (1200 or 1200.0, not 1200.5) in [lo, hi]. `out` is set only on success.
inline bool json_integer(const nlohmann::json& v, long long lo, long long hi, long long& out) {
  long long x = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<unsigned long long>();
    if (hi < 0 || u > static_cast<unsigned long long>(hi)) return false;
    x = static_cast<long long>(u);
  } else if (v.is_number_integer()) {
    x = v.get<long long>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // Compare as doubles before the cast: only then is the cast defined.
    if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi)) return false;
    x = static_cast<long long>(d);
  } else {
    return false;
  }
  if (x < lo || x > hi) return false;
  out = x;
  return true;
}

template <class Int>
bool json_integer_as(const nlohmann::json& v, long long lo, long long hi, Int& out) {
  long long x = 0;
  if (!json_integer(v, lo, hi, x)) return false;
  out = static_cast<Int>(x);
  return true;
}

// A finite JSON number (nlohmann reads 1e999 as infinity).
inline bool json_finite(const nlohmann::json& v, double& out) {
  if (!v.is_number()) return false;
  const double d = v.get<double>();
  if (!std::isfinite(d)) return false;
  out = d;
  return true;
}

}  // namespace grok
