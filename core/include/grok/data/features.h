// Dense datasets: feature vectors with class labels (MNIST-1D, Fashion-MNIST), split into train and
// test sets, with optional label noise on the training labels. Like token_pairs.h, this layer knows
// nothing of a run's config: the generators and loaders take their own specs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace grok {

struct FeatureSet {
  int dim = 0;              // features per example
  std::vector<float> x;     // dim x n, column-major: example i is x[i * dim .. (i + 1) * dim)
  std::vector<int> y;       // labels 0..classes-1
  int size() const { return static_cast<int>(y.size()); }
  const float* example(int i) const { return x.data() + static_cast<size_t>(i) * dim; }
};

struct FeatureData {
  std::string name;             // "mnist1d", "fashion-mnist"
  int classes = 0;
  FeatureSet train, test;
  // Label noise (apply_label_noise): the training labels as they were, and which examples had their
  // label redrawn (ascending). A redrawn label may come out the same as before.
  std::vector<int> clean_train_y;
  std::vector<int> redrawn;
};

// Redraws the labels of exactly round(fraction * n_train) training examples, chosen without
// replacement, each uniformly from all classes: the label noise of Nakkiran et al. and the MNIST-1D
// double-descent notebook (a redrawn label may stay the same); fraction 1 is Zhang et al.'s random
// labels. Seeded: the same seed redraws the same examples the same way on every platform.
void apply_label_noise(FeatureData& d, double fraction, uint64_t seed);
// How many training labels differ from the clean ones after label noise.
int changed_labels(const FeatureData& d);

// Keeps `count` examples of `set`, chosen by a seeded shuffle (all of them, in shuffled order, when
// count >= size): how a subset of a fixed dataset (Fashion-MNIST) is taken.
void seeded_subset(FeatureSet& set, int count, uint64_t seed);

// Fingerprint of the training set (features, then labels), compared between native and wasm builds.
uint64_t feature_hash(const FeatureData& d);

}  // namespace grok
