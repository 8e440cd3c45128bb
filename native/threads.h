// Eigen's own OpenMP parallelism inside matrix products, kept at the run's --threads (native only;
// effective only when the core was compiled with OpenMP, GROK_OPENMP). The core's own threads (the
// trainer's pool, trainer.h threaded()) do not depend on it.
#pragma once
#include <string>

namespace grok_cli {

// Sets Eigen's thread count. Returns "" or a note to show when `threads` > 1 cannot take effect.
std::string set_threads(int threads);
// Whether this build can use more than one thread at all.
bool threads_supported();

}  // namespace grok_cli
