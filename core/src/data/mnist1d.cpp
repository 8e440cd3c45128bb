// MNIST-1D generator: the templates, one sample's transform and the dataset assembly (see mnist1d.h).
// The data path uses only +, -, *, /, sqrt and floor, with no FMA contraction (cmake/Flags.cmake), so
// native and wasm builds give the same bits; the Gaussian taps are constants for the same reason.
#include "grok/data/mnist1d.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "grok/common/rng.h"

namespace grok {
namespace {

// Raw templates of greydanus/mnist1d (data.py, get_templates), digits 0..9.
const double kRawTemplates[10][12] = {
    {5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5},
    {5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5},
    {5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5},
    {5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5},
    {5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5},
    {5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5},
    {5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5},
    {5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5},
    {5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5},
    {5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5},
};

// scipy gaussian_filter1d(sigma = 2) taps, exp(-j^2 / 8) / sum for j = 0..8 (radius int(4 * 2 + 0.5)),
// computed once in Python and written out exactly: libm's exp may differ in the last bit between
// glibc and Emscripten's musl, and these constants must not.
const double kGaussTaps[9] = {
    0.199474647864745,     0.17603575888479037,   0.12098748976534904,
    0.06475993660472744,   0.026995957967298846,  0.00876430436278587,
    0.002215963172596555,  0.0004363490205067883, 6.691628957263553e-05,
};
constexpr int kGaussRadius = 8;

// Added to the template before padding, so the digit (whose ends are 0) stays distinguishable from
// the exact-zero padding that the background noise replaces.
constexpr double kEps = 1e-8;

// numpy linspace(0, 1, n): i * (1 / (n - 1)), the last point exactly 1.
std::vector<double> linspace01(int n) {
  std::vector<double> g(static_cast<size_t>(std::max(n, 0)));
  if (n == 1) g[0] = 0.0;
  if (n < 2) return g;
  const double step = 1.0 / (n - 1);
  for (int i = 0; i < n; ++i) g[i] = i * step;
  g[n - 1] = 1.0;
  return g;
}

// Linear interpolation of y (on grid g) at the ascending points q, as scipy interp1d(kind='linear')
// does it: the first j with g[j] >= q, clamped to [1, n-1], and slope * (q - g[j-1]) + y[j-1].
std::vector<double> interp_linear(const std::vector<double>& g, const std::vector<double>& y,
                                  const std::vector<double>& q) {
  const int n = static_cast<int>(g.size());
  std::vector<double> out(q.size());
  if (n == 1) { std::fill(out.begin(), out.end(), y[0]); return out; }
  int j = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    while (j < n && g[j] < q[i]) ++j;  // q ascends, so j only moves forward
    const int hi = std::min(std::max(j, 1), n - 1), lo = hi - 1;
    out[i] = (y[hi] - y[lo]) / (g[hi] - g[lo]) * (q[i] - g[lo]) + y[lo];
  }
  return out;
}

// scipy's 'reflect' boundary (half-sample symmetric: ... x1 x0 | x0 x1 ... x[n-1] | x[n-1] x[n-2] ...).
int reflect_index(int i, int n) {
  const int period = 2 * n;
  int m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

// Gaussian smoothing (sigma 2, 17 taps, 'reflect' edges), summed as scipy's symmetric-kernel path
// does: the centre, then the pairs from the outermost inwards.
std::vector<double> gaussian_smooth(const std::vector<double>& x) {
  const int n = static_cast<int>(x.size());
  std::vector<double> out(x.size());
  for (int i = 0; i < n; ++i) {
    double acc = x[i] * kGaussTaps[0];
    for (int j = kGaussRadius; j >= 1; --j)
      acc += (x[reflect_index(i - j, n)] + x[reflect_index(i + j, n)]) * kGaussTaps[j];
    out[i] = acc;
  }
  return out;
}

std::vector<std::vector<double>> normalized_templates() {
  std::vector<std::vector<double>> out;
  for (const auto& raw : kRawTemplates) {
    std::vector<double> t(raw, raw + 12);
    double mean = 0.0;
    for (double v : t) mean += v;
    mean /= 12.0;
    double var = 0.0;
    for (double& v : t) { v -= mean; var += v * v; }
    const double sd = std::sqrt(var / 12.0);  // population std, as numpy's default
    for (double& v : t) v /= sd;
    const double first = t[0];
    for (double& v : t) v = (v - first) / 6.0;
    out.push_back(t);
  }
  return out;
}

}  // namespace

int mnist1d_work_length(const Mnist1dSpec& spec) {
  return std::max(1, spec.template_len + std::max(0, spec.padding_max));
}

const std::vector<std::vector<double>>& mnist1d_templates() {
  static const std::vector<std::vector<double>> templates = normalized_templates();
  return templates;
}

Mnist1dDraws mnist1d_draws(const Mnist1dSpec& spec, Rng& rng) {
  const int length = mnist1d_work_length(spec);
  Mnist1dDraws d;
  const int pad_min = std::max(0, spec.padding_min);
  const int pad_span = std::max(0, spec.padding_max - pad_min) + 1;
  // As the reference: floor of a uniform, not an integer sampler (the clamp guards u * span rounding up).
  d.padding = pad_min + std::min(pad_span - 1, static_cast<int>(std::floor(rng.uniform() * pad_span)));
  d.scale = 1.0 + spec.scale_coeff * (rng.uniform() - 0.5);
  // numpy's randint(1) returns 0 without drawing; so does this, so max_translation <= 1 costs no draw.
  d.shift = spec.max_translation > 1 ? static_cast<int>(rng.below(static_cast<uint64_t>(spec.max_translation))) : 0;
  d.corr_normals.resize(length);
  for (double& z : d.corr_normals) z = rng.normal();
  d.iid_normals.resize(length);
  for (double& z : d.iid_normals) z = rng.normal();
  d.shear = spec.shear_scale * (rng.uniform() - 0.5);
  return d;
}

std::vector<double> mnist1d_transform(const std::vector<double>& tmpl, const Mnist1dSpec& spec,
                                      const Mnist1dDraws& draws) {
  const int length = mnist1d_work_length(spec);
  // 1. eps, then `padding` zeros on the right.
  std::vector<double> padded(tmpl.size() + static_cast<size_t>(std::max(0, draws.padding)), 0.0);
  for (size_t i = 0; i < tmpl.size(); ++i) padded[i] = tmpl[i] + kEps;
  // 2. Stretch onto the working grid: fewer zeros means a wider digit.
  std::vector<double> x = interp_linear(linspace01(static_cast<int>(padded.size())), padded, linspace01(length));
  // 3. Amplitude.
  for (double& v : x) v *= draws.scale;
  // 4. Circular shift right: out[i] = in[(i - k) mod length].
  std::vector<double> shifted(x.size());
  for (int i = 0; i < length; ++i) shifted[i] = x[((i - draws.shift) % length + length) % length];
  // 5. Correlated noise over the whole vector, smoothed before masking (the filter reaches into the digit).
  std::vector<double> corr(length);
  for (int i = 0; i < length; ++i) corr[i] = draws.corr_normals[i] * spec.corr_noise_scale;
  corr = gaussian_smooth(corr);
  // 6. The noise replaces only the background: the exact zeros of the padding (the digit carries eps).
  // 7. iid noise everywhere. 8. The "shear": a linear trend c * r, r = linspace(-0.5, 0.5, length).
  const double r_step = length > 1 ? 1.0 / (length - 1) : 0.0;
  for (int i = 0; i < length; ++i) {
    double v = shifted[i] != 0.0 ? shifted[i] : corr[i];
    v += draws.iid_normals[i] * spec.iid_noise_scale;
    const double r = i == length - 1 && length > 1 ? 0.5 : i * r_step + -0.5;
    shifted[i] = v - draws.shear * r;
  }
  // 9. Subsample to the final length.
  return interp_linear(linspace01(length), shifted, linspace01(std::max(0, spec.final_seq_length)));
}

std::vector<double> mnist1d_transform(const std::vector<double>& tmpl, const Mnist1dSpec& spec, Rng& rng) {
  return mnist1d_transform(tmpl, spec, mnist1d_draws(spec, rng));
}

void make_mnist1d(const Mnist1dSpec& spec, FeatureData& out) {
  const int n_train = std::max(0, spec.n_train), n_test = std::max(0, spec.n_test);
  const int n = n_train + n_test;
  const int dim = std::max(0, spec.final_seq_length);
  const auto& templates = mnist1d_templates();
  const int classes = static_cast<int>(templates.size());
  Rng rng(spec.seed);

  // Class by class, in label order: every sample's draws come from the one stream in a fixed order.
  std::vector<double> xs(static_cast<size_t>(n) * dim);  // n x dim, example after example
  std::vector<int> ys(n);
  int row = 0;
  for (int c = 0; c < classes; ++c) {
    const int count = n / classes + (c < n % classes ? 1 : 0);
    for (int k = 0; k < count; ++k, ++row) {
      const std::vector<double> sample = mnist1d_transform(templates[c], spec, rng);
      std::copy(sample.begin(), sample.end(), xs.begin() + static_cast<size_t>(row) * dim);
      ys[row] = c;
    }
  }

  // One shuffle of everything, then the split: train and test come from the same mixed stream.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);

  // Standardize with the statistics of all samples (train and test together), population std.
  const size_t total = xs.size();
  double mean = 0.0;
  for (double v : xs) mean += v;
  if (total > 0) mean /= static_cast<double>(total);
  double var = 0.0;
  for (double v : xs) var += (v - mean) * (v - mean);
  const double sd = total > 0 ? std::sqrt(var / static_cast<double>(total)) : 0.0;
  const double divisor = sd > 0.0 ? sd : 1.0;  // a constant dataset stays as it is

  out = FeatureData();
  out.name = "mnist1d";
  out.classes = classes;
  for (FeatureSet* set : {&out.train, &out.test}) set->dim = dim;
  out.train.x.resize(static_cast<size_t>(n_train) * dim);
  out.test.x.resize(static_cast<size_t>(n_test) * dim);
  out.train.y.resize(n_train);
  out.test.y.resize(n_test);
  for (int i = 0; i < n; ++i) {
    FeatureSet& set = i < n_train ? out.train : out.test;
    const int at = i < n_train ? i : i - n_train;
    const double* src = xs.data() + static_cast<size_t>(order[i]) * dim;
    float* dst = set.x.data() + static_cast<size_t>(at) * dim;
    for (int j = 0; j < dim; ++j) dst[j] = static_cast<float>((src[j] - mean) / divisor);
    set.y[at] = ys[order[i]];
  }
}

}  // namespace grok
