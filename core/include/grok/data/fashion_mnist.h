// Fashion-MNIST (Xiao et al. 2017) as a FeatureData: reads the gzipped IDX files that Debian's
// dataset-fashion-mnist installs, keeps a seeded subset of the 60,000 training and 10,000 test
// images, optionally averages k x k blocks (28x28 -> 14x14, 7x7, ...) and scales pixels to [0, 1].
// It is not a general image library (no augmentation, no normalization beyond x / 255) and it
// knows nothing of a run's config: it is told what to load by a FashionSpec.
// Files are read in native builds only: a WebAssembly build has no zlib and (in a browser) no files,
// so there the front end fetches and decompresses them and hands the core their bytes
// (provide_fashion_mnist_file), which then stand in for the default directory's files.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "grok/data/features.h"

namespace grok {

constexpr int kFashionSide = 28;  // Fashion-MNIST's images are 28 x 28 pixels
// Features per example after averaging k x k blocks (k must divide kFashionSide).
constexpr int fashion_mnist_dim(int downsample) { return (kFashionSide / downsample) * (kFashionSide / downsample); }

struct FashionSpec {
  int n_train = 60000, n_test = 10000;  // how many of the 60k / 10k to keep (a seeded subset when fewer)
  int downsample = 1;                    // 1: 28x28 (784 features), 2: 14x14 (196), 4: 7x7 (49): mean of each k x k block
                                         // (any k dividing 28: 7 gives 4x4, 14 gives 2x2, 28 one feature)
  uint64_t seed = 0;                     // which subset (and in which order: the kept examples are shuffled)
  std::string dir;                       // "" = default_fashion_mnist_dir()
};

// $GROK_FASHION_MNIST_DIR if set and not empty, else /usr/share/datasets/fashion-mnist.
std::string default_fashion_mnist_dir();

// IDX parsing from raw (already gunzipped) bytes: magic 0x00000803 (images: count x rows x cols
// uint8, row-major) / 0x00000801 (labels: count uint8), dimensions big-endian uint32. Returns "" or
// what is wrong, without the file's name ("not an IDX image file (magic ...)", "truncated: header
// says N images of R x C, file has B bytes"). Sizes are checked against the bytes before anything is
// allocated, so a corrupt header cannot ask for gigabytes. The outputs are set only on success.
std::string parse_idx_images(const std::string& bytes, int& count, int& rows, int& cols,
                             std::vector<uint8_t>& pixels);
std::string parse_idx_labels(const std::string& bytes, int& count, std::vector<uint8_t>& labels);

// Reads a whole gzip file into `out` (zlib's gzopen/gzread), refusing more than max_bytes of
// decompressed data and files that are not gzip-compressed. Returns "" or what is wrong, without the
// path (the caller names the file): "cannot be opened: ...", "is truncated ...", "is corrupt ...".
// Native builds only: under Emscripten it returns an error saying files cannot be read here.
std::string read_gzip_file(const std::string& path, std::string& out, size_t max_bytes = size_t(256) << 20);

// Hands the core the decompressed contents of one of the four files (name: "train-images-idx3-ubyte.gz",
// "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz" or "t10k-labels-idx1-ubyte.gz"): from now on
// a load whose spec names no directory uses these bytes instead of reading that file (process-wide,
// thread-safe). Returns "" or one line naming the file: "fashion-mnist: <name>: truncated: ...".
// For builds without files (the web pages ship a subset: scripts/make-fashion-subset).
std::string provide_fashion_mnist_file(const std::string& name, std::string bytes);
const std::vector<std::string>& fashion_mnist_file_names();  // the four names, in the order above
void forget_provided_fashion_mnist_files();  // back to reading files (tests)

// Loads train and test: name "fashion-mnist", classes 10, dim (28 / downsample)^2, pixels x / 255 (as
// torchvision's ToTensor). Returns "" or ONE line naming the field or the file:
//   "fashion-mnist: <dir>/train-images-idx3-ubyte.gz is missing: install Debian's dataset-fashion-mnist (./scripts/setup does)"
//   "fashion-mnist: <path>: <what is wrong>"          (corrupt, truncated, counts that disagree)
//   "fashion-mnist: downsample must divide 28 (1, 2, 4, 7, 14 or 28; got 3)"
// `out` is left untouched on error.
std::string load_fashion_mnist(const FashionSpec& spec, FeatureData& out);

}  // namespace grok
