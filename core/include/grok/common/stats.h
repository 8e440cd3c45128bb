// Order statistics of a sample: the medians and quartiles the double-descent sweeps report (their
// means are infinite or heavy-tailed at the peak, so medians are what they plot).
#pragma once
#include <vector>

namespace grok {

// Quantile q in [0, 1] of sorted values, linear between order statistics (type 7: R's and numpy's
// default). NaN for an empty sample.
double quantile_sorted(const std::vector<double>& sorted, double q);
double median(std::vector<double> values);

}  // namespace grok
