#include "run_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

std::string write_file_atomic(const std::string& path, const std::string& bytes) {
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

std::string read_file(const std::string& path, std::string& out) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return path + ": is a directory, not a file";
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot open for reading: " + errno_text();
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return path + ": read error";
  out = s.str();
  return "";
}

std::string read_run_file(const std::string& path, grok::RunData& out) {
  std::string text;
  std::string err = read_file(path, text);
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
  std::string err = read_file(path, bytes);
  if (!err.empty()) return err;
  err = grok::parse_checkpoint(bytes, out);
  return err.empty() ? "" : path + ": " + err;
}

std::string save_run(const std::string& run_path, grok::Trainer& trainer, bool complete) {
  trainer.refresh_circuit();  // restricted/excluded loss against the latest key frequencies
  std::string err = write_checkpoint(checkpoint_path(run_path), trainer);
  if (!err.empty()) return err;
  return write_file_atomic(run_path, grok::run_to_json(grok::run_from_trainer(trainer, complete)).dump() + "\n");
}

std::string config_difference(const grok::Config& a, const grok::Config& b,
                              const std::function<bool(const grok::FieldSpec&)>& skip) {
  const grok::Config na = grok::normalized(a), nb = grok::normalized(b);  // an epochs run states its steps
  for (const auto& f : grok::field_specs()) {
    if (skip && skip(f)) continue;
    const std::string va = grok::get_field_string(na, f), vb = grok::get_field_string(nb, f);
    if (va != vb) return std::string(f.name) + " " + va + " vs " + vb;
  }
  return "";
}

}  // namespace grok_cli
