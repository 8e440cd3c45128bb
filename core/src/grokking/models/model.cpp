#include "grok/grokking/models/model.h"

namespace grok {

LossKind loss_kind_for(const Config& c) {
  return c.loss == "stablemax" ? LossKind::StableMax : c.loss == "mse" ? LossKind::Mse : LossKind::Softmax;
}

uint64_t init_seed(uint64_t seed) { return seed ^ 0x9e3779b97f4a7c15ull; }

template <class S>
void fill_normal(Eigen::Map<Eigen::Matrix<S, -1, -1>> w, Rng& rng, double std_dev) {
  S* p = w.data();
  for (Eigen::Index i = 0; i < w.size(); ++i) p[i] = static_cast<S>(rng.normal() * std_dev);
}

template <class S>
void fill_uniform(Eigen::Map<Eigen::Matrix<S, -1, -1>> w, Rng& rng, double bound) {
  S* p = w.data();
  for (Eigen::Index k = 0; k < w.size(); ++k) p[k] = static_cast<S>((2.0 * rng.uniform() - 1.0) * bound);
}

template void fill_normal<float>(Eigen::Map<Eigen::MatrixXf>, Rng&, double);
template void fill_normal<double>(Eigen::Map<Eigen::MatrixXd>, Rng&, double);
template void fill_uniform<float>(Eigen::Map<Eigen::MatrixXf>, Rng&, double);
template void fill_uniform<double>(Eigen::Map<Eigen::MatrixXd>, Rng&, double);

}  // namespace grok
