"""The Python module against the CLI: same seed = same run, the same errors, files that round-trip,
sweeps whose summary equals `grok sweep`'s, Ctrl-C that keeps what was trained.
Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest tests/python (./scripts/test does)."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import grokking_lab as gl

ROOT = Path(__file__).resolve().parents[2]
GROK = str(ROOT / "build" / "native" / "grok")
SMALL = dict(preset="browser", p=23, hidden=32, d_model=16, steps=300, eval_every=25)
TIMING = {"wall_seconds", "ms_per_step", "measures_seconds"}


def cli_train(path, *args):
    subprocess.run([GROK, "train", *args, "--progress", "none", "--out", str(path)], check=True,
                   stderr=subprocess.DEVNULL)
    return json.loads(Path(path).read_text())


def flags(fields):
    out = []
    for k, v in fields.items():
        out += ["--preset", v] if k == "preset" else [f"--{k.replace('_', '-')}", str(v)]
    return out


def untimed(summary):
    return {k: v for k, v in summary.items() if k not in TIMING}


def test_same_seed_same_run_as_the_cli(tmp_path):
    cli = cli_train(tmp_path / "cli.json", *flags(SMALL), "--seed", "3")
    run = gl.train(**SMALL, seed=3, progress=False)
    assert run.config == cli["config"]
    assert run.to_json()["metrics"] == cli["metrics"], "every metric, bit for bit"
    assert run.snapshots == cli["snapshots"]
    assert untimed(run.summary) == untimed(cli["summary"])
    assert run.summary["init_param_hash"] == cli["summary"]["init_param_hash"]
    other = gl.train(**SMALL, seed=4, progress=False)
    assert other.summary["init_param_hash"] != run.summary["init_param_hash"], "the seed matters"


def test_errors_name_the_field_and_range_like_the_cli():
    with pytest.raises(ValueError, match=r"^lr: '2' is not a number in \(0, 1\]$"):
        gl.train(preset="browser", lr=2)
    cli = subprocess.run([GROK, "train", "--preset", "browser", "--lr", "2", "--out", "/dev/null"],
                         capture_output=True, text=True)
    assert "lr: '2' is not a number in (0, 1]" in cli.stderr
    with pytest.raises(ValueError, match=r"lr: 'nan' is not a number"):
        gl.Trainer(lr=float("nan"))
    with pytest.raises(ValueError, match=r"unknown key 'learning_rate'"):
        gl.Trainer(learning_rate=1e-3)
    with pytest.raises(ValueError, match=r"preset: unknown preset 'nope' \(one of browser"):
        gl.Trainer(preset="nope")
    with pytest.raises(ValueError, match=r"^op: .*one of"):
        gl.Trainer(op="pow")
    with pytest.raises(TypeError, match=r"^p: expected a number"):
        gl.Trainer(p=[97])
    with pytest.raises(ValueError, match=r"p: 10000000000000000000000 is far out of range"):
        gl.Trainer(p=10**22)
    with pytest.raises(ValueError, match=r"batch_size: 500 is more than"):
        gl.Trainer(**{**SMALL, "batch_size": 500, "train_fraction": 0.3})
    with pytest.raises(ValueError, match=r"^n: -1 is not"):
        gl.Trainer(**SMALL).step(-1)
    # numpy scalars are numbers like any other
    assert gl.Trainer(**{**SMALL, "p": np.int64(29), "lr": np.float32(0.005)}).config["p"] == 29


def test_stepwise_equals_one_go_and_params_are_named_arrays():
    t = gl.Trainer(**SMALL, seed=1)
    assert t.step(120, progress=False) == 120
    params = t.params
    assert set(params) == {"E_a", "E_b", "W_in_a", "W_in_b", "b_in", "W_out"}
    assert params["W_out"].dtype == np.float32 and params["W_out"].shape == (23, 32)
    assert params["b_in"].shape == (32,)
    t.step(10**6, progress=False)
    assert t.finished and t.steps_done == 300
    assert not np.array_equal(t.params["W_out"], params["W_out"]), "params are a copy of the weights then"
    one = gl.Trainer(**SMALL, seed=1)
    whole = one.train(progress=False)
    assert t.run.to_json()["metrics"] == whole.to_json()["metrics"]
    assert t.param_hash() == one.param_hash(), "the same weights, bit for bit"
    frame = t.metrics
    assert list(frame["step"])[:3] == [0, 1, 2] and frame["step"].is_monotonic_increasing
    assert frame["train_acc"].iloc[-1] == whole.summary["final_train_acc"]


def test_run_files_round_trip_and_the_cli_resumes_them(tmp_path):
    t = gl.Trainer(**SMALL, seed=2)
    t.step(100, progress=False)
    path = t.save(tmp_path / "py.json")
    partial = gl.load_run(path)
    assert not partial.complete and partial.summary["steps"] == 100
    pd.testing.assert_frame_equal(partial.metrics, t.metrics)
    # The CLI resumes the Python run to exactly the CLI's own uninterrupted run.
    subprocess.run([GROK, "train", "--resume", str(path), "--progress", "none"], check=True, stderr=subprocess.DEVNULL)
    cli = cli_train(tmp_path / "cli.json", *flags(SMALL), "--seed", "2")
    resumed = gl.load_run(path)
    assert resumed.complete and resumed.to_json()["metrics"] == cli["metrics"]
    # ... and Python resumes a CLI partial run the same way.
    subprocess.run([GROK, "train", *flags({**SMALL, "steps": 150}), "--seed", "2", "--progress", "none",
                    "--out", str(tmp_path / "half.json")], check=True, stderr=subprocess.DEVNULL)
    r = gl.resume(tmp_path / "half.json")
    assert r.steps_done == 150 and r.finished, "a complete 150-step run is finished"
    # A file that is not a run file says what is wrong.
    (tmp_path / "bad.json").write_text('{"schema": "grok-run/1", "config": {}, "metrics": 3}')
    with pytest.raises(ValueError, match=r"bad.json: run file: metrics must be an array"):
        gl.load_run(tmp_path / "bad.json")
    # A Run without a trainer (loaded) saves its JSON as it is.
    again = gl.load_run(gl.load_run(path).save(tmp_path / "copy.json"))
    assert again.to_json() == resumed.to_json()


def test_progress_callback_and_interrupt_keep_what_was_trained():
    seen = []

    def callback(step, total, metrics):
        seen.append(step)
        if step >= 50:
            raise KeyboardInterrupt  # what Ctrl-C does between chunks
    t = gl.Trainer(**{**SMALL, "steps": 200000})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        t.step(200000, progress=False, callback=callback)
    assert any("interrupted at step" in str(x.message) for x in w)
    assert seen and t.steps_done >= 50 and t.steps_done < 200000
    assert t.metrics["step"].iloc[-1] <= t.steps_done


def test_ctrl_c_in_a_real_process_saves_the_run(tmp_path):
    out = tmp_path / "long.json"
    # A shell that starts jobs in the background without job control hands them SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler: restore what a terminal gives a user.
    script = textwrap.dedent(f"""
        import grokking_lab as gl, signal, sys
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("started", flush=True)
        run = gl.train(preset="browser", steps=10**6, progress=False, out={str(out)!r})
        print("returned", run.summary["steps"], run.complete, flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "build" / "python")}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "interrupted at step" in stderr
    _, steps, complete = stdout.split()
    saved = gl.load_run(out)
    assert complete == "False" and saved.summary["steps"] == int(steps) > 0 and not saved.complete
    assert os.path.exists(str(out) + ".ckpt"), "resumable"


def test_training_releases_the_gil():
    t = gl.Trainer(**{**SMALL, "steps": 3000})
    worker = threading.Thread(target=t.step, args=(3000,), kwargs={"progress": False})
    ticks = 0
    worker.start()
    while worker.is_alive():
        ticks += 1
    assert t.finished
    assert ticks > 100000, f"the main thread ran only {ticks} loops while training"


def test_sweep_rows_equal_the_cli_sweep(tmp_path):
    fixed = dict(p=23, hidden=32, d_model=16, steps=200, eval_every=25)
    rows = gl.sweep(grid={"weight_decay": [0.5, 2.0], "train_fraction": "0.3:0.5:2"}, seeds=2, jobs=2,
                    preset="browser", out=tmp_path / "py", progress=False, **fixed)
    subprocess.run([GROK, "sweep", "--preset", "browser", *flags(fixed), "--grid", "weight_decay=0.5,2",
                    "--grid", "train_fraction=0.3:0.5:2", "--seeds", "2", "-j", "2", "--progress", "none",
                    "--out", str(tmp_path / "cli")], check=True, stderr=subprocess.DEVNULL)
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    py = json.loads((tmp_path / "py" / "summary.json").read_text())
    strip = lambda s: [{k: v for k, v in r.items() if k not in TIMING} for r in s["rows"]]
    assert strip(py) == strip(cli) and len(py["rows"]) == 8
    # The same plan; only each axis's spec keeps its spelling ([0.5, 2.0] is "0.5,2.0", the CLI had "0.5,2").
    head = lambda s: {k: ([{**g, "spec": None} for g in v] if k == "grid" else v) for k, v in s.items() if k != "rows"}
    assert head(py) == head(cli)
    assert len(rows) == 8 and set(rows["weight_decay"]) == {0.5, 2.0} and set(rows["seed"]) == {0, 1}
    assert rows.attrs["summary"]["dir"] == str(tmp_path / "py")
    # Runs of a sweep share the cores: one thread each (threads 0, every core, is a single run's default).
    for d in ("py", "cli"):
        run = next((tmp_path / d).glob("*seed=*.json"))
        assert json.loads(run.read_text())["config"]["threads"] == 1, d
    # Again into the same directory: nothing to do, the same rows; a different grid is refused.
    start = time.monotonic()
    again = gl.sweep(grid={"weight_decay": [0.5, 2.0], "train_fraction": "0.3:0.5:2"}, seeds=2, preset="browser",
                     out=tmp_path / "py", progress=False, **fixed)
    assert time.monotonic() - start < 5
    pd.testing.assert_frame_equal(again.drop(columns=list(TIMING & set(again))), rows.drop(columns=list(TIMING & set(rows))))
    with pytest.raises(ValueError, match="already holds a different sweep"):
        gl.sweep(grid={"weight_decay": [1.0]}, preset="browser", out=tmp_path / "py", progress=False, **fixed)
    with pytest.raises(ValueError, match="fixed by a keyword and also swept"):
        gl.sweep(grid={"steps": [10]}, steps=20, progress=False)
    with pytest.raises(ValueError, match="weight_decay"):
        gl.sweep(grid={"weight_decay": [-1]}, out=tmp_path / "neg", progress=False)


def test_double_descent_equals_the_cli(tmp_path):
    frame = gl.double_descent("linear", progress=False, p_max=60, out=tmp_path / "py-dd.json")
    subprocess.run([GROK, "double-descent", "--experiment", "linear", "--p-max", "60", "--progress", "none",
                    "--out", str(tmp_path / "cli-dd.json")], check=True, stderr=subprocess.DEVNULL)
    cli = json.loads((tmp_path / "cli-dd.json").read_text())
    py = json.loads((tmp_path / "py-dd.json").read_text())
    assert py["points"] == cli["points"]
    assert list(frame["p"]) == [pt["p"] for pt in cli["points"]]
    peak = frame.loc[frame["test_mse_median"].idxmax(), "p"]
    assert peak == frame["n"].iloc[0], "the peak sits at p = n"
    with pytest.raises(ValueError, match=r"noise: .* is not a number in \[0, 100\]"):
        gl.double_descent("linear", noise=-1, progress=False)


def test_schema_and_presets_come_from_the_core():
    s = gl.schema()
    names = {f["name"] for f in s["fields"]}
    assert {"lr", "weight_decay", "p", "seed"} <= names
    assert set(gl.presets()) == {p["name"] for p in s["presets"]}
    assert gl.presets()["browser"]["config"] == gl.Trainer(preset="browser").config
    assert "experiment" in {f["name"] for f in gl.dd_schema()["fields"]} or gl.dd_schema()["presets"]


def test_import_works_in_the_python3_on_path():
    """The acceptance line, `PYTHONPATH=build/python python3 -c "import grokking_lab"`, with whichever
    python3 PATH finds (here a pyenv build without numpy or pandas): importing and training need
    neither; DataFrames say where pandas comes from."""
    import shutil
    python3 = shutil.which("python3")
    script = ("import grokking_lab as gl; r = gl.train(preset='browser', steps=50, progress=False); "
              "print(r.summary['steps'])")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "build" / "python")}
    out = subprocess.run([python3, "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and out.stdout.strip() == "50", out.stderr
