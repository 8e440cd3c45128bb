#include "grok/data/features.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "grok/common/rng.h"

namespace grok {

void apply_label_noise(FeatureData& d, double fraction, uint64_t seed) {
  const int n = d.train.size();
  d.clean_train_y = d.train.y;
  d.redrawn.clear();
  const int k = static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * n));
  if (k == 0) return;
  Rng rng(seed ^ 0x6c62272e07bb0142ull);  // its own stream: the split and the init use others
  // The first k of a seeded shuffle are the examples to redraw (a uniform choice without replacement).
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);
  d.redrawn.assign(order.begin(), order.begin() + k);
  std::sort(d.redrawn.begin(), d.redrawn.end());
  for (int i : d.redrawn) d.train.y[i] = static_cast<int>(rng.below(static_cast<uint64_t>(d.classes)));
}

int changed_labels(const FeatureData& d) {
  int count = 0;
  for (int i : d.redrawn) count += d.train.y[i] != d.clean_train_y[i];
  return count;
}

void seeded_subset(FeatureSet& set, int count, uint64_t seed) {
  const int n = set.size();
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  rng.shuffle(order);
  order.resize(std::min(n, std::max(0, count)));
  FeatureSet out;
  out.dim = set.dim;
  out.x.resize(order.size() * static_cast<size_t>(set.dim));
  out.y.resize(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    std::copy(set.example(order[i]), set.example(order[i]) + set.dim, out.x.begin() + i * set.dim);
    out.y[i] = set.y[order[i]];
  }
  set = std::move(out);
}

uint64_t feature_hash(const FeatureData& d) {
  const uint64_t h = fnv1a(d.train.x.data(), d.train.x.size() * sizeof(float));
  return fnv1a(d.train.y.data(), d.train.y.size() * sizeof(int), h);
}

}  // namespace grok
