// Model: the interface every architecture implements (the token-pair MLP and transformer, the MLP
// on dense features). Forward and backward are hand-written; parameters live in one flat Params
// buffer. Examples are columns: a batch of n examples gives logits of shape (classes x n). Templated
// on the scalar: float32 for training, double for the finite-difference gradient checks.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <memory>
#include <string>

#include "grok/grokking/config.h"
#include "grok/common/loss.h"
#include "grok/common/params.h"
#include "grok/common/thread_pool.h"
#include "grok/data/token_pairs.h"

namespace grok {

// The examples a model reads, in the form its dataset gives them: token pairs (a, b) for the modular
// tasks, or dense feature columns x (dim x n, column per example). A model reads the form it was
// built for and ignores the other.
struct Inputs {
  const int* a = nullptr;
  const int* b = nullptr;
  const float* x = nullptr;
  int dim = 0;
  static Inputs pairs(const int* a, const int* b) { Inputs in; in.a = a; in.b = b; return in; }
  static Inputs features(const float* x, int dim) { Inputs in; in.x = x; in.dim = dim; return in; }
  // The examples from `start` on.
  Inputs from(int start) const {
    Inputs in = *this;
    if (a) in.a += start;
    if (b) in.b += start;
    if (x) in.x += static_cast<size_t>(start) * dim;
    return in;
  }
};

template <class S>
class ModelT {
 public:
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  virtual ~ModelT() = default;

  // Loss and accuracy over n examples; ADDS d(sum of losses / mean_over)/dparams into
  // params().grad (the caller zeroes). Buffers grow on the first call and are reused afterwards,
  // so a training step allocates nothing.
  virtual BatchStats forward_backward(const Inputs& in, const int* y, int n, int mean_over) = 0;
  // Loss and accuracy only (evaluation); large n is processed in chunks.
  virtual BatchStats evaluate(const Inputs& in, const int* y, int n) = 0;
  // Logits (classes x n) for inspection, the measures and "ask the model".
  virtual void logits(const Inputs& in, int n, Mat& out) = 0;
  // Activations the answer is read from (hidden x n): the MLP's (last) hidden layer, or the last
  // block's MLP activations at the last position (used for key frequencies); with logits, also the
  // logits (classes x n) of the same forward pass, so the measures run the network over p^2 pairs once.
  virtual void inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) = 0;

  // The same for token pairs, spelled out (what the modular tasks and their tests call).
  BatchStats forward_backward(const int* a, const int* b, const int* y, int n, int mean_over) {
    return forward_backward(Inputs::pairs(a, b), y, n, mean_over);
  }
  BatchStats evaluate(const int* a, const int* b, const int* y, int n) { return evaluate(Inputs::pairs(a, b), y, n); }
  void logits(const int* a, const int* b, int n, Mat& out) { logits(Inputs::pairs(a, b), n, out); }
  void inspect(const int* a, const int* b, int n, Mat& hidden, Mat* out) { inspect(Inputs::pairs(a, b), n, hidden, out); }
  void hidden_activations(const int* a, const int* b, int n, Mat& out) { inspect(a, b, n, out, nullptr); }
  // Token embedding of operand tokens 0..n_elements-1, one row per token (n_elements x width); empty
  // for models on dense features (the progress measures are for token pairs).
  virtual Mat token_embedding() const = 0;
  // Map from those hidden activations to logits (classes x hidden): W_U W_out or the MLP's W_out.
  virtual Mat hidden_to_logits() const = 0;

  ParamsT<S>& params() { return params_; }
  const ParamsT<S>& params() const { return params_; }
  LossKind loss_kind = LossKind::Softmax;
  // Threads for forward_backward and evaluate (null: one). A model that splits its work keeps the
  // split and the order of its sums independent of the pool's size, so results do not depend on it.
  // Returns whether this model uses the pool (false: it runs on one thread).
  virtual bool set_pool(ThreadPool* pool) { (void)pool; return false; }

 protected:
  ParamsT<S> params_;
};

using Model = ModelT<float>;

// How a call's n examples are cut into groups for threads (data_parallel.h, and the models that split
// their own steps): by n alone, at most kGroups groups of at least kMinGroup examples, `groups` groups
// of `per` (the last one shorter). The same split for any thread count, so the same sums.
struct ExampleGroups {
  static constexpr int kGroups = 8;
  static constexpr int kMinGroup = 128;
  int groups, per;
  static ExampleGroups of(int n) {
    const int per = std::max(kMinGroup, (n + kGroups - 1) / kGroups);
    return {std::max(1, (n + per - 1) / per), per};
  }
};

// The loss a config asks for (softmax or StableMax cross-entropy, or squared error).
LossKind loss_kind_for(const Config& c);
// Seed of the weight-init stream, distinct from the data-split stream of the same seed.
uint64_t init_seed(uint64_t seed);
// Fill a tensor with N(0, std^2) samples, column-major order (fixes the draw order for both builds).
template <class S>
void fill_normal(Eigen::Map<Eigen::Matrix<S, -1, -1>> w, Rng& rng, double std_dev);
// Fill a tensor with U(-bound, bound) samples (torch's default inits), column-major order.
template <class S>
void fill_uniform(Eigen::Map<Eigen::Matrix<S, -1, -1>> w, Rng& rng, double bound);

}  // namespace grok
