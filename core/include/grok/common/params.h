// Params: all trainable tensors in ONE flat buffer (values, gradients) with an offset table, so the
// optimizer, norms, hashing and checkpoints are single loops (llm.c style). Templated on the scalar:
// training uses float32; the finite-difference gradient checks instantiate double.
// Every tensor starts on a 64-byte boundary (aligned buffer, offsets padded to kAlign bytes): Eigen
// peels a different number of scalar iterations off a reduction depending on where the data sits, so
// an unaligned heap (Emscripten's malloc gives 8 bytes) made the same seed round differently from
// run to run. With fixed alignment the sums are the same wherever the buffer lands.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <string>
#include <vector>

#include "grok/common/rng.h"

namespace grok {

struct ParamInfo {
  std::string name;    // e.g. "W_E", "blocks.0.W_in"
  size_t offset;       // into value / grad
  int rows, cols;      // column-major matrix (a vector has cols == 1)
  size_t size() const { return static_cast<size_t>(rows) * cols; }
};

template <class S>
class ParamsT {
 public:
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  using Map = Eigen::Map<Mat>;
  using ConstMap = Eigen::Map<const Mat>;
  using Buffer = std::vector<S, Eigen::aligned_allocator<S>>;
  static constexpr size_t kAlign = 64;  // bytes: the widest SIMD register (AVX-512)
  static_assert(kAlign % sizeof(S) == 0, "scalar size must divide the alignment");

  // Register a tensor (before finalize); returns its index.
  int add(const std::string& name, int rows, int cols) {
    const size_t per = kAlign / sizeof(S);
    const size_t end = info.empty() ? 0 : info.back().offset + info.back().size();
    const size_t offset = (end + per - 1) / per * per;  // zero padding between tensors
    info.push_back({name, offset, rows, cols});
    return static_cast<int>(info.size()) - 1;
  }
  void finalize() {  // allocate value and grad, zeroed
    const size_t n = info.empty() ? 0 : info.back().offset + info.back().size();
    value.assign(n, S(0));
    grad.assign(n, S(0));
  }
  Map w(int i) { return Map(value.data() + info[i].offset, info[i].rows, info[i].cols); }
  Map g(int i) { return Map(grad.data() + info[i].offset, info[i].rows, info[i].cols); }
  ConstMap w(int i) const { return ConstMap(value.data() + info[i].offset, info[i].rows, info[i].cols); }
  ConstMap g(int i) const { return ConstMap(grad.data() + info[i].offset, info[i].rows, info[i].cols); }
  int index_of(const std::string& name) const {
    for (size_t i = 0; i < info.size(); ++i)
      if (info[i].name == name) return static_cast<int>(i);
    return -1;
  }
  void zero_grad() { std::fill(grad.begin(), grad.end(), S(0)); }
  size_t size() const { return value.size(); }
  double sum_squares() const {  // in double: the "total weight norm" squared
    double s = 0.0;
    for (S v : value) s += static_cast<double>(v) * v;
    return s;
  }
  unsigned long long hash() const { return fnv1a(value.data(), value.size() * sizeof(S)); }

  std::vector<ParamInfo> info;
  Buffer value;  // padding stays zero: its gradient is zero, so AdamW leaves it at zero
  Buffer grad;
};

using Params = ParamsT<float>;

}  // namespace grok
