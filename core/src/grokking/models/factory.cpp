#include "grok/grokking/models/factory.h"

#include "grok/grokking/models/token_mlp.h"
#include "grok/grokking/models/transformer/transformer.h"

namespace grok {

template <class S>
std::string make_model(const Config& config, const Dataset& data, std::unique_ptr<ModelT<S>>& out) {
  const std::string err = validate(config);
  if (!err.empty()) return err;
  if (config.model == "mlp") {
    out = std::make_unique<MlpModel<S>>(config, data);
    return "";
  }
  return make_transformer<S>(config, data, out);
}

template std::string make_model<float>(const Config&, const Dataset&, std::unique_ptr<ModelT<float>>&);
template std::string make_model<double>(const Config&, const Dataset&, std::unique_ptr<ModelT<double>>&);

}  // namespace grok
