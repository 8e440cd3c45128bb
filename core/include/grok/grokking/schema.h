// The grokking schema as JSON, for the page and for tests: every row of the field table (with its
// default, range text, group, conditions and live-edit rule), the presets, the operations (names and
// how each reads) and the run file's schema name. The page builds its form, checks and titles from it.
#pragma once
#include <nlohmann/json.hpp>

namespace grok {

nlohmann::json schema_json();

}  // namespace grok
