// Fashion-MNIST loader: the IDX parser on hand-made bytes (everywhere), and natively the real files
// of Debian's dataset-fashion-mnist (CI installs it; a native run without it fails, on purpose).
// Under WebAssembly files cannot be read: the tests that need them say so with WARN and stop early,
// so a skip shows in the output instead of passing silently.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "grok/data/fashion_mnist.h"

#if defined(GROK_HAS_ZLIB) && !defined(__EMSCRIPTEN__)
#define GROK_TEST_GZWRITE 1
#include <zlib.h>
#endif

using namespace grok;
namespace fs = std::filesystem;

// Under Emscripten a load that needs files returns "... cannot be read here ...": warn and leave the
// test case. Natively nothing is skipped: the caller REQUIREs the load to succeed.
#ifdef __EMSCRIPTEN__
#define SKIP_IF_FILES_UNREADABLE(err)                                          \
  if ((err).find("cannot be read here") != std::string::npos) {                \
    WARN("skipped under WebAssembly (files cannot be read): " << (err));       \
    return;                                                                    \
  }
#else
#define SKIP_IF_FILES_UNREADABLE(err)
#endif

namespace {

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string idx_images(uint32_t count, uint32_t rows, uint32_t cols, const std::string& pixels) {
  return be32(0x00000803) + be32(count) + be32(rows) + be32(cols) + pixels;
}

std::string idx_labels(uint32_t count, const std::string& labels) { return be32(0x00000801) + be32(count) + labels; }

// A fresh directory under the system's temp dir, removed with everything in it at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    static int serial = 0;
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    path = fs::temp_directory_path() / ("grok-fashion-test-" + std::to_string(now) + "-" + std::to_string(serial++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f.good());
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

#ifdef GROK_TEST_GZWRITE
void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}
#endif

FashionSpec small_spec(uint64_t seed, int downsample = 1) {
  FashionSpec s;
  s.n_train = 1000;
  s.n_test = 500;
  s.seed = seed;
  s.downsample = downsample;
  return s;
}

}  // namespace

TEST_CASE("parse_idx_images and parse_idx_labels read valid hand-made files") {
  const std::string pixels = {0, 1, 2, 3, 4, 5, 10, 20, 30, 40, 50, static_cast<char>(255)};
  int count = -1, rows = -1, cols = -1;
  std::vector<uint8_t> out;
  REQUIRE(parse_idx_images(idx_images(2, 3, 2, pixels), count, rows, cols, out) == "");
  CHECK(count == 2);
  CHECK(rows == 3);
  CHECK(cols == 2);
  CHECK(out == std::vector<uint8_t>({0, 1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 255}));

  std::vector<uint8_t> labels;
  REQUIRE(parse_idx_labels(idx_labels(3, std::string{0, 9, 4}), count, labels) == "");
  CHECK(count == 3);
  CHECK(labels == std::vector<uint8_t>({0, 9, 4}));

  // Zero images is a valid (if useless) IDX file.
  REQUIRE(parse_idx_images(idx_images(0, 28, 28, ""), count, rows, cols, out) == "");
  CHECK(count == 0);
  CHECK(out.empty());
}

TEST_CASE("parse_idx_* reject a wrong magic, truncated data and trailing bytes") {
  int count = -1, rows = -1, cols = -1;
  std::vector<uint8_t> out = {7};
  const std::string pixels(12, '\x11');
  // A label file given as images and the other way round: the magic says which is which.
  CHECK(parse_idx_images(idx_labels(12, pixels), count, rows, cols, out) ==
        "not an IDX image file (magic 0x00000801, expected 0x00000803)");
  CHECK(parse_idx_labels(idx_images(2, 3, 2, pixels), count, out) ==
        "not an IDX label file (magic 0x00000803, expected 0x00000801)");
  CHECK(parse_idx_images(std::string("\x1f\x8b\x08\x00 still gzipped", 19), count, rows, cols, out) ==
        "not an IDX image file (magic 0x1f8b0800, expected 0x00000803)");
  // Pixels cut short by one byte; a header cut short; a stray byte after the last image.
  CHECK(parse_idx_images(idx_images(2, 3, 2, pixels.substr(1)), count, rows, cols, out) ==
        "truncated: header says 2 images of 3 x 2, file has 27 bytes");
  CHECK(parse_idx_images(idx_images(2, 3, 2, "").substr(0, 10), count, rows, cols, out) ==
        "truncated: an IDX image header needs 16 bytes, file has 10 bytes");
  CHECK(parse_idx_images(idx_images(2, 3, 2, pixels + "x"), count, rows, cols, out) ==
        "1 bytes after the last image (header says 2 images of 3 x 2)");
  CHECK(parse_idx_images(idx_images(2, 0, 2, ""), count, rows, cols, out) ==
        "empty images: header says 2 images of 0 x 2");
  CHECK(parse_idx_labels(idx_labels(5, std::string(4, '\0')), count, out) ==
        "truncated: header says 5 labels, file has 12 bytes");
  CHECK(parse_idx_labels(idx_labels(2, std::string(3, '\0')), count, out) ==
        "1 bytes after the last label (header says 2 labels)");
  CHECK(parse_idx_labels("", count, out) == "truncated: an IDX label header needs 8 bytes, file has 0 bytes");
  // Nothing was written to the outputs by any of the failures.
  CHECK(count == -1);
  CHECK(rows == -1);
  CHECK(cols == -1);
  CHECK(out == std::vector<uint8_t>({7}));
}

TEST_CASE("parse_idx_* refuse absurd header sizes without allocating them") {
  int count = -1, rows = -1, cols = -1;
  std::vector<uint8_t> out;
  // 2^31 images of 28 x 28 would be 1.7 GB; the file holds 100 bytes of pixels.
  CHECK(parse_idx_images(idx_images(0x80000000u, 28, 28, std::string(100, '\0')), count, rows, cols, out) ==
        "truncated: header says 2147483648 images of 28 x 28, file has 116 bytes");
  // Every dimension at 2^32 - 1: their product overflows 64 bits, which the check must not.
  CHECK(parse_idx_images(idx_images(0xffffffffu, 0xffffffffu, 0xffffffffu, std::string(64, '\0')), count, rows, cols,
                         out) == "truncated: header says 4294967295 images of 4294967295 x 4294967295, file has 80 bytes");
  CHECK(parse_idx_labels(idx_labels(0x80000000u, std::string(10, '\0')), count, out) ==
        "truncated: header says 2147483648 labels, file has 18 bytes");
  CHECK(out.capacity() == 0);
  CHECK(count == -1);
}

TEST_CASE("default_fashion_mnist_dir follows GROK_FASHION_MNIST_DIR") {
  const char* old = std::getenv("GROK_FASHION_MNIST_DIR");
  const std::string saved = old ? old : "";
  setenv("GROK_FASHION_MNIST_DIR", "/somewhere/else", 1);
  CHECK(default_fashion_mnist_dir() == "/somewhere/else");
  setenv("GROK_FASHION_MNIST_DIR", "", 1);  // empty counts as unset
  CHECK(default_fashion_mnist_dir() == "/usr/share/datasets/fashion-mnist");
  unsetenv("GROK_FASHION_MNIST_DIR");
  CHECK(default_fashion_mnist_dir() == "/usr/share/datasets/fashion-mnist");
  if (old) setenv("GROK_FASHION_MNIST_DIR", saved.c_str(), 1);
}

TEST_CASE("load_fashion_mnist checks its spec before reading anything") {
  FeatureData d;
  d.name = "untouched";
  FashionSpec s;
  s.dir = "/nonexistent";  // never read: each spec error comes first
  s.downsample = 3;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: downsample must divide 28 (1, 2, 4, 7, 14 or 28; got 3)");
  s.downsample = 0;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: downsample must divide 28 (1, 2, 4, 7, 14 or 28; got 0)");
  s.downsample = 1;
  s.n_train = 0;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: n_train must be at least 1 (got 0)");
  s.n_train = 10;
  s.n_test = -5;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: n_test must be at least 1 (got -5)");
  CHECK(d.name == "untouched");
}

TEST_CASE("a seeded subset of Fashion-MNIST: shapes, range, balanced labels, reproducible") {
  FeatureData d;
  const std::string err = load_fashion_mnist(small_spec(0), d);
  SKIP_IF_FILES_UNREADABLE(err);
  INFO(err);
  REQUIRE(err == "");
  CHECK(d.name == "fashion-mnist");
  CHECK(d.classes == 10);
  REQUIRE(d.train.dim == 784);
  REQUIRE(d.test.dim == 784);
  REQUIRE(d.train.size() == 1000);
  REQUIRE(d.test.size() == 500);
  REQUIRE(d.train.x.size() == size_t(1000) * 784);
  REQUIRE(d.test.x.size() == size_t(500) * 784);
  CHECK(d.clean_train_y.empty());
  CHECK(d.redrawn.empty());
  for (const FeatureSet* set : {&d.train, &d.test}) {
    const auto [lo, hi] = std::minmax_element(set->x.begin(), set->x.end());
    CHECK(*lo == 0.0f);
    CHECK(*hi == 1.0f);  // some pixel of 1000 clothes images is 255
    for (float v : set->x) {  // every value is some byte / 255
      const float byte = v * 255.0f;
      if (std::abs(byte - std::round(byte)) > 1e-3f) FAIL("pixel " << v << " is not a multiple of 1/255");
    }
  }
  std::vector<int> per_class(10, 0);
  for (int y : d.train.y) {
    REQUIRE(y >= 0);
    REQUIRE(y < 10);
    per_class[y]++;
  }
  for (int c = 0; c < 10; ++c) {
    INFO("class " << c << ": " << per_class[c] << " of 1000");
    CHECK(per_class[c] >= 50);
    CHECK(per_class[c] <= 150);
  }
  for (int y : d.test.y) CHECK((y >= 0 && y < 10));

  FeatureData again, other;
  REQUIRE(load_fashion_mnist(small_spec(0), again) == "");
  REQUIRE(load_fashion_mnist(small_spec(1), other) == "");
  CHECK(feature_hash(again) == feature_hash(d));
  CHECK(again.test.x == d.test.x);
  CHECK(again.test.y == d.test.y);
  CHECK(feature_hash(other) != feature_hash(d));
  CHECK(other.test.x != d.test.x);
}

TEST_CASE("downsample k is the mean of each k x k block of the full image") {
  FeatureData full, half, quarter, sevens;
  const std::string err = load_fashion_mnist(small_spec(5, 1), full);
  SKIP_IF_FILES_UNREADABLE(err);
  INFO(err);
  REQUIRE(err == "");
  REQUIRE(load_fashion_mnist(small_spec(5, 2), half) == "");
  REQUIRE(load_fashion_mnist(small_spec(5, 4), quarter) == "");
  REQUIRE(load_fashion_mnist(small_spec(5, 7), sevens) == "");
  REQUIRE(half.train.dim == 196);
  REQUIRE(quarter.train.dim == 49);
  REQUIRE(sevens.train.dim == 16);
  REQUIRE(half.test.dim == 196);
  // The same seed keeps the same examples in the same order whatever the downsampling.
  CHECK(half.train.y == full.train.y);
  CHECK(quarter.test.y == full.test.y);
  const auto block_mean = [](const float* image, int k, int by, int bx) {
    double sum = 0;
    for (int dy = 0; dy < k; ++dy)
      for (int dx = 0; dx < k; ++dx) sum += image[(by * k + dy) * 28 + bx * k + dx];
    return sum / (k * k);
  };
  // The brief's check (first feature of the first example), then every feature of 20 examples,
  // since a corner pixel is nearly always 0.
  CHECK(half.train.example(0)[0] == Approx(block_mean(full.train.example(0), 2, 0, 0)).margin(1e-6));
  int nonzero = 0;
  for (int i = 0; i < 20; ++i)
    for (int by = 0; by < 14; ++by)
      for (int bx = 0; bx < 14; ++bx) {
        const double want = block_mean(full.train.example(i), 2, by, bx);
        nonzero += want > 0;
        const float got = half.train.example(i)[by * 14 + bx];
        if (std::abs(got - want) > 1e-6) FAIL("example " << i << " block " << by << "," << bx << ": " << got << " vs " << want);
      }
  CHECK(nonzero > 1000);
  for (int by = 0; by < 7; ++by)
    for (int bx = 0; bx < 7; ++bx)
      CHECK(quarter.test.example(3)[by * 7 + bx] == Approx(block_mean(full.test.example(3), 4, by, bx)).margin(1e-6));
  for (int by = 0; by < 4; ++by)
    for (int bx = 0; bx < 4; ++bx)
      CHECK(sevens.train.example(7)[by * 4 + bx] == Approx(block_mean(full.train.example(7), 7, by, bx)).margin(1e-6));
}

TEST_CASE("the full 60000 / 10000 load is quick and exactly balanced") {
  FeatureData d;
  const auto start = std::chrono::steady_clock::now();
  const std::string err = load_fashion_mnist(FashionSpec{}, d);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  SKIP_IF_FILES_UNREADABLE(err);
  INFO(err);
  REQUIRE(err == "");
  WARN("full Fashion-MNIST load (60000 + 10000, 784 features): " << seconds << " s");
  CHECK(seconds < 30);  // the target is < 3 s; only a wild regression (or a sanitizer build) fails this
  REQUIRE(d.train.size() == 60000);
  REQUIRE(d.test.size() == 10000);
  REQUIRE(d.train.x.size() == size_t(60000) * 784);
  std::vector<int> train_count(10, 0), test_count(10, 0);
  for (int y : d.train.y) train_count[y]++;
  for (int y : d.test.y) test_count[y]++;
  CHECK(train_count == std::vector<int>(10, 6000));  // Fashion-MNIST's classes are exactly balanced
  CHECK(test_count == std::vector<int>(10, 1000));
  // Every example is kept once: shuffled, not resampled (fingerprint each image and count them).
  std::set<std::vector<float>> distinct;
  for (int i = 0; i < 2000; ++i) distinct.emplace(d.test.example(i), d.test.example(i) + 784);
  CHECK(distinct.size() > 1990);  // a handful of images are duplicated in the dataset itself

  FashionSpec too_many;
  too_many.n_train = 60001;
  FeatureData unused;
  CHECK(load_fashion_mnist(too_many, unused) == "fashion-mnist: n_train must be in [1, 60000] (got 60001)");
}

TEST_CASE("a directory without the files names the first missing one and the Debian package") {
  TempDir dir;
  FashionSpec s = small_spec(0);
  s.dir = dir.path.string() + "/";  // a trailing slash must not double up in the message
  FeatureData d;
  const std::string err = load_fashion_mnist(s, d);
  SKIP_IF_FILES_UNREADABLE(err);
  CHECK(err == "fashion-mnist: " + dir.file("train-images-idx3-ubyte.gz") +
                   " is missing: install Debian's dataset-fashion-mnist (./scripts/setup does)");
  // Through the environment, as the CLI and CI use it.
  const char* old = std::getenv("GROK_FASHION_MNIST_DIR");
  const std::string saved = old ? old : "";
  setenv("GROK_FASHION_MNIST_DIR", dir.path.string().c_str(), 1);
  s.dir = "";
  const std::string via_env = load_fashion_mnist(s, d);
  if (old) setenv("GROK_FASHION_MNIST_DIR", saved.c_str(), 1); else unsetenv("GROK_FASHION_MNIST_DIR");
  CHECK(via_env == err);
  CHECK(d.name.empty());  // untouched
}

TEST_CASE("a truncated or corrupt gzip file gives one line naming it") {
  const std::string real_dir = "/usr/share/datasets/fashion-mnist";
  TempDir dir;
  FashionSpec s = small_spec(0);
  s.dir = dir.path.string();
  const std::string bad = dir.file("train-images-idx3-ubyte.gz");
  FeatureData d;
  {
    // The real test images' .gz cut in half, standing in for the training images.
    const std::string err_probe = load_fashion_mnist(s, d);  // empty dir: "is missing" natively
    SKIP_IF_FILES_UNREADABLE(err_probe);
    std::string gz;
    if (fs::exists(real_dir + "/t10k-images-idx3-ubyte.gz")) gz = read_bytes(real_dir + "/t10k-images-idx3-ubyte.gz");
    REQUIRE(gz.size() > 1000000);  // natively the package must be installed
    write_bytes(bad, gz.substr(0, gz.size() / 2));
    const std::string err = load_fashion_mnist(s, d);
    CHECK(err == "fashion-mnist: " + bad + ": is truncated (the gzip stream ends early)");
    CHECK(err.find('\n') == std::string::npos);

    // The same bytes with a few flipped in the middle: zlib's data or CRC check fails.
    for (size_t i = 0; i < 64; ++i) gz[gz.size() / 2 + i] = static_cast<char>(gz[gz.size() / 2 + i] ^ 0x5a);
    write_bytes(bad, gz);
    const std::string corrupt = load_fashion_mnist(s, d);
    CHECK(corrupt.rfind("fashion-mnist: " + bad + ": is corrupt (zlib: ", 0) == 0);
    CHECK(corrupt.find('\n') == std::string::npos);

    // An uncompressed file under the .gz name is refused rather than read as it is.
    write_bytes(bad, idx_images(1, 2, 2, "abcd"));
    CHECK(load_fashion_mnist(s, d) == "fashion-mnist: " + bad + ": is not gzip-compressed");
    // A directory where the file should be.
    fs::remove(bad);
    fs::create_directory(bad);
    const std::string is_dir = load_fashion_mnist(s, d);
    INFO(is_dir);
    CHECK(is_dir.rfind("fashion-mnist: " + bad + ": cannot be read: ", 0) == 0);
    fs::remove(bad);
  }
#ifdef GROK_TEST_GZWRITE
  // A valid gzip stream of a truncated IDX file (half the pixels the header promises).
  std::string pixels(60 * 784, '\0');
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<char>(i * 7);
  write_gzip(bad, idx_images(120, 28, 28, pixels));
  CHECK(load_fashion_mnist(s, d) ==
        "fashion-mnist: " + bad + ": truncated: header says 120 images of 28 x 28, file has 47056 bytes");

  // Images and labels that disagree in number: the label file is named, and the images' file.
  write_gzip(bad, idx_images(60, 28, 28, pixels));
  const std::string labels_path = dir.file("train-labels-idx1-ubyte.gz");
  write_gzip(labels_path, idx_labels(59, std::string(59, '\1')));
  s.n_train = 10;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: " + labels_path + ": 59 labels for the 60 images of " + bad);
  write_gzip(labels_path, idx_labels(60, std::string(59, '\1') + "\x0c"));
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: " + labels_path + ": label 12 at index 59 is outside 0..9");
  write_gzip(labels_path, idx_labels(60, std::string(60, '\3')));
  // Train is fine now; the test split is next and missing.
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: " + dir.file("t10k-images-idx3-ubyte.gz") +
                                        " is missing: install Debian's dataset-fashion-mnist (./scripts/setup does)");
  s.n_train = 61;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: n_train must be in [1, 60] (got 61)");
  CHECK(d.name.empty());  // untouched by every failure

  // Images of another size are not Fashion-MNIST's.
  write_gzip(bad, idx_images(2, 4, 4, std::string(32, '\1')));
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: " + bad + ": images are 4 x 4, Fashion-MNIST's are 28 x 28");
  write_gzip(bad, idx_images(60, 28, 28, pixels));

  // read_gzip_file's own limit on the decompressed size.
  std::string out = "keep";
  CHECK(read_gzip_file(bad, out, 1000) == "decompresses to more than 1000 bytes");
  CHECK(out == "keep");
  REQUIRE(read_gzip_file(bad, out) == "");
  CHECK(out == idx_images(60, 28, 28, pixels));
  write_bytes(bad, "");
  CHECK(read_gzip_file(bad, out) == "is empty");
#endif
}

TEST_CASE("read_gzip_file says when files cannot be read") {
  std::string out;
  const std::string err = read_gzip_file("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz", out);
#ifdef __EMSCRIPTEN__
  CHECK(err.find("cannot be read here") != std::string::npos);
#else
  INFO(err);
  REQUIRE(err == "");
  int count = 0;
  std::vector<uint8_t> labels;
  REQUIRE(parse_idx_labels(out, count, labels) == "");
  CHECK(count == 10000);
  CHECK(read_gzip_file("/nonexistent/x.gz", out).rfind("cannot be opened: ", 0) == 0);
#endif
}

// What the web pages do (no files there): hand the core the decompressed bytes of the four files.
// Hand-made 28 x 28 images, so this runs under WebAssembly too.
TEST_CASE("provided files stand in for the default directory's, and are checked when provided") {
  forget_provided_fashion_mnist_files();
  // Image i is all pixels i * 40 (label i % 10): which examples a subset kept is readable from x.
  const auto images = [](int n) {
    std::string pixels;
    for (int i = 0; i < n; ++i) pixels += std::string(784, static_cast<char>(i * 40));
    return idx_images(n, 28, 28, pixels);
  };
  const auto labels = [](int n) {
    std::string l;
    for (int i = 0; i < n; ++i) l += static_cast<char>(i % 10);
    return idx_labels(n, l);
  };
  REQUIRE(provide_fashion_mnist_file("train-images-idx3-ubyte.gz", images(6)) == "");
  REQUIRE(provide_fashion_mnist_file("train-labels-idx1-ubyte.gz", labels(6)) == "");
  REQUIRE(provide_fashion_mnist_file("t10k-images-idx3-ubyte.gz", images(3)) == "");
  REQUIRE(provide_fashion_mnist_file("t10k-labels-idx1-ubyte.gz", labels(3)) == "");

  FashionSpec s;
  s.n_train = 4;
  s.n_test = 3;
  s.downsample = 14;  // 2 x 2 features
  FeatureData d;
  REQUIRE(load_fashion_mnist(s, d) == "");
  REQUIRE(d.train.size() == 4);
  REQUIRE(d.train.dim == 4);
  std::set<int> kept;
  for (int j = 0; j < 4; ++j) {
    const int i = d.train.y[j];  // labels are the image numbers here
    kept.insert(i);
    for (int f = 0; f < 4; ++f) CHECK(d.train.x[j * 4 + f] == static_cast<float>(i * 40 / 255.0));
  }
  CHECK(kept.size() == 4);  // four different images of the six
  CHECK(d.test.size() == 3);

  // More than the provided files hold: the range comes from their headers, as for Debian's files.
  s.n_train = 7;
  CHECK(load_fashion_mnist(s, d) == "fashion-mnist: n_train must be in [1, 6] (got 7)");
  s.n_train = 4;

  // A named directory is read from disk, not from the provided bytes.
  s.dir = "/nonexistent-fashion-dir";
  const std::string from_disk = load_fashion_mnist(s, d);
#ifdef __EMSCRIPTEN__
  CHECK(from_disk.find("cannot be read here") != std::string::npos);
#else
  CHECK(from_disk == "fashion-mnist: /nonexistent-fashion-dir/train-images-idx3-ubyte.gz is missing: install "
                     "Debian's dataset-fashion-mnist (./scripts/setup does)");
#endif
  s.dir = "";

  // Checked when provided, with the file's name; a bad file does not replace a good one.
  CHECK(provide_fashion_mnist_file("train-images.gz", images(1)) ==
        "fashion-mnist: 'train-images.gz' is not one of its files ({train,t10k}-images-idx3-ubyte.gz, "
        "{train,t10k}-labels-idx1-ubyte.gz)");
  CHECK(provide_fashion_mnist_file("train-images-idx3-ubyte.gz", labels(6)) ==
        "fashion-mnist: train-images-idx3-ubyte.gz: not an IDX image file (magic 0x00000801, expected 0x00000803)");
  CHECK(provide_fashion_mnist_file("train-images-idx3-ubyte.gz", idx_images(2, 14, 14, std::string(392, '\0'))) ==
        "fashion-mnist: train-images-idx3-ubyte.gz: images are 14 x 14, Fashion-MNIST's are 28 x 28");
  CHECK(provide_fashion_mnist_file("t10k-labels-idx1-ubyte.gz", labels(3).substr(0, 9)) ==
        "fashion-mnist: t10k-labels-idx1-ubyte.gz: truncated: header says 3 labels, file has 9 bytes");
  REQUIRE(load_fashion_mnist(s, d) == "");

  // The loader's own checks name the provided file: labels that disagree with the images.
  REQUIRE(provide_fashion_mnist_file("train-labels-idx1-ubyte.gz", labels(5)) == "");
  CHECK(load_fashion_mnist(s, d) ==
        "fashion-mnist: train-labels-idx1-ubyte.gz: 5 labels for the 6 images of train-images-idx3-ubyte.gz");

  forget_provided_fashion_mnist_files();
  const std::string none = load_fashion_mnist(s, d);
#ifdef __EMSCRIPTEN__
  CHECK(none == "fashion-mnist: train-images-idx3-ubyte.gz has not been provided: files cannot be read here (the "
                "page fetches them and hands the core their bytes)");
#else
  // The default directory's files again: Debian's real images (CI installs them), not the flat ones.
  INFO(none);
  REQUIRE(none == "");
  CHECK(*std::min_element(d.train.x.begin(), d.train.x.begin() + 4) !=
        *std::max_element(d.train.x.begin(), d.train.x.begin() + 4));
#endif
}
