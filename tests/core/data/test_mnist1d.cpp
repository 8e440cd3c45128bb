// MNIST-1D: the templates and one sample's transform against the reference implementation's numbers
// (greydanus/mnist1d, seed 42, replayed through a numpy-legacy RNG written here from its description),
// the assembled dataset's shape, balance, standardization and statistics, and a golden hash that the
// native and the wasm build of this file must both reproduce.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "grok/common/rng.h"
#include "grok/data/features.h"
#include "grok/data/mnist1d.h"

using namespace grok;

namespace {

// numpy's legacy RandomState, only as far as MNIST-1D uses it: MT19937 (std::mt19937 seeds alike),
// 53-bit doubles from two words, the polar normal returning f * x2 first, masked rejection for
// randint. Test-only: the generator itself draws from grok::Rng.
struct NumpyLegacyRng {
  std::mt19937 mt;
  bool has_spare = false;
  double spare = 0.0;
  explicit NumpyLegacyRng(uint32_t seed) : mt(seed) {}
  double uniform() {
    const uint32_t a = mt() >> 5, b = mt() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }
  double normal() {
    if (has_spare) { has_spare = false; return spare; }
    double x1, x2, r2;
    do {
      x1 = 2.0 * uniform() - 1.0;
      x2 = 2.0 * uniform() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    spare = f * x1;
    has_spare = true;
    return f * x2;
  }
  uint32_t bounded(uint32_t max) {  // uniform in [0, max]
    if (max == 0) return 0;
    uint32_t mask = max;
    for (int s = 1; s < 32; s *= 2) mask |= mask >> s;
    uint32_t v;
    do v = mt() & mask; while (v > max);
    return v;
  }
  // One sample's draws in the reference's order (transform.py).
  Mnist1dDraws draws(const Mnist1dSpec& spec) {
    Mnist1dDraws d;
    d.padding = spec.padding_min + static_cast<int>(std::floor(uniform() * (spec.padding_max - spec.padding_min + 1)));
    d.scale = 1.0 + spec.scale_coeff * (uniform() - 0.5);
    d.shift = static_cast<int>(bounded(static_cast<uint32_t>(spec.max_translation - 1)));
    const int length = mnist1d_work_length(spec);
    for (int i = 0; i < length; ++i) d.corr_normals.push_back(normal());
    for (int i = 0; i < length; ++i) d.iid_normals.push_back(normal());
    d.shear = spec.shear_scale * (uniform() - 0.5);
    return d;
  }
};

Mnist1dSpec noiseless() {  // s = 1, no noise, no shear: the transform is pad, stretch, shift, subsample
  Mnist1dSpec spec;
  spec.scale_coeff = 0.0;
  spec.corr_noise_scale = 0.0;
  spec.iid_noise_scale = 0.0;
  spec.shear_scale = 0.0;
  return spec;
}

std::vector<float> all_values(const FeatureData& d) {
  std::vector<float> v(d.train.x);
  v.insert(v.end(), d.test.x.begin(), d.test.x.end());
  return v;
}

}  // namespace

TEST_CASE("mnist1d templates are the reference's normalized rows") {
  const auto& t = mnist1d_templates();
  REQUIRE(t.size() == 10);
  for (const auto& row : t) {
    REQUIRE(row.size() == 12);
    CHECK(std::abs(row.front()) < 1e-15);
    CHECK(std::abs(row.back()) < 1e-15);
  }
  CHECK(t[0][6] == Approx(0.4738791022072739).margin(1e-12));
  CHECK(t[0][1] == Approx(0.23693955110363696).margin(1e-12));
  CHECK(t[1][1] == Approx(-0.36986336072765463).margin(1e-12));
  CHECK(t[2][5] == Approx(0.03984095364447979).margin(1e-12));
  CHECK(t[3][2] == Approx(0.40089186286863665).margin(1e-12));
  CHECK(t[4][4] == Approx(-0.42399915200254396).margin(1e-12));
  CHECK(t[5][7] == Approx(0.18578433666678976).margin(1e-12));
  CHECK(t[5][10] == Approx(-0.06192811222226325).margin(1e-12));
  CHECK(t[9][10] == Approx(-0.20008168266626036).margin(1e-12));
  // Digits 6, 7 and 8 are the mirror images of 0, 1 and 3.
  for (int i = 0; i < 12; ++i) {
    CHECK(t[6][i] == Approx(-t[0][i]).margin(1e-15));
    CHECK(t[7][i] == Approx(-t[1][i]).margin(1e-15));
    CHECK(t[8][i] == Approx(-t[3][i]).margin(1e-15));
  }
}

TEST_CASE("mnist1d transform reproduces the reference's first sample from its draws") {
  // greydanus/mnist1d, seed 42, default arguments: draws (p, s, k, c) of the first three samples and
  // the first sample (digit 0) before standardization, from the implementation spec's test vectors.
  const Mnist1dSpec spec;
  NumpyLegacyRng numpy_rng(42);
  const Mnist1dDraws d0 = numpy_rng.draws(spec);
  const Mnist1dDraws d1 = numpy_rng.draws(spec);
  const Mnist1dDraws d2 = numpy_rng.draws(spec);
  CHECK(d0.padding == 45);
  CHECK(d0.scale == Approx(1.1802857225639665).epsilon(1e-15));
  CHECK(d0.shift == 42);
  CHECK(d0.shear == Approx(-0.20981921432583878).epsilon(1e-14));
  CHECK(d1.padding == 53);
  CHECK(d1.scale == Approx(1.123800418455886).epsilon(1e-15));
  CHECK(d1.shift == 19);
  CHECK(d1.shear == Approx(-0.3220734394496776).epsilon(1e-14));
  CHECK(d2.padding == 52);
  CHECK(d2.scale == Approx(0.8106045242166487).epsilon(1e-15));
  CHECK(d2.shift == 31);
  CHECK(d2.shear == Approx(-0.2744885786620195).epsilon(1e-14));

  const double expected[40] = {
      -0.0420931141873, -0.124695351664,  -0.227655965342,  -0.214095469886,  -0.137627370931,
      -0.12229869095,   -0.148852785507,  -0.125389558527,  -0.0831699255979, -0.0307814160797,
      -0.0224583457356, -0.00161653642802, -0.0135577436357, -0.0085282726515, 0.00865893239963,
      -0.0479957224496, -0.0908454386892, -0.158117154478,  -0.141483002089,  -0.0268662602278,
      0.0301497883502,  0.0743860892416,  0.0888870483589,  0.0428674018093,  0.352744018758,
      0.484902174025,   0.597326426323,   0.605252985445,   0.593581494083,   0.527378566883,
      0.320298044369,   0.0969632421978,  0.163356450585,   0.182362922476,   0.157492972109,
      0.158341040254,   0.128058825796,   0.12159569043,    0.0588693093953,  0.0779979567571,
  };
  const std::vector<double> x = mnist1d_transform(mnist1d_templates()[0], spec, d0);
  REQUIRE(x.size() == 40);
  for (int i = 0; i < 40; ++i) CHECK(x[i] == Approx(expected[i]).epsilon(1e-10).margin(1e-13));
}

TEST_CASE("mnist1d transform without noise: the digit, stretched and shifted") {
  const Mnist1dSpec spec = noiseless();
  const auto& t = mnist1d_templates();
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Rng r0(seed), r6(seed);
    const std::vector<double> x0 = mnist1d_transform(t[0], spec, r0);
    const std::vector<double> x6 = mnist1d_transform(t[6], spec, r6);
    REQUIRE(x0.size() == 40);
    REQUIRE(x6.size() == 40);
    // Same draws, mirrored template: the mirrored sample, up to the eps both carry.
    for (int i = 0; i < 40; ++i) CHECK(std::abs(x0[i] + x6[i]) <= 2.5e-8);
    // Interpolation only mixes neighbours: the template's peak survives within 10% and is never exceeded.
    const double peak = *std::max_element(x0.begin(), x0.end());
    CHECK(peak <= t[0][6] + 2e-8);
    CHECK(peak >= 0.9 * t[0][6]);
    // Background is exact zero without noise; the digit (12 values stretched by 72/(12+p), cut by 40/72)
    // covers 6 to 12 of the 40 positions (the boundary points carry the eps).
    const int digit = static_cast<int>(std::count_if(x0.begin(), x0.end(), [](double v) { return v != 0.0; }));
    CHECK(digit >= 6);
    CHECK(digit <= 12);
  }
  for (const auto& tmpl : t) {
    Rng rng(7);
    const std::vector<double> x = mnist1d_transform(tmpl, spec, rng);
    const double hi = *std::max_element(tmpl.begin(), tmpl.end()), lo = *std::min_element(tmpl.begin(), tmpl.end());
    for (double v : x) {
      CHECK(v <= hi + 2e-8);
      CHECK(v >= lo - 2e-8);
    }
  }
}

TEST_CASE("mnist1d draws stay in their ranges and consume a fixed stream") {
  const Mnist1dSpec spec;
  Rng rng(3);
  int pad_lo = 1000, pad_hi = -1, shift_lo = 1000, shift_hi = -1;
  for (int i = 0; i < 5000; ++i) {
    const Mnist1dDraws d = mnist1d_draws(spec, rng);
    pad_lo = std::min(pad_lo, d.padding); pad_hi = std::max(pad_hi, d.padding);
    shift_lo = std::min(shift_lo, d.shift); shift_hi = std::max(shift_hi, d.shift);
    CHECK((d.scale >= 0.8 && d.scale < 1.2));
    CHECK((d.shear >= -0.375 && d.shear < 0.375));
    CHECK(d.corr_normals.size() == 72);
    CHECK(d.iid_normals.size() == 72);
  }
  CHECK(pad_lo == 36);  // both ends of [36, 60] and [0, 47] occur in 5000 draws
  CHECK(pad_hi == 60);
  CHECK(shift_lo == 0);
  CHECK(shift_hi == 47);
  // The noise scales do not change which numbers a sample consumes.
  Rng a(9), b(9);
  mnist1d_draws(spec, a);
  mnist1d_draws(noiseless(), b);
  CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("mnist1d dataset: shapes, balanced labels, standardized values") {
  Mnist1dSpec spec;  // the paper's 4000 + 1000
  FeatureData d;
  make_mnist1d(spec, d);
  CHECK(d.name == "mnist1d");
  CHECK(d.classes == 10);
  CHECK(d.train.dim == 40);
  CHECK(d.test.dim == 40);
  REQUIRE(d.train.size() == 4000);
  REQUIRE(d.test.size() == 1000);
  REQUIRE(d.train.x.size() == 4000u * 40u);
  REQUIRE(d.test.x.size() == 1000u * 40u);
  std::vector<int> count(10, 0), train_count(10, 0);
  for (int y : d.train.y) { REQUIRE((y >= 0 && y < 10)); ++count[y]; ++train_count[y]; }
  for (int y : d.test.y) { REQUIRE((y >= 0 && y < 10)); ++count[y]; }
  for (int c = 0; c < 10; ++c) CHECK(count[c] == 500);
  // Split after one shuffle: train counts scatter around 400 (the reference's run: 394..411).
  for (int c = 0; c < 10; ++c) CHECK(std::abs(train_count[c] - 400) < 40);

  const std::vector<float> v = all_values(d);
  double sum = 0, sum2 = 0;
  for (float f : v) { REQUIRE(std::isfinite(f)); sum += f; }
  const double mean = sum / v.size();
  for (float f : v) sum2 += (f - mean) * (f - mean);
  CHECK(std::abs(mean) < 1e-6);
  CHECK(std::abs(std::sqrt(sum2 / v.size()) - 1.0) < 1e-6);

  // Labels are mixed by the shuffle, not left in class blocks.
  int changes = 0;
  for (int i = 1; i < d.train.size(); ++i) changes += d.train.y[i] != d.train.y[i - 1];
  CHECK(changes > 3000);

  // Odd totals: the first n % 10 classes get one more.
  Mnist1dSpec odd;
  odd.n_train = 17; odd.n_test = 6;
  FeatureData small;
  make_mnist1d(odd, small);
  std::vector<int> small_count(10, 0);
  for (int y : small.train.y) ++small_count[y];
  for (int y : small.test.y) ++small_count[y];
  for (int c = 0; c < 10; ++c) CHECK(small_count[c] == (c < 3 ? 3 : 2));
}

TEST_CASE("mnist1d statistics match the published dataset's") {
  // The reference's frozen 5000 (spec section 6): range [-5.48, 4.53]; per-position std 0.775 (position
  // 32) to 1.12 (7 and 39), per-position mean within +-0.04. Bounds wide enough for any RNG stream.
  Mnist1dSpec spec;
  spec.seed = 42;
  FeatureData d;
  make_mnist1d(spec, d);
  const std::vector<float> v = all_values(d);
  const float lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
  CHECK((lo > -8.0f && lo < -3.5f));
  CHECK((hi > 3.0f && hi < 7.0f));
  const int n = static_cast<int>(v.size() / 40);
  std::vector<double> mean(40, 0.0), sd(40, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 40; ++j) mean[j] += v[i * 40 + j] / static_cast<double>(n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 40; ++j) sd[j] += (v[i * 40 + j] - mean[j]) * (v[i * 40 + j] - mean[j]) / n;
  for (int j = 0; j < 40; ++j) {
    sd[j] = std::sqrt(sd[j]);
    CHECK(std::abs(mean[j]) < 0.1);
    CHECK((sd[j] > 0.65 && sd[j] < 1.25));
  }
  const int quietest = static_cast<int>(std::min_element(sd.begin(), sd.end()) - sd.begin());
  CHECK((quietest >= 28 && quietest <= 36));  // the reference: 32
  CHECK(*std::min_element(sd.begin(), sd.end()) < 0.87);
  CHECK(*std::max_element(sd.begin(), sd.end()) > 1.05);
  CHECK(sd[39] > sd[32] + 0.15);
  // Train and test are parts of one standardized whole (the reference: means -0.0003 / +0.0013).
  double train_mean = 0;
  for (float f : d.train.x) train_mean += f;
  CHECK(std::abs(train_mean / d.train.x.size()) < 0.02);
}

TEST_CASE("mnist1d is seeded and the same on every platform") {
  Mnist1dSpec spec;
  spec.n_train = 100; spec.n_test = 20; spec.seed = 1;
  FeatureData a, b, c;
  make_mnist1d(spec, a);
  make_mnist1d(spec, b);
  CHECK(a.train.x == b.train.x);
  CHECK(a.test.x == b.test.x);
  CHECK(a.train.y == b.train.y);
  spec.seed = 2;
  make_mnist1d(spec, c);
  CHECK(feature_hash(a) != feature_hash(c));
  // Golden fingerprints, recorded once natively and checked by the wasm build of this file too: a change
  // means the algorithm, the RNG or the rounding moved, and every seed now names different data.
  const uint64_t test_hash = fnv1a(a.test.y.data(), a.test.y.size() * sizeof(int),
                                   fnv1a(a.test.x.data(), a.test.x.size() * sizeof(float)));
  CHECK(feature_hash(a) == 0xac5bb7170fd9200bull);
  CHECK(test_hash == 0xe842b19285acdcfeull);
}
