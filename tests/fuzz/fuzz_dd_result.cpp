// Double-descent result files (the page's replay of grok double-descent output): arbitrary JSON text
// into dd_result_from_json. Never a crash; an accepted result writes a file that reads back.
#include <nlohmann/json.hpp>

#include "fuzz_util.h"
#include "grok/double_descent/result_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j = nlohmann::json::parse(grok_fuzz::text(data, size), nullptr, false);
  if (j.is_discarded()) return 0;
  grok::DDResult r;
  if (grok::dd_result_from_json(j, r) != "") return 0;
  grok::DDResult back;
  grok_fuzz::require(grok::dd_result_from_json(grok::dd_result_to_json(r), back) == "", "an accepted dd file rewrites readably");
  return 0;
}
