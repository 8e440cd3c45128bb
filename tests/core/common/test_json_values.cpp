// json_integer / json_finite: the number checks every file reader uses (a float-to-integer cast of
// an out-of-range JSON number is undefined behaviour, so nothing may reach one unchecked).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "grok/common/json_values.h"

using nlohmann::json;

TEST_CASE("json_integer accepts integral numbers in range and nothing else") {
  long long v = -99;
  CHECK(grok::json_integer(json(12), 0, 100, v));
  CHECK(v == 12);
  CHECK(grok::json_integer(json(12.0), 0, 100, v));  // 12.0 is how some tools write 12
  CHECK(v == 12);
  CHECK(grok::json_integer(json(-3), -5, 5, v));
  CHECK(v == -3);
  v = 7;
  for (const json& bad : {json(12.5), json(1e300), json(-1e300), json(101), json(-1), json("12"), json(nullptr),
                          json(true), json(std::numeric_limits<unsigned long long>::max()),
                          json(std::numeric_limits<double>::infinity()), json(std::nan(""))}) {
    CHECK_FALSE(grok::json_integer(bad, 0, 100, v));
    CHECK(v == 7);  // untouched on refusal (or at least not set to the bad value)
  }
  // The ends of the range, for the types readers ask for.
  int i = 0;
  CHECK(grok::json_integer_as(json(2147483647LL), 0, 2147483647LL, i));
  CHECK(i == 2147483647);
  CHECK_FALSE(grok::json_integer_as(json(2147483648.0), 0, 2147483647LL, i));
  CHECK(grok::json_integer(json(9007199254740992.0), 0, 1LL << 62, v));
  CHECK(v == 9007199254740992LL);
}

TEST_CASE("json_finite refuses infinities, NaN and non-numbers") {
  double d = 1;
  CHECK(grok::json_finite(json(0.25), d));
  CHECK(d == 0.25);
  CHECK(grok::json_finite(json(-7), d));
  CHECK(d == -7);
  CHECK_FALSE(grok::json_finite(json(std::numeric_limits<double>::infinity()), d));
  CHECK_FALSE(grok::json_finite(json(std::nan("")), d));
  CHECK_FALSE(grok::json_finite(json("1"), d));
  CHECK_FALSE(grok::json_finite(json(nullptr), d));
  // nlohmann reads 1e999 as infinity: the reader must refuse it.
  CHECK_FALSE(grok::json_finite(json::parse("1e999", nullptr, false), d));
}
