#include "grok/grokking/models/data_parallel.h"

#include <algorithm>
#include <utility>

namespace grok {

template <class S>
DataParallel<S>::DataParallel(ModelT<S>& model, std::vector<std::unique_ptr<ModelT<S>>> replicas, ThreadPool* pool,
                              bool split_steps)
    : model_(model), replicas_(std::move(replicas)), pool_(pool), split_steps_(split_steps),
      synced_(replicas_.size(), -1) {
  group_grad_.resize(split_steps ? kGroups : 0);
  group_stats_.resize(kGroups);
  group_hidden_.resize(kGroups);
  group_logits_.resize(kGroups);
}

template <class S>
typename DataParallel<S>::Split DataParallel<S>::split(int n) {
  const ExampleGroups g = ExampleGroups::of(n);
  return {g.groups, g.per};
}

template <class S>
ModelT<S>& DataParallel<S>::worker_model(int worker) {
  if (worker == 0) return model_;
  ModelT<S>& r = *replicas_[worker - 1];
  if (synced_[worker - 1] != call_) {  // on this thread, so the copies of several replicas overlap
    std::copy(model_.params().value.begin(), model_.params().value.end(), r.params().value.begin());
    synced_[worker - 1] = call_;
  }
  return r;
}

template <class S>
template <class F>
void DataParallel<S>::for_each_group(int n, F&& f) {
  const Split s = split(n);
  ++call_;
  auto task = [&](int g, int worker) {
    const int start = g * s.per;
    f(g, start, std::min(n, start + s.per) - start, worker_model(worker));
  };
  if (pool_ && s.groups > 1) pool_->run(s.groups, task);
  else
    for (int g = 0; g < s.groups; ++g) task(g, 0);
}

template <class S>
BatchStats DataParallel<S>::forward_backward(const Inputs& in, const int* y, int n, int mean_over) {
  const Split s = split(n);
  if (!split_steps_ || s.groups == 1) return model_.forward_backward(in, y, n, mean_over);
  const size_t size = model_.params().size();
  for (int g = 0; g < s.groups; ++g) group_grad_[g].resize(size);  // grows once
  for_each_group(n, [&](int g, int start, int m, ModelT<S>& model) {
    // The group's gradient goes into its own buffer: swapped in as the model's gradient for the call.
    auto& grad = model.params().grad;
    std::swap(grad, group_grad_[g]);
    std::fill(grad.begin(), grad.end(), S(0));
    group_stats_[g] = model.forward_backward(in.from(start), y + start, m, mean_over);
    std::swap(grad, group_grad_[g]);
  });
  // Added in group order, element by element: the same sums whichever thread computed each group.
  S* out = model_.params().grad.data();
  BatchStats st;
  for (int g = 0; g < s.groups; ++g) {
    const S* in_g = group_grad_[g].data();
    for (size_t i = 0; i < size; ++i) out[i] += in_g[i];
    st += group_stats_[g];
  }
  return st;
}

template <class S>
BatchStats DataParallel<S>::evaluate(const Inputs& in, const int* y, int n) {
  const Split s = split(n);
  if (!split_steps_ || s.groups == 1) return model_.evaluate(in, y, n);
  for_each_group(n, [&](int g, int start, int m, ModelT<S>& model) {
    group_stats_[g] = model.evaluate(in.from(start), y + start, m);
  });
  BatchStats st;
  for (int g = 0; g < s.groups; ++g) st += group_stats_[g];
  return st;
}

template <class S>
void DataParallel<S>::inspect(const Inputs& in, int n, Mat& hidden, Mat* logits) {
  const Split s = split(n);
  if (s.groups == 1) return model_.inspect(in, n, hidden, logits);
  for_each_group(n, [&](int g, int start, int m, ModelT<S>& model) {
    model.inspect(in.from(start), m, group_hidden_[g], logits ? &group_logits_[g] : nullptr);
  });
  hidden.resize(group_hidden_[0].rows(), n);
  if (logits) logits->resize(group_logits_[0].rows(), n);
  for (int g = 0; g < s.groups; ++g) {
    const auto cols = group_hidden_[g].cols();
    hidden.middleCols(g * s.per, cols) = group_hidden_[g];
    if (logits) logits->middleCols(g * s.per, cols) = group_logits_[g];
  }
}

template class DataParallel<float>;
template class DataParallel<double>;

}  // namespace grok
