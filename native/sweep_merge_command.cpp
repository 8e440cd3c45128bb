// `grok sweep-merge DIR`: (re)builds DIR/summary.json from DIR/plan.json and whatever run files
// are complete: the last step after shards ran on a cluster or commands ran under GNU parallel.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "run_io.h"
#include "sweep_summary.h"

namespace grok_cli {
namespace {

int merge(const std::string& dir) {
  grok::SweepPlan plan;
  std::string err = read_plan(dir, plan);
  if (!err.empty()) return fail(err);
  nlohmann::json summary;
  err = build_summary(dir, plan, summary);
  if (!err.empty()) return fail(err);
  err = write_file_atomic(summary_path(dir), summary.dump(2) + "\n");
  if (!err.empty()) return fail(err, kExitFailure);
  for (const auto& p : summary["unreadable"])
    std::fprintf(stderr, "sweep-merge: warning: %s (listed as incomplete)\n", p["error"].get<std::string>().c_str());
  std::fprintf(stderr, "sweep-merge: wrote %s (%zu/%zu runs complete)\n", summary_path(dir).c_str(),
               summary["rows"].size(), plan.runs.size());
  return kExitOk;
}

}  // namespace

Command sweep_merge_command(CLI::App& root) {
  auto dir = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand("sweep-merge", "build DIR/summary.json from the finished run files of a sweep");
  app->add_option("dir", *dir, "sweep directory (holds plan.json)")->type_name("DIR")->required();
  return {app, [dir] { return merge(*dir); }};
}

}  // namespace grok_cli
