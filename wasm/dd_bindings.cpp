// The double-descent part of the wasm module: a thin embind layer over core double_descent/sweep.h, no logic of
// its own. JSON strings cross the boundary (one call per model size, so the cost is negligible).
//   const s = new m.DDSession(); s.init(json)  -> "" or an error naming the field (partial config
//                                                 over the preset of json.experiment)
//   s.header() -> the result without points (config, model_sizes, theory, curves)
//   s.step() -> false once done;  s.pointsSince(i) -> JSON array;  s.workFraction(); s.done()
//   s.resultJson() -> the whole grok-dd/1 file
#include <emscripten/bind.h>

#include <memory>
#include <string>

#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/sweep.h"

namespace {
using nlohmann::json;

class DDSession {
 public:
  std::string init(const std::string& config_json) {
    const json j = json::parse(config_json, nullptr, false);
    if (j.is_discarded()) return "config: not valid JSON";
    grok::DDConfig c;
    std::string err = grok::dd_resolve_config(j, c);
    if (!err.empty()) return err;
    std::unique_ptr<grok::DDSweep> s;
    err = grok::DDSweep::create(c, s);
    if (!err.empty()) return err;
    sweep_ = std::move(s);
    return "";
  }
  bool step() { return sweep_ && sweep_->step(); }
  bool done() const { return !sweep_ || sweep_->done(); }
  double work_fraction() const { return sweep_ ? sweep_->work_fraction() : 0.0; }
  std::string header() const {
    if (!sweep_) return "{}";
    json j = grok::dd_result_to_json(sweep_->result());
    j["points"] = json::array();
    return j.dump();
  }
  std::string points_since(int index) const {
    json out = json::array();
    if (!sweep_) return out.dump();
    const auto& points = sweep_->result().points;
    for (size_t i = size_t(index < 0 ? 0 : index); i < points.size(); ++i) out.push_back(grok::dd_point_to_json(points[i]));
    return out.dump();
  }
  std::string result_json() const { return sweep_ ? grok::dd_result_to_json(sweep_->result()).dump() : "{}"; }

 private:
  std::unique_ptr<grok::DDSweep> sweep_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(dd) {
  emscripten::class_<DDSession>("DDSession")
      .constructor<>()
      .function("init", &DDSession::init)
      .function("step", &DDSession::step)
      .function("done", &DDSession::done)
      .function("workFraction", &DDSession::work_fraction)
      .function("header", &DDSession::header)
      .function("pointsSince", &DDSession::points_since)
      .function("resultJson", &DDSession::result_json);
}
