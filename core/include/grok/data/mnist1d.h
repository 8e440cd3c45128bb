// MNIST-1D (Greydanus 2020, github.com/greydanus/mnist1d): ten hand-made 12-value digit templates,
// each sample one template padded, stretched, scaled, shifted, laid on smoothed noise, sheared and
// cut down to 40 values. Our own implementation of the published procedure, drawing every random
// number from grok::Rng (not numpy's stream), so one seed gives the same data natively and in wasm;
// it is statistically the dataset of the paper, not its frozen pickle. Not here: label noise and
// subsets (features.h), any loading or caching.
#pragma once
#include <cstdint>
#include <vector>

#include "grok/data/features.h"

namespace grok {

class Rng;

struct Mnist1dSpec {
  int n_train = 4000, n_test = 1000;  // examples; generated together (n = n_train + n_test), split after the shuffle
  uint64_t seed = 0;
  // The generator's arguments, defaults as in greydanus/mnist1d get_dataset_args():
  int template_len = 12;                   // the templates' length; with padding_max it fixes the working length
  int padding_min = 36, padding_max = 60;  // zeros appended on the right, drawn uniformly in [min, max]
  double scale_coeff = 0.4;                // amplitude factor s in [1 - coeff/2, 1 + coeff/2)
  int max_translation = 48;                // circular shift drawn uniformly in [0, max_translation)
  double corr_noise_scale = 0.25;          // std of the white noise before the Gaussian smoothing (sigma 2)
  double iid_noise_scale = 0.02;           // std of the noise added at every position
  double shear_scale = 0.75;               // slope of the linear trend, in [-scale/2, scale/2)
  int final_seq_length = 40;               // values per example
};

// The working length of a sample before the final subsampling: template_len + padding_max (72).
int mnist1d_work_length(const Mnist1dSpec& spec);

// The ten normalized digit templates (12 values each), labels 0..9 in order: each raw row centred,
// divided by its population std, shifted to start at 0 and divided by 6.
const std::vector<std::vector<double>>& mnist1d_templates();

// The random numbers one sample consumes, in the order they are drawn.
struct Mnist1dDraws {
  int padding = 0;                   // zeros appended, in [padding_min, padding_max]
  double scale = 1.0;                // amplitude factor s
  int shift = 0;                     // circular shift to the right, in [0, max_translation)
  std::vector<double> corr_normals;  // work-length standard normals, the correlated background noise
  std::vector<double> iid_normals;   // work-length standard normals, the noise on every position
  double shear = 0.0;                // slope c of the trend c * r subtracted, r from -0.5 to 0.5
};

// Draws one sample's numbers from rng: padding, scale, shift, the two noise vectors, shear.
// The stream does not depend on the noise scales (the normals are always drawn), only on the lengths.
Mnist1dDraws mnist1d_draws(const Mnist1dSpec& spec, Rng& rng);

// One sample (final_seq_length values, before the global standardization) from a template and its
// draws (both normal vectors of the work length). Separate from the drawing so a test can feed the
// reference implementation's numbers.
std::vector<double> mnist1d_transform(const std::vector<double>& tmpl, const Mnist1dSpec& spec,
                                      const Mnist1dDraws& draws);
// The same with the draws taken from rng (mnist1d_draws, then the transform).
std::vector<double> mnist1d_transform(const std::vector<double>& tmpl, const Mnist1dSpec& spec, Rng& rng);

// Fills `out` (name "mnist1d", classes 10, dim final_seq_length): labels generated class by class
// (n/10 each; if n is not a multiple of 10, the first n % 10 classes get one more), each sample by the
// transform, then one seeded shuffle of all samples, global standardization (mean and population std
// over all samples and positions, train and test together), first n_train are train, the rest test.
// Computations in double, stored as float. Negative counts count as 0.
void make_mnist1d(const Mnist1dSpec& spec, FeatureData& out);

}  // namespace grok
