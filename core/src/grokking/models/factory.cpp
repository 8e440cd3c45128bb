#include "grok/grokking/models/factory.h"

#include "grok/grokking/models/feature_mlp.h"
#include "grok/grokking/models/token_mlp.h"
#include "grok/grokking/models/transformer/transformer.h"

namespace grok {

namespace {
// Omnigrok's alpha: the usual init, then every parameter times init_scale (1 leaves it bit for bit).
template <class S>
void scale_init(const Config& config, ModelT<S>& m) {
  if (config.init_scale == 1.0) return;
  const S scale = static_cast<S>(config.init_scale);
  for (auto& v : m.params().value) v *= scale;
}
}  // namespace

template <class S>
std::string make_model(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out) {
  const std::string err = validate(config);
  if (!err.empty()) return err;
  if (dense_dataset(config)) return "dataset: " + config.dataset + " has dense features, not token pairs";
  if (config.model == "mlp") out = std::make_unique<MlpModel<S>>(config, data);
  else {
    const std::string terr = make_transformer<S>(config, data, out);
    if (!terr.empty()) return terr;
  }
  scale_init(config, *out);
  return "";
}

template <class S>
std::string make_feature_model(const Config& config, int in_dim, int classes, std::unique_ptr<ModelT<S>>& out) {
  const std::string err = validate(config);
  if (!err.empty()) return err;
  if (config.model != "mlp") return "model: " + config.model + " reads token pairs; dense features need model mlp";
  out = std::make_unique<FeatureMlp<S>>(config, in_dim, classes);
  scale_init(config, *out);
  return "";
}

template std::string make_model<float>(const Config&, const Dataset&, std::unique_ptr<ModelT<float>>&);
template std::string make_model<double>(const Config&, const Dataset&, std::unique_ptr<ModelT<double>>&);
template std::string make_feature_model<float>(const Config&, int, int, std::unique_ptr<ModelT<float>>&);
template std::string make_feature_model<double>(const Config&, int, int, std::unique_ptr<ModelT<double>>&);

}  // namespace grok
