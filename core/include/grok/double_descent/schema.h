// The double-descent schema as JSON, for the page: every row of the DD field table (default, range
// text, label, which experiments it applies to), the presets and the result file's schema name.
#pragma once
#include <nlohmann/json.hpp>

namespace grok {

nlohmann::json dd_schema_json();

}  // namespace grok
