#include "train_args.h"

#include "grok/grokking/presets.h"

namespace grok_cli {

std::vector<std::string> train_args(const grok::SweepPlan& plan, const grok::PlannedRun& run, const std::string& run_path) {
  std::vector<std::string> args = {"train"};
  grok::Config reference;
  if (!plan.preset.empty()) {
    args.push_back("--preset");
    args.push_back(plan.preset);
    reference = grok::find_preset(plan.preset)->config;
  }
  for (const auto& f : grok::field_specs()) {
    bool always = std::string(f.name) == "seed";
    for (const auto& a : plan.axes) always = always || a.field == f.name;
    const std::string v = grok::get_field_string(run.config, f);
    if (always || v != grok::get_field_string(reference, f)) {
      if (f.kind == grok::FieldSpec::Kind::Bool) {
        args.push_back("--" + grok::kebab(f.name) + "=" + v);
      } else {
        args.push_back("--" + grok::kebab(f.name));
        args.push_back(v);
      }
    }
  }
  args.push_back("--out");
  args.push_back(run_path);
  args.push_back("--continue");
  return args;
}

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789_./=:,+-@%") == std::string::npos)
    return word;
  std::string out = "'";
  for (char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace grok_cli
