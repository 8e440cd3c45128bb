// `grok sweep`: a grid of runs on N local processes (each a `grok train` child: fork/exec of this
// very binary, so a run is the same whether the sweep, GNU parallel or a cluster starts it), or
// --list: the commands, one per line, for any other scheduler. Re-running a sweep skips complete
// runs and resumes partial ones. See docs/cli.md.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>

#include "field_flags.h"
#include "commands.h"
#include "progress.h"
#include "run_io.h"
#include "signals.h"
#include "train_args.h"
#include "sweep_summary.h"

namespace grok_cli {
namespace {

struct SweepOptions {
  ConfigFlags config;
  std::vector<std::string> grids;
  int seeds = 1;
  int jobs = 1;
  std::string out;
  bool list = false;
  std::string shard;
  std::string exe;
  std::string progress = "auto";
};

std::string self_exe() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "grok";
  return std::string(buf, static_cast<size_t>(n));
}

bool parse_shard(const std::string& text, long& k, long& n) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  char* end = nullptr;
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  k = std::strtol(a.c_str(), &end, 10);
  if (a.empty() || *end) return false;
  n = std::strtol(b.c_str(), &end, 10);
  if (b.empty() || *end) return false;
  return n >= 1 && k >= 0 && k < n;
}

// The last non-empty line of a child's log: the "grok: error: ..." that explains a failure.
std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    const size_t cr = line.find_last_of('\r');  // a live line is \r-separated: keep its last state
    if (cr != std::string::npos) line = line.substr(cr + 1);
    if (!line.empty()) last = line;
  }
  return last;
}

// Starts this very binary as `grok args...`, stdout and stderr appended to `log`. Returns the pid
// or -1. Executes /proc/self/exe, not a path: a rebuild of grok during a long sweep replaces the
// file, and every run must still use the binary the sweep started with.
pid_t spawn(const std::string& name, const std::vector<std::string>& args, const std::string& log) {
  const char* exe = "/proc/self/exe";
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(name.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // If the sweep dies (even by SIGKILL), its runs get SIGTERM: they save and stop instead of
    // running on unowned beside the next sweep of the same directory.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(143);  // it died before prctl took effect
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execv(exe, argv.data());
    const char msg[] = "grok: error: sweep could not start the grok binary\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(fd);
  return pid;
}

void sleep_ms(long ms) {
  struct timespec ts {ms / 1000, (ms % 1000) * 1000000L};
  ::nanosleep(&ts, nullptr);  // a signal ends it early, which is what we want
}

int sweep(const SweepOptions& o) {
  ProgressMode mode;
  if (!parse_progress_mode(o.progress, mode))
    return fail("--progress: '" + o.progress + "' is not one of auto, live, log, none");
  if (o.jobs < 1 || o.jobs > 256) return fail("-j: must be between 1 and 256");
  if (o.seeds < 1 || o.seeds > 100000) return fail("--seeds: must be between 1 and 100000");
  long shard_k = 0, shard_n = 1;
  if (!o.shard.empty() && !parse_shard(o.shard, shard_k, shard_n))
    return fail("--shard: '" + o.shard + "' is not K/N with 0 <= K < N (K is 0-based, like SLURM_ARRAY_TASK_ID)");

  grok::Config base;
  std::string err = resolve_config(o.config, base);
  if (!err.empty()) return fail(err);
  std::vector<grok::GridAxis> axes;
  for (const auto& g : o.grids) {
    grok::GridAxis axis;
    err = grok::parse_grid(g, axis);
    if (!err.empty()) return fail(err);
    for (const auto& fixed : o.config.given_fields())
      if (fixed == axis.field)
        return fail("--" + grok::kebab(fixed) + " is fixed by a flag and also swept by --grid; give one of them");
    axes.push_back(std::move(axis));
  }
  // --seed S with --seeds N gives seeds S..S+N-1.
  std::vector<uint64_t> seeds;
  for (int i = 0; i < o.seeds; ++i) seeds.push_back(base.seed + static_cast<uint64_t>(i));
  grok::SweepPlan plan;
  err = grok::make_plan(o.config.preset, base, axes, seeds, plan);
  if (!err.empty()) return fail(err);

  // The directory and its plan: a directory holding another sweep is refused, not mixed.
  std::string dir = o.out;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // "sweep/" -> "sweep/x.json", not "sweep//x.json"
  err = make_dirs(dir);
  if (!err.empty()) return fail(err);
  // One sweep process per directory (per shard: shards of one sweep run side by side on a cluster).
  OutputLock lock;
  err = lock.acquire(dir + "/" + (shard_n > 1 ? "shard-" + std::to_string(shard_k) + "-of-" + std::to_string(shard_n) : "sweep"),
                     "sweep " + dir);
  if (!err.empty()) return fail(err);
  err = adopt_plan(dir, plan);
  if (!err.empty()) return fail(err, kExitFailure);

  std::vector<const grok::PlannedRun*> mine;
  for (const auto& r : plan.runs)
    if (r.index % shard_n == shard_k) mine.push_back(&r);
  const std::string exe = o.exe.empty() ? self_exe() : o.exe;  // as printed by --list

  if (o.list) {
    for (const grok::PlannedRun* r : mine) {
      std::string line = shell_quote(exe);
      for (const auto& a : train_args(plan, *r, run_path(dir, *r))) line += " " + shell_quote(a);
      std::printf("%s\n", line.c_str());
    }
    return kExitOk;
  }

  // What is already there: complete runs are skipped, partial ones resume (train --continue).
  std::vector<const grok::PlannedRun*> todo;
  long skipped = 0;
  for (const grok::PlannedRun* r : mine) {
    RunState state;
    err = run_state(dir, *r, state);
    if (!err.empty()) return fail(err);
    if (state == RunState::Complete) ++skipped;
    else todo.push_back(r);
  }
  err = make_dirs(dir + "/logs");
  if (!err.empty()) return fail(err, kExitFailure);

  install_stop_handlers();
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const long total = static_cast<long>(mine.size());
  long done = skipped, failed = 0;
  size_t next = 0;
  std::map<pid_t, const grok::PlannedRun*> running;
  bool forwarded = false;
  bool live_open = false;
  const auto report = [&](const std::string& line) {
    if (mode == ProgressMode::None) return;
    if (live_open) std::fprintf(stderr, "\r\033[K");
    live_open = false;
    if (!line.empty()) std::fprintf(stderr, "%s\n", line.c_str());
    if (mode == ProgressMode::Live) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "sweep: %ld/%ld runs done (%ld skipped, %ld failed), %zu running, %s elapsed",
                   done, total, skipped, failed, running.size(), format_duration(elapsed).c_str());
      std::fflush(stderr);
      live_open = true;
    }
  };
  if (mode != ProgressMode::None)
    std::fprintf(stderr, "sweep: %ld runs%s in %s (%ld already complete), %d at a time; logs in %s/logs/\n", total,
                 shard_n > 1 ? (" (shard " + o.shard + " of " + std::to_string(plan.runs.size()) + ")").c_str() : "",
                 dir.c_str(), skipped, o.jobs, dir.c_str());
  report("");
  auto last_live = Clock::now();
  while (!running.empty() || (next < todo.size() && stop_signal() == 0)) {
    const int sig = stop_signal();
    if (sig != 0 && !forwarded) {
      // Ctrl-C on a terminal reaches the children already (same process group); `kill` of this
      // process alone does not: pass it on so every run writes its partial file and checkpoint.
      for (const auto& [pid, run] : running) ::kill(pid, sig);
      forwarded = true;
    }
    while (sig == 0 && next < todo.size() && static_cast<int>(running.size()) < o.jobs) {
      const grok::PlannedRun* r = todo[next++];
      const std::string log = dir + "/logs/" + r->file.substr(0, r->file.size() - 5) + ".log";
      std::vector<std::string> args = train_args(plan, *r, run_path(dir, *r));
      args.push_back("--progress");
      args.push_back("log");
      const pid_t pid = spawn(self_exe(), args, log);
      if (pid < 0) {
        ++failed;
        report("sweep: " + r->file + ": could not start (" + std::strerror(errno) + ")");
        continue;
      }
      running[pid] = r;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      sleep_ms(50);
      if (mode == ProgressMode::Live && Clock::now() - last_live > std::chrono::seconds(1)) {
        report("");
        last_live = Clock::now();
      }
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const grok::PlannedRun* r = it->second;
    running.erase(it);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const std::string log = dir + "/logs/" + r->file.substr(0, r->file.size() - 5) + ".log";
    if (code == kExitOk || code == kExitDiverged) {
      ++done;
      grok::RunData data;
      std::string line = "sweep: [" + std::to_string(done) + "/" + std::to_string(total) + "] " + r->file;
      if (read_run_file(run_path(dir, *r), data).empty()) {
        line += ": " + events_text(data.summary) + " (" + format_duration(data.summary.wall_seconds) + ")";
      }
      report(line);
    } else if (code == 130 || code == 143) {
      report("sweep: " + r->file + ": interrupted (partial file kept; re-run the sweep to resume)");
    } else {
      ++failed;
      report("sweep: " + r->file + ": failed (exit " + std::to_string(code) + "): " + last_line(log));
    }
  }
  report("");
  if (live_open) std::fprintf(stderr, "\n");

  const int sig = stop_signal();
  if (shard_n > 1) {
    std::fprintf(stderr, "sweep: shard %s finished (%ld/%ld done, %ld failed); when all shards are done: grok sweep-merge %s\n",
                 o.shard.c_str(), done, total, failed, dir.c_str());
  } else {
    nlohmann::json summary;
    err = build_summary(dir, plan, summary);
    if (!err.empty()) return fail(err, kExitFailure);
    err = write_file_atomic(summary_path(dir), summary.dump(2) + "\n");
    if (!err.empty()) return fail(err, kExitFailure);
    std::fprintf(stderr, "sweep: wrote %s (%zu/%zu runs complete)\n", summary_path(dir).c_str(),
                 summary["rows"].size(), plan.runs.size());
  }
  if (sig != 0) {
    std::fprintf(stderr, "sweep: interrupted; run the same command again to resume\n");
    return exit_status_for_signal(sig);
  }
  if (failed > 0) return fail(std::to_string(failed) + " of " + std::to_string(total) +
                              " runs failed (see " + dir + "/logs/)", kExitFailure);
  return kExitOk;
}

}  // namespace

Command sweep_command(CLI::App& root) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* app = root.add_subcommand(
      "sweep", "train a grid of runs on N local processes (or --list them for a cluster) and write DIR/summary.json");
  const std::string group = "Sweep";
  app->add_option("--grid", o->grids,
                  "a swept field: field=a:b:n (n evenly spaced values, a and b included), field=a:b:n:log "
                  "(geometric), or field=v1,v2,... Repeat for more axes; every combination runs (times --seeds: at most " +
                      std::to_string(grok::kMaxSweepRuns) + " runs)")
      ->type_name("SPEC")->group(group);
  app->add_option("--seeds", o->seeds, "seeds per grid point: --seed S (default 0) .. S+N-1 (default 1)")
      ->type_name("N")->group(group);
  app->add_option("-j,--jobs", o->jobs, "runs at a time, each its own process (default 1)")->type_name("N")->group(group);
  app->add_option("--out", o->out, "sweep directory: one run file per run, plan.json, summary.json, logs/")
      ->type_name("DIR")->required()->group(group);
  app->add_flag("--list", o->list,
                "print one `grok train` command per run (for GNU parallel, Slurm, ...) and write DIR/plan.json; run nothing")
      ->group(group);
  app->add_option("--shard", o->shard,
                  "only runs whose index % N == K; K is 0-based (0..N-1), e.g. ${SLURM_ARRAY_TASK_ID}/N")
      ->type_name("K/N")->group(group);
  app->add_option("--exe", o->exe, "grok binary named in --list commands (default: this binary's absolute path)")
      ->type_name("PATH")->group(group);
  app->add_option("--progress", o->progress, "auto (live line on a terminal, else a line per run), live, log, none")
      ->type_name("MODE")->group(group);
  add_config_flags(*app, o->config);  // after the sweep flags: --help shows those first
  return {app, [o] { return sweep(*o); }};
}

}  // namespace grok_cli
