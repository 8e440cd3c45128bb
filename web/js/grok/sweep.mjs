// The live sweep of the grokking page: a grid of the current settings (two fields and their values;
// by default train fraction x weight decay), every run stopping when it groks, run by a pool of
// workers (one wasm instance per core, common/worker-pool.mjs). Cells fill in as runs finish, a
// cell opens its run under Replay, and the result downloads as grok-sweep/1, the file `grok sweep`
// writes: the plan, the runs' names and the rows are the core's (grokking/sweep.h), asked through
// the page's worker, so the page and the CLI plan the same runs and write the same summary.
//   grokDemo.sweep({grid: {train_fraction: [0.4, 0.6], weight_decay: [0.5, 1]}, seeds: 1, steps: 2000})
//     -> the grok-sweep/1 summary (runs_complete < runs_total if it was cancelled or runs failed)
import { WorkerPool, defaultPoolSize } from '../common/worker-pool.mjs';
import { downloadJson } from '../common/files.mjs';
import { checkBudget, duration } from './budget.mjs';
import { SWEEP_SCHEMA } from './phase.mjs';
import { num } from './format.mjs';

// Seeds per grid point the form offers (the script API takes any list the core accepts).
export const MAX_SEEDS = 20;
// The fields the form offers as axes: settings a run uses, other than the seed (seeds are their own
// control) and the few that are not numbers or choices.
const AXIS_KINDS = ['int', 'real', 'choice'];
const STATUS_MS = 250;  // the status line's refresh while runs are under way

const round = (v) => String(Number(v.toPrecision(6)));

// The grid's specs as `grok sweep --grid` reads them, from {field: [values]} or {field: "spec"}.
export function gridSpecs(grid) {
  if (!grid || typeof grid !== 'object' || Array.isArray(grid) || !Object.keys(grid).length)
    throw new Error('sweep: grid must be an object of fields and their values, e.g. {weight_decay: [0.5, 1, 2]}');
  return Object.entries(grid).map(([field, values]) => {
    if (Array.isArray(values)) {
      if (!values.length) throw new Error(`sweep: grid.${field} has no values`);
      return `${field}=${values.map(String).join(',')}`;
    }
    if (typeof values === 'string' || typeof values === 'number') return `${field}=${values}`;
    throw new Error(`sweep: grid.${field} must be a list of values or a text such as "0.4:0.8:5"`);
  });
}

// Seeds: a count n (seeds 0 .. n-1) or a list.
export function seedList(seeds) {
  if (Array.isArray(seeds)) return seeds;
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= MAX_SEEDS))
    throw new Error(`sweep: seeds must be a whole number in [1, ${MAX_SEEDS}] or a list of seeds`);
  return Array.from({ length: seeds }, (_, i) => i);
}

export class LiveSweep {
  constructor(lab, phase) {
    this.lab = lab;
    this.phase = phase;      // .show(summary, name, {running, open}): the page's one phase diagram (replay.mjs)
    this.pool = null;
    this.current = null;     // the sweep under way or last run
    this.statusTimer = 0;
  }

  $(role) { return this.lab.$(role); }

  // The form: axis menus from the schema, defaults from the current preset.
  bind() {
    const form = this.$('sweep-form');
    if (!form) return;
    const fields = this.lab.schema.fields.filter((f) => AXIS_KINDS.includes(f.kind) && !f.native_only && f.name !== 'seed');
    for (const [role, def] of [['sweep-x', 'train_fraction'], ['sweep-y', 'weight_decay']]) {
      const sel = this.$(role);
      sel.replaceChildren(...fields.map((f) => new Option(f.label, f.name)));
      sel.value = def;
    }
    this.defaults();
    this.edited = false;  // the reader typed in the form: a new preset then leaves the values alone
    form.addEventListener('input', () => { this.edited = true; });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.runFromForm();
    });
    this.$('sweep-cancel')?.addEventListener('click', () => this.cancel());
    this.$('sweep-download')?.addEventListener('click', () => this.download());
    const workers = this.$('sweep-workers');
    if (workers) workers.textContent = String(defaultPoolSize());
  }

  // Values around the current settings: train fraction 0.4-0.8, weight decay a quarter, half and all
  // of the preset's (0.5, 1, 2 for the browser preset), at most 2000 steps.
  defaults() {
    const c = this.lab.config || {};
    const set = (role, v) => { const el = this.$(role); if (el) el.value = v; };
    set('sweep-x-values', '0.4:0.8:5');
    const wd = c.weight_decay > 0 ? c.weight_decay : 1;
    set('sweep-y-values', [wd / 4, wd / 2, wd].map(round).join(','));
    set('sweep-seeds', '1');
    set('sweep-steps', String(Math.min(c.steps || 2000, 2000)));
  }

  // A new preset: new default values, unless the reader has edited the form.
  presetChanged() { if (this.$('sweep-form') && !this.edited) this.defaults(); }

  runFromForm() {
    const x = this.$('sweep-x').value, y = this.$('sweep-y').value;
    const seeds = Number(this.$('sweep-seeds').value);
    const steps = this.$('sweep-steps').value.trim();
    if (x === y) { this.report('sweep: choose two different fields, one across and one up'); return; }
    if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= MAX_SEEDS)) {
      this.report(`sweep: seeds per cell must be a whole number in [1, ${MAX_SEEDS}]`);
      return;
    }
    this.run({ grid: { [x]: this.$('sweep-x-values').value.trim(), [y]: this.$('sweep-y-values').value.trim() },
               seeds, steps: steps === '' ? undefined : Number(steps) }).catch(() => {});
  }

  // Why a sweep cannot start: a notice and the status line. fail() also ends run() (its promise rejects).
  report(message) {
    this.lab.notices.show(message, { kind: 'error', key: 'sweep' });
    this.setStatus(message);
  }

  fail(message) {
    this.report(message);
    throw new Error(message);
  }

  // Plans the grid (the core checks every value and every run's config), then runs it on the pool.
  // Resolves with the grok-sweep/1 summary; rejects only when the sweep could not start.
  async run({ grid, seeds = 1, ...fixed } = {}) {
    const lab = this.lab;
    await lab.ready;
    if (lab.loadError) this.fail(lab.loadError);
    this.lab.notices.clear('sweep');
    let specs, seedValues;
    try {
      specs = gridSpecs(grid);
      seedValues = seedList(seeds);
    } catch (e) { this.fail(e.message); }
    for (const [k, v] of Object.entries(fixed)) if (v === undefined) delete fixed[k];
    const config = { ...lab.config, stop_at_grok: true, ...fixed };
    const r = await lab.core.sweepPlan(lab.presetName, config, specs, seedValues).catch((e) => ({ error: e.message }));
    if (r.error) this.fail(`sweep: ${r.error}`);
    // Each run must fit a tab as a single run must (the core's cost model, one question per run);
    // the same estimates bound the sweep's time (every run to its last step, none stopping at grok).
    let seconds = 0;
    for (const [i, c] of r.configs.entries()) {
      const b = await checkBudget(lab.core, c);
      if (b.refuse) this.fail(`sweep: run ${r.plan.runs[i].file}: ${b.refuse}`);
      seconds += b.estimate?.totalSeconds ?? 0;
    }
    this.current?.batch?.cancel();
    await lab.pause();  // the sweep wants every core
    this.pool ??= new WorkerPool(new URL('../common/sweep-worker.mjs', import.meta.url));
    const atMost = seconds / Math.min(this.pool.size, r.configs.length);
    const planText = JSON.stringify(r.plan);
    const S = this.current = {
      plan: r.plan, planText, rows: [], runs: new Map(), failed: [], running: new Map(),
      started: performance.now(), finished: null, summary: null, cancelled: false, batch: null,
      name: `live sweep of ${lab.presetName}`, atMost,
    };
    const jobs = r.plan.runs.map((run, i) => ({ config: r.configs[i], plan: planText, index: run.index }));
    this.updateButtons();
    this.draw();
    S.batch = this.pool.run('sweep-run', jobs, {
      onStart: (i) => { S.running.set(i, { step: 0 }); this.scheduleStatus(); this.draw(); },
      onProgress: (i, p) => { S.running.set(i, p); this.scheduleStatus(); },
      onDone: (i, reply) => {
        S.running.delete(i);
        S.rows.push(reply.row);
        S.runs.set(reply.row.index, { file: reply.row.file, text: reply.run });
        this.draw();
        this.scheduleStatus();
      },
      onError: (i, error) => {
        S.running.delete(i);
        const file = r.plan.runs[i].file;
        S.failed.push({ file, error: `the run failed in the page: ${error}` });
        lab.notices.show(`Sweep run ${file} failed: ${error}. The other runs go on.`, { kind: 'error', key: `sweep-failed:${file}` });
        this.draw();
        this.scheduleStatus();
      },
    });
    const outcome = await S.batch.done;
    const ended = performance.now();
    S.cancelled = outcome.cancelled.length > 0;
    S.running.clear();
    const done = new Set(S.rows.map((row) => row.index));
    const incomplete = r.plan.runs.filter((run) => !done.has(run.index)).map((run) => run.file);
    try {
      S.summary = await lab.core.sweepSummary(planText, S.rows, incomplete, S.failed);
    } catch (e) {
      lab.notices.show(`sweep: could not build the summary: ${e.message}`, { kind: 'error', key: 'sweep' });
    }
    S.finished = ended;  // state().running turns false once the summary is there (or could not be built)
    this.draw();
    this.setStatus(this.statusText());
    lab.notices.announce(`Sweep ${S.cancelled ? 'cancelled' : 'finished'}: ${S.rows.length} of ${r.plan.runs.length} runs ` +
                         `in ${Math.round((S.finished - S.started) / 1000)} s.`);
    this.updateButtons();
    return S.summary;
  }

  cancel() {
    const S = this.current;
    if (!S?.batch || S.finished) return false;
    S.batch.cancel();
    return true;
  }

  // The summary so far, in the file's shape, for the diagram (the core builds the final one).
  partial() {
    const S = this.current;
    const p = S.plan;
    return { schema: SWEEP_SCHEMA, preset: p.preset, base_config: p.base_config, grid: p.grid, seeds: p.seeds,
             runs_total: p.runs.length, runs_complete: S.rows.length, rows: S.rows };
  }

  draw() {
    const S = this.current;
    if (!S) return;
    const running = [...S.running.keys()].map((i) => S.plan.runs[i].values);
    this.phase.show(S.summary || this.partial(), S.name, { running, open: (row) => this.open(row) });
  }

  async open(row) {
    const run = this.current?.runs.get(row.index);
    if (!run) return;
    await this.lab.replay.loadText(run.text, run.file).catch((e) => this.lab.replay.failed(e));
  }

  download() {
    const S = this.current;
    if (!S?.summary) return;
    downloadJson(`${JSON.stringify(S.summary, null, 2)}\n`, `grok-sweep-${this.lab.presetName}.json`);
  }

  scheduleStatus() {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = 0;
      this.setStatus(this.statusText());
    }, STATUS_MS);
  }

  setStatus(text) {
    const el = this.$('sweep-status');
    if (el) el.textContent = text;
  }

  statusText() {
    const S = this.current;
    if (!S) return '';
    const total = S.plan.runs.length;
    const secs = Math.round(((S.finished ?? performance.now()) - S.started) / 1000);
    const failed = S.failed.length ? `, ${S.failed.length} failed` : '';
    if (S.finished) {
      return `${S.cancelled ? 'Cancelled' : 'Done'}: ${S.rows.length} of ${total} runs finished${failed} in ${secs} s` +
        ` on ${this.pool.size} worker${this.pool.size > 1 ? 's' : ''}. Click a cell (or its button in the table) to open its run.`;
    }
    const under = [...S.running.entries()].map(([i, p]) => {
      const v = Object.entries(S.plan.runs[i].values).map(([k, x]) => `${k} ${x}`).join(', ');
      return `${v}: step ${num(p.step || 0)}`;
    });
    const bound = S.atMost > 0 ? ` of at most about ${duration(S.atMost)}` : '';
    return `Sweeping: ${S.rows.length} of ${total} runs finished${failed}, ${S.running.size} running on ` +
      `${this.pool.size} worker${this.pool.size > 1 ? 's' : ''}, ${secs} s${bound}` + (under.length ? ` (${under.join('; ')})` : '') + '.';
  }

  updateButtons() {
    const running = !!this.current && !this.current.finished;
    const set = (role, disabled) => { const el = this.$(role); if (el) el.disabled = disabled; };
    set('sweep-run', running);
    set('sweep-cancel', !running);
    set('sweep-download', !this.current?.summary);
  }

  state() {
    const S = this.current;
    if (!S) return { running: false, total: 0, done: 0, failed: 0, workers: this.pool?.size ?? defaultPoolSize() };
    return { running: !S.finished, total: S.plan.runs.length, done: S.rows.length, failed: S.failed.length,
             cancelled: S.cancelled, workers: this.pool.size,
             seconds: ((S.finished ?? performance.now()) - S.started) / 1000, summary: S.summary };
  }
}
