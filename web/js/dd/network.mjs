// The double-descent page's network experiments (nn-mnist1d): neural networks trained live on a
// pool of workers. The core plans the sweep from the page's dd config (Core.networkPlan: one run per
// width, or training-set size, and seed; core network_dd/plan.h), each worker trains one run at a
// time (common/sweep-worker.mjs answers with the run's summary row), and the core
// turns the finished rows into the curve (Core.networkCurve: medians over seeds, the interpolation
// threshold). The rows' histories give the epoch-wise views, live and replayed. The download is grok-sweep/1, what
// `grok double-descent --experiment nn-mnist1d` (a `grok sweep`) writes, and a summary replays here.
import { WorkerPool, defaultPoolSize } from '../common/worker-pool.mjs';
import { minOf } from '../common/numbers.mjs';

const sizeOf = (axis, config) => (axis === 'hidden' ? config.hidden : config.n_train);

// One run's accuracies over training (its summary row's history: the core keeps up to 128
// evaluations, core grokking/sweep.h) as the epoch-wise views draw them: {index, size, seed} and the
// evaluations in epochs (fractional: the early evaluations are log-spaced steps), test and train
// error. `config` is the run's: the plan's base with the row's values.
export function rowHistory(axis, row, config) {
  const perEpoch = Math.ceil(config.n_train / config.batch_size);
  const h = row.history;
  return { index: row.index, size: sizeOf(axis, config), seed: row.seed, epochs: h.step.map((s) => s / perEpoch),
           test: h.test_acc.map((a) => 1 - a), train: h.train_acc.map((a) => 1 - a) };
}

const medianOf = (values) => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = (v.length - 1) / 2;
  return (v[Math.floor(mid)] + v[Math.ceil(mid)]) / 2;
};

// Per size, the median over its finished seeds at each evaluation: [{size, epochs, test, train}],
// sizes ascending. Runs of one size evaluate at the same steps; a shorter one (none today) would
// cut the curve to the common length.
export function epochCurves(histories) {
  const bySize = new Map();
  for (const h of histories) {
    if (!bySize.has(h.size)) bySize.set(h.size, []);
    bySize.get(h.size).push(h);
  }
  return [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([size, runs]) => {
    const length = minOf(runs.map((r) => r.epochs.length));
    const at = (key) => Array.from({ length }, (_, j) => medianOf(runs.map((r) => r[key][j])));
    return { size, runs: runs.length, epochs: runs[0].epochs.slice(0, length), test: at('test'), train: at('train') };
  });
}

export class NetworkSweep {
  // core: common/core.mjs; onChange(): something to draw (throttled by the caller).
  constructor(core, { onChange = () => {} } = {}) {
    this.core = core;
    this.onChange = onChange;
    this.pool = null;
    this.current = null;
  }

  get workers() { return this.pool?.size ?? defaultPoolSize(); }

  // Plans and starts a sweep: {error} if the core refuses the config, else the sweep (its `done`
  // promise settles once every run has finished or failed, or it was cancelled).
  async start(config) {
    const r = await this.core.networkPlan(config);
    if (r.error) return { error: r.error };
    this.cancel();
    this.pool ??= new WorkerPool(new URL('../common/sweep-worker.mjs', import.meta.url));
    const plan = r.plan;
    const planText = JSON.stringify(plan);
    const axis = plan.grid[0].field;
    // The widest (or largest-n) runs first: they take longest, and a pool that ends on one long run
    // leaves the other workers idle.
    const order = plan.runs.map((_, i) => i)
      .sort((a, b) => sizeOf(axis, r.configs[b]) - sizeOf(axis, r.configs[a]) || a - b);
    const S = this.current = {
      live: true, config: r.config, plan, planText, axis, configs: r.configs, rows: [], histories: [],
      curve: { axis, sizes: plan.grid[0].values.map(Number), points: [], threshold: null },
      running: new Map(), failed: [], started: performance.now(), finished: null, cancelled: false,
      summary: null, batch: null, curveTicket: 0,
    };
    const jobs = order.map((i) => ({ config: r.configs[i], plan: planText, index: plan.runs[i].index, withRun: false }));
    S.batch = this.pool.run('sweep-run', jobs, {
      onStart: (j) => { S.running.set(order[j], { step: 0 }); this.onChange(); },
      onProgress: (j, p) => { S.running.set(order[j], p); this.onChange(); },
      onDone: (j, reply) => {
        const i = order[j];
        S.running.delete(i);
        S.rows.push(reply.row);
        S.histories.push(rowHistory(axis, reply.row, r.configs[i]));
        this.updateCurve(S);
      },
      onError: (j, error) => {
        const i = order[j];
        S.running.delete(i);
        S.failed.push({ file: plan.runs[i].file, error: `the run failed in the page: ${error}` });
        this.onChange({ failed: plan.runs[i].file, error });
      },
    });
    S.done = S.batch.done.then(async (outcome) => {
      S.cancelled = outcome.cancelled.length > 0;
      S.running.clear();
      await this.updateCurve(S);
      const finished = new Set(S.rows.map((row) => row.index));
      const incomplete = plan.runs.filter((run) => !finished.has(run.index)).map((run) => run.file);
      S.summary = await this.core.sweepSummary(planText, S.rows, incomplete, S.failed).catch(() => null);
      S.finished = performance.now();
      this.onChange();
      return S;
    });
    this.onChange();
    return S;
  }

  // The curve from the rows so far (the core's medians); only the latest request draws.
  async updateCurve(S) {
    const ticket = ++S.curveTicket;
    const c = await this.core.networkCurve(S.planText, S.rows).catch((e) => ({ error: e.message }));
    if (ticket !== S.curveTicket || this.current !== S) return;
    if (!c.error) S.curve = c;
    this.onChange();
  }

  cancel() {
    const S = this.current;
    if (S?.batch && !S.finished) S.batch.cancel();
  }

  // A grok-sweep/1 summary of a sweep over hidden or n_train (from here, `grok double-descent
  // --experiment nn-mnist1d` or any `grok sweep`): the curve of its rows. {error} if it is not one.
  // `summary` is the text parsed (the caller has read its schema).
  async replay(text, name, summary) {
    const r = await this.core.networkReplay(text);
    if (r.error) return { error: r.error };
    this.cancel();
    const now = performance.now();
    const axis = r.curve.axis;
    // Summaries written before rows had histories (or by hand without them) replay without the
    // epoch-wise views.
    const histories = r.rows.filter((row) => row.history)
      .map((row) => rowHistory(axis, row, { ...r.plan.base_config, ...row.values }));
    this.current = {
      live: false, name, plan: r.plan, planText: JSON.stringify(r.plan), axis, rows: r.rows,
      histories, curve: r.curve, running: new Map(), failed: [], started: now, finished: now, cancelled: false,
      summary, batch: null, curveTicket: 0, done: Promise.resolve(),
    };
    this.onChange();
    return this.current;
  }

  // The planned config of a run, and its base: what the page states about the sweep.
  base() { return this.current?.plan.base_config; }
}
