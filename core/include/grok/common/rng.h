// Rng: our own generator and samplers, so a seed gives bit-identical data splits and initial weights
// natively and in wasm. Only integer ops and correctly rounded IEEE +,-,*,/,sqrt are used: libm's
// log/cos differ between glibc and Emscripten's musl, so the normal sampler carries its own log.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace grok {

class Rng {
 public:
  explicit Rng(uint64_t seed);      // seeds xoshiro256** through splitmix64
  uint64_t next_u64();
  double uniform();                 // [0, 1), 53 random bits
  uint64_t below(uint64_t n);       // uniform integer in [0, n), unbiased (rejection)
  double normal();                  // N(0, 1), Marsaglia polar method
  template <class T>
  void shuffle(std::vector<T>& v) {  // Fisher-Yates
    for (size_t i = v.size(); i > 1; --i) {
      const size_t j = static_cast<size_t>(below(i));
      T tmp = v[i - 1]; v[i - 1] = v[j]; v[j] = tmp;
    }
  }
  // State for checkpoints.
  void get_state(uint64_t out[4]) const;
  void set_state(const uint64_t in[4]);

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Natural log from IEEE basic operations only (deterministic on every platform), for x > 0.
double portable_log(double x);

// FNV-1a over raw bytes: fingerprints of parameters and splits, compared across builds.
uint64_t fnv1a(const void* data, size_t bytes, uint64_t h = 1469598103934665603ull);

}  // namespace grok
