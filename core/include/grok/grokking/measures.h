// Progress measures that explain grokking (Nanda et al. 2023, "Progress measures for grokking via
// mechanistic interpretability", and their Grokking_Analysis notebook):
//  - Fourier basis over Z_p: constant, then cos/sin(2 pi k x / p) for k = 1..(p-1)/2, each unit-norm.
//  - Fourier norms of the token embeddings and of W_logit = W_U W_out (rows indexed by the class).
//  - Gini coefficient of those norms: near 0 when spread over all frequencies (memorizing, random
//    init), near 1 when a handful of key frequencies carry everything (the Fourier circuit).
//  - Key frequencies: the frequencies k whose components (terms in a, in b, and a x b at the same k)
//    explain most of the variance of the hidden activations over all p^2 inputs.
//  - Restricted loss: hidden activations replaced by their mean plus their projections onto
//    cos(w_k(a+b)) and sin(w_k(a+b)) for the key frequencies, pushed through W_logit, with the
//    logits' per-class mean restored; cross-entropy on the test pairs. Falls before test accuracy
//    jumps: the generalizing circuit exists before it dominates.
//  - Excluded loss: those same components removed from the actual logits; cross-entropy on the train
//    pairs. Rises while test loss is still high: the network leans on the circuit to fit the train set.
// Restricted/excluded loss are defined for a+b only (the circuit is cos(w(a+b-c))); other ops get NaN.
#pragma once
#include <Eigen/Core>
#include <string>
#include <vector>

#include "grok/grokking/config.h"
#include "grok/grokking/models/data_parallel.h"
#include "grok/grokking/models/model.h"
#include "grok/data/token_pairs.h"

namespace grok {

struct Measures {
  std::vector<float> embed_spectrum;   // Fourier norm of the token embedding per frequency 0..(p-1)/2
  std::vector<float> logit_spectrum;   // Fourier norm of W_logit (over the class axis) per frequency
  std::vector<float> freq_share;       // share of hidden-activation variance per frequency (sums to <= 1)
  std::vector<int> key_freqs;          // frequencies (1..(p-1)/2) by decreasing share
  std::vector<int> neuron_freq;        // per hidden unit: frequency with the largest share (0 = none)
  double gini_embed = 0, gini_logit = 0;
  double restricted_loss = -1, excluded_loss = -1;  // -1: not defined for this op
  // Share of variance a frequency needs to be "key": at least kKeyShare and at least kKeyOverEven
  // times an even spread (1/K over K = (p-1)/2 frequencies). A random network spreads its variance
  // about evenly, so for small p (p = 31: 1/15 = 0.067 > 0.05) the floor alone made every
  // frequency of a fresh network "key".
  static constexpr double kKeyShare = 0.05;
  static constexpr double kKeyOverEven = 2.0;
};

// Unit-norm Fourier basis over Z_n, one basis vector per ROW: [1, cos 1, sin 1, cos 2, sin 2, ...].
Eigen::MatrixXd fourier_basis(int n);
// Gini coefficient of non-negative values (0 = all equal, -> 1 = one value holds everything).
double gini(const std::vector<float>& values);
// Computes every measure for the current weights; costs about two evaluation passes over all p^2
// pairs plus two p x p x p products per hidden unit. Restricted/excluded loss use `circuit_freqs`
// when given, else this snapshot's own key frequencies. Returns "" or why a measure is unavailable.
// With `parallel` (the run's, over `model`), the forward pass over the grid is split over its threads.
std::string compute_measures(Model& model, const Dataset& data, const Config& config, Measures& out,
                             const std::vector<int>* circuit_freqs = nullptr, DataParallel<float>* parallel = nullptr);
// Restricted and excluded loss alone, for a fixed set of frequencies (the paper fixes them from the
// final model and evaluates every checkpoint with them). One evaluation pass over all p^2 pairs.
std::string circuit_losses(Model& model, const Dataset& data, const Config& config, const std::vector<int>& freqs,
                           double& restricted, double& excluded, DataParallel<float>* parallel = nullptr);

}  // namespace grok
