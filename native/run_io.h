// Files of a run: the JSON run file (schema grok-run/1, see core run_file.h) and the binary
// checkpoint beside it (<run file>.ckpt). Every write is atomic: a temp file in the same directory,
// fsync, rename over the target, fsync of the directory; a crash or a full disk leaves either the
// previous file or the new one, never half of one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "grok/run_file.h"
#include "grok/trainer.h"

namespace grok_cli {

// Writes `bytes` to `path` atomically. Refuses a `path` that exists and is not a regular file
// (so `--out /dev/full` cannot replace a device node). Returns "" or one line naming the problem.
std::string write_file_atomic(const std::string& path, const std::string& bytes);

// Fails early (before hours of training) when `path` cannot become a file we can write.
std::string check_output_path(const std::string& path);

std::string read_file(const std::string& path, std::string& out);
bool file_exists(const std::string& path);

// Reads and checks a run file. Returns "" or "<path>: <what is wrong>".
std::string read_run_file(const std::string& path, grok::RunData& out);

// The checkpoint: a small native container around Trainer::save_state() that also records the
// run's config, so a resume can tell a checkpoint of another run from a stale or corrupt one.
//   "GROKCKP1" | u64 steps | u64 len | config JSON | u64 len | core state | u64 FNV-1a of everything before
std::string checkpoint_path(const std::string& run_path);
struct Checkpoint {
  grok::Config config;
  long steps = 0;                // steps completed when it was written
  std::vector<uint8_t> state;    // Trainer::save_state()
};
std::string write_checkpoint(const std::string& path, const grok::Trainer& trainer);
std::string read_checkpoint(const std::string& path, Checkpoint& out);

// Checkpoint first, then the run file: whenever a run file exists, a checkpoint at least as recent
// sits beside it. `complete` marks summary.complete.
std::string save_run(const std::string& run_path, grok::Trainer& trainer, bool complete);

// Names the first config field that differs ("lr: 0.001 here, 0.003 there"), or "" if equal.
// Fields in `ignore` (snake_case) are skipped: the ones a resume may change.
std::string config_difference(const grok::Config& a, const grok::Config& b,
                              const std::vector<std::string>& ignore = {});

}  // namespace grok_cli
