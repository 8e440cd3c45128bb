// Presets of grokking runs, defined once: each is a base config with its source. The CLI's --preset,
// the page's preset menu, the docs' tables and the tests all read this list.
#pragma once
#include <string>
#include <vector>

#include "grok/grokking/config.h"

namespace grok {

struct Preset {
  std::string name;
  std::string description;
  Config config;
};
const std::vector<Preset>& presets();
const Preset* find_preset(const std::string& name);
std::string preset_names();  // "browser, nanda2023, ..."

// Settings as a page address gives them: `preset` names the base (an unknown one falls back to
// `default_preset`, with a notice), every other key is a field applied over it (apply_text_settings);
// keys in `skip` belong to the page. The config is not validated for combinations (p prime, ...):
// building the run does that.
struct PresetSettings {
  std::string preset;
  Config config;
  std::vector<SettingNotice> notices;
};
PresetSettings settings_from_params(const TextPairs& params, const std::string& default_preset,
                                    const std::vector<std::string>& skip = {});
// The address of a config: its preset, then every field that differs from the preset.
TextPairs params_from_settings(const std::string& preset, const Config& c);

}  // namespace grok
