#include "grok/grokking/measures.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace grok {
namespace {
constexpr double kPi = 3.14159265358979323846;

// Basis-row index of cos k and sin k (k >= 1); row 0 is the constant.
int cos_row(int k) { return 2 * k - 1; }
int sin_row(int k) { return 2 * k; }

// Norm per frequency of the rows of (basis * table): table has one row per element of Z_n.
std::vector<float> spectrum_of(const Eigen::MatrixXd& basis, const Eigen::MatrixXd& table) {
  const int K = (static_cast<int>(basis.rows()) - 1) / 2;
  const Eigen::MatrixXd coeffs = basis * table;  // (n x width) Fourier coefficients per column
  std::vector<float> out(K + 1);
  out[0] = static_cast<float>(coeffs.row(0).norm());
  for (int k = 1; k <= K; ++k)
    out[k] = static_cast<float>(std::sqrt(coeffs.row(cos_row(k)).squaredNorm() + coeffs.row(sin_row(k)).squaredNorm()));
  return out;
}

// -log softmax(logits)[y] in double.
double ce(const Eigen::VectorXd& logits, int y) {
  const double m = logits.maxCoeff();
  return std::log((logits.array() - m).exp().sum()) - (logits(y) - m);
}

// Restricted and excluded loss (see measures.h) from the hidden activations and logits over the whole
// p x p grid (column a * p + b). The projection of a unit's activations onto the unit grid function
// cos(w(a+b)) equals (F_cc - F_ss)/sqrt2 of its 2-D Fourier transform (Nanda's notebook), so a dot
// product per key frequency suffices.
void circuit_losses_from(const Eigen::MatrixXf& acts, const Eigen::MatrixXf& logits, const Eigen::MatrixXd& W_logit,
                         const Dataset& data, const std::vector<int>& freqs, double& restricted, double& excluded) {
  const int p = data.n_elements;
  const int F = static_cast<int>(freqs.size());
  const Eigen::Index classes = W_logit.rows();
  // Unit-norm grid functions cos(w_k(a+b)) and sin(w_k(a+b)), one row each, from a table over Z_p.
  Eigen::MatrixXd waves(2 * F, p * p);
  for (int f = 0; f < F; ++f) {
    Eigen::VectorXd c(p), s(p);
    for (int r = 0; r < p; ++r) {
      const double angle = 2.0 * kPi * ((static_cast<long>(freqs[f]) * r) % p) / p;
      c(r) = std::cos(angle);
      s(r) = std::sin(angle);
    }
    for (int a = 0; a < p; ++a)
      for (int b = 0; b < p; ++b) {
        waves(2 * f, a * p + b) = c((a + b) % p);
        waves(2 * f + 1, a * p + b) = s((a + b) % p);
      }
  }
  waves.rowwise().normalize();
  // The key-frequency part of the logits is W_logit (acts projected onto the waves) = circuit waves,
  // with circuit = W_logit proj (classes x 2F): one pass over the activations (hidden x p^2, the
  // largest array here, float like the activations themselves), then 2F multiply-adds per logit.
  const Eigen::MatrixXd circuit = W_logit * (acts * waves.transpose().cast<float>()).cast<double>();
  // Restricted logits are the circuit part plus a per-class constant that gives them the real logits'
  // mean over the grid (the notebook's "bias term"; the mean activations' share cancels in it).
  Eigen::VectorXd logit_mean = Eigen::VectorXd::Zero(classes);
  for (Eigen::Index c = 0; c < logits.cols(); ++c) logit_mean += logits.col(c).cast<double>();
  logit_mean /= static_cast<double>(logits.cols());
  const Eigen::VectorXd offset = logit_mean - circuit * waves.rowwise().mean();
  // Restricted loss on the test pairs, excluded loss (real logits minus the circuit) on the train pairs.
  Eigen::VectorXd col(classes);
  double sum = 0;
  for (int i = 0; i < data.test.size(); ++i) {
    col.noalias() = circuit * waves.col(data.test.a[i] * p + data.test.b[i]);
    col += offset;
    sum += ce(col, data.test.y[i]);
  }
  restricted = data.test.size() ? sum / data.test.size() : 0.0;
  sum = 0;
  for (int i = 0; i < data.train.size(); ++i) {
    const int c = data.train.a[i] * p + data.train.b[i];
    col.noalias() = -(circuit * waves.col(c));
    col += logits.col(c).cast<double>();
    sum += ce(col, data.train.y[i]);
  }
  excluded = data.train.size() ? sum / data.train.size() : 0.0;
}

void grid(int p, std::vector<int>& all_a, std::vector<int>& all_b) {
  all_a.resize(p * p);
  all_b.resize(p * p);
  for (int a = 0; a < p; ++a)
    for (int b = 0; b < p; ++b) { all_a[a * p + b] = a; all_b[a * p + b] = b; }
}

// The model's hidden activations (and logits) over the grid, split over the run's threads if given.
void inspect_grid(Model& model, DataParallel<float>* parallel, const std::vector<int>& all_a,
                  const std::vector<int>& all_b, Eigen::MatrixXf& hidden, Eigen::MatrixXf* logits) {
  const Inputs in = Inputs::pairs(all_a.data(), all_b.data());
  const int n = static_cast<int>(all_a.size());
  if (parallel) parallel->inspect(in, n, hidden, logits);
  else model.inspect(in, n, hidden, logits);
}
}  // namespace

Eigen::MatrixXd fourier_basis(int n) {
  Eigen::MatrixXd B(n, n);
  B.row(0).setConstant(1.0 / std::sqrt(double(n)));
  for (int k = 1; 2 * k <= n; ++k) {
    for (int x = 0; x < n; ++x) {
      const double angle = 2.0 * kPi * ((static_cast<long>(k) * x) % n) / n;
      if (cos_row(k) < n) B(cos_row(k), x) = std::cos(angle);
      if (sin_row(k) < n) B(sin_row(k), x) = std::sin(angle);
    }
    if (cos_row(k) < n) B.row(cos_row(k)).normalize();
    if (sin_row(k) < n) B.row(sin_row(k)).normalize();
  }
  return B;
}

double gini(const std::vector<float>& values) {
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  const double sum = std::accumulate(v.begin(), v.end(), 0.0);
  if (v.empty() || sum <= 0) return 0.0;
  double weighted = 0;
  for (size_t i = 0; i < v.size(); ++i) weighted += (2.0 * (i + 1) - n - 1.0) * v[i];
  return weighted / (n * sum);
}

std::string compute_measures(Model& model, const Dataset& data, const Config& config, Measures& out,
                             const std::vector<int>* circuit_freqs, DataParallel<float>* parallel) {
  out = Measures{};
  if (fixed_group_op(config.op)) return "measures: S5 is not a cyclic group; no Fourier analysis";
  const int p = data.n_elements;
  const int K = (p - 1) / 2;
  const Eigen::MatrixXd B = fourier_basis(p);
  const Eigen::MatrixXd embed = model.token_embedding().cast<double>();    // (p x width)
  const Eigen::MatrixXd W_logit = model.hidden_to_logits().cast<double>(); // (classes x hidden)
  out.embed_spectrum = spectrum_of(B, embed);
  out.logit_spectrum = spectrum_of(B, W_logit);
  // Gini over the non-constant frequencies: the constant carries the mean, not the circuit.
  out.gini_embed = gini(std::vector<float>(out.embed_spectrum.begin() + 1, out.embed_spectrum.end()));
  out.gini_logit = gini(std::vector<float>(out.logit_spectrum.begin() + 1, out.logit_spectrum.end()));

  // Every pair (a, b) on the grid, column index a * p + b.
  std::vector<int> all_a, all_b;
  grid(p, all_a, all_b);
  // Restricted/excluded loss (a+b only) also need the logits: one forward pass gives both.
  const bool circuit = config.op == "add";
  Eigen::MatrixXf acts_f, logits_f;
  inspect_grid(model, parallel, all_a, all_b, acts_f, circuit ? &logits_f : nullptr);
  const int hidden = static_cast<int>(acts_f.rows());  // acts_f: (hidden x p^2)

  // 2-D Fourier coefficients per unit, F_u = B A_u B^T with A_u(a, b) = acts(u, a*p + b). Only the
  // coefficients inside each frequency's {0, cos k, sin k} x {0, cos k, sin k} block are needed, so
  // the transform over a is one GEMM for all units and the one over b is done per needed pair:
  // acts viewed as (hidden*p) x p has rows (u, b) and columns a, so Y = X B^T holds
  // Y[(u, b), r] = sum_a A_u(a, b) B(r, a), and F_u(r, c) = sum_b Y[(u, b), r] B(c, b).
  // The transform is the measures' largest cost (hidden x p^3 multiply-adds: 0.7 G for nanda2023), so
  // it runs in float, like the activations themselves; shares are ratios and need no more precision.
  const Eigen::MatrixXf Bf = B.cast<float>();
  const Eigen::Map<const Eigen::MatrixXf> X(acts_f.data(), static_cast<Eigen::Index>(hidden) * p, p);
  const Eigen::MatrixXf Y = X * Bf.transpose();
  const auto coeff = [&](int r, int c) -> Eigen::ArrayXd {  // F_u(r, c) for every unit u
    const Eigen::Map<const Eigen::MatrixXf> Yr(Y.col(r).data(), hidden, p);
    return (Yr * Bf.row(c).transpose()).cast<double>().array();
  };
  // Parseval (B is orthonormal): sum over all coefficients = sum of squares of the activations.
  const Eigen::ArrayXd unit_total = acts_f.cast<double>().array().square().rowwise().sum() - coeff(0, 0).square();
  // Variance shares per frequency: components whose a- and b-frequencies are in {0, k}, except (0, 0).
  std::vector<double> share(K + 1, 0.0);
  Eigen::MatrixXd unit_share(hidden, K + 1);
  unit_share.setZero();
  for (int k = 1; k <= K; ++k) {
    const int rows[3] = {0, cos_row(k), sin_row(k)};
    Eigen::ArrayXd s = Eigen::ArrayXd::Zero(hidden);
    for (int r : rows)
      for (int c : rows)
        if (r != 0 || c != 0) s += coeff(r, c).square();
    unit_share.col(k) = (s / unit_total.max(1e-30)).matrix();
    share[k] = s.sum() / std::max(1e-30, unit_total.sum());
  }
  out.freq_share.assign(share.begin(), share.end());
  std::vector<int> order(K);
  std::iota(order.begin(), order.end(), 1);
  std::sort(order.begin(), order.end(), [&](int x, int y) { return share[x] > share[y]; });
  for (int k : order)
    if (share[k] >= std::max(Measures::kKeyShare, Measures::kKeyOverEven / K)) out.key_freqs.push_back(k);
  out.neuron_freq.resize(hidden);
  for (int u = 0; u < hidden; ++u) {
    Eigen::Index best = 0;
    unit_share.row(u).maxCoeff(&best);
    out.neuron_freq[u] = unit_total(u) > 0 ? static_cast<int>(best) : 0;
  }

  if (!circuit) return "";
  // Ascending order, as Trainer::refresh_circuit keeps them: same sums, bit for bit, when re-scored.
  std::vector<int> freqs = circuit_freqs ? *circuit_freqs : out.key_freqs;
  std::sort(freqs.begin(), freqs.end());
  circuit_losses_from(acts_f, logits_f, W_logit, data, freqs, out.restricted_loss, out.excluded_loss);
  return "";
}

std::string circuit_losses(Model& model, const Dataset& data, const Config& config, const std::vector<int>& freqs,
                           double& restricted, double& excluded, DataParallel<float>* parallel) {
  restricted = excluded = -1;
  if (config.op != "add") return "measures: restricted/excluded loss are defined for a+b only";
  const int p = data.n_elements;
  std::vector<int> all_a, all_b;
  grid(p, all_a, all_b);
  Eigen::MatrixXf acts_f, logits_f;
  inspect_grid(model, parallel, all_a, all_b, acts_f, &logits_f);
  circuit_losses_from(acts_f, logits_f, model.hidden_to_logits().cast<double>(), data,
                      freqs, restricted, excluded);
  return "";
}

}  // namespace grok
