// Fashion-MNIST from Debian's gzipped IDX files: gunzip into memory, check the IDX headers against
// the bytes, choose the seeded subset by index, and convert only the kept images to float.
#include "grok/data/fashion_mnist.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>

#if defined(GROK_HAS_ZLIB) && !defined(__EMSCRIPTEN__)
#define GROK_READS_GZIP 1
#include <zlib.h>

#include <filesystem>
#endif

namespace grok {
namespace {

constexpr int kClasses = 10;
constexpr int kSide = kFashionSide;  // downsample must divide it
// Each split's subset has its own stream, so the train and test choices of one seed are unrelated
// to each other and to the other streams a run derives from the same seed (init, label noise).
constexpr uint64_t kTrainStream = 0x3c6ef372fe94f82bull;
constexpr uint64_t kTestStream = 0xa54ff53a5f1d36f1ull;

uint32_t big_endian_u32(const std::string& bytes, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Where the pixels of an IDX image file are, checked against the bytes but not copied: the loader
// reads the 47 MB of training pixels in place rather than holding a second copy.
struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  size_t offset = 0;  // first pixel; image i is bytes[offset + i * rows * cols ..)
};

std::string check_idx_images(const std::string& bytes, IdxImages& h) {
  const size_t header = 16;
  if (bytes.size() >= 4 && big_endian_u32(bytes, 0) != 0x00000803u)
    return "not an IDX image file (magic " + hex32(big_endian_u32(bytes, 0)) + ", expected 0x00000803)";
  if (bytes.size() < header)
    return "truncated: an IDX image header needs 16 bytes, file has " + std::to_string(bytes.size()) + " bytes";
  const uint64_t count = big_endian_u32(bytes, 4), rows = big_endian_u32(bytes, 8), cols = big_endian_u32(bytes, 12);
  const std::string says = "header says " + std::to_string(count) + " images of " + std::to_string(rows) +
                           " x " + std::to_string(cols);
  if (rows == 0 || cols == 0) return "empty images: " + says;
  // Compared by division, never by multiplying the header's numbers: three uint32 fields could
  // overflow any product, and nothing is allocated from them before they fit the bytes we hold.
  const uint64_t per_image = rows * cols;  // < 2^64: both factors < 2^32
  const uint64_t payload = bytes.size() - header;
  if (count > payload / per_image) return "truncated: " + says + ", file has " + std::to_string(bytes.size()) + " bytes";
  if (count > INT_MAX || rows > INT_MAX || cols > INT_MAX) return "too large: " + says;
  if (payload != count * per_image)
    return std::to_string(payload - count * per_image) + " bytes after the last image (" + says + ")";
  h.count = static_cast<int>(count);
  h.rows = static_cast<int>(rows);
  h.cols = static_cast<int>(cols);
  h.offset = header;
  return "";
}

#if !defined(__EMSCRIPTEN__)  // the wasm build reads no files (read_dataset_file)
// dir + "/" + name without doubling a trailing slash of dir.
std::string join_path(std::string dir, const std::string& name) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/" + name;
}
#endif

// The files a front end handed over (provide_fashion_mnist_file), by name. Written before training
// starts and read while loading; the mutex makes a load beside a late provide safe natively.
struct ProvidedFiles {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const std::string>> by_name;
};
ProvidedFiles& provided_files() {
  static ProvidedFiles files;
  return files;
}

std::shared_ptr<const std::string> find_provided(const std::string& name) {
  ProvidedFiles& p = provided_files();
  std::lock_guard<std::mutex> lock(p.mutex);
  const auto it = p.by_name.find(name);
  return it == p.by_name.end() ? nullptr : it->second;
}

// One dataset file as the loader holds it: its bytes (shared with the provided store, not copied) and
// the name messages give it, as a person would find it: its path, or for a provided file its name.
struct DatasetFile {
  std::string shown;
  std::shared_ptr<const std::string> bytes;
};

// `name` in `dir`: the provided bytes when the spec names no directory, else read_gzip_file with the
// loader's one-line messages.
std::string read_dataset_file(const std::string& dir, bool default_dir, const std::string& name, DatasetFile& file) {
  if (default_dir) {
    if (auto given = find_provided(name)) {
      file = {name, std::move(given)};
      return "";
    }
  }
#if defined(__EMSCRIPTEN__)
  (void)dir;
  return "fashion-mnist: " + name + " has not been provided: files cannot be read here (the page fetches them " +
         "and hands the core their bytes)";
#else
  const std::string path = join_path(dir, name);
#ifdef GROK_READS_GZIP
  // Checked first so that the common case (the package is not installed) says how to fix it.
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return "fashion-mnist: " + path + " is missing: install Debian's dataset-fashion-mnist (./scripts/setup does)";
#endif
  std::string bytes;
  const std::string err = read_gzip_file(path, bytes);
  if (!err.empty()) return "fashion-mnist: " + path + ": " + err;
  file = {path, std::make_shared<const std::string>(std::move(bytes))};
  return "";
#endif
}

// One split ("train" or "t10k"): its subset of `keep` examples, downsampled, into `set`.
std::string load_split(const std::string& dir, bool default_dir, const std::string& prefix, const char* count_field,
                       int keep, int downsample, uint64_t seed, FeatureSet& set) {
  DatasetFile images_file;
  std::string err = read_dataset_file(dir, default_dir, prefix + "-images-idx3-ubyte.gz", images_file);
  if (!err.empty()) return err;
  const std::string& images_path = images_file.shown;
  const std::string& image_bytes = *images_file.bytes;
  IdxImages h;
  err = check_idx_images(image_bytes, h);
  if (!err.empty()) return "fashion-mnist: " + images_path + ": " + err;
  if (h.count == 0) return "fashion-mnist: " + images_path + ": holds no images";
  if (h.rows != kSide || h.cols != kSide)
    return "fashion-mnist: " + images_path + ": images are " + std::to_string(h.rows) + " x " + std::to_string(h.cols) +
           ", Fashion-MNIST's are 28 x 28";
  if (keep > h.count)
    return std::string("fashion-mnist: ") + count_field + " must be in [1, " + std::to_string(h.count) + "] (got " +
           std::to_string(keep) + ")";

  DatasetFile labels_file;
  err = read_dataset_file(dir, default_dir, prefix + "-labels-idx1-ubyte.gz", labels_file);
  if (!err.empty()) return err;
  const std::string& labels_path = labels_file.shown;
  int label_count = 0;
  std::vector<uint8_t> labels;
  err = parse_idx_labels(*labels_file.bytes, label_count, labels);
  if (!err.empty()) return "fashion-mnist: " + labels_path + ": " + err;
  if (label_count != h.count)
    return "fashion-mnist: " + labels_path + ": " + std::to_string(label_count) + " labels for the " +
           std::to_string(h.count) + " images of " + images_path;
  for (int i = 0; i < label_count; ++i)
    if (labels[i] >= kClasses)
      return "fashion-mnist: " + labels_path + ": label " + std::to_string(labels[i]) + " at index " +
             std::to_string(i) + " is outside 0..9";

  // The subset is chosen by seeded_subset itself (one definition of "a seeded subset"), run on the
  // indices alone: a set of dim 0 whose labels are the example numbers. Only the kept images are
  // then converted to float.
  FeatureSet index;
  index.dim = 0;
  index.y.resize(h.count);
  std::iota(index.y.begin(), index.y.end(), 0);
  seeded_subset(index, keep, seed);

  const int k = downsample, out_rows = h.rows / k, out_cols = h.cols / k;
  // Mean of a k x k block scaled to [0, 1], as one correctly rounded division of the integer block
  // sum: the same float on every platform, and for k = 1 exactly torchvision's x / 255.
  std::vector<float> value_of_sum(static_cast<size_t>(255) * k * k + 1);
  for (size_t s = 0; s < value_of_sum.size(); ++s)
    value_of_sum[s] = static_cast<float>(static_cast<double>(s) / (255.0 * k * k));

  FeatureSet result;
  result.dim = out_rows * out_cols;
  result.x.resize(static_cast<size_t>(keep) * result.dim);
  result.y.resize(keep);
  const size_t image_size = static_cast<size_t>(h.rows) * h.cols;
  for (int j = 0; j < keep; ++j) {
    const int i = index.y[j];
    const unsigned char* image =
        reinterpret_cast<const unsigned char*>(image_bytes.data()) + h.offset + static_cast<size_t>(i) * image_size;
    float* dst = result.x.data() + static_cast<size_t>(j) * result.dim;  // out_rows x out_cols, row-major
    for (int by = 0; by < out_rows; ++by)
      for (int bx = 0; bx < out_cols; ++bx) {
        unsigned sum = 0;
        for (int dy = 0; dy < k; ++dy)
          for (int dx = 0; dx < k; ++dx) sum += image[static_cast<size_t>(by * k + dy) * h.cols + bx * k + dx];
        dst[by * out_cols + bx] = value_of_sum[sum];
      }
    result.y[j] = labels[i];
  }
  set = std::move(result);
  return "";
}

}  // namespace

std::string default_fashion_mnist_dir() {
  const char* env = std::getenv("GROK_FASHION_MNIST_DIR");
  return env && *env ? env : "/usr/share/datasets/fashion-mnist";
}

std::string parse_idx_images(const std::string& bytes, int& count, int& rows, int& cols,
                             std::vector<uint8_t>& pixels) {
  IdxImages h;
  const std::string err = check_idx_images(bytes, h);
  if (!err.empty()) return err;
  pixels.assign(bytes.begin() + static_cast<std::ptrdiff_t>(h.offset), bytes.end());
  count = h.count;
  rows = h.rows;
  cols = h.cols;
  return "";
}

std::string parse_idx_labels(const std::string& bytes, int& count, std::vector<uint8_t>& labels) {
  const size_t header = 8;
  if (bytes.size() >= 4 && big_endian_u32(bytes, 0) != 0x00000801u)
    return "not an IDX label file (magic " + hex32(big_endian_u32(bytes, 0)) + ", expected 0x00000801)";
  if (bytes.size() < header)
    return "truncated: an IDX label header needs 8 bytes, file has " + std::to_string(bytes.size()) + " bytes";
  const uint64_t n = big_endian_u32(bytes, 4);
  const uint64_t payload = bytes.size() - header;
  if (n > payload)
    return "truncated: header says " + std::to_string(n) + " labels, file has " + std::to_string(bytes.size()) + " bytes";
  if (n > INT_MAX) return "too large: header says " + std::to_string(n) + " labels";
  if (payload != n) return std::to_string(payload - n) + " bytes after the last label (header says " + std::to_string(n) + " labels)";
  labels.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  count = static_cast<int>(n);
  return "";
}

std::string read_gzip_file(const std::string& path, std::string& out, size_t max_bytes) {
#if defined(__EMSCRIPTEN__)
  (void)path; (void)out; (void)max_bytes;
  return "files cannot be read here (a WebAssembly build has no zlib and, in a browser, no files)";
#elif !defined(GROK_READS_GZIP)
  (void)path; (void)out; (void)max_bytes;
  return "this build has no zlib (GROK_HAS_ZLIB is not defined), so gzip files cannot be read";
#else
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return std::string("cannot be opened: ") + (errno ? std::strerror(errno) : "out of memory");
  gzbuffer(file, 1u << 17);  // fewer read() calls than zlib's 8 KB default
  const auto zlib_error = [&]() -> std::string {
    int code = Z_OK;
    const char* msg = gzerror(file, &code);
    if (code == Z_OK) return "";
    if (code == Z_BUF_ERROR) return "is truncated (the gzip stream ends early)";
    if (code == Z_ERRNO) return std::string("cannot be read: ") + std::strerror(errno);
    if (code == Z_MEM_ERROR) return "out of memory while decompressing";
    return std::string("is corrupt (zlib: ") + (msg && *msg ? msg : "data error") + ")";
  };
  // The gzip trailer's ISIZE (length mod 2^32) is a hint for one exact allocation, taken only when it
  // is within the limit: a lying trailer fails zlib's length check at the end anyway.
  // An empty file is told apart here too: zlib would call it a file without a gzip header.
  std::string data;
  bool empty = false;
  if (std::FILE* raw = std::fopen(path.c_str(), "rb")) {
    unsigned char t[4];
    empty = std::fseek(raw, 0, SEEK_END) == 0 && std::ftell(raw) == 0;
    if (std::fseek(raw, -4, SEEK_END) == 0 && std::fread(t, 1, 4, raw) == 4) {
      const size_t hint = size_t(t[0]) | size_t(t[1]) << 8 | size_t(t[2]) << 16 | size_t(t[3]) << 24;
      if (hint <= max_bytes) data.reserve(hint);
    }
    std::fclose(raw);
  }
  // zlib would read a file without a gzip header as it is; a dataset file must be compressed.
  // gzdirect reads ahead to decide, so a read error (a directory, say) shows first.
  const int direct = gzdirect(file);
  std::string err = zlib_error();
  if (err.empty() && direct) err = empty ? "is empty" : "is not gzip-compressed";
  if (!err.empty()) {
    gzclose(file);
    return err;
  }
  char spill[1 << 16];
  for (;;) {
    // Read straight into the reserved room; once it is full, through a small buffer, so that the
    // expected end of the stream never makes the string double its capacity.
    const size_t room = data.capacity() - data.size();
    const size_t want = std::min<size_t>(room ? room : sizeof spill, 1u << 30);
    int got;
    if (room) {
      const size_t old = data.size();
      data.resize(old + want);
      got = gzread(file, &data[old], static_cast<unsigned>(want));
      data.resize(old + static_cast<size_t>(std::max(got, 0)));
    } else {
      got = gzread(file, spill, static_cast<unsigned>(want));
      if (got > 0) {
        if (data.size() + static_cast<size_t>(got) > max_bytes) {
          err = "decompresses to more than " + std::to_string(max_bytes) + " bytes";
          break;
        }
        data.reserve(std::min(std::max(2 * data.capacity(), data.size() + got), max_bytes));
        data.append(spill, static_cast<size_t>(got));
      }
    }
    // gzread returns -1 on corrupt data, but 0 (like a clean end) on a stream cut short: the error
    // state is asked after every read.
    err = zlib_error();
    if (got < 0 && err.empty()) err = "cannot be read";
    if (!err.empty()) break;
    if (data.size() > max_bytes) {
      err = "decompresses to more than " + std::to_string(max_bytes) + " bytes";
      break;
    }
    if (got == 0) break;
  }
  const int closed = gzclose(file);
  if (err.empty() && closed == Z_BUF_ERROR) err = "is truncated (the gzip stream ends early)";
  if (err.empty() && closed != Z_OK) err = "cannot be read (gzclose failed)";
  if (!err.empty()) return err;
  out = std::move(data);
  return "";
#endif
}

const std::vector<std::string>& fashion_mnist_file_names() {
  static const std::vector<std::string> names = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
  return names;
}

std::string provide_fashion_mnist_file(const std::string& name, std::string bytes) {
  const bool images = name.find("-images-") != std::string::npos;
  const auto& names = fashion_mnist_file_names();
  if (std::find(names.begin(), names.end(), name) == names.end())
    return "fashion-mnist: '" + name + "' is not one of its files ({train,t10k}-images-idx3-ubyte.gz, " +
           "{train,t10k}-labels-idx1-ubyte.gz)";
  // Checked now, so a bad download is reported where it happened; the loader checks again (counts
  // against the other file of the split, labels in 0..9).
  std::string err;
  if (images) {
    IdxImages h;
    err = check_idx_images(bytes, h);
    if (err.empty() && (h.rows != kSide || h.cols != kSide))
      err = "images are " + std::to_string(h.rows) + " x " + std::to_string(h.cols) + ", Fashion-MNIST's are 28 x 28";
  } else {
    int count = 0;
    std::vector<uint8_t> parsed;
    err = parse_idx_labels(bytes, count, parsed);
  }
  if (!err.empty()) return "fashion-mnist: " + name + ": " + err;
  ProvidedFiles& p = provided_files();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.by_name[name] = std::make_shared<const std::string>(std::move(bytes));
  return "";
}

void forget_provided_fashion_mnist_files() {
  ProvidedFiles& p = provided_files();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.by_name.clear();
}

std::string load_fashion_mnist(const FashionSpec& spec, FeatureData& out) {
  if (spec.downsample < 1 || kSide % spec.downsample != 0)
    return "fashion-mnist: downsample must divide 28 (1, 2, 4, 7, 14 or 28; got " + std::to_string(spec.downsample) + ")";
  // The upper bounds (60000, 10000) come from the files, checked once their headers are read.
  if (spec.n_train < 1) return "fashion-mnist: n_train must be at least 1 (got " + std::to_string(spec.n_train) + ")";
  if (spec.n_test < 1) return "fashion-mnist: n_test must be at least 1 (got " + std::to_string(spec.n_test) + ")";
  const bool default_dir = spec.dir.empty();
  const std::string dir = default_dir ? default_fashion_mnist_dir() : spec.dir;
  FeatureData d;
  d.name = "fashion-mnist";
  d.classes = kClasses;
  std::string err =
      load_split(dir, default_dir, "train", "n_train", spec.n_train, spec.downsample, spec.seed ^ kTrainStream, d.train);
  if (!err.empty()) return err;
  err = load_split(dir, default_dir, "t10k", "n_test", spec.n_test, spec.downsample, spec.seed ^ kTestStream, d.test);
  if (!err.empty()) return err;
  out = std::move(d);
  return "";
}

}  // namespace grok
