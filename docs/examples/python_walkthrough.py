"""The walk-through of docs/python.md, as one script: trains the browser preset, plots its curves
and weight norm, sweeps weight decay, and writes the figure docs/figures/python-walkthrough.png.
    PYTHONPATH=build/python /usr/bin/python3 docs/examples/python_walkthrough.py
"""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

import grokking_lab as gl

# 1. One run: memorize, plateau, grok. The run file opens in the page (index.html?run=...).
run = gl.train(preset="browser", seed=0, progress=False)
run.save("build/browser-seed0.json")
print(run)
m = run.metrics

# 2. Weight decay decides when (and whether) it groks: 3 values x 2 seeds, both cores.
rows = gl.sweep(grid={"weight_decay": [0.5, 2, 8]}, seeds=2, preset="browser", out="build/wd-sweep",
                progress=False)
print(rows[["weight_decay", "seed", "memorize_step", "grok_step", "final_test_acc"]])

fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 3.6))
ax1.plot(m["step"], m["train_acc"], label="train")
ax1.plot(m["step"], m["test_acc"], label="test")
ax1.set(xscale="log", xlabel="step", ylabel="accuracy", title="browser preset, seed 0")
ax1.legend()
ax2.plot(m["step"], m["weight_norm"], color="tab:green")
ax2.set(xscale="log", xlabel="step", ylabel="total weight norm", title="weight norm (the same run)")
for seed, g in rows.groupby("seed"):
    ax3.plot(g["weight_decay"], g["grok_step"], "o-", label=f"seed {seed}")
never = rows[rows["grok_step"].isna()]  # too much decay: neither memorizes nor groks in the run
ax3.plot(never["weight_decay"], never["steps"], "x", color="black", label="never grokked")
ax3.set(xscale="log", xlabel="weight decay", ylabel="grok step (test acc >= 99%)", title="gl.sweep over weight decay")
ax3.legend()
fig.tight_layout()
fig.savefig("docs/figures/python-walkthrough.png", dpi=110)
