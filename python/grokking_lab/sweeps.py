"""Many runs: sweep() over a grid of fields (the same directory, plan and summary.json as
`grok sweep`), and double_descent() (the closed-form experiments of `grok double-descent`)."""
import concurrent.futures
import json
import os
import tempfile
import threading
import time
import warnings

from . import _core
from .progress import Progress, pandas
from .runs import CHUNK_SECONDS, _config_text


def _axis_spec(field, values):
    """{"weight_decay": [0.1, 1]} -> "weight_decay=0.1,1"; a string is a spec as --grid takes it
    ("0.1:1:5", "1e-4:1e-2:3:log")."""
    if isinstance(values, str):
        return f"{field}={values}"
    def text(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return repr(v) if isinstance(v, float) else str(v)
    return f"{field}={','.join(text(v) for v in values)}"


def _seed_list(seeds, base_seed):
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds: {seeds} runs per grid point; give 1 or more (or a list of seeds)")
        return [base_seed + i for i in range(seeds)]
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: give at least one seed")
    return seeds


def _train_one(run, stop, save_every):
    """One planned run, as `grok train --continue` does it: a partial run resumes, a missing one
    starts; saved every save_every seconds and when it ends or is stopped."""
    t = _core.Trainer.resume(run["path"]) if run["state"] == "partial" else _core.Trainer(json.dumps(run["config"]))
    last_save = time.monotonic()
    while not t.finished() and not stop.is_set():
        t.run(1 << 30, CHUNK_SECONDS)
        if time.monotonic() - last_save >= save_every:
            t.save(run["path"])
            last_save = time.monotonic()
    t.save(run["path"])
    return t.finished()


def _rows_frame(summary):
    rows = []
    for r in summary.get("rows", []):
        row = dict(r.get("values", {}))
        row.update({k: v for k, v in r.items() if k != "values"})
        rows.append(row)
    frame = pandas().DataFrame.from_records(rows)
    frame.attrs["summary"] = {k: v for k, v in summary.items() if k != "rows"}
    return frame


def sweep(grid, seeds=1, jobs=None, preset=None, config=None, out=None, progress=True, callback=None,
          save_every=30.0, **fields):
    """Runs every grid point x seed and returns summary.json's rows as a DataFrame (one row per
    finished run: the swept values, seed, memorize_step, grok_step, final accuracies, ...).

    grid: {field: [values] or "a:b:n[:log]"}; seeds: runs per point (seeds seed, seed+1, ...) or a
    list; jobs: runs at once (default: every core; one thread each, the GIL released). out: the
    sweep directory (default a new temporary one; frame.attrs["summary"]["dir"] says which). Runs
    already complete there are skipped and partial ones resume, so calling it again finishes a
    stopped sweep; `grok sweep-merge DIR` and the page read the same files. Ctrl-C stops every run
    after its current chunk, saves it, and returns what is complete."""
    if not isinstance(grid, dict) or not grid:
        raise ValueError("grid: give {field: [values] or 'a:b:n'}, at least one field")
    for field in grid:
        if field in fields:
            raise ValueError(f"{field} is fixed by a keyword and also swept by grid; give one of them")
    base_seed = int(fields.get("seed", 0))
    seed_list = _seed_list(seeds, base_seed)
    out = os.fspath(out) if out is not None else tempfile.mkdtemp(prefix="grok-sweep-")
    plan = json.loads(_core.sweep_plan(out, preset or "", _config_text(config), fields,
                                       [_axis_spec(f, v) for f, v in grid.items()], seed_list))
    todo = [r for r in plan if r["state"] != "complete"]
    jobs = max(1, min(int(jobs or os.cpu_count() or 1), max(1, len(todo))))
    stop = threading.Event()
    bar = Progress(len(plan), "run", "sweep", progress, callback)
    finished = len(plan) - len(todo)
    bar.update(finished, runs_done=finished, runs_total=len(plan))
    interrupted = False
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        pending = {pool.submit(_train_one, r, stop, save_every) for r in todo}
        try:
            while pending:
                done, pending = concurrent.futures.wait(pending, timeout=0.2,
                                                        return_when=concurrent.futures.FIRST_COMPLETED)
                for f in done:
                    f.result()  # a failed run raises here, with the core's message
                    finished += 1
                    bar.update(finished, runs_done=finished, runs_total=len(plan))
        except KeyboardInterrupt:
            interrupted = True
            stop.set()
            for f in pending:
                f.cancel()
            concurrent.futures.wait(pending)
        except BaseException:
            stop.set()
            raise
        finally:
            bar.close()
    summary = json.loads(_core.sweep_summary(out))
    summary["dir"] = out
    if interrupted:
        warnings.warn(f"interrupted: {summary['runs_complete']} of {summary['runs_total']} runs complete, "
                      f"the others saved; call sweep() again with out={out!r} to finish", stacklevel=2)
    return _rows_frame(summary)


def dd_schema():
    """The double-descent field table and experiments: {fields, presets, dd_schema}."""
    return json.loads(_core.dd_schema_json())


def double_descent(experiment="linear", progress=True, callback=None, out=None, cache_mb=32, **fields):
    """A double-descent sweep over model size (or training-set size with axis="samples") and returns
    one row per size: p, n, test_mse_median and quartiles, train MSE, coefficient norm, effective
    parameters, theory (linear). frame.attrs["result"] holds the rest of the grok-dd/1 result.
    experiment: linear | relu | legendre; every other field a keyword (`grok double-descent --help`).
    out=PATH writes the grok-dd/1 file the page replays (after every size). Ctrl-C keeps the sizes done."""
    config = _core.resolve_dd_config(experiment, fields)
    s = _core.DDSweep(config, float(cache_mb))
    bar = Progress(1000, "‰", f"double descent ({experiment})", progress, callback)
    try:
        while s.step():
            result = json.loads(s.result_json())
            point = result["points"][-1]
            bar.update(int(1000 * s.work_fraction()), {"p": point["p"], "n": point["n"]},
                       fraction=s.work_fraction(), point=point)
            if out is not None:
                s.save(os.fspath(out))
    except KeyboardInterrupt:
        warnings.warn("interrupted: the result holds the sizes done so far", stacklevel=2)
    finally:
        bar.close()
    if out is not None:
        s.save(os.fspath(out))
    result = json.loads(s.result_json())
    frame = pandas().DataFrame.from_records(result.get("points", []))
    frame.attrs["result"] = {k: v for k, v in result.items() if k != "points"}
    return frame
