// The one place that knows every model: builds the one a config describes. Above the models (it
// includes them all), below the trainer.
#pragma once
#include <memory>
#include <string>

#include "grok/grokking/config.h"
#include "grok/grokking/models/model.h"

namespace grok {

// Builds and initializes the model described by `config` for token pairs (seeded: same seed, same
// weights on every platform), every parameter then multiplied by init_scale. "" or an error naming the field.
template <class S>
std::string make_model(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out);
// The same for a dense dataset of `in_dim` features and `classes` classes.
template <class S>
std::string make_feature_model(const Config& config, int in_dim, int classes, std::unique_ptr<ModelT<S>>& out);

}  // namespace grok
