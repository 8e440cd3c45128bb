// The one place that knows every model: builds the one a config describes. Above the models (it
// includes them all), below the trainer.
#pragma once
#include <memory>
#include <string>

#include "grok/grokking/config.h"
#include "grok/grokking/models/model.h"

namespace grok {

// Builds and initializes the model described by `config` (seeded: same seed, same weights on every
// platform). Returns "" or an error naming the field.
template <class S>
std::string make_model(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out);

}  // namespace grok
