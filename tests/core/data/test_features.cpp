// Dense datasets' shared parts (data/features.h): label noise redraws exactly the asked share of
// training labels, the same way for a seed; seeded subsets; the training-set fingerprint.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <set>

#include "grok/data/features.h"
#include "grok/data/mnist1d.h"

using namespace grok;

namespace {
FeatureData labelled(int n, int classes) {
  FeatureData d;
  d.classes = classes;
  d.train.dim = 1;
  for (int i = 0; i < n; ++i) { d.train.x.push_back(float(i)); d.train.y.push_back(i % classes); }
  return d;
}
}  // namespace

TEST_CASE("label noise redraws exactly round(fraction * n) labels, chosen and drawn by the seed") {
  for (double fraction : {0.0, 0.15, 0.5, 1.0}) {
    FeatureData d = labelled(4000, 10);
    const std::vector<int> before = d.train.y;
    apply_label_noise(d, fraction, 7);
    INFO("fraction " << fraction);
    CHECK(d.redrawn.size() == static_cast<size_t>(std::lround(fraction * 4000)));
    CHECK(std::is_sorted(d.redrawn.begin(), d.redrawn.end()));
    CHECK(std::set<int>(d.redrawn.begin(), d.redrawn.end()).size() == d.redrawn.size());
    CHECK(d.clean_train_y == before);
    // Only redrawn examples may change; a redrawn label is uniform over all 10 classes, so about 9 in
    // 10 of them change (the MNIST-1D notebook: 577 of 600 redrawn at 15%).
    std::vector<bool> redrawn(4000, false);
    for (int i : d.redrawn) redrawn[i] = true;
    for (int i = 0; i < 4000; ++i)
      if (!redrawn[i]) CHECK(d.train.y[i] == before[i]);
    const double changed = changed_labels(d);
    if (fraction > 0) CHECK(std::abs(changed / d.redrawn.size() - 0.9) < 0.05);
    for (int y : d.train.y) CHECK((y >= 0 && y < 10));
  }
  FeatureData a = labelled(1000, 10), b = labelled(1000, 10), c = labelled(1000, 10);
  apply_label_noise(a, 0.3, 1);
  apply_label_noise(b, 0.3, 1);
  apply_label_noise(c, 0.3, 2);
  CHECK(a.train.y == b.train.y);
  CHECK(a.redrawn == b.redrawn);
  CHECK(a.train.y != c.train.y);
}

TEST_CASE("random labels (label noise 1): training labels carry no information about the examples") {
  Mnist1dSpec spec;
  spec.n_train = 4000;
  FeatureData d;
  make_mnist1d(spec, d);
  apply_label_noise(d, 1.0, 3);
  CHECK(d.redrawn.size() == 4000);
  // About a tenth agree with the true label, as chance predicts, and every class is used.
  int agree = 0;
  std::vector<int> count(10, 0);
  for (int i = 0; i < 4000; ++i) { agree += d.train.y[i] == d.clean_train_y[i]; ++count[d.train.y[i]]; }
  CHECK(std::abs(agree / 4000.0 - 0.1) < 0.02);
  for (int k : count) CHECK(std::abs(k / 4000.0 - 0.1) < 0.025);
}

TEST_CASE("seeded subsets keep the asked number of examples, the same ones for a seed") {
  FeatureData d = labelled(100, 10);
  FeatureSet a = d.train, b = d.train, c = d.train;
  seeded_subset(a, 30, 5);
  seeded_subset(b, 30, 5);
  seeded_subset(c, 30, 6);
  CHECK(a.size() == 30);
  CHECK(a.x == b.x);
  CHECK(a.x != c.x);
  for (int i = 0; i < a.size(); ++i) CHECK(a.y[i] == static_cast<int>(a.x[i]) % 10);  // labels follow their examples
  FeatureSet all = d.train;
  seeded_subset(all, 1000, 5);
  CHECK(all.size() == 100);
}
