// `grok train`: one run, written to a run file with a checkpoint beside it; resumable after
// Ctrl-C, SIGTERM or a crash. See docs/cli.md.
#include <chrono>
#include <cstdio>
#include <memory>

#include "field_flags.h"
#include "commands.h"
#include "grok/grokking/run_file.h"
#include "grok/grokking/trainer.h"
#include "progress.h"
#include "run_io.h"
#include "signals.h"

namespace grok_cli {
namespace {

struct TrainOptions {
  ConfigFlags config;
  std::string out;
  std::string resume;
  bool continue_existing = false;
  bool print_config = false;
  double save_seconds = 30;
  double log_seconds = 10;
  std::string progress = "auto";
};

int train(const TrainOptions& o) {
  ProgressMode mode;
  if (!parse_progress_mode(o.progress, mode))
    return fail("--progress: '" + o.progress + "' is not one of auto, live, log, none");

  std::unique_ptr<grok::Trainer> trainer;
  std::string out = o.out;
  std::string err;
  OutputLock lock;               // held until train() returns
  bool run_file_complete = true;  // of a resumed run: false when its last save stopped half-way
  if (!o.resume.empty() && o.continue_existing) return fail("--resume and --continue cannot be combined");
  if (!o.resume.empty()) {
    if (!o.config.preset.empty() || !o.config.config_file.empty())
      return fail("--resume takes the config from the run file; --preset and --config cannot be used with it");
    std::string resumable;
    for (const auto& f : grok::field_specs())
      if (f.resumable) resumable += (resumable.empty() ? "--" : ", --") + grok::kebab(f.name);
    for (const auto& name : o.config.given_fields())
      if (!grok::find_field(name)->resumable)
        return fail("--" + grok::kebab(name) + " cannot be changed on --resume (only " + resumable + ")");
    if (out.empty()) out = o.resume;
    if (!o.print_config) {
      err = lock.acquire(out);  // before reading: no other writer may change the files under us
      if (!err.empty()) return fail(err);
    }
    err = load_for_resume(o.resume, o.config, trainer, run_file_complete);
    if (!err.empty()) return fail(err);
  } else {
    grok::Config config;
    err = resolve_config(o.config, config);
    if (!err.empty()) return fail(err);
    if (o.print_config) {
      std::printf("%s\n", grok::config_to_json(config).dump(2).c_str());
      return kExitOk;
    }
    if (out.empty()) return fail("--out is required (the run file to write), or use --print-config");
    err = check_output_path(out);
    if (!err.empty()) return fail(err);
    err = lock.acquire(out);
    if (!err.empty()) return fail(err);
    if (o.continue_existing && file_exists(out)) {
      // Sweeps and cluster jobs re-run the same command: finish what is there, never clobber it.
      grok::RunData existing;
      err = read_run_file(out, existing);
      if (!err.empty()) return fail(err + " (--continue will not overwrite it)");
      const std::string diff = grok::config_difference(existing.config, config, grok::resumable);
      if (!diff.empty()) return fail(out + " holds a different run (" + diff + "); --continue will not overwrite it");
      if (existing.complete && grok::config_difference(existing.config, config, grok::neutral).empty()) {
        std::fprintf(stderr, "grok: %s is already complete; nothing to do\n", out.c_str());
        return kExitOk;
      }
      if (file_exists(checkpoint_path(out))) {
        ConfigFlags overrides;  // continue with this command's steps / stop-at-grok / threads
        for (const auto& f : grok::field_specs())
          if (f.resumable) overrides.values[f.name] = grok::get_field_string(config, f);
        err = load_for_resume(out, overrides, trainer, run_file_complete);
        if (!err.empty()) return fail(err);
      }
    }
    if (!trainer) {
      err = grok::Trainer::create(config, trainer);
      if (!err.empty()) return fail(err);
    }
  }
  if (o.print_config) {
    std::printf("%s\n", grok::config_to_json(trainer->config()).dump(2).c_str());
    return kExitOk;
  }
  err = check_output_path(out);
  if (!err.empty()) return fail(err);

  const long start_step = trainer->steps_done();
  if (start_step > 0 && trainer->finished() && !run_file_complete) {
    // The final save wrote the checkpoint and stopped before the run file (a crash between the two
    // renames): the checkpoint holds the finished run, so finish the run file from it.
    err = save_run(out, *trainer, true);
    if (!err.empty()) return fail(err, kExitFailure);
    std::fprintf(stderr, "grok: %s: the last save was interrupted after its checkpoint; completed the run file at step %ld\n",
                 out.c_str(), start_step);
    return trainer->summary().diverged ? kExitDiverged : kExitOk;
  }
  if (start_step > 0 && trainer->finished()) {
    std::fprintf(stderr, "grok: %s is already complete at step %ld; to extend it pass a larger --steps (or --stop-at-grok=false)\n",
                 out.c_str(), start_step);
    return kExitOk;
  }
  if (start_step > 0) std::fprintf(stderr, "grok: resuming %s at step %ld\n", out.c_str(), start_step);

  install_stop_handlers();
  Progress progress(mode, o.log_seconds, start_step);
  using Clock = std::chrono::steady_clock;
  trainer->run(0);  // the step-0 evaluation, so even the first partial file has a point
  // Write right away: a path we cannot write fails now, not after hours of training.
  err = save_run(out, *trainer, false);
  if (!err.empty()) return fail(err, kExitFailure);
  auto last_save = Clock::now();
  while (!trainer->finished() && stop_signal() == 0) {
    // One step at a time: a stop request is honoured after the current step, and metrics and
    // snapshots fall on the same steps as in an uninterrupted run (resume is bit-identical).
    trainer->run(1);
    progress.update(*trainer);
    if (std::chrono::duration<double>(Clock::now() - last_save).count() >= o.save_seconds) {
      err = save_run(out, *trainer, false);
      if (!err.empty()) {
        progress.clear();
        return fail(err, kExitFailure);
      }
      last_save = Clock::now();
    }
  }
  progress.finish(*trainer);
  const int sig = stop_signal();
  const bool complete = trainer->finished();
  err = save_run(out, *trainer, complete);
  if (!err.empty()) return fail(err, kExitFailure);
  const auto& s = trainer->summary();
  if (!complete) {
    std::fprintf(stderr, "grok: interrupted at step %ld; wrote partial %s and its checkpoint. Resume with: grok train --resume %s\n",
                 s.steps, out.c_str(), out.c_str());
    return exit_status_for_signal(sig);
  }
  const int threads = trainer->threads();
  std::fprintf(stderr, "grok: wrote %s: %ld steps, %s, %.3f ms/step on %d thread%s\n", out.c_str(), s.steps,
               events_text(s).c_str(), s.ms_per_step, threads, threads == 1 ? "" : "s");
  return s.diverged ? kExitDiverged : kExitOk;
}

}  // namespace

Command train_command(CLI::App& root) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* app = root.add_subcommand("train", "train one model and write a run file (+ checkpoint)");
  add_config_flags(*app, o->config);
  const std::string group = "Output and control";
  app->add_option("--out", o->out, "run file to write (JSON, schema grok-run/1); FILE.ckpt is written beside it. "
                                   "Required unless --resume or --print-config")
      ->type_name("FILE")->group(group);
  app->add_option("--resume", o->resume, "continue the run in FILE from FILE.ckpt (config from the file; "
                                         "only --steps, --stop-at-grok, --threads may change)")
      ->type_name("FILE")->group(group);
  app->add_flag("--continue", o->continue_existing,
                "if --out already holds this run: do nothing when complete, resume when partial "
                "(what sweeps and cluster jobs use); a different run there is an error")
      ->group(group);
  app->add_flag("--print-config", o->print_config, "print the resolved config as JSON and exit")->group(group);
  add_number_option(*app, "--save-every", o->save_seconds, 0, 86400, false,
                    "seconds between partial saves of run file and checkpoint (default 30)")
      ->type_name("SEC")->group(group);
  app->add_option("--progress", o->progress, "auto (live line on a terminal, else log lines), live, log, none")
      ->type_name("MODE")->group(group);
  add_number_option(*app, "--log-every", o->log_seconds, 0, 86400, false,
                    "seconds between log lines when not on a terminal (default 10)")
      ->type_name("SEC")->group(group);
  return {app, [o] { return train(*o); }};
}

}  // namespace grok_cli
