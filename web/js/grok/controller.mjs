// The grokking page's controller, shared by index.html and embed.html: settings (URL, form,
// presets), the training worker, the live run, and window.grokDemo. Replay, status, controls,
// notices and "looking inside" live in their own modules. Elements are found by data-role; a page leaves out
// what it does not show (the embed has no form).
import { WorkerClient } from '../common/worker-client.mjs';
import { Notices } from '../common/notices.mjs';
import { buildSettingsForm } from '../common/fields.mjs';
import { Core } from '../common/core.mjs';
import { RunView } from './charts.mjs';
import { checkBudget, recordThroughput } from './budget.mjs';
import { OMNIGROK_NATIVE_RUN, Replay } from './replay.mjs';
import { Compare } from './compare.mjs';
import { LiveSweep } from './sweep.mjs';
import { Inspect } from './inspect.mjs';
import { demoState, setStatusText, updateButtons, updateStatus } from './status.mjs';
import { num, taskKind } from './format.mjs';
import { bindControls } from './controls.mjs';

// Keys of the address that are the page's own, not settings.
const PAGE_KEYS = ['run', 'sweep'];
const EMBED_KEYS = ['controls', 'charts', 'id', 'status', 'log', 'title', 'options'];

// The settings of a page address: the query string, then the hash (which wins).
export function addressParams() {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of new URLSearchParams(location.hash.slice(1))) params.set(k, v);
  return params;
}

export class Lab {
  constructor({ embed = false, defaultPreset = 'browser', readParams, writeParams } = {}) {
    this.embed = embed;
    this.defaultPreset = defaultPreset;
    this.readParams = readParams;      // () => URLSearchParams of settings
    this.writeParams = writeParams;    // (URLSearchParams) => void (index: the hash)
    this.mode = 'train';
    this.schema = null;
    this.presetName = defaultPreset;
    this.config = null;
    this.refused = null;
    this.estimate = null;            // budget.mjs estimate for this.config
    this.runBuilt = false;           // a session exists for this.config
    this.loadError = null;
    this.live = this.emptyLive(0);
    this.$ = (role) => document.querySelector(`[data-role="${role}"]`);
    this.notices = new Notices(this.$('notices'), this.$('announce'));
    this.replay = new Replay(this);
    this.compare = new Compare(this);
    this.sweep = new LiveSweep(this, { show: (s, name, options) => this.replay.showPhase(s, name, options) });
    this.ready = new Promise((r) => { this.resolveReady = r; });
  }

  emptyLive(runId) {
    return { runId, metrics: [], snapshots: [], summary: null, running: false, finished: false, msPerStep: 0,
             announced: { memorize: false, grok: false, finished: false, diverged: false } };
  }

  updateButtons() { updateButtons(this); }
  updateStatus() { updateStatus(this); }
  state() {
    const other = this.compare.other;
    return { ...demoState(this),
             sweep: this.sweep.state(),
             compare: other ? { name: other.name, steps: other.metrics.at(-1).step, grok_step: other.summary?.grok_step ?? null } : null };
  }

  // ---------- start-up ----------
  async start() {
    this.exposeApi();
    this.view = new RunView(this.$('view'), {
      logSteps: this.$('log-steps')?.checked ?? true,
      logLoss: this.$('log-loss')?.checked ?? true,
      normalizeSpectrum: this.$('normalize')?.checked ?? true,
    });
    this.view.onRender = () => { this.updateStatus(); this.compare.render(); };
    this.inspect = new Inspect(this);
    this.bindControls();
    setStatusText(this, 'Loading the training module…');
    this.client = new WorkerClient(new URL('./worker.mjs', import.meta.url));
    this.client.addEventListener('progress', (e) => this.onProgress(e.detail));
    this.client.addEventListener('fatal', (e) => this.onFatal(e.detail));
    try {
      this.core = new Core(this.client, await this.client.ready);
      this.schema = this.core.schema('grok');
    } catch (e) {
      this.loadError = `Could not load the WebAssembly training module: ${e.message}. Replay still needs it; try another browser.`;
      this.notices.show(this.loadError, { kind: 'error', key: 'load' });
      setStatusText(this, 'The training module did not load.');
      this.updateButtons();
      this.resolveReady();
      return;
    }
    this.buildPresetSelect();
    const liveFields = this.$('live-fields');
    if (liveFields) {
      const names = this.schema.fields.filter((f) => f.live && !f.native_only).map((f) => f.label);
      liveFields.textContent = `${names.join(', ').replace(/^./, (c) => c.toUpperCase())}`;
    }
    const form = this.$('settings');
    if (form) {
      this.form = buildSettingsForm(form, this.schema, {
        core: this.core, table: 'grok',
        onChange: (name, value) => this.changeSetting(name, value),
        onInvalid: (msg) => this.notices.show(`${msg}; not applied`, { key: 'form' }),
      });
    }
    const params = this.readParams();
    await this.applyParams(params);
    this.sweep.bind();
    const runUrl = params.get('run');
    if (runUrl) await this.replay.loadUrl(runUrl);
    const sweepUrl = params.get('sweep');
    if (sweepUrl) await this.replay.loadUrl(sweepUrl);
    this.resolveReady();
  }

  // Settings from URL parameters, by the core's rules; bad values are reset with a notice naming the field.
  async applyParams(params) {
    const skip = [...PAGE_KEYS, ...(this.embed ? EMBED_KEYS : [])];
    const { preset, config, notices } = await this.core.settingsFromParams('grok', params, this.defaultPreset, skip);
    for (const n of notices) this.notices.show(n.message, { key: `param:${n.field}` });
    this.presetName = preset;
    await this.newRun(config);
  }

  exposeApi() {
    window.grokDemo = {
      ready: this.ready,
      state: () => this.state(),
      play: () => this.play(),
      pause: () => this.pause(),
      reset: () => this.reset(),
      step: () => this.step(),
      config: () => ({ ...this.config }),
      loadRun: (url) => this.replay.loadUrl(url),
      // Run B over the charts: a run file's URL, the run on screen kept as it is now, or none.
      compare: (url) => this.compare.loadUrl(url),
      keepForCompare: () => this.compare.keepCurrent(),
      clearCompare: () => this.compare.clear(),
      // A grid of the current settings on the worker pool (sweep.mjs): resolves to the grok-sweep/1 summary.
      sweep: (options) => this.sweep.run(options),
      cancelSweep: () => this.sweep.cancel(),
    };
  }

  // ---------- settings ----------
  preset(name = this.presetName) { return this.schema.presets.find((p) => p.name === name) || null; }

  buildPresetSelect() {
    const sel = this.$('preset');
    if (!sel) return;
    sel.replaceChildren(...this.schema.presets.map((p) => new Option(p.name, p.name)));
    sel.addEventListener('change', () => {
      const p = this.preset(sel.value);
      if (!p) return;
      this.presetName = p.name;
      this.newRun({ ...p.config }).then(() => this.sweep.presetChanged());
    });
  }

  // The form, the preset menu and the page address follow this.config. The address comes from the
  // core (one printer for every value); only the latest request writes it.
  syncSettingsUi() {
    const sel = this.$('preset');
    if (sel) sel.value = this.presetName;
    const desc = this.$('preset-desc');
    if (desc) desc.textContent = this.preset()?.description || '';
    this.form?.set(this.config);
    const ticket = this.addressTicket = (this.addressTicket || 0) + 1;
    this.addressWritten = this.core.paramsFromSettings('grok', this.presetName, this.config).then((params) => {
      if (ticket !== this.addressTicket) return;
      if (this.writeParams) this.writeParams(params);
      const open = this.$('open-full');
      if (open) open.href = `index.html#${params}`;
    }, () => {});
  }

  // A form edit: live if the field table allows it mid-run, else a new run with the new value.
  async changeSetting(name, value) {
    this.notices.clear('form');
    const next = { ...this.config, [name]: value };
    if (this.refused || !this.live.summary) { await this.newRun(next); return; }
    if (!this.schema.fields.find((f) => f.name === name)?.live) {
      await this.newRun(next);
      this.notices.show(`${name} changed: a new run started (it cannot change mid-run)`, { kind: 'info', key: 'live' });
      return;
    }
    const r = await this.client.request('update', { config: next });
    if (r.error) {
      this.notices.show(r.error, { kind: 'error', key: 'form' });
      this.form?.set(this.config);
      return;
    }
    this.config = r.config;
    this.syncSettingsUi();
    if (this.live.finished && this.live.summary.steps < this.config.steps && !this.live.summary.diverged) this.live.finished = false;
    this.view.setSummary(this.live.summary, this.config.steps);
    this.notices.show(`${name} changed to ${value} at step ${num(this.live.summary.steps)}, without a reset`, { kind: 'info', key: 'live' });
    this.updateButtons();
    this.updateStatus();
  }

  // Refuses (with a notice) a config too large or too slow for the page; true if it may be built.
  async budgetAllows(config) {
    const budget = await checkBudget(this.core, config);
    this.notices.clear('budget');
    this.estimate = budget.estimate;
    // Grokking on images is the slow one: where it would take long or cannot train here, the native
    // run of the full Omnigrok recipe replays instead.
    const replayNative = config.dataset === 'fashion-mnist'
      ? { label: 'Replay the native Omnigrok run instead', run: () => { this.setMode('replay'); this.replay.loadUrl(OMNIGROK_NATIVE_RUN); } }
      : null;
    if (!budget.refuse) {
      if (budget.warn) this.notices.show(budget.warn, { key: 'budget', action: replayNative });
      return true;
    }
    this.refused = budget.refuse;
    const preset = this.preset();
    const fits = preset && (await checkBudget(this.core, preset.config)).refuse === null;
    this.notices.show(budget.refuse, { kind: 'error', key: 'budget',
                                       action: fits ? { label: `Use the ${preset.name} preset as it is`, run: () => this.newRun({ ...preset.config }) }
                                                    : replayNative });
    return false;
  }

  // Builds a new run (paused at step 0). A config the core rejects (e.g. p not prime) has the named
  // field reset to the preset's value, with a notice; one too large for the page is refused.
  async newRun(config) {
    this.live.running = false;
    this.runBuilt = false;
    const base = this.preset()?.config || {};
    let cfg = { ...config };
    this.notices.clear('diverged');
    for (let attempt = 0; attempt < 8; ++attempt) {
      this.config = cfg;
      this.syncSettingsUi();
      this.refused = null;
      if (!(await this.budgetAllows(cfg))) {
        await this.client.request('pause').catch(() => {});
        this.live = this.emptyLive(this.live.runId);
        this.showLive();
        this.updateButtons();
        setStatusText(this, 'Not started: the configuration is too large for the browser.');
        this.inspect.showWaves();
        return false;
      }
      const r = await this.client.request('init', { config: cfg });
      if (!r.error) {
        this.config = r.config;
        recordThroughput(r.cost, r.evalMs);  // this machine's speed, measured on the step-0 evaluation
        if (!(await this.budgetAllows(this.config))) { this.updateButtons(); return false; }
        this.runBuilt = true;
        this.live = this.live.runId === r.runId ? this.live : this.emptyLive(r.runId);  // progress may come first
        this.syncSettingsUi();
        this.showLive();
        this.updateButtons();
        this.updateStatus();
        this.inspect.fetchWaves();  // the run's first progress came before runBuilt was set
        return true;
      }
      const field = r.error.split(':')[0];
      if (base[field] !== undefined && base[field] !== cfg[field]) {
        this.notices.show(`${r.error}; reset to ${base[field]}`, { key: `param:${field}` });
        cfg = { ...cfg, [field]: base[field] };
        continue;
      }
      this.refused = r.error;
      this.notices.show(r.error, { kind: 'error', key: 'budget' });
      this.updateButtons();
      return false;
    }
    return false;
  }

  // Views that read token pairs (spectrum, progress measures, neuron waves, "ask the model") are for
  // runs on them only; web/css/grok.css hides them while a run on image features is shown.
  showTask(config) {
    document.body.dataset.task = taskKind(config);
    this.view.setLoss(config?.loss);
  }

  showLive() {
    if (this.mode !== 'train') return;
    this.showTask(this.config);
    this.view.setUpto(Infinity);
    this.view.setRun({ metrics: this.live.metrics, snapshots: this.live.snapshots, summary: this.live.summary,
                       totalSteps: this.config?.steps || 0 });
  }

  // ---------- training ----------
  onProgress(msg) {
    if (msg.runId < this.live.runId) return;          // from a run that was replaced
    if (msg.runId > this.live.runId) this.live = this.emptyLive(msg.runId);
    const L = this.live;
    L.metrics.length = Math.min(L.metrics.length, msg.metricsFrom);
    for (const m of msg.metrics) L.metrics.push(m);
    L.snapshots.length = Math.min(L.snapshots.length, msg.snapshotsFrom);
    for (const s of msg.snapshots) L.snapshots.push(s);
    Object.assign(L, { summary: msg.summary, running: msg.running, finished: msg.finished, msPerStep: msg.msPerStep });
    const s = msg.summary;
    if (s.memorize_step != null && !L.announced.memorize) {
      L.announced.memorize = true;
      this.notices.announce(`Memorized: train accuracy reached 99% at step ${num(s.memorize_step)}.`);
    }
    if (s.grok_step != null && !L.announced.grok) {
      L.announced.grok = true;
      this.notices.announce(`Grokked: test accuracy reached 99% at step ${num(s.grok_step)}.`);
    }
    if (s.diverged && !L.announced.diverged) {
      L.announced.diverged = true;
      this.onDiverged();
    } else if (L.finished && !L.running && !L.announced.finished) {
      L.announced.finished = true;
      this.notices.announce(`Training finished at step ${num(s.steps)}.`);
    }
    if (this.mode === 'train') {
      if (this.view.metrics !== L.metrics) this.showLive();
      this.view.setSummary(s, this.config?.steps || 0, false);  // redraws charts and status, throttled
      if (!L.running) this.updateStatus();
    }
    this.updateButtons();
    this.inspect.fetchWaves();
  }

  onDiverged() {
    const lr = this.config.lr;
    const half = lr / 2;
    const spec = this.schema.fields.find((f) => f.name === 'lr');
    const ok = half > spec.min || (!spec.exclusive_min && half === spec.min);
    this.notices.announce('Training diverged: the loss became NaN or infinite.');
    this.notices.show(`Diverged at step ${num(this.live.summary.steps)}: the loss became NaN or infinite, so training stopped.` +
                      (ok ? ` Learning rate ${lr} is probably too high.` : ''),
                      { kind: 'error', key: 'diverged',
                        action: ok ? { label: `Halve the learning rate (${half}) and reset`, run: () => this.newRun({ ...this.config, lr: half }) } : null });
  }

  // The worker's wasm instance died (out of memory, an abort). Say what went wrong and with which
  // settings (those that differ from the preset); a new worker is ready, but the run is not rebuilt
  // by itself: the same config would fail the same way.
  onFatal(detail) {
    this.live = this.emptyLive(this.live.runId);
    this.runBuilt = false;
    const base = this.preset()?.config || {};
    const changed = Object.keys(this.config).filter((k) => this.config[k] !== base[k]).map((k) => `${k} ${this.config[k]}`);
    const settings = changed.length ? ` with ${changed.join(', ')}` : ` with the ${this.presetName} preset`;
    this.refused = `The training module stopped: ${detail.error}.`;
    const next = detail.kind === 'memory' ? ' Choose a smaller configuration (or the preset) to start again.'
      : ' This is a bug: please report it with the page address.';
    this.notices.show(`The training module stopped${settings}: ${detail.error}.${next}`,
                      { kind: 'error', key: 'fatal', action: { label: 'Try again', run: () => this.newRun(this.config) } });
    this.showLive();
    this.updateButtons();
  }

  async play() {
    if (this.mode !== 'train') this.setMode('train');
    if (this.refused || this.loadError) return false;
    await this.ready;
    const r = await this.client.request('play');
    if (r.error) return false;
    this.live.running = true;
    this.updateButtons();
    return true;
  }

  // The button shows "Play" at once; state().running turns false when the worker has stopped (a
  // chunk already under way finishes first), so after `await pause()` no more steps happen.
  async pause() {
    this.pausing = true;
    this.updateButtons();
    try {
      if (this.client && !this.loadError && this.schema) await this.client.request('pause');
    } finally {
      this.pausing = false;
      this.live.running = false;
      this.updateButtons();
      this.updateStatus();
    }
  }

  async reset() {
    if (!this.schema) return;
    await this.newRun({ ...this.config });
  }

  async step() {
    if (this.refused || this.loadError || !this.schema) return;
    if (this.mode !== 'train') this.setMode('train');
    await this.client.request('step');
  }

  bindControls() { bindControls(this); }

  setMode(mode) {
    if (mode === this.mode) return;
    if (mode === 'replay') this.pause();
    this.mode = mode;
    for (const [role, m] of [['tab-train', 'train'], ['tab-replay', 'replay']]) this.$(role)?.setAttribute('aria-selected', String(m === mode));
    for (const el of document.querySelectorAll('[data-mode]')) el.hidden = el.dataset.mode !== mode;
    if (mode === 'train') this.showLive();
    else if (this.replay.current) this.replay.show();
    else this.view.setRun({ metrics: [], snapshots: [], summary: null, totalSteps: 0 });
    this.updateButtons();
    this.updateStatus();
    this.inspect.showWaves();
    this.inspect.fetchWaves();
  }
}
