// Model: the interface every architecture implements (MLP, transformer). Forward and backward are
// hand-written; parameters live in one flat Params buffer. Examples are columns: a batch of n
// examples gives logits of shape (classes x n). Templated on the scalar: float32 for training,
// double for the finite-difference gradient checks.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <string>

#include "grok/grokking/config.h"
#include "grok/common/loss.h"
#include "grok/common/params.h"
#include "grok/data/token_pairs.h"

namespace grok {

template <class S>
class ModelT {
 public:
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  virtual ~ModelT() = default;

  // Loss and accuracy over n examples; ADDS d(sum of losses / mean_over)/dparams into
  // params().grad (the caller zeroes). Buffers grow on the first call and are reused afterwards,
  // so a training step allocates nothing.
  virtual BatchStats forward_backward(const int* a, const int* b, const int* y, int n,
                                      int mean_over) = 0;
  // Loss and accuracy only (evaluation); large n is processed in chunks.
  virtual BatchStats evaluate(const int* a, const int* b, const int* y, int n) = 0;
  // Logits (classes x n) for inspection, the measures and "ask the model".
  virtual void logits(const int* a, const int* b, int n, Mat& out) = 0;
  // Activations the answer is read from (hidden x n): the MLP's hidden layer, or the last
  // block's MLP activations at the last position (used for key frequencies); with logits, also the
  // logits (classes x n) of the same forward pass, so the measures run the network over p^2 pairs once.
  virtual void inspect(const int* a, const int* b, int n, Mat& hidden, Mat* logits) = 0;
  void hidden_activations(const int* a, const int* b, int n, Mat& out) { inspect(a, b, n, out, nullptr); }
  // Token embedding of operand tokens 0..n_elements-1, one row per token (n_elements x width).
  virtual Mat token_embedding() const = 0;
  // Map from those hidden activations to logits (classes x hidden): W_U W_out or the MLP's W_out.
  virtual Mat hidden_to_logits() const = 0;

  ParamsT<S>& params() { return params_; }
  const ParamsT<S>& params() const { return params_; }
  LossKind loss_kind = LossKind::Softmax;

 protected:
  ParamsT<S> params_;
};

using Model = ModelT<float>;

// Seed of the weight-init stream, distinct from the data-split stream of the same seed.
uint64_t init_seed(uint64_t seed);
// Fill a tensor with N(0, std^2) samples, column-major order (fixes the draw order for both builds).
template <class S>
void fill_normal(Eigen::Map<Eigen::Matrix<S, -1, -1>> w, Rng& rng, double std_dev);

}  // namespace grok
