// Files of a run: the JSON run file (schema grok-run/1, see core run_file.h) and the binary
// checkpoint beside it (<run file>.ckpt). Every write is atomic: a temp file in the same directory,
// fsync, rename over the target, fsync of the directory; a crash or a full disk leaves either the
// previous file or the new one, never half of one.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grok/grokking/checkpoint.h"
#include "grok/grokking/run_file.h"
#include "grok/grokking/trainer.h"

namespace grok_cli {

// Writes `bytes` to `path` atomically. Refuses a `path` that exists and is not a regular file
// (so `--out /dev/full` cannot replace a device node). Returns "" or one line naming the problem.
// `before_rename` runs once the temp file is complete and synced (tests inject crashes there).
std::string write_file_atomic(const std::string& path, const std::string& bytes,
                              const std::function<void()>& before_rename = nullptr);

// Fails early (before hours of training) when `path` cannot become a file we can write.
std::string check_output_path(const std::string& path);

// Reads a whole regular file of at most max_bytes (a device such as /dev/zero, a FIFO or a link to
// one is refused, so nothing reads forever). "" or one line naming the file and the problem.
constexpr size_t kMaxConfigBytes = size_t(64) << 20;    // config files, plans
constexpr size_t kMaxRunFileBytes = size_t(1) << 30;    // run files, dd results
constexpr size_t kMaxCheckpointBytes = size_t(4) << 30;
std::string read_file(const std::string& path, std::string& out, size_t max_bytes = kMaxConfigBytes);
bool file_exists(const std::string& path);
bool is_directory(const std::string& path);

// One writer per output: an exclusive flock on a hidden lock file beside `path` (".<name>.lock"),
// held while this object lives. The kernel releases a flock when its process dies, even by SIGKILL,
// so a killed writer never blocks the next one; a second live `grok` writing the same path gets a
// clear error instead of mixing its run file and checkpoint with another run's. Once the lock is
// held, temp files a killed writer left behind (".<name>.tmp.<pid>", also for "<name>.ckpt") are
// removed. The destructor removes the lock file (a SIGKILLed writer's stays, unlocked, and is reused).
class OutputLock {
 public:
  OutputLock() = default;
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  // "" or one line; `what` names the output in the message ("sweep DIR", defaults to the path).
  std::string acquire(const std::string& path, const std::string& what = "");

 private:
  int fd_ = -1;
  std::string lock_path_;
};

// Reads and checks a run file. Returns "" or "<path>: <what is wrong>".
std::string read_run_file(const std::string& path, grok::RunData& out);

// The checkpoint file beside a run file (format: core grokking/checkpoint.h).
std::string checkpoint_path(const std::string& run_path);
std::string write_checkpoint(const std::string& path, const grok::Trainer& trainer);
std::string read_checkpoint(const std::string& path, grok::Checkpoint& out);

// Checkpoint first, then the run file: whenever a run file exists, a checkpoint at least as recent
// sits beside it. `complete` marks summary.complete.
std::string save_run(const std::string& run_path, grok::Trainer& trainer, bool complete);

// mkdir -p: "" or a message naming the part that could not be made.
std::string make_dirs(const std::string& dir);

struct ConfigFlags;  // field_flags.h
// Loads `run_path` and its checkpoint into a new trainer, with `overrides` (resumable fields only)
// applied: what `grok train --resume` and `--continue` do, and the Python module's resume. Any
// inconsistency is an error: resuming the wrong state would silently corrupt a curve.
// run_file_complete: false when the run file's last save stopped half-way.
std::string load_for_resume(const std::string& run_path, const ConfigFlags& overrides,
                            std::unique_ptr<grok::Trainer>& out, bool& run_file_complete);


}  // namespace grok_cli
