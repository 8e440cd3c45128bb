// Field tables on the command line: one flag per row (kebab-case), built by one function for every
// table (the grokking Config of `train` and `sweep`, the DDConfig of `double-descent`). Values stay
// text until the core's setter checks them, so the CLI, config files, run files and the page share
// one parser and one message. For the grokking config there are also --preset and --config
// file.json; precedence: defaults < preset < config file < flags.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "grok/common/field_table.h"
#include "grok/grokking/config.h"

namespace grok_cli {

// Text given per field (snake_case name -> text); a bool flag given alone is "true".
using FieldValues = std::map<std::string, std::string>;

// Adds one flag per row to `app` in `group`, storing into `values`. Help reads
// "<help> (default <default_text(row)>; <range text>)".
void add_field_flags(CLI::App& app, const std::vector<grok::FieldSpec>& specs, const std::string& group,
                     FieldValues& values, const std::function<std::string(const grok::FieldSpec&)>& default_text);

// "--train-fraction: '1.5' is not a number in (0, 1)": a core message about a field, with the flag as the name.
std::string flag_error(const grok::FieldSpec& f, const std::string& text);
// A core message "<field>: ..." with the field's flag in place of its name (when it names a field).
std::string as_flag_message(const std::vector<grok::FieldSpec>& specs, const std::string& message);

// The CLI's own numbers (--save-every, --log-every, --cache-mb) follow the field table's rules: the
// one number parser (finite, normal, decimal) and a stated range, lo < value <= hi (lo <= value when
// `lo_closed`). "--save-every: 'nan' is not a number in (0, 86400]" at parse time, never a silent
// "off" or a clamp.
CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target, double lo, double hi,
                               bool lo_closed, const std::string& help);

struct ConfigFlags {
  std::string preset;
  std::string config_file;
  FieldValues values;  // field name -> text given on the command line

  // Field names (snake_case) given as flags, in field-table order.
  std::vector<std::string> given_fields() const;
};

// Adds --preset, --config and every grokking field flag to `app`, storing into `flags`.
void add_config_flags(CLI::App& app, ConfigFlags& flags);
// Resolves the final config; returns "" or a clear message naming the flag/field.
std::string resolve_config(const ConfigFlags& flags, grok::Config& out);
// Applies only the field flags over `c` (no preset, no file) and validates.
std::string apply_field_flags(const ConfigFlags& flags, grok::Config& c);

}  // namespace grok_cli
