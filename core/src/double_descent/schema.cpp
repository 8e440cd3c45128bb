#include "grok/double_descent/schema.h"

#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"

namespace grok {
using nlohmann::json;

json dd_schema_json() {
  json list = json::array();
  for (const auto& p : dd_presets())
    list.push_back({{"name", p.name}, {"description", p.description}, {"config", dd_config_to_json(p.config)},
                    {"network", dd_network_experiment(p.config)}});  // trains networks: the page's pool runs it
  return {{"dd_schema", kDDSchema}, {"fields", field_rows_json(dd_field_specs(), dd_config_to_json(DDConfig{}))},
          {"presets", list}};
}

}  // namespace grok
