"""One run: train(), the step-by-step Trainer, Run (a finished or partial run) and run files."""
import json
import os
import time
import warnings

from . import _core
from .progress import Progress, pandas

CHUNK_SECONDS = 0.25  # longest stretch in C++ between checks for Ctrl-C and progress updates


def schema():
    """The field table and presets as the page and the CLI read them: {fields, presets, ops, run_schema}."""
    return json.loads(_core.schema_json())


def presets():
    """{name: {"description": ..., "config": {...}}} for every preset (`grok train --preset NAME`)."""
    return {p["name"]: {"description": p["description"], "config": p["config"]} for p in schema()["presets"]}


def _config_text(config):
    """config= may be a dict, a JSON file's path (a config or a whole run file) or a Run."""
    if config is None:
        return ""
    if isinstance(config, Run):
        return json.dumps(config.config)
    if isinstance(config, dict):
        return json.dumps(config)
    if isinstance(config, (str, os.PathLike)):
        with open(config, encoding="utf-8") as f:
            return f.read()
    raise TypeError(f"config: expected a dict, a JSON file's path or a Run, not {type(config).__name__}")


def _metrics_frame(metrics):
    frame = pandas().DataFrame.from_records(metrics)
    if "step" in frame:
        frame = frame.astype({"step": "int64"})
    return frame


class Run:
    """A run as its run file holds it (grok-run/1): config and summary (dicts), metrics (a DataFrame,
    one row per evaluation), snapshots (list of dicts: spectra and progress measures)."""

    def __init__(self, data, trainer=None):
        self._data = data
        self._trainer = trainer  # the live trainer when the run came from one: save() writes its checkpoint

    @property
    def config(self):
        return self._data["config"]

    @property
    def summary(self):
        return self._data["summary"]

    @property
    def metrics(self):
        return _metrics_frame(self._data["metrics"])

    @property
    def snapshots(self):
        return self._data.get("snapshots", [])

    @property
    def complete(self):
        return bool(self.summary.get("complete"))

    def to_json(self):
        """The run file's content (a dict)."""
        return self._data

    def save(self, path):
        """Writes the run file (the page replays it: index.html?run=URL or its file picker). A run
        from a trainer also gets its checkpoint, PATH.ckpt, so `grok train --resume PATH` continues it."""
        path = os.fspath(path)
        if self._trainer is not None:
            self._trainer.save(path)
            return path
        tmp = f"{path}.tmp.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._data, f)
            f.write("\n")
        os.replace(tmp, path)
        return path

    def __repr__(self):
        s = self.summary
        events = []
        if s.get("memorize_step") is not None:
            events.append(f"memorized at {s['memorize_step']}")
        if s.get("grok_step") is not None:
            events.append(f"grokked at {s['grok_step']}")
        if s.get("diverged"):
            events.append("diverged")
        state = "complete" if self.complete else "partial"
        return f"<Run {s.get('steps')} steps, {', '.join(events) or 'no events'}, {state}>"


def load_run(path):
    """Reads a run file (checked by the core's reader: a bad one raises ValueError saying what is wrong)."""
    return Run(json.loads(_core.load_run(os.fspath(path))))


class Trainer:
    """A run driven step by step: Trainer(preset=..., config=..., **fields), then step(n) as often as
    wanted; metrics, params (numpy arrays named as in the run file) and run at any time."""

    def __init__(self, preset=None, config=None, **fields):
        self._t = _core.Trainer(_core.resolve_config(preset or "", _config_text(config), fields))
        self._metrics = []

    @classmethod
    def _from_core(cls, core_trainer):
        t = cls.__new__(cls)
        t._t = core_trainer
        t._metrics = []
        return t

    def step(self, n=1, progress=False, callback=None, out=None, save_every=30.0):
        """Trains up to n more steps (fewer if the run finishes). Returns the steps run. Ctrl-C stops
        after the current chunk (a fraction of a second) and keeps what was trained. callback(step=,
        total=, metrics=) is called after each chunk; out= saves the run file every save_every s."""
        n = int(n)
        if n < 0:
            raise ValueError(f"n: {n} is not a number of steps (0 or more)")
        start = self.steps_done
        total = min(self.total_steps, start + n)
        bar = Progress(total, "step", "train", progress, callback)
        bar.update(start)
        last_save = time.monotonic()
        try:
            while self.steps_done - start < n and not self.finished:
                self._t.run(n - (self.steps_done - start), CHUNK_SECONDS)
                new = json.loads(self._t.metrics_json(len(self._metrics)))
                self._metrics.extend(new)
                last = self._metrics[-1] if self._metrics else {}
                bar.update(self.steps_done, {"train": f"{last.get('train_acc', 0):.2f}",
                                             "test": f"{last.get('test_acc', 0):.2f}"},
                           step=self.steps_done, total=self.total_steps, metrics=last)
                if out is not None and time.monotonic() - last_save >= save_every:
                    self.save(out)
                    last_save = time.monotonic()
        except KeyboardInterrupt:
            warnings.warn(f"interrupted at step {self.steps_done}: the trainer keeps what was trained"
                          + (f"; saved {out}" if out is not None else ""), stacklevel=2)
        finally:
            bar.close()
            if out is not None:
                self.save(out)
        return self.steps_done - start

    def train(self, progress=True, callback=None, out=None, save_every=30.0):
        """Trains to the end of the run (config steps, or grokking with stop_at_grok) and returns the Run."""
        self.step(self.total_steps - self.steps_done, progress, callback, out, save_every)
        return self.run

    @property
    def steps_done(self):
        return self._t.steps_done()

    @property
    def total_steps(self):
        return self._t.total_steps()

    @property
    def finished(self):
        return self._t.finished()

    @property
    def config(self):
        return json.loads(self._t.config_json())

    @property
    def metrics(self):
        self._metrics.extend(json.loads(self._t.metrics_json(len(self._metrics))))
        return _metrics_frame(self._metrics)

    @property
    def params(self):
        """{name: float32 array} copies of the weights now (names as in the model: W_E, W_in, ...)."""
        return self._t.params()

    @property
    def run(self):
        """The run so far, as its run file would hold it."""
        return Run(json.loads(self._t.run_json()), trainer=self._t)

    def save(self, path):
        """The run file and its checkpoint (PATH.ckpt), written as `grok train` writes them."""
        self._t.save(os.fspath(path))
        return os.fspath(path)

    def param_hash(self):
        """FNV-1a of the weights: equal across native, wasm and Python for the same seed and step."""
        return self._t.param_hash()

    def split_hash(self):
        """FNV-1a of the train/test split (modular tasks; "" for dense datasets)."""
        return self._t.split_hash()

    def __repr__(self):
        return f"<Trainer step {self.steps_done} of {self.total_steps}{' (finished)' if self.finished else ''}>"


def train(preset=None, config=None, progress=True, callback=None, out=None, save_every=30.0, **fields):
    """Trains one run to its end and returns it: train(preset="browser", seed=1, steps=3000).
    Every config field is a keyword; bad values raise ValueError naming the field and its range.
    out=PATH writes the run file and checkpoint every save_every seconds and at the end (or on Ctrl-C)."""
    return Trainer(preset, config, **fields).train(progress, callback, out, save_every)


def resume(path):
    """A Trainer continuing the run file PATH from its checkpoint (as `grok train --resume PATH`)."""
    return Trainer._from_core(_core.Trainer.resume(os.fspath(path)))
