// grokking_lab._core: a thin pybind11 layer over the core (and the CLI's file layer for run files,
// checkpoints and sweep plans), no logic of its own. Structured data crosses as JSON text, which the
// Python package (grokking_lab/) turns into dicts and DataFrames; errors are the core's own
// messages, raised as ValueError. Training releases the GIL, so notebooks stay responsive and
// sweeps run one trainer per thread.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "field_flags.h"
#include "grok/double_descent/config.h"
#include "grok/double_descent/result_file.h"
#include "grok/double_descent/schema.h"
#include "grok/double_descent/sweep.h"
#include "grok/grokking/checkpoint.h"
#include "grok/grokking/presets.h"
#include "grok/grokking/run_file.h"
#include "grok/grokking/schema.h"
#include "grok/grokking/sweep.h"
#include "grok/grokking/trainer.h"
#include "run_io.h"
#include "sweep_summary.h"

namespace py = pybind11;
using nlohmann::json;

namespace {

void check(const std::string& err) {
  if (!err.empty()) throw py::value_error(err);
}

json parse_json(const std::string& text, const char* what) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw py::value_error(std::string(what) + ": not valid JSON");
  return j;
}

// A keyword argument as the JSON value the field table reads: bool before int (a Python bool is an
// int), anything with __index__ (numpy integers) as an integer, __float__ (numpy floats) as a
// number. NaN and infinities pass through so the field table names them ("lr: 'nan' is not a ...").
json field_value(const std::string& name, const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::hasattr(v, "__index__")) {
    const py::int_ i = py::reinterpret_steal<py::int_>(PyNumber_Index(v.ptr()));
    if (!i) throw py::error_already_set();
    long long x = 0;
    try {
      x = i.cast<long long>();
    } catch (const py::cast_error&) {
      throw py::value_error(name + ": " + py::str(v).cast<std::string>() + " is far out of range");
    }
    return x;
  }
  if (py::hasattr(v, "__float__")) return PyFloat_AsDouble(v.ptr());
  throw py::type_error(name + ": expected a number, a string or a bool, not " +
                       py::str(v.get_type().attr("__name__")).cast<std::string>());
}

json fields_json(const py::dict& fields) {
  json j = json::object();
  for (const auto& [k, v] : fields) {
    const std::string name = py::str(k).cast<std::string>();
    j[name] = field_value(name, v);
  }
  return j;
}

// The config of train(preset, config, **fields): the preset's (or the defaults), then a config
// object or a run file's config, then the fields, each checked by the field table. Not validated
// as a whole (in a sweep, a swept field may be what makes it valid).
grok::Config config_over(const std::string& preset, const std::string& base_json, const py::dict& fields) {
  grok::Config c;
  if (!preset.empty()) {
    const grok::Preset* p = grok::find_preset(preset);
    if (!p) throw py::value_error("preset: unknown preset '" + preset + "' (one of " + grok::preset_names() + ")");
    c = p->config;
  }
  if (!base_json.empty()) {
    const json j = parse_json(base_json, "config");
    const json& cj = j.is_object() && j.contains("schema") && j.contains("config") ? j["config"] : j;
    check(grok::config_from_json(cj, c));
  }
  check(grok::config_from_json(fields_json(fields), c));
  return c;
}

std::string resolve_config(const std::string& preset, const std::string& base_json, const py::dict& fields) {
  const grok::Config c = config_over(preset, base_json, fields);
  check(grok::validate(c));
  return grok::config_to_json(c).dump();
}

std::string resolve_dd_config(const std::string& experiment, const py::dict& fields) {
  json j = fields_json(fields);
  j["experiment"] = experiment;
  grok::DDConfig c;
  check(grok::dd_resolve_config(j, c));
  return grok::dd_config_to_json(c).dump();
}

// A run in the making: what `grok train` drives, one step at a time, so a stop request (Ctrl-C in
// the notebook, checked by the Python side between chunks) lands on a step boundary and metrics fall
// on the same steps as the CLI's (same seed, same run file).
class PyTrainer {
 public:
  explicit PyTrainer(const std::string& config_json) {
    grok::Config c;
    check(grok::config_from_json(parse_json(config_json, "config"), c));
    check(grok::Trainer::create(c, trainer_));
  }
  explicit PyTrainer(std::unique_ptr<grok::Trainer> t) : trainer_(std::move(t)) {}

  // `grok train --resume PATH` in-process: the run file and its checkpoint into a trainer.
  static PyTrainer resume(const std::string& run_path) {
    std::unique_ptr<grok::Trainer> t;
    bool complete = true;
    check(grok_cli::load_for_resume(run_path, grok_cli::ConfigFlags{}, t, complete));
    return PyTrainer(std::move(t));
  }

  // Up to max_steps steps or until max_seconds have passed, whichever is first (at least one step
  // unless finished). The first call also makes the step-0 evaluation. Returns the steps run.
  long run(long max_steps, double max_seconds) {
    py::gil_scoped_release free;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    if (!started_) {
      trainer_->run(0);
      started_ = true;
    }
    long done = 0;
    while (done < max_steps && !trainer_->finished()) {
      done += trainer_->run(1);
      if (std::chrono::duration<double>(Clock::now() - start).count() >= max_seconds) break;
    }
    return done;
  }

  bool finished() const { return trainer_->finished(); }
  long steps_done() const { return trainer_->steps_done(); }
  long total_steps() const { return grok::run_steps(trainer_->config()); }

  std::string metrics_json(size_t since) const {
    json out = json::array();
    const auto& m = trainer_->metrics();
    for (size_t i = since; i < m.size(); ++i) out.push_back(grok::metric_to_json(m[i]));
    return out.dump();
  }
  std::string run_json() {
    trainer_->refresh_circuit();  // as a saved run file: restricted loss against the latest frequencies
    return grok::run_to_json(grok::run_from_trainer(*trainer_, trainer_->finished())).dump();
  }
  std::string config_json() const { return grok::config_to_json(trainer_->config()).dump(); }

  // Every tensor by its run-file name, as a float32 array of its shape (a copy: the trainer owns
  // its buffer and keeps training).
  py::dict params() {
    py::dict out;
    const grok::Params& p = trainer_->model().params();
    for (const auto& info : p.info) {
      py::array_t<float, py::array::f_style> a({info.rows, info.cols});
      std::copy(p.value.data() + info.offset, p.value.data() + info.offset + info.size(), a.mutable_data());
      out[py::str(info.name)] = info.cols == 1 ? a.attr("reshape")(info.rows) : py::object(a);
    }
    return out;
  }

  // The run file and its checkpoint, as `grok train` writes them (the checkpoint first, each
  // atomically), so `grok train --resume PATH` or Trainer.resume continues it.
  void save(const std::string& path) {
    grok_cli::OutputLock lock;
    check(lock.acquire(path));
    check(grok_cli::save_run(path, *trainer_, trainer_->finished()));
  }

  std::string param_hash() const { return std::to_string(trainer_->model().params().hash()); }
  std::string split_hash() const {
    return trainer_->dense() ? "" : std::to_string(grok::split_hash(trainer_->data()));
  }

 private:
  std::unique_ptr<grok::Trainer> trainer_;
  bool started_ = false;
};

// A run file checked by the core's reader and written back canonically (what the page replays).
std::string load_run(const std::string& path) {
  grok::RunData run;
  check(grok_cli::read_run_file(path, run));
  return grok::run_to_json(run).dump();
}

// The sweep directory's plan (DIR/plan.json, the same as `grok sweep` writes) and its runs:
// [{index, file, path, values, seed, config, state}], state missing | partial | complete.
std::string sweep_plan(std::string dir, const std::string& preset, const std::string& base_json,
                       const py::dict& fields, const std::vector<std::string>& grid,
                       const std::vector<uint64_t>& seeds) {
  const grok::Config base = config_over(preset, base_json, fields);
  std::vector<grok::GridAxis> axes;
  for (const auto& spec : grid) {
    grok::GridAxis axis;
    check(grok::parse_grid(spec, axis));
    axes.push_back(std::move(axis));
  }
  if (seeds.empty()) throw py::value_error("seeds: give at least one seed");
  grok::SweepPlan plan;
  check(grok::make_plan(preset, base, axes, seeds, plan));
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  check(grok_cli::make_dirs(dir));
  check(grok_cli::adopt_plan(dir, plan));
  json out = json::array();
  for (const auto& r : plan.runs) {
    grok_cli::RunState state;
    check(grok_cli::run_state(dir, r, state));
    json values = json::object();
    for (size_t a = 0; a < plan.axes.size(); ++a) values[plan.axes[a].field] = r.values[a];
    out.push_back({{"index", r.index}, {"file", r.file}, {"path", grok_cli::run_path(dir, r)},
                   {"values", values}, {"seed", r.seed}, {"config", grok::config_to_json(r.config)},
                   {"state", state == grok_cli::RunState::Complete ? "complete"
                             : state == grok_cli::RunState::Partial ? "partial" : "missing"}});
  }
  return out.dump();
}

// DIR/summary.json from what is on disk (as `grok sweep-merge DIR`), written and returned.
std::string sweep_summary(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  grok::SweepPlan plan;
  check(grok_cli::read_plan(dir, plan));
  json summary;
  check(grok_cli::build_summary(dir, plan, summary));
  check(grok_cli::write_file_atomic(grok_cli::summary_path(dir), summary.dump(2) + "\n"));
  return summary.dump();
}

// A double-descent sweep, one model size per step() (the GIL released while it computes).
class PyDDSweep {
 public:
  explicit PyDDSweep(const std::string& config_json, double cache_megabytes) {
    grok::DDConfig c;
    check(grok::dd_resolve_config(parse_json(config_json, "config"), c));
    check(grok::DDSweep::create(c, sweep_, cache_megabytes));
  }
  bool step() {
    py::gil_scoped_release free;
    return sweep_->step();
  }
  bool done() const { return sweep_->done(); }
  double work_fraction() const { return sweep_->work_fraction(); }
  std::string result_json() const { return grok::dd_result_to_json(sweep_->result()).dump(); }
  // `grok double-descent --out`: the grok-dd/1 file the page replays.
  void save(const std::string& path) const {
    check(grok_cli::write_file_atomic(path, grok::dd_result_to_json(sweep_->result()).dump() + "\n"));
  }

 private:
  std::unique_ptr<grok::DDSweep> sweep_;
};

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "grokking-lab's C++ core (use the grokking_lab package, not this module)";
  m.def("schema_json", [] { return grok::schema_json().dump(); });
  m.def("dd_schema_json", [] { return grok::dd_schema_json().dump(); });
  m.def("resolve_config", &resolve_config, py::arg("preset"), py::arg("base_json"), py::arg("fields"));
  m.def("resolve_dd_config", &resolve_dd_config, py::arg("experiment"), py::arg("fields"));
  m.def("load_run", &load_run, py::arg("path"));
  m.def("sweep_plan", &sweep_plan, py::arg("dir"), py::arg("preset"), py::arg("base_json"), py::arg("fields"),
        py::arg("grid"), py::arg("seeds"));
  m.def("sweep_summary", &sweep_summary, py::arg("dir"));
  py::class_<PyTrainer>(m, "Trainer")
      .def(py::init<const std::string&>(), py::arg("config_json"))
      .def_static("resume", &PyTrainer::resume, py::arg("run_path"))
      .def("run", &PyTrainer::run, py::arg("max_steps"), py::arg("max_seconds"))
      .def("finished", &PyTrainer::finished)
      .def("steps_done", &PyTrainer::steps_done)
      .def("total_steps", &PyTrainer::total_steps)
      .def("metrics_json", &PyTrainer::metrics_json, py::arg("since") = 0)
      .def("run_json", &PyTrainer::run_json)
      .def("config_json", &PyTrainer::config_json)
      .def("params", &PyTrainer::params)
      .def("save", &PyTrainer::save, py::arg("path"))
      .def("param_hash", &PyTrainer::param_hash)
      .def("split_hash", &PyTrainer::split_hash);
  py::class_<PyDDSweep>(m, "DDSweep")
      .def(py::init<const std::string&, double>(), py::arg("config_json"), py::arg("cache_megabytes"))
      .def("step", &PyDDSweep::step)
      .def("done", &PyDDSweep::done)
      .def("work_fraction", &PyDDSweep::work_fraction)
      .def("result_json", &PyDDSweep::result_json)
      .def("save", &PyDDSweep::save, py::arg("path"));
}
