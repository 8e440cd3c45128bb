// Shared by the libFuzzer targets (tests/fuzz/fuzz_*.cpp): the input as text, and a check that
// traps (a finding) when a property the code promises does not hold.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace grok_fuzz {

inline std::string text(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// A broken promise is a crash, so libFuzzer keeps the input that caused it.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: property failed: %s\n", what);
  std::abort();
}

}  // namespace grok_fuzz
