"""grokking_lab: grokking and double descent from a notebook, on grokking-lab's C++ core.

    import grokking_lab as gl
    run = gl.train(preset="browser", seed=1)          # a Run: .config, .summary, .metrics (DataFrame)
    run.metrics.plot(x="step", y=["train_acc", "test_acc"], logx=True)
    run.save("browser.json")                          # a grok-run/1 file: the page replays it
    t = gl.Trainer(preset="browser"); t.step(500); t.params["W_E"]   # step by step, numpy weights
    rows = gl.sweep(grid={"weight_decay": [0.3, 1, 3]}, seeds=2, preset="browser", out="wd-sweep")
    dd = gl.double_descent("linear")                  # one row per model size

Every config field is a keyword (snake_case, as in `grok train --help` and `gl.schema()`), checked
by the core's field table: a bad value raises ValueError naming the field and its allowed range.
The same seed gives the same run as `grok train` (and as the page). Training releases the GIL;
Ctrl-C stops between chunks and keeps what was trained. See docs/python.md.
"""
from .runs import Run, Trainer, load_run, presets, resume, schema, train
from .sweeps import double_descent, dd_schema, sweep

__all__ = ["Run", "Trainer", "train", "resume", "load_run", "presets", "schema", "sweep",
           "double_descent", "dd_schema"]
