#include "grok/common/loss.h"

#include <cmath>

namespace grok {

// One column at a time, so its exps stay in L1 (a whole-batch scratch array of doubles is 3.5 MB for
// nanda2023 and took ~3 ms a step to stream through five times).
template <class S>
BatchStats cross_entropy(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                         LossKind kind, Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale,
                         Eigen::ArrayXXd& work) {
  const Eigen::Index classes = logits.rows(), n = logits.cols();
  BatchStats st;
  st.count = n;
  if (work.rows() != classes || work.cols() < 1) work.resize(classes, 1);
  auto z = work.col(0);
  for (Eigen::Index j = 0; j < n; ++j) {
    const int y = labels[j];
    const auto x = logits.col(j);
    Eigen::Index arg;
    const double m = static_cast<double>(x.maxCoeff(&arg));
    st.correct += (arg == y);
    if (kind == LossKind::Softmax)
      z = (x.template cast<double>().array() - m).exp();  // shifted by the max: no overflow
    else
      z = x.template cast<double>().array().unaryExpr([](double v) { return stablemax_s(v); });
    const double total = z.sum();
    // -log(z_y / total). For softmax log z_y is just the shifted logit, so an underflowed z_y
    // still gives the right (large) loss instead of inf.
    const double log_zy = kind == LossKind::Softmax ? static_cast<double>(x(y)) - m : std::log(z(y));
    const double loss = std::log(total) - log_zy;
    if (!std::isfinite(loss)) st.finite = false;
    st.loss_sum += loss;
    if (!dlogits) continue;
    auto d = dlogits->col(j);
    if (kind == LossKind::Softmax) {
      d = (grad_scale * (z / total)).template cast<S>().matrix();
      d(y) = static_cast<S>(grad_scale * (z(y) / total - 1.0));
    } else {
      // d/dx_i [log S - log s(x_y)] = s'(x_i)/S - [i==y] s'(x_y)/s(x_y), s' = 1 or 1/(1-x)^2.
      for (Eigen::Index i = 0; i < classes; ++i) {
        const double v = x(i);
        const double ds = v >= 0.0 ? 1.0 : 1.0 / ((1.0 - v) * (1.0 - v));
        double g = ds / total;
        if (i == y) g -= ds / z(i);
        d(i) = static_cast<S>(grad_scale * g);
      }
    }
  }
  return st;
}

template <class S>
BatchStats mse_loss(const Eigen::Ref<const Eigen::Matrix<S, -1, -1>>& logits, const int* labels,
                    Eigen::Matrix<S, -1, -1>* dlogits, double grad_scale) {
  const Eigen::Index classes = logits.rows(), n = logits.cols();
  BatchStats st;
  st.count = n;
  const double inv_classes = 1.0 / static_cast<double>(classes);
  for (Eigen::Index j = 0; j < n; ++j) {
    const int y = labels[j];
    const auto z = logits.col(j);
    Eigen::Index arg;
    z.maxCoeff(&arg);
    st.correct += (arg == y);
    double sum = 0;
    for (Eigen::Index c = 0; c < classes; ++c) {
      const double e = static_cast<double>(z(c)) - (c == y ? 1.0 : 0.0);
      sum += e * e;
      if (dlogits) (*dlogits)(c, j) = static_cast<S>(grad_scale * 2.0 * e * inv_classes);
    }
    const double loss = sum * inv_classes;
    if (!std::isfinite(loss)) st.finite = false;
    st.loss_sum += loss;
  }
  return st;
}

template BatchStats mse_loss<float>(const Eigen::Ref<const Eigen::MatrixXf>&, const int*, Eigen::MatrixXf*, double);
template BatchStats mse_loss<double>(const Eigen::Ref<const Eigen::MatrixXd>&, const int*, Eigen::MatrixXd*, double);
template BatchStats cross_entropy<float>(const Eigen::Ref<const Eigen::MatrixXf>&, const int*, LossKind,
                                         Eigen::MatrixXf*, double, Eigen::ArrayXXd&);
template BatchStats cross_entropy<double>(const Eigen::Ref<const Eigen::MatrixXd>&, const int*, LossKind,
                                          Eigen::MatrixXd*, double, Eigen::ArrayXXd&);

}  // namespace grok
