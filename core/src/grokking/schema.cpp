#include "grok/grokking/schema.h"

#include "grok/grokking/config.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/run_file.h"

namespace grok {
using nlohmann::json;

json schema_json() {
  json list = json::array();
  for (const auto& p : presets())
    list.push_back({{"name", p.name}, {"description", p.description}, {"config", config_to_json(p.config)}});
  json op_list = json::array();
  for (const auto& o : ops())
    op_list.push_back({{"name", o.name}, {"expression", o.expression}, {"commutative", o.commutative},
                       {"nonzero_b", o.nonzero_b}, {"elements", o.elements}});
  return {{"run_schema", kRunSchema},
          {"fields", field_rows_json(field_specs(), config_to_json(Config{}))},
          {"presets", list},
          {"ops", op_list}};
}

}  // namespace grok
