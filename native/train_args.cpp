#include "train_args.h"

#include "grok/grokking/presets.h"

namespace grok_cli {

namespace {

bool is_axis(const grok::SweepPlan& plan, const std::string& field) {
  for (const auto& a : plan.axes)
    if (a.field == field) return true;
  return false;
}

// --preset P and a flag for each field of `config` that differs from P's (or, with `always`, is
// one of the run's own: its grid values and seed); `skip` leaves a field out.
template <class Always, class Skip>
void config_flags(const grok::SweepPlan& plan, const grok::Config& config, Always&& always, Skip&& skip,
                  std::vector<std::string>& args) {
  grok::Config reference;
  if (!plan.preset.empty()) {
    args.push_back("--preset");
    args.push_back(plan.preset);
    reference = grok::find_preset(plan.preset)->config;
  }
  for (const auto& f : grok::field_specs()) {
    if (skip(f.name)) continue;
    const std::string v = grok::get_field_string(config, f);
    if (always(f.name) || v != grok::get_field_string(reference, f)) {
      if (f.kind == grok::FieldSpec::Kind::Bool) {
        args.push_back("--" + grok::kebab(f.name) + "=" + v);
      } else {
        args.push_back("--" + grok::kebab(f.name));
        args.push_back(v);
      }
    }
  }
}

}  // namespace

std::vector<std::string> train_args(const grok::SweepPlan& plan, const grok::PlannedRun& run, const std::string& run_path) {
  std::vector<std::string> args = {"train"};
  config_flags(plan, run.config,
               [&](const std::string& name) { return name == "seed" || is_axis(plan, name); },
               [](const std::string&) { return false; }, args);
  args.push_back("--out");
  args.push_back(run_path);
  args.push_back("--continue");
  return args;
}

std::vector<std::string> sweep_args(const grok::SweepPlan& plan, std::string& error) {
  std::vector<std::string> args = {"sweep"};
  config_flags(plan, plan.base, [](const std::string&) { return false; },
               [&](const std::string& name) { return name == "seed" || is_axis(plan, name); }, args);
  for (const auto& a : plan.axes) {
    args.push_back("--grid");
    args.push_back(a.field + "=" + a.spec);
  }
  error = plan.seeds.empty() ? "the plan has no seeds" : "";
  for (size_t i = 0; i < plan.seeds.size() && error.empty(); ++i)
    if (plan.seeds[i] != plan.seeds[0] + i) error = "the plan's seeds are not consecutive (--seed S --seeds N)";
  if (!plan.seeds.empty()) {
    args.insert(args.end(), {"--seed", std::to_string(plan.seeds[0]), "--seeds", std::to_string(plan.seeds.size())});
  }
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
