// Losses over class scores, computed in float64 (float32 log-softmax gives loss spikes and a floor
// near 3e-4 in grokking runs; float64 reaches 1e-8): cross-entropy with softmax or StableMax
// normalization, or the squared error against one-hot targets (Omnigrok; Belkin et al.'s networks).
#pragma once
#include <Eigen/Core>

namespace grok {

enum class LossKind { Softmax, StableMax, Mse };

struct BatchStats {
  double loss_sum = 0.0;  // sum over examples of -log p(y)
  long correct = 0;       // argmax == y
  long count = 0;
  bool finite = true;     // false if any loss was NaN/inf (divergence)
  BatchStats& operator+=(const BatchStats& o) {
    loss_sum += o.loss_sum; correct += o.correct; count += o.count; finite = finite && o.finite;
    return *this;
  }
  double mean_loss() const { return count ? loss_sum / count : 0.0; }
  double accuracy() const { return count ? static_cast<double>(correct) / count : 0.0; }
};

// logits: classes x n (column = example). If dlogits is non-null, column j receives
// grad_scale * d(loss_j)/d(logits_j) (grad_scale = 1/N for a mean over N examples).
// work: scratch reused between calls (no allocation once it is big enough).
template <class S>
BatchStats cross_entropy(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                         LossKind kind, Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale,
                         Eigen::ArrayXXd& work);

// Squared error against one-hot targets, averaged over the classes: loss_j = sum_c (z_cj - [c == y_j])^2 / C,
// so the mean over a batch is torch's nn.MSELoss()(logits, one_hot) (mean over batch x classes).
// dlogits as for cross_entropy.
template <class S>
BatchStats mse_loss(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                    Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale);

// The loss a model was built with: cross_entropy for Softmax and StableMax, mse_loss for Mse.
template <class S>
BatchStats batch_loss(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels, LossKind kind,
                      Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale, Eigen::ArrayXXd& work) {
  return kind == LossKind::Mse ? mse_loss<S>(logits, labels, dlogits, grad_scale)
                               : cross_entropy<S>(logits, labels, kind, dlogits, grad_scale, work);
}

// StableMax's s(x): x + 1 for x >= 0, 1 / (1 - x) below (Prieto et al. 2025).
inline double stablemax_s(double x) { return x >= 0.0 ? x + 1.0 : 1.0 / (1.0 - x); }

}  // namespace grok
