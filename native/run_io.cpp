#include "run_io.h"

#include "field_flags.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace grok_cli {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string check_output_path(const std::string& path) {
  if (path.empty()) return "output path is empty";
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return path + ": exists and is not a regular file";
  const std::string dir = directory_of(path);
  if (::stat(dir.c_str(), &st) != 0) return path + ": directory " + dir + " does not exist";
  if (!S_ISDIR(st.st_mode)) return path + ": " + dir + " is not a directory";
  if (::access(dir.c_str(), W_OK) != 0) return path + ": directory " + dir + " is not writable";
  return "";
}

std::string write_file_atomic(const std::string& path, const std::string& bytes,
                              const std::function<void()>& before_rename) {
  std::string err = check_output_path(path);
  if (!err.empty()) return err;
  // Same directory as the target, so rename() is atomic (same file system); the pid keeps two
  // processes writing beside each other apart.
  const std::string dir = directory_of(path);
  const size_t slash = path.find_last_of('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string tmp = (dir == "." && slash == std::string::npos ? "" : dir + "/") + "." + base +
                          ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return path + ": cannot create a temp file in " + dir + ": " + errno_text();
  const auto abandon = [&](const std::string& what) {
    const std::string message = path + ": " + what + ": " + errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    return message;
  };
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return abandon("write failed (disk full?)");
    done += static_cast<size_t>(n);
  }
  // fsync before rename: otherwise a power cut can leave the new name pointing at empty data.
  if (::fsync(fd) != 0) return abandon("fsync failed");
  if (::close(fd) != 0) {
    const std::string message = path + ": close failed: " + errno_text();
    ::unlink(tmp.c_str());
    return message;
  }
  if (before_rename) before_rename();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string message = path + ": rename failed: " + errno_text();
    ::unlink(tmp.c_str());
    return message;
  }
  // Make the rename itself durable. Failure here is not worth failing the run for.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) { ::fsync(dfd); ::close(dfd); }
  return "";
}

std::string read_file(const std::string& path, std::string& out, size_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return path + ": cannot open for reading: " + errno_text();
  if (S_ISDIR(st.st_mode)) return path + ": is a directory, not a file";
  if (!S_ISREG(st.st_mode)) return path + ": is not a regular file (a device or a pipe cannot be read as one)";
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    return path + ": " + std::to_string(st.st_size) + " bytes is more than the " + std::to_string(max_bytes >> 20) +
           " MB such a file may have";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return path + ": cannot open for reading: " + errno_text();
  std::string data;
  char buf[1 << 16];
  for (;;) {  // bounded even if the file grows while it is read
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { const std::string e = errno_text(); ::close(fd); return path + ": read error: " + e; }
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > max_bytes) { ::close(fd); return path + ": grew past the size limit while being read"; }
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  out = std::move(data);
  return "";
}

namespace {
std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

std::string OutputLock::acquire(const std::string& path, const std::string& what) {
  const std::string dir = directory_of(path);
  const std::string base = base_name(path);
  const std::string lock = dir + "/." + base + ".lock";
  const std::string name = what.empty() ? path : what;
  // A writer that finishes removes its lock file; if that happens between our open and our flock,
  // we hold a lock on a file no longer at `lock`, so check the inode and try again.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return lock + ": cannot create the lock file: " + errno_text();
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      char pid[32] = {0};
      (void)!::pread(fd, pid, sizeof pid - 1, 0);
      ::close(fd);
      if (e != EWOULDBLOCK) return lock + ": cannot lock: " + std::strerror(e);
      std::string who = pid;
      while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
      return name + " is being written by another grok process" + (who.empty() ? "" : " (pid " + who + ")") +
             "; wait for it to finish or stop it first";
    }
    struct stat held, now;
    if (::fstat(fd, &held) != 0 || ::stat(lock.c_str(), &now) != 0 || held.st_ino != now.st_ino ||
        held.st_dev != now.st_dev) {
      ::close(fd);
      continue;
    }
    const std::string me = std::to_string(::getpid()) + "\n";
    (void)!::ftruncate(fd, 0);
    (void)!::pwrite(fd, me.data(), me.size(), 0);
    fd_ = fd;
    lock_path_ = lock;
    // No other writer can exist now, so temp files of earlier writers are strays.
    if (DIR* d = ::opendir(dir.c_str())) {
      const std::string run_tmp = "." + base + ".tmp.", ckpt_tmp = "." + base + ".ckpt.tmp.";
      while (const dirent* e = ::readdir(d)) {
        const std::string f = e->d_name;
        if (f.rfind(run_tmp, 0) == 0 || f.rfind(ckpt_tmp, 0) == 0) ::unlink((dir + "/" + f).c_str());
      }
      ::closedir(d);
    }
    return "";
  }
  return lock + ": the lock file keeps being replaced; is another grok starting and stopping on it?";
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(lock_path_.c_str());  // while still holding it: see acquire()'s inode check
  ::close(fd_);
}

std::string read_run_file(const std::string& path, grok::RunData& out) {
  std::string text;
  std::string err = read_file(path, text, kMaxRunFileBytes);
  if (!err.empty()) return err;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return path + ": not valid JSON (truncated or not a run file)";
  err = grok::run_from_json(j, out);
  if (!err.empty()) return path + ": " + err;
  return "";
}

std::string checkpoint_path(const std::string& run_path) { return run_path + ".ckpt"; }

std::string write_checkpoint(const std::string& path, const grok::Trainer& trainer) {
  return write_file_atomic(path, grok::checkpoint_bytes(trainer));
}

std::string read_checkpoint(const std::string& path, grok::Checkpoint& out) {
  std::string bytes;
  std::string err = read_file(path, bytes, kMaxCheckpointBytes);
  if (!err.empty()) return err;
  err = grok::parse_checkpoint(bytes, out);
  return err.empty() ? "" : path + ": " + err;
}

namespace {
// Fault injection for tests/native/crash.sh: GROK_TEST_CRASH_AT=<point> makes the final save die at
// that point as a SIGKILL would (_exit, nothing flushed): before the checkpoint's rename, between the
// two files, or before the run file's rename. Unset, it does nothing.
void crash_point(const char* point, bool final_save) {
  static const char* want = std::getenv("GROK_TEST_CRASH_AT");
  if (final_save && want && std::strcmp(want, point) == 0) ::_exit(137);
}
}  // namespace

std::string save_run(const std::string& run_path, grok::Trainer& trainer, bool complete) {
  trainer.refresh_circuit();  // restricted/excluded loss against the latest key frequencies
  // The checkpoint first, then the run file: whenever a run file exists, a checkpoint at least as
  // recent sits beside it, and a stop between the two is repaired by the next resume (train_command).
  std::string err = write_file_atomic(checkpoint_path(run_path), grok::checkpoint_bytes(trainer),
                                      [&] { crash_point("checkpoint-rename", complete); });
  if (!err.empty()) return err;
  crash_point("between-renames", complete);
  return write_file_atomic(run_path, grok::run_to_json(grok::run_from_trainer(trainer, complete)).dump() + "\n",
                           [&] { crash_point("run-file-rename", complete); });
}

std::string load_for_resume(const std::string& run_path, const ConfigFlags& overrides,
                            std::unique_ptr<grok::Trainer>& out, bool& run_file_complete) {
  grok::RunData run;
  std::string err = read_run_file(run_path, run);
  if (!err.empty()) return err;
  const std::string ckpt_path = checkpoint_path(run_path);
  if (!file_exists(ckpt_path))
    return "cannot resume " + run_path + ": its checkpoint " + ckpt_path + " is missing";
  grok::Checkpoint ckpt;
  err = read_checkpoint(ckpt_path, ckpt);
  if (!err.empty()) return "cannot resume: " + err;
  const std::string diff = grok::config_difference(ckpt.config, run.config, grok::resumable);
  if (!diff.empty())
    return "cannot resume: " + ckpt_path + " belongs to a different run than " + run_path + " (" + diff + ")";
  // The checkpoint is written before the run file, so it is never older than a matching run file.
  if (ckpt.steps < run.summary.steps)
    return "cannot resume: " + ckpt_path + " (step " + std::to_string(ckpt.steps) + ") is older than " +
           run_path + " (step " + std::to_string(run.summary.steps) + ")";
  grok::Config config = ckpt.config;
  err = apply_field_flags(overrides, config);
  if (!err.empty()) return err;
  // Fewer steps than are done cannot be honoured: say so, rather than "already complete".
  if (grok::run_steps(config) < ckpt.steps)
    return (config.epochs > 0 ? "--epochs " + std::to_string(config.epochs) + " (" +
                                    std::to_string(grok::run_steps(config)) + " steps)"
                              : "--steps " + std::to_string(config.steps)) +
           " is fewer than the " + std::to_string(ckpt.steps) + " steps " + run_path +
           " has done; to extend it, give more";
  run_file_complete = run.complete;
  std::unique_ptr<grok::Trainer> t;
  err = grok::Trainer::create(config, t);
  if (!err.empty()) return err;
  err = grok::load_state(*t, ckpt.state);
  if (!err.empty()) return "cannot resume from " + ckpt_path + ": " + err;
  out = std::move(t);
  return "";
}


std::string make_dirs(const std::string& dir) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      partial = dir.substr(0, i);
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
        return dir + ": cannot create directory " + partial + ": " + std::strerror(errno);
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return dir + ": not a directory";
  return "";
}

}  // namespace grok_cli
