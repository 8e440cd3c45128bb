// `grok sweep-merge DIR`: (re)builds DIR/summary.json from DIR/plan.json and whatever run files
// are complete: the last step after shards ran on a cluster or commands ran under GNU parallel.
// `grok sweep-merge A.json B.json --out merged.json`: merges summaries of one sweep (from `grok
// sweep`, an earlier merge, or the page's live sweep), each read and checked by the core's reader.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

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

int merge_files(const std::vector<std::string>& paths, const std::string& out) {
  std::vector<nlohmann::json> summaries;
  for (const auto& path : paths) {
    std::string text;
    std::string err = read_file(path, text);
    if (!err.empty()) return fail(err);
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return fail(path + ": not valid JSON");
    summaries.push_back(std::move(j));
  }
  nlohmann::json merged;
  long duplicates = 0;
  std::string err = grok::merge_summaries(summaries, merged, duplicates);
  if (!err.empty()) {
    // "summary N: ..." (and "summary 1" in the text): the files' names instead.
    const size_t n = err.rfind("summary ", 0) == 0 ? std::strtoul(err.c_str() + 8, nullptr, 10) : 0;
    if (n < 1 || n > paths.size()) return fail(err);
    std::string rest = err.substr(err.find(": ") + 2);
    const size_t first = rest.find("summary 1");
    if (first != std::string::npos) rest.replace(first, 9, paths[0]);
    return fail(paths[n - 1] + ": " + rest);
  }
  err = write_file_atomic(out, merged.dump(2) + "\n");
  if (!err.empty()) return fail(err, kExitFailure);
  if (duplicates)
    std::fprintf(stderr, "sweep-merge: %ld run%s appeared in more than one summary; the first file's row was kept\n",
                 duplicates, duplicates == 1 ? "" : "s");
  std::fprintf(stderr, "sweep-merge: wrote %s (%zu/%zu runs complete)\n", out.c_str(), merged["rows"].size(),
               merged["runs_total"].get<size_t>());
  return kExitOk;
}

}  // namespace

Command sweep_merge_command(CLI::App& root) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand(
      "sweep-merge", "build DIR/summary.json from the finished run files of a sweep, or merge summary files of one sweep");
  app->add_option("paths", *paths, "a sweep directory (holds plan.json), or summary files (grok-sweep/1) to merge")
      ->type_name("DIR | FILE...")
      ->required();
  app->add_option("--out", *out, "where the merged summary goes (summary files only)")->type_name("FILE");
  return {app, [paths, out] {
            if (paths->size() == 1 && is_directory((*paths)[0])) {
              if (!out->empty()) return fail("--out: a sweep directory's summary is DIR/summary.json; --out is for merging summary files");
              return merge((*paths)[0]);
            }
            for (const auto& p : *paths)
              if (is_directory(p)) return fail(p + ": a directory; give one sweep directory, or only summary files");
            if (out->empty()) return fail("--out FILE: needed to merge summary files (where the merged summary goes)");
            return merge_files(*paths, *out);
          }};
}

}  // namespace grok_cli
