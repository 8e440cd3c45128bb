// `grok double-descent`: a model-size sweep of one double-descent experiment (core double_descent/sweep.h),
// written to a grok-dd/1 file that the page replays. Flags: --experiment picks the experiment and
// its preset (the defaults of every other field), then one flag per DD field overrides it.
// The file is written atomically at the end, every --save-every seconds, and on Ctrl-C (then with
// "complete": false), so a long sweep never leaves half a file.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "field_flags.h"
#include "commands.h"
#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/sweep.h"
#include "grok/network_dd/plan.h"
#include "progress.h"
#include "run_io.h"
#include "signals.h"
#include "train_args.h"

namespace grok_cli {
namespace {

struct DDOptions {
  FieldValues values;  // DD field name -> text given on the command line
  std::string out;
  std::string progress = "auto";
  double save_seconds = 30;
  double cache_mb = 1024;
  bool table = false;
  bool print_config = false;
  int jobs = 0;  // network experiments: runs at a time (0 = every core)
};

// "(default 40 for linear, 100 for relu-features, 20 for legendre; an integer in [4, 5000])":
// the presets are the defaults, so help shows theirs.
std::string default_text(const grok::FieldSpec& f) {
  if (std::string(f.name) == "experiment") return grok::DDConfig{}.experiment;
  std::string first, all;
  bool differ = false;
  for (const auto& p : grok::dd_presets()) {
    const std::string v = grok::get_dd_field_string(p.config, f);
    if (first.empty()) first = v;
    differ = differ || v != first;
    all += (all.empty() ? "" : ", ") + v + " for " + p.name;
  }
  return differ ? all : first;
}

std::string resolve(const DDOptions& o, grok::DDConfig& out) {
  std::string experiment = "linear";
  const auto e = o.values.find("experiment");
  if (e != o.values.end()) experiment = e->second;
  const grok::DDPreset* preset = grok::find_dd_preset(experiment);
  if (!preset) return flag_error(*grok::find_dd_field("experiment"), experiment);
  grok::DDConfig c = preset->config;
  for (const auto& f : grok::dd_field_specs()) {  // field-table order: messages are stable
    const auto v = o.values.find(f.name);
    if (v == o.values.end()) continue;
    if (!grok::set_dd_field_from_string(c, f, v->second).empty()) return flag_error(f, v->second);
  }
  // The core names the field ("p_max: ..."); on the command line the flag is the name to show.
  const std::string err = grok::validate_dd(c);
  if (!err.empty()) return as_flag_message(grok::dd_field_specs(), err);
  for (const auto& [name, text] : o.values)
    if (!grok::dd_field_applies(*grok::find_dd_field(name), c))
      std::fprintf(stderr, "grok: note: --%s has no effect on the %s experiment\n", grok::kebab(name).c_str(),
                   c.experiment.c_str());
  out = c;
  return "";
}

std::string fmt(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// The swept value of a point and its letter: the model size p, or with axis samples the training-set size n.
int swept(const grok::DDConfig& c, const grok::DDPoint& p) { return grok::dd_sample_axis(c) ? p.n : p.p; }
const char* swept_name(const grok::DDConfig& c) { return grok::dd_sample_axis(c) ? "n" : "p"; }

void print_table(const grok::DDResult& r) {
  const bool theory = !r.theory.empty();
  std::printf("| %s | test MSE median | q25 | q75 | mean | %strain MSE | norm | p_eff | lambda | solver |\n",
              swept_name(r.config), theory ? "theory | " : "");
  std::printf("|---|---|---|---|---|%s---|---|---|---|---|\n", theory ? "---|" : "");
  for (const auto& p : r.points)
    std::printf("| %d | %s | %s | %s | %s | %s%s | %s | %s | %s | %s |\n", swept(r.config, p), fmt(p.test_mse_median).c_str(),
                fmt(p.test_mse_q25).c_str(), fmt(p.test_mse_q75).c_str(), fmt(p.test_mse_mean).c_str(),
                theory ? (fmt(p.theory) + " | ").c_str() : "", fmt(p.train_mse_median).c_str(),
                fmt(p.coef_norm_median).c_str(), fmt(p.p_eff_median).c_str(), fmt(p.ridge_median).c_str(),
                p.solver.c_str());
}

// The few numbers that tell the story: the peak, its neighbours and the best sizes on each side.
void print_summary(const grok::DDResult& r, double seconds) {
  // The peak sits where the swept value equals the fixed one: p = n, or n = p with axis samples.
  const bool samples = grok::dd_sample_axis(r.config);
  const int peak = samples ? r.config.model_size : r.config.n_train;
  const std::string x = swept_name(r.config), fixed = samples ? "p" : "n";
  std::string line = "double-descent: " + r.config.experiment + ", " + fixed + " = " + std::to_string(peak) + ", " +
                     std::to_string(r.config.trials) + " trials, median test MSE:";
  for (const auto& p : r.points) {
    const int v = swept(r.config, p);
    if (v == peak / 2 || v == peak || v == 2 * peak || v == 4 * peak || v == 10 * peak)
      line += " " + x + "=" + std::to_string(v) + " " + fmt(p.test_mse_median) + ";";
  }
  const grok::DDPoint* best_small = nullptr;
  const grok::DDPoint* best_large = nullptr;
  for (const auto& p : r.points) {
    const int v = swept(r.config, p);
    if (v < peak && (!best_small || p.test_mse_median < best_small->test_mse_median)) best_small = &p;
    if (v > peak && (!best_large || p.test_mse_median < best_large->test_mse_median)) best_large = &p;
  }
  if (best_small)
    line += " best " + x + "<" + fixed + ": " + fmt(best_small->test_mse_median) + " at " + x + "=" +
            std::to_string(swept(r.config, *best_small)) + ";";
  if (best_large)
    line += " best " + x + ">" + fixed + ": " + fmt(best_large->test_mse_median) + " at " + x + "=" +
            std::to_string(swept(r.config, *best_large)) + ";";
  char tail[64];
  std::snprintf(tail, sizeof tail, " %.1f s", seconds);
  std::printf("%s%s\n", line.c_str(), tail);
}

// A network experiment is a sweep of training runs: this command becomes the `grok sweep` that runs
// them (the same plan the page runs, network_dd/plan.h), so resuming, progress, logs and the
// grok-sweep/1 summary the page replays are the sweep's own.
int run_network(const DDOptions& o, const grok::DDConfig& config) {
  grok::SweepPlan plan;
  std::string err = grok::network_dd_plan(config, plan);
  if (!err.empty()) return fail(as_flag_message(grok::dd_field_specs(), err));
  std::vector<std::string> args = sweep_args(plan, err);
  if (!err.empty()) return fail(err);
  const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
  const int jobs = o.jobs > 0 ? o.jobs : int(cores > 0 ? cores : 1);
  args.insert(args.end(), {"-j", std::to_string(jobs), "--out", o.out, "--progress", o.progress});
  std::string line = "grok";
  for (const auto& a : args) line += " " + shell_quote(a);
  std::fprintf(stderr, "double-descent: %s trains %zu networks (%zu %s x %zu seeds); running\n  %s\n",
               config.experiment.c_str(), plan.runs.size(), plan.axes[0].values.size(),
               grok::dd_sample_axis(config) ? "training-set sizes" : "widths", plan.seeds.size(), line.c_str());
  std::fflush(stderr);
  std::vector<char*> argv = {const_cast<char*>("grok")};
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  return fail(std::string("could not start grok sweep: ") + std::strerror(errno), kExitFailure);
}

int run(const DDOptions& o) {
  ProgressMode mode;
  if (!parse_progress_mode(o.progress, mode))
    return fail("--progress: '" + o.progress + "' is not one of auto, live, log, none");
  grok::DDConfig config;
  std::string err = resolve(o, config);
  if (!err.empty()) return fail(err);
  if (o.print_config) {
    std::printf("%s\n", grok::dd_config_to_json(config).dump(2).c_str());
    return kExitOk;
  }
  if (o.jobs < 0 || o.jobs > 256) return fail("-j: must be between 1 and 256 (0 = every core)");
  if (grok::dd_network_experiment(config)) {
    if (o.out.empty()) return fail("--out is required (the sweep directory to write), or use --print-config");
    return run_network(o, config);
  }
  if (o.out.empty()) return fail("--out is required (the grok-dd/1 file to write), or use --print-config");
  err = check_output_path(o.out);
  if (!err.empty()) return fail(err);
  OutputLock lock;
  err = lock.acquire(o.out);
  if (!err.empty()) return fail(err);
  std::unique_ptr<grok::DDSweep> sweep;
  err = grok::DDSweep::create(config, sweep, o.cache_mb);
  if (!err.empty()) return fail(err);

  install_stop_handlers();
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_save = start, last_log = start;
  const auto save = [&] { return write_file_atomic(o.out, grok::dd_result_to_json(sweep->result()).dump(1) + "\n"); };
  // Write the empty partial file now: a path we cannot write fails before the sweep, not after it.
  err = save();
  if (!err.empty()) return fail(err, kExitFailure);
  const size_t total = sweep->result().model_sizes.size();
  if (mode != ProgressMode::None)
    std::fprintf(stderr, "double-descent: %s, %s = %d, %zu %s from %d to %d, %d trials each%s\n",
                 config.experiment.c_str(), grok::dd_sample_axis(config) ? "p" : "n",
                 grok::dd_sample_axis(config) ? config.model_size : config.n_train, total,
                 grok::dd_sample_axis(config) ? "training-set sizes" : "model sizes", sweep->result().model_sizes.front(),
                 sweep->result().model_sizes.back(), config.trials,
                 sweep->cached() ? "" : " (trials re-sampled per size: raise --cache-mb to keep them)");
  bool live_open = false;
  while (stop_signal() == 0 && sweep->step()) {
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const double fraction = sweep->work_fraction();
    const grok::DDPoint& p = sweep->result().points.back();
    char line[200];
    std::snprintf(line, sizeof line, "double-descent: %s = %d (%zu/%zu), median test MSE %s, %s elapsed, ETA %s",
                  swept_name(config), swept(config, p), sweep->result().points.size(), total, fmt(p.test_mse_median).c_str(),
                  format_duration(elapsed).c_str(),
                  fraction > 0 ? format_duration(elapsed * (1 - fraction) / fraction).c_str() : "?");
    if (mode == ProgressMode::Live) {
      std::fprintf(stderr, "\r%-110s", line);
      live_open = true;
    } else if (mode == ProgressMode::Log &&
               (std::chrono::duration<double>(now - last_log).count() >= 10 || sweep->done())) {
      std::fprintf(stderr, "%s\n", line);
      last_log = now;
    }
    if (std::chrono::duration<double>(now - last_save).count() >= o.save_seconds && !sweep->done()) {
      err = save();
      if (!err.empty()) {
        if (live_open) std::fprintf(stderr, "\n");
        return fail(err, kExitFailure);
      }
      last_save = now;
    }
  }
  if (live_open) std::fprintf(stderr, "\n");
  err = save();
  if (!err.empty()) return fail(err, kExitFailure);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!sweep->done()) {
    std::fprintf(stderr, "grok: interrupted; wrote partial %s (%zu of %zu model sizes)\n", o.out.c_str(),
                 sweep->result().points.size(), total);
    return exit_status_for_signal(stop_signal());
  }
  if (o.table) print_table(sweep->result());
  print_summary(sweep->result(), seconds);
  std::fprintf(stderr, "grok: wrote %s\n", o.out.c_str());
  return kExitOk;
}

}  // namespace

Command double_descent_command(CLI::App& root) {
  auto o = std::make_shared<DDOptions>();
  CLI::App* app = root.add_subcommand(
      "double-descent", "sweep model size in a double-descent experiment and write a grok-dd/1 file");
  add_field_flags(*app, grok::dd_field_specs(), "Experiment (--experiment picks the defaults of every other field)",
                  o->values, default_text);
  const std::string out_group = "Output and control";
  app->add_option("--out", o->out,
                  "grok-dd/1 file to write (JSON); network experiments (nn-*): the `grok sweep` directory. Required "
                  "unless --print-config")
      ->type_name("PATH")->group(out_group);
  app->add_option("-j,--jobs", o->jobs, "network experiments: training runs at a time (default: every core)")
      ->type_name("N")->group(out_group);
  app->add_option("--progress", o->progress, "auto (live line on a terminal, else log lines), live, log, none")
      ->type_name("MODE")->group(out_group);
  add_number_option(*app, "--save-every", o->save_seconds, 0, 86400, false,
                    "seconds between partial saves of --out (default 30)")
      ->type_name("SEC")->group(out_group);
  add_number_option(*app, "--cache-mb", o->cache_mb, 0, 1048576, true,
                    "keep every trial's data in memory up to this many MB (default 1024); beyond it each trial is "
                    "re-sampled per model size: same numbers, slower")
      ->type_name("MB")->group(out_group);
  app->add_flag("--table", o->table, "print every model size as a Markdown table on stdout")->group(out_group);
  app->add_flag("--print-config", o->print_config, "print the resolved config as JSON and exit")->group(out_group);
  return {app, [o] { return run(*o); }};
}

}  // namespace grok_cli
