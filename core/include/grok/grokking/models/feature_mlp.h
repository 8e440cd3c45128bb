// FeatureMlp: a fully connected network on dense features (MNIST-1D, Fashion-MNIST), any depth:
//   h_0 = x                                   (in x n, a column per example)
//   z_l = W_l h_l + b_l,  h_{l+1} = act(z_l)  for the `depth` hidden layers of width `hidden`
//   logits = W_L h_L + b_L                    (classes x n)
// with biases everywhere and torch.nn.Linear's default init (weight and bias ~ U(-1/sqrt(fan_in),
// 1/sqrt(fan_in))), every parameter then multiplied by init_scale (Omnigrok's alpha).
//
// Parameters, in this order (names and layouts are a contract with the PyTorch parity fixture, whose
// nn.Sequential names them 0.weight, 0.bias, 2.weight, ...): layers.l.W (out x in), layers.l.b (out),
// for l = 0..depth (the last one is the output layer). Init draws from Rng(init_seed(seed)) in that
// order, column-major within a tensor.
//
// Speed: the products go through gemm() (run-time SIMD selection, no allocation), one pass per
// layer for the whole batch; the bias, activation and its derivative are fused into single loops.
#pragma once
#include <vector>

#include "grok/common/gemm.h"
#include "grok/grokking/models/model.h"

namespace grok {

template <class S>
class FeatureMlp : public ModelT<S> {
 public:
  using Mat = typename ModelT<S>::Mat;
  FeatureMlp(const Config& config, int in_dim, int classes);

  using ModelT<S>::forward_backward;
  using ModelT<S>::evaluate;
  using ModelT<S>::logits;
  using ModelT<S>::inspect;
  BatchStats forward_backward(const Inputs& in, const int* y, int n, int mean_over) override;
  BatchStats evaluate(const Inputs& in, const int* y, int n) override;
  void logits(const Inputs& in, int n, Mat& out) override;
  void inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) override;
  Mat token_embedding() const override { return Mat(); }
  Mat hidden_to_logits() const override { return this->params_.w(W_.back()); }

  int depth() const { return depth_; }

 private:
  static constexpr int kEvalChunk = 4096;
  void forward(const float* x, int n);  // fills Z_, H_ (first n columns) and the logits (Z_.back())
  ConstMatView<S> input_view(const float* x, int l, int n) const;  // the input of layer l

  int in_dim_, classes_, hidden_, depth_;
  bool quad_;
  std::vector<int> W_, b_;   // indices into params_: layers 0..depth
  std::vector<int> widths_;  // in_dim, hidden x depth, classes
  // Workspace (grows to the largest n seen): the input as S, pre-activations and activations per layer.
  Mat X_;                    // in x n (a copy in S: the data are float, the checks run in double)
  std::vector<Mat> Z_;       // Z_[l]: widths_[l+1] x n; Z_[depth] holds the logits
  std::vector<Mat> H_;       // H_[l]: act(Z_[l]), widths_[l+1] x n, l < depth
  Mat dlogits_;              // classes x n
  Mat dA_, dB_;              // backward scratch, hidden x n (alternating between layers)
  Eigen::ArrayXXd loss_work_;
  GemmWorkspace<S> ws_;
};

}  // namespace grok
