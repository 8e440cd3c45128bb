// DataParallel: a step's examples over a thread pool for the models that do not split their own work
// (the reference transformer path, the token-pair and feature MLPs; the tabulated one-layer
// transformer splits its steps itself, tabulated.h), and the progress measures' forward pass over
// the p x p grid (inspect) for every model.
//
// The examples are cut into groups by n alone (at most kGroups, none smaller than kMinGroup); each
// group's gradient is computed into its own buffer by whichever thread takes it, on a replica of the
// model holding the same weights, and the buffers are added in group order. So a step gives the same
// bits for every thread count, one included: with one thread the groups run one after another on the
// model itself. Evaluation is split the same way, its sums added in group order.
//
// Replicas are built once by the caller (same config, so same shapes); their weights are copied from
// the model at the start of every call that uses them. Nothing is allocated in a step once the
// buffers have grown.
#pragma once
#include <memory>
#include <vector>

#include "grok/common/thread_pool.h"
#include "grok/grokking/models/model.h"

namespace grok {

template <class S>
class DataParallel {
 public:
  static constexpr int kGroups = ExampleGroups::kGroups;      // at most this many groups per call
  static constexpr int kMinGroup = ExampleGroups::kMinGroup;  // examples: smaller batches are one group

  using Mat = typename ModelT<S>::Mat;
  // model: the run's model (its parameters are the run's). replicas: pool->size() - 1 models built
  // from the same config (none without a pool), used by the pool's other threads. split_steps:
  // false for a model that splits its own steps over the pool (forward_backward and evaluate then
  // pass straight through to it).
  DataParallel(ModelT<S>& model, std::vector<std::unique_ptr<ModelT<S>>> replicas, ThreadPool* pool,
               bool split_steps = true);

  // As ModelT::forward_backward: ADDS d(sum of losses / mean_over)/dparams into model.params().grad.
  BatchStats forward_backward(const Inputs& in, const int* y, int n, int mean_over);
  BatchStats evaluate(const Inputs& in, const int* y, int n);
  // As ModelT::inspect (hidden activations and optionally logits, column per example).
  void inspect(const Inputs& in, int n, Mat& hidden, Mat* logits);

  // How n examples are grouped: `groups` groups of `per` examples (the last one shorter).
  struct Split {
    int groups, per;
  };
  static Split split(int n);

 private:
  ModelT<S>& worker_model(int worker);  // worker 0: the model; worker w: replicas_[w - 1], synced
  template <class F>
  void for_each_group(int n, F&& f);

  ModelT<S>& model_;
  std::vector<std::unique_ptr<ModelT<S>>> replicas_;
  ThreadPool* pool_;
  bool split_steps_;
  long call_ = 0;                     // bumped per call; a replica copies the weights once per call
  std::vector<long> synced_;          // the call each replica last copied the weights in
  std::vector<typename ParamsT<S>::Buffer> group_grad_;  // one gradient buffer per group
  std::vector<BatchStats> group_stats_;
  std::vector<Mat> group_hidden_, group_logits_;
};

}  // namespace grok
