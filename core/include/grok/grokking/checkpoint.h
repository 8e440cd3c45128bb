// Checkpoints: everything needed to continue a run bit-identically, as bytes. Two layers:
//   state       "GROKST04" | split hash | steps | parameters | Adam moments | Grokfast EMA | Grokfast-MA
//               queue (count, window x parameters or empty) | sampler
//               state | epoch order | metrics | snapshots (JSON) | summary | timers | circuit
//               frequencies | snapshot weights. Checked against the trainer it is loaded into.
//   checkpoint  the file beside a run file (<run>.ckpt): the state wrapped with the run's config, so
//               a resume can tell a checkpoint of another run from a stale or corrupt one:
//               "GROKCKP1" | u64 steps | u64 len | config JSON | u64 len | state | u64 FNV-1a of all before
// The front ends read and write the files (native/run_io.h); the formats live here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "grok/grokking/config.h"
#include "grok/grokking/trainer.h"

namespace grok {

std::vector<uint8_t> save_state(const Trainer& t);
// "" or what is wrong ("checkpoint: made with a different data split ..."); `t` is unchanged on error.
std::string load_state(Trainer& t, const std::vector<uint8_t>& bytes);

struct Checkpoint {
  Config config;
  long steps = 0;                // steps completed when it was written
  std::vector<uint8_t> state;    // save_state()
};
std::string checkpoint_bytes(const Trainer& t);
// "" or what is wrong, without a file name ("not a grok checkpoint", "checkpoint is corrupt ...").
std::string parse_checkpoint(const std::string& bytes, Checkpoint& out);

}  // namespace grok
