#include "field_flags.h"

#include "grok/grokking/presets.h"
#include "run_io.h"

namespace grok_cli {
namespace {

const char* type_name(const grok::FieldSpec& f) {
  switch (f.kind) {
    case grok::FieldSpec::Kind::Int: return "INT";
    case grok::FieldSpec::Kind::Real: return "NUM";
    case grok::FieldSpec::Kind::Choice: return "NAME";
    case grok::FieldSpec::Kind::Bool: return "[BOOL]";
  }
  return "";
}

}  // namespace

void add_field_flags(CLI::App& app, const std::vector<grok::FieldSpec>& specs, const std::string& group,
                     FieldValues& values, const std::function<std::string(const grok::FieldSpec&)>& default_text) {
  for (const auto& f : specs) {
    const std::string name = f.name;
    const bool is_bool = f.kind == grok::FieldSpec::Kind::Bool;
    const std::string help = std::string(f.help) + " (default " + default_text(f) + "; " + grok::range_text(f) + ")";
    CLI::Option* opt = app.add_option_function<std::string>(
        "--" + grok::kebab(f.name),
        [&values, name, is_bool](const std::string& v) { values[name] = is_bool && v.empty() ? "true" : v; }, help);
    // A later flag overrides an earlier one; `--stop-at-grok` alone means true, `--stop-at-grok=false` works too.
    opt->group(group)->type_name(type_name(f))->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (is_bool) opt->expected(0, 1);
  }
}

CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target, double lo, double hi,
                               bool lo_closed, const std::string& help) {
  const std::string range = std::string(lo_closed ? "[" : "(") + grok::format_number(lo) + ", " + grok::format_number(hi) + "]";
  return app
      .add_option_function<std::string>(
          name,
          [&target](const std::string& v) { grok::parse_number(v, target); },  // checked below, before this runs
          help + " " + range)
      ->check(CLI::Validator(
          [=](std::string& v) -> std::string {
            double x;
            if (grok::parse_number(v, x) && (lo_closed ? x >= lo : x > lo) && x <= hi) return "";
            return "'" + v + "' is not a number in " + range;
          },
          ""));
}

std::string flag_error(const grok::FieldSpec& f, const std::string& text) {
  return "--" + grok::kebab(f.name) + ": '" + text + "' is not " + grok::range_text(f);
}

std::string as_flag_message(const std::vector<grok::FieldSpec>& specs, const std::string& message) {
  const size_t colon = message.find(':');
  const grok::FieldSpec* f = colon == std::string::npos ? nullptr : grok::find_field_in(specs, message.substr(0, colon));
  return f ? "--" + grok::kebab(f->name) + message.substr(colon) : message;
}

std::vector<std::string> ConfigFlags::given_fields() const {
  std::vector<std::string> out;
  for (const auto& f : grok::field_specs())
    if (values.count(f.name)) out.push_back(f.name);
  return out;
}

void add_config_flags(CLI::App& app, ConfigFlags& flags) {
  const std::string group = "Config (defaults are the built-in ones; a --preset replaces them)";
  app.add_option("--preset", flags.preset, "start from a preset: " + grok::preset_names())
      ->type_name("NAME")->group(group)
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            return v.empty() ? "an empty name is not a preset (one of " + grok::preset_names() + ")" : "";
          },
          ""));
  app.add_option("--config", flags.config_file,
                 "JSON file of config fields, or a run file (its config is used); flags override it")
      ->type_name("FILE")->group(group);
  const grok::Config defaults;
  add_field_flags(app, grok::field_specs(), group, flags.values,
                  [&defaults](const grok::FieldSpec& f) { return grok::get_field_string(defaults, f); });
}

std::string apply_field_flags(const ConfigFlags& flags, grok::Config& c) {
  for (const auto& name : flags.given_fields()) {
    const grok::FieldSpec* f = grok::find_field(name);
    const std::string& text = flags.values.at(name);
    if (!grok::set_field_from_string(c, *f, text).empty()) return flag_error(*f, text);
  }
  return grok::validate(c);
}

std::string resolve_config(const ConfigFlags& flags, grok::Config& out) {
  grok::Config c;
  if (!flags.preset.empty()) {
    const grok::Preset* p = grok::find_preset(flags.preset);
    if (!p) return "--preset: unknown preset '" + flags.preset + "' (one of " + grok::preset_names() + ")";
    c = p->config;
  }
  if (!flags.config_file.empty()) {
    std::string text;
    std::string err = read_file(flags.config_file, text);
    if (!err.empty()) return "--config " + err;
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return "--config " + flags.config_file + ": not valid JSON";
    // Accept a bare config object or a whole run file's "config".
    const nlohmann::json& cj = j.is_object() && j.contains("schema") && j.contains("config") ? j["config"] : j;
    err = grok::config_from_json(cj, c);
    if (!err.empty()) return "--config " + flags.config_file + ": " + err;
  }
  const std::string err = apply_field_flags(flags, c);
  if (!err.empty()) return err;
  out = c;
  return "";
}

}  // namespace grok_cli
