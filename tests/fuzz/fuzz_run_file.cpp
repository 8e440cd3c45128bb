// Run files (grok train --resume, sweep-merge, the page's replay): arbitrary JSON text into
// run_from_json. Never a crash or an exception; an accepted run writes a file that reads back.
#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "grok/grokking/run_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j = nlohmann::json::parse(grok_fuzz::text(data, size), nullptr, false);
  if (j.is_discarded()) return 0;
  grok::RunData run;
  if (grok::run_from_json(j, run) != "") return 0;
  grok::RunData back;
  grok_fuzz::require(grok::run_from_json(grok::run_to_json(run), back) == "", "an accepted run file rewrites readably");
  grok_fuzz::require(back.metrics.size() == run.metrics.size(), "metrics survive the round trip");
  return 0;
}
