// Checkpoints (grok train --resume): arbitrary bytes into parse_checkpoint and, for a small valid
// config, load_state into a trainer built from it. Never a crash, a hang or a huge allocation; a
// refused state says what is wrong; an accepted one trains on.
// The input is a checkpoint without its last 8 bytes: the target appends the FNV-1a checksum, so
// mutations reach the parser behind it instead of all failing the checksum (tests/core checks the
// checksum itself).
#include <cstring>

#include "fuzz_util.h"
#include "grok/common/rng.h"
#include "grok/grokking/checkpoint.h"
#include "grok/grokking/cost.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes = grok_fuzz::text(data, size);
  const uint64_t h = grok::fnv1a(bytes.data(), bytes.size());
  bytes.append(reinterpret_cast<const char*>(&h), 8);
  grok::Checkpoint ck;
  if (grok::parse_checkpoint(bytes, ck) != "") return 0;
  if (grok::validate(ck.config) != "" || grok::dense_dataset(ck.config)) return 0;
  const grok::CostEstimate e = grok::estimate_cost(ck.config);
  if (e.params > 20000 || e.n_train + e.n_test > 5000 || e.bytes > 64e6) return 0;  // keep each input fast
  std::unique_ptr<grok::Trainer> t;
  if (grok::Trainer::create(ck.config, t) != "") return 0;
  const std::string err = grok::load_state(*t, ck.state);
  grok_fuzz::require(err.empty() || err.rfind("checkpoint", 0) == 0, "a refused state says what is wrong");
  if (err.empty() && !t->finished()) t->run(1);  // a loaded state trains on
  return 0;
}
