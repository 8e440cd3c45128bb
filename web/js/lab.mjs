// The page controller shared by index.html and embed.html: settings (URL, form, presets), the
// training worker, the run view, replay of run files, the sweep phase diagram, and window.grokDemo.
// Elements are found by data-role; a page leaves out what it does not show (the embed has no form).
import { TrainerClient } from './client.mjs';
import { RunView } from './charts.mjs';
import { checkBudget } from './budget.mjs';
import { buildSettingsForm, checkValue, fieldMap, paramsFromSettings, presetByName, settingsFromParams } from './settings.mjs';
import { LoadError, parseJson, readFile, readUrl } from './runfile.mjs';
import { PhaseDiagram, SWEEP_SCHEMA, checkSweep } from './phase.mjs';
import { NeuronWavesView } from './neurons.mjs';

// Speeds of the slider: steps per frame, 0 = as fast as the worker can (adaptive ~40 ms chunks).
const SPEEDS = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 0];
// Neuron waves are fetched from the worker at most this often while training (hidden x p numbers each).
const WAVES_INTERVAL_MS = 1000;
// How each operation reads, for titles and "ask the model" (the core's help text lists the same ops).
const OP_EXPR = { add: (a, b) => `${a} + ${b}`, sub: (a, b) => `${a} − ${b}`, mul: (a, b) => `${a} × ${b}`,
                  div: (a, b) => `${a} ÷ ${b}`, 'sq-sum': (a, b) => `${a}² + ${b}²`, quad: (a, b) => `${a}² + ${a}·${b} + ${b}²`,
                  cubic: (a, b) => `${a}³ + ${a}·${b}`, s5: (a, b) => `${a} ∘ ${b}` };
const opText = (op, a = 'a', b = 'b') => (OP_EXPR[op] ? OP_EXPR[op](a, b) : `${op}(${a}, ${b})`);

const pct = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const num = (v) => (v == null ? '—' : Number(v).toLocaleString('en-US'));

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
    this.runBuilt = false;           // a session exists for this.config
    this.loadError = null;
    this.live = this.emptyLive(0);
    this.replay = null;
    this.pendingLive = Promise.resolve();
    this.$ = (role) => document.querySelector(`[data-role="${role}"]`);
    let resolveReady;
    this.ready = new Promise((r) => { resolveReady = r; });
    this.resolveReady = resolveReady;
  }

  emptyLive(runId) {
    return { runId, metrics: [], snapshots: [], summary: null, running: false, finished: false, msPerStep: 0,
             announced: { memorize: false, grok: false, finished: false, diverged: false } };
  }

  // ---------- start-up ----------
  async start() {
    this.exposeApi();
    const view = this.$('view');
    this.view = new RunView(view, {
      logSteps: this.$('log-steps')?.checked ?? true,
      logLoss: this.$('log-loss')?.checked ?? true,
      normalizeSpectrum: this.$('normalize')?.checked ?? true,
    });
    this.view.onRender = () => this.updateStatus();
    const neurons = this.$('neurons');
    if (neurons) this.neurons = new NeuronWavesView(neurons);
    this.waves = { pending: false, at: -Infinity, asked: '', last: null };
    this.bindControls();
    this.setStatusText('Loading the training module…');
    this.client = new TrainerClient();
    this.client.addEventListener('progress', (e) => this.onProgress(e.detail));
    this.client.addEventListener('fatal', (e) => this.onFatal(e.detail));
    try {
      const { schema } = await this.client.ready;
      this.schema = schema;
    } catch (e) {
      this.loadError = `Could not load the WebAssembly training module: ${e.message}. Replay still needs it; try another browser.`;
      this.notice(this.loadError, { kind: 'error', key: 'load' });
      this.setStatusText('The training module did not load.');
      this.updateButtons();
      this.resolveReady();
      return;
    }
    this.fields = fieldMap(this.schema);
    this.buildPresetSelect();
    const form = this.$('settings');
    if (form) {
      this.form = buildSettingsForm(form, this.schema, {
        onChange: (name, value) => this.changeSetting(name, value),
        onInvalid: (msg) => this.notice(`${msg}; not applied`, { key: 'form' }),
      });
    }
    const params = this.readParams();
    await this.applyParams(params);
    const runUrl = params.get('run');
    if (runUrl) await this.loadFromUrl(runUrl);
    const sweepUrl = params.get('sweep');
    if (sweepUrl) await this.loadFromUrl(sweepUrl);
    this.resolveReady();
  }

  // Settings from URL parameters; bad values are reset with a notice naming the field.
  async applyParams(params) {
    const { presetName, config, notices } = settingsFromParams(params, this.schema, { defaultPreset: this.defaultPreset, ignore: this.ignoredParams() });
    for (const n of notices) this.notice(n, { key: `param:${n.split(':')[0]}` });
    this.presetName = presetName;
    await this.newRun(config);
  }

  ignoredParams() {
    return ['run', 'sweep', ...(this.embed ? ['controls', 'charts', 'id', 'status', 'log', 'title', 'options'] : [])];
  }

  exposeApi() {
    const lab = this;
    window.grokDemo = {
      ready: this.ready,
      state: () => lab.state(),
      play: () => lab.play(),
      pause: () => lab.pause(),
      reset: () => lab.reset(),
      step: () => lab.step(),
      config: () => ({ ...lab.config }),
      loadRun: (url) => lab.loadFromUrl(url),
    };
  }

  state() {
    if (this.mode === 'replay' && this.replay) {
      const m = this.replay.run.metrics[this.replay.index] || {};
      const s = this.replay.run.summary || {};
      return { mode: 'replay', ready: true, step: m.step ?? 0, train_acc: m.train_acc ?? null, test_acc: m.test_acc ?? null,
               memorize_step: s.memorize_step ?? null, grok_step: s.grok_step ?? null, running: false, finished: true,
               diverged: !!s.diverged, refused: null, error: null };
    }
    const L = this.live, s = L.summary || {}, last = L.metrics.at(-1) || {};
    return { mode: this.mode, ready: this.runBuilt && !this.refused && !this.loadError, step: s.steps ?? 0,
             train_acc: last.train_acc ?? null, test_acc: last.test_acc ?? null,
             memorize_step: s.memorize_step ?? null, grok_step: s.grok_step ?? null, running: L.running,
             finished: L.finished, diverged: !!s.diverged, refused: this.refused, error: this.loadError,
             ms_per_step: L.msPerStep || null };
  }

  // ---------- notices and announcements ----------
  notice(text, { kind = 'warn', key = null, action = null } = {}) {
    const box = this.$('notices');
    if (!box) { console.warn(text); return null; }
    if (key) box.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
    const div = document.createElement('div');
    div.className = `notice ${kind}`;
    div.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    if (key) div.dataset.key = key;
    const span = document.createElement('span');
    span.textContent = text;
    div.append(span);
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.label;
      b.addEventListener('click', () => { div.remove(); action.run(); });
      div.append(b);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.setAttribute('aria-label', 'Dismiss this notice');
    close.textContent = '×';
    close.addEventListener('click', () => div.remove());
    div.prepend(close);
    box.append(div);
    return div;
  }

  clearNotice(key) { this.$('notices')?.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove(); }

  announce(text) {
    const el = this.$('announce');
    if (el) el.textContent = text;
  }

  // ---------- settings ----------
  buildPresetSelect() {
    const sel = this.$('preset');
    if (!sel) return;
    sel.replaceChildren(...this.schema.presets.map((p) => new Option(p.name, p.name)));
    sel.addEventListener('change', () => {
      const p = presetByName(this.schema, sel.value);
      if (!p) return;
      this.presetName = p.name;
      this.newRun({ ...p.config });
    });
  }

  syncSettingsUi() {
    const sel = this.$('preset');
    if (sel) sel.value = this.presetName;
    const desc = this.$('preset-desc');
    if (desc) desc.textContent = presetByName(this.schema, this.presetName)?.description || '';
    this.form?.set(this.config);
    this.form?.showFor(this.config);
    if (this.writeParams) this.writeParams(paramsFromSettings(this.presetName, this.config, this.schema));
    const open = this.$('open-full');
    if (open) open.href = `index.html#${paramsFromSettings(this.presetName, this.config, this.schema)}`;
  }

  // A form edit: live if the core allows it mid-run, else a new run with the new value.
  async changeSetting(name, value) {
    this.clearNotice('form');
    const next = { ...this.config, [name]: value };
    if (this.refused || !this.live.summary) { await this.newRun(next); return; }
    const r = await this.client.update(next);
    if (!r.error) {
      this.config = r.config;
      this.syncSettingsUi();
      if (this.live.finished && this.live.summary.steps < this.config.steps && !this.live.summary.diverged) this.live.finished = false;
      this.view.setSummary(this.live.summary, this.config.steps);
      this.notice(`${name} changed to ${value} at step ${num(this.live.summary.steps)}, without a reset`, { kind: 'info', key: 'live' });
      this.updateButtons();
      this.updateStatus();
      return;
    }
    if (/needs a reset/.test(r.error)) {
      await this.newRun(next);
      this.notice(`${name} changed: a new run started (it cannot change mid-run)`, { kind: 'info', key: 'live' });
    } else {
      this.notice(r.error, { kind: 'error', key: 'form' });
      this.form?.set(this.config);
    }
  }

  // Builds a new run (paused at step 0). Refuses configs too large for the page; a config the core
  // rejects (e.g. p not prime) has the named field reset to the preset's value, with a notice.
  async newRun(config) {
    this.live.running = false;
    this.runBuilt = false;
    const base = presetByName(this.schema, this.presetName)?.config || {};
    let cfg = { ...config };
    this.clearNotice('diverged');
    for (let attempt = 0; attempt < 8; ++attempt) {
      this.config = cfg;
      this.syncSettingsUi();
      const budget = checkBudget(cfg);
      this.clearNotice('budget');
      if (budget.refuse) {
        this.refused = budget.refuse;
        const preset = presetByName(this.schema, this.presetName);
        this.notice(budget.refuse, { kind: 'error', key: 'budget',
                                     action: preset && checkBudget(preset.config).refuse === null
                                       ? { label: `Use the ${preset.name} preset as it is`, run: () => this.newRun({ ...preset.config }) } : null });
        await this.client.pause().catch(() => {});
        this.live = this.emptyLive(this.live.runId);
        this.showLive();
        this.updateButtons();
        this.setStatusText('Not started: the configuration is too large for the browser.');
        this.showWaves();
        return false;
      }
      this.refused = null;
      if (budget.warn) this.notice(budget.warn, { key: 'budget' });
      const r = await this.client.init(cfg);
      if (!r.error) {
        this.config = r.config;
        this.runBuilt = true;
        this.live = this.liveFor(r.runId);
        this.syncSettingsUi();
        this.showLive();
        this.updateButtons();
        this.updateStatus();
        this.fetchWaves();  // the run's first progress came before runBuilt was set
        return true;
      }
      const field = r.error.split(':')[0];
      const spec = this.fields.get(field);
      if (spec && base[spec.name] !== undefined && base[spec.name] !== cfg[spec.name]) {
        this.notice(`${r.error}; reset to ${base[spec.name]}`, { key: `param:${spec.name}` });
        cfg = { ...cfg, [spec.name]: base[spec.name] };
        continue;
      }
      this.refused = r.error;
      this.notice(r.error, { kind: 'error', key: 'budget' });
      this.updateButtons();
      return false;
    }
    return false;
  }

  // The first progress message of a run may arrive before the init reply; keep what came.
  liveFor(runId) {
    return this.live.runId === runId ? this.live : this.emptyLive(runId);
  }

  showLive() {
    if (this.mode !== 'train') return;
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
    L.summary = msg.summary;
    L.running = msg.running;
    L.finished = msg.finished;
    L.msPerStep = msg.msPerStep;
    const s = msg.summary;
    if (s.memorize_step != null && !L.announced.memorize) {
      L.announced.memorize = true;
      this.announce(`Memorized: train accuracy reached 99% at step ${num(s.memorize_step)}.`);
    }
    if (s.grok_step != null && !L.announced.grok) {
      L.announced.grok = true;
      this.announce(`Grokked: test accuracy reached 99% at step ${num(s.grok_step)}.`);
    }
    if (s.diverged && !L.announced.diverged) {
      L.announced.diverged = true;
      this.onDiverged();
    } else if (L.finished && !L.running && !L.announced.finished) {
      L.announced.finished = true;
      this.announce(`Training finished at step ${num(s.steps)}.`);
    }
    if (this.mode === 'train') {
      if (this.view.metrics !== L.metrics) this.showLive();
      this.view.setSummary(s, this.config?.steps || 0, false);  // redraws charts and status, throttled
      if (!L.running) this.updateStatus();
    }
    this.updateButtons();
    this.fetchWaves();
  }

  // ---------- neuron waves (live MLP runs only: run files carry no weights) ----------
  // Asks the worker for the waves at most every WAVES_INTERVAL_MS while training, and once more
  // when training stops at a step not fetched yet (pause, step, finish, a new run at step 0).
  fetchWaves() {
    const W = this.waves, L = this.live;
    if (!this.neurons || this.mode !== 'train' || W.pending || !this.runBuilt || !L.snapshots.length) return;
    if (this.config?.model !== 'mlp') { this.showWaves(); return; }
    const asked = `${L.runId}:${L.summary?.steps ?? 0}`;
    const now = performance.now();
    if (L.running ? now - W.at < WAVES_INTERVAL_MS : asked === W.asked) return;
    W.pending = true;
    W.at = now;
    W.asked = asked;
    this.client.neuronWaves().then((w) => {
      W.pending = false;
      if (!w.error && w.runId === this.live.runId) W.last = w;
      this.showWaves();
      if (!this.live.running) this.fetchWaves();  // training stopped while this request was out
    }, () => { W.pending = false; });
  }

  showWaves() {
    if (!this.neurons) return;
    if (this.refused) {
      this.neurons.message('No run: nothing to show.');
    } else if (this.mode === 'replay') {
      this.neurons.message('Neuron waves need a live MLP run: run files keep the measures above but not the weights. Train in the browser to see them.');
    } else if (this.config && this.config.model !== 'mlp') {
      this.neurons.message(`Neuron waves need a live MLP run; this run is a ${this.config.model}. Choose model “mlp” to see them.`);
    } else if (this.waves.last && this.waves.last.runId === this.live.runId) {
      const w = this.waves.last;
      const snap = this.live.snapshots.find((p) => p.step === w.step) || this.live.snapshots.at(-1);
      this.neurons.show(w, snap?.key_freqs || []);
    } else {
      this.neurons.message('Neuron waves appear once the run has a snapshot.');
    }
  }

  onDiverged() {
    const lr = this.config.lr;
    const spec = this.fields.get('lr');
    const half = lr / 2;
    const ok = !checkValue(spec, half).error;
    this.announce('Training diverged: the loss became NaN or infinite.');
    this.notice(`Diverged at step ${num(this.live.summary.steps)}: the loss became NaN or infinite, so training stopped.` +
                (ok ? ` Learning rate ${lr} is probably too high.` : ''),
                { kind: 'error', key: 'diverged',
                  action: ok ? { label: `Halve the learning rate (${half}) and reset`, run: () => this.newRun({ ...this.config, lr: half }) } : null });
  }

  onFatal(detail) {
    this.live = this.emptyLive(0);
    this.notice(`The training module stopped (${detail.error}); probably out of memory. It was restarted; try a smaller configuration.`,
                { kind: 'error', key: 'fatal' });
    this.client.ready.then(() => this.newRun(this.config)).catch(() => {});
  }

  async play() {
    if (this.mode !== 'train') this.setMode('train');
    if (this.refused || this.loadError) return false;
    await this.ready;
    const r = await this.client.play();
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
      if (this.client && !this.loadError && this.schema) await this.client.pause();
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
    await this.client.step();
  }

  // ---------- UI wiring ----------
  bindControls() {
    const on = (role, ev, fn) => this.$(role)?.addEventListener(ev, fn);
    on('play', 'click', () => (this.live.running && !this.pausing ? this.pause() : this.play()));
    on('step', 'click', () => this.step());
    on('reset', 'click', () => this.reset());
    const speed = this.$('speed');
    if (speed) {
      const apply = () => {
        const v = SPEEDS[Number(speed.value)] ?? 0;
        const text = v === 0 ? 'max' : `${v} step${v > 1 ? 's' : ''}/frame`;
        const out = this.$('speed-out');
        if (out) out.textContent = text;
        speed.setAttribute('aria-valuetext', text);
        this.client?.ready.then(() => this.client.speed(v)).catch(() => {});
      };
      speed.max = String(SPEEDS.length - 1);
      if (!speed.dataset.init) speed.value = String(SPEEDS.length - 1);
      speed.addEventListener('input', apply);
      this.applySpeed = apply;
      queueMicrotask(apply);
    }
    on('log-steps', 'change', (e) => this.view.setLogSteps(e.target.checked));
    on('log-loss', 'change', (e) => this.view.setLogLoss(e.target.checked));
    on('normalize', 'change', (e) => this.view.setNormalizeSpectrum(e.target.checked));
    on('tab-train', 'click', () => this.setMode('train'));
    on('tab-replay', 'click', () => this.setMode('replay'));
    on('copy-link', 'click', () => this.copyLink());
    on('download-run', 'click', () => this.downloadRun());
    on('file', 'change', (e) => { const f = e.target.files?.[0]; if (f) this.loadFromFile(f); e.target.value = ''; });
    on('load-sample', 'click', () => this.loadFromUrl('data/sample-run.json'));
    on('load-sample-nanda', 'click', () => this.loadFromUrl('data/nanda2023-seed0.json'));
    on('load-sample-sweep', 'click', () => this.loadFromUrl('data/phase-browser.json'));
    const drop = this.$('dropzone');
    if (drop) {
      drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
      drop.addEventListener('dragleave', () => drop.classList.remove('over'));
      drop.addEventListener('drop', (e) => {
        e.preventDefault();
        drop.classList.remove('over');
        const f = e.dataTransfer?.files?.[0];
        if (f) this.loadFromFile(f);
      });
    }
    const scrub = this.$('scrub');
    scrub?.addEventListener('input', () => this.scrubTo(Number(scrub.value)));
    on('scrub-prev', 'click', () => this.scrubBy(-1));
    on('scrub-next', 'click', () => this.scrubBy(1));
    on('ask', 'submit', (e) => { e.preventDefault(); this.ask(); });
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const interactive = t instanceof Element && t.closest('input, select, textarea, button, a, summary, [contenteditable], [role="slider"]');
    if (interactive) return;  // those keep their own keys (Space on a button presses it)
    if (e.key === ' ' && this.mode === 'train') {
      e.preventDefault();
      if (this.live.running && !this.pausing) this.pause(); else this.play();
    } else if (this.mode === 'replay' && this.replay && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      e.preventDefault();
      this.scrubBy((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1));
    } else if (this.mode === 'replay' && this.replay && (e.key === 'Home' || e.key === 'End')) {
      e.preventDefault();
      this.scrubTo(e.key === 'Home' ? 0 : this.replay.run.metrics.length - 1);
    }
  }

  updateButtons() {
    const play = this.$('play');
    const blocked = !!this.refused || !!this.loadError || !this.schema;
    if (play) {
      const running = this.live.running && !this.pausing && this.mode === 'train';
      play.textContent = running ? 'Pause' : 'Play';
      play.setAttribute('aria-label', running ? 'Pause training' : 'Play: start training');
      play.disabled = blocked || (!running && this.live.finished);
    }
    const step = this.$('step');
    if (step) step.disabled = blocked || this.live.finished;
    const reset = this.$('reset');
    if (reset) reset.disabled = !this.schema;
    const dl = this.$('download-run');
    if (dl) dl.disabled = blocked || !this.live.summary;
  }

  setStatusText(text) {
    const el = this.$('status');
    if (el) el.textContent = text;
  }

  updateStatus() {
    const el = this.$('status');
    if (!el) return;
    let parts;
    if (this.mode === 'replay' && this.replay) {
      const { run, index } = this.replay;
      const m = run.metrics[index] || {};
      const s = run.summary || {};
      parts = [['Replay step', `${num(m.step)} / ${num(run.metrics.at(-1)?.step)}`], ['train acc', pct(m.train_acc)], ['test acc', pct(m.test_acc)],
               ['memorized at', s.memorize_step != null && s.memorize_step <= m.step ? num(s.memorize_step) : '—'],
               ['grokked at', s.grok_step != null && s.grok_step <= m.step ? num(s.grok_step) : '—']];
    } else {
      const L = this.live, s = L.summary || {}, last = L.metrics.at(-1) || {};
      const state = s.diverged ? 'diverged' : L.running ? 'training' : L.finished ? 'finished' : (s.steps ? 'paused' : 'ready');
      parts = [['Step', `${num(s.steps ?? 0)} / ${num(this.config?.steps)}`], ['train acc', pct(last.train_acc)], ['test acc', pct(last.test_acc)],
               ['memorized at', num(s.memorize_step)], ['grokked at', num(s.grok_step)], ['', state]];
      if (L.msPerStep) parts.push(['', `${L.msPerStep.toFixed(2)} ms/step`]);
    }
    el.replaceChildren(...parts.map(([k, v]) => {
      const span = document.createElement('span');
      if (k) { const b = document.createElement('b'); b.textContent = `${k} `; span.append(b); }
      span.append(v);
      return span;
    }));
  }

  setMode(mode) {
    if (mode === this.mode) return;
    if (mode === 'replay') this.pause();
    this.mode = mode;
    for (const [role, m] of [['tab-train', 'train'], ['tab-replay', 'replay']]) this.$(role)?.setAttribute('aria-selected', String(m === mode));
    for (const el of document.querySelectorAll('[data-mode]')) el.hidden = el.dataset.mode !== mode;
    if (mode === 'train') this.showLive();
    else if (this.replay) this.showReplay();
    else this.view.setRun({ metrics: [], snapshots: [], summary: null, totalSteps: 0 });
    this.updateButtons();
    this.updateStatus();
    this.showWaves();
    this.fetchWaves();
  }

  // ---------- replay and sweeps ----------
  async loadFromFile(file) {
    try {
      await this.loadText(await readFile(file), file.name);
    } catch (e) {
      this.loadFailed(e);
    }
  }

  async loadFromUrl(url) {
    try {
      const { text, name } = await readUrl(url);
      return await this.loadText(text, name);
    } catch (e) {
      this.loadFailed(e);
      return false;
    }
  }

  loadFailed(e) {
    this.notice(e instanceof LoadError ? e.message : `Could not open the file: ${e.message}`, { kind: 'error', key: 'load-file' });
  }

  async loadText(text, name) {
    this.clearNotice('load-file');
    const obj = parseJson(text, name);
    if (obj && obj.schema === SWEEP_SCHEMA) {
      const err = checkSweep(obj);
      if (err) throw new LoadError(`${name}: ${err}`);
      this.showSweep(obj, name);
      return true;
    }
    if (this.loadError) throw new LoadError(this.loadError);
    const r = await this.client.checkRun(text);  // the core's own reader decides what a run file is
    if (r.error) throw new LoadError(`${name}: ${r.error}`);
    if (!obj.metrics.length) throw new LoadError(`${name}: the run has no metrics to show`);
    this.replay = { run: obj, name, index: obj.metrics.length - 1 };
    const scrub = this.$('scrub');
    if (scrub) {
      scrub.min = '0';
      scrub.max = String(obj.metrics.length - 1);
      scrub.value = scrub.max;
      scrub.disabled = false;
    }
    const c = obj.config;
    const title = this.$('replay-title');
    if (title) {
      title.textContent = `${name}: ${opText(c.op)}${c.op === 's5' ? '' : ` mod ${c.p}`}, ${c.model}` +
        `${c.model === 'mlp' ? ` (hidden ${c.hidden})` : ` (${c.layers} layer${c.layers > 1 ? 's' : ''}, d_model ${c.d_model})`}, ` +
        `${Math.round(c.train_fraction * 100)}% train, lr ${c.lr}, weight decay ${c.weight_decay}, seed ${c.seed}` +
        `${obj.summary.complete === false ? ' (incomplete run)' : ''}`;
    }
    if (this.mode !== 'replay') this.setMode('replay');
    else this.showReplay();
    this.announce(`Opened ${name}: ${obj.metrics.length} evaluations up to step ${num(obj.metrics.at(-1).step)}.`);
    return true;
  }

  showReplay() {
    const { run } = this.replay;
    // A complete run ends where its metrics end (e.g. stopped at grokking); a partial one may go on
    // to config.steps, so its axis keeps that room.
    const last = run.metrics.at(-1)?.step || 0;
    const complete = run.summary?.complete !== false;
    this.view.setRun({ metrics: run.metrics, snapshots: run.snapshots || [], summary: run.summary,
                       totalSteps: complete ? last : Math.max(run.config.steps || 0, last) });
    this.scrubTo(this.replay.index);
  }

  scrubTo(index) {
    if (!this.replay) return;
    const n = this.replay.run.metrics.length;
    this.replay.index = Math.max(0, Math.min(n - 1, Math.round(index)));
    const m = this.replay.run.metrics[this.replay.index];
    const scrub = this.$('scrub');
    if (scrub && Number(scrub.value) !== this.replay.index) scrub.value = String(this.replay.index);
    const text = `step ${num(m.step)}`;
    scrub?.setAttribute('aria-valuetext', `${text}: train ${pct(m.train_acc)}, test ${pct(m.test_acc)}`);
    const out = this.$('scrub-out');
    if (out) out.textContent = text;
    if (this.mode === 'replay') {
      this.view.setUpto(m.step);
      this.updateStatus();
    }
  }

  scrubBy(delta) { if (this.replay) this.scrubTo(this.replay.index + delta); }

  showSweep(sweep, name) {
    const section = this.$('phase');
    if (!section) { this.notice(`${name} is a sweep summary; open it on the full page to see the phase diagram.`, { key: 'load-file' }); return; }
    section.hidden = false;
    this.phase ??= new PhaseDiagram(this.$('phase-canvas'), { legend: this.$('phase-legend'), table: this.$('phase-table'), caption: this.$('phase-caption') });
    this.phase.show(sweep, name);
    this.sweep = sweep;
    if (this.mode !== 'replay') this.setMode('replay');
    section.scrollIntoView({ block: 'nearest' });
    this.announce(`Opened sweep ${name}: ${sweep.rows.length} runs.`);
  }

  // ---------- extras ----------
  async ask() {
    const out = this.$('ask-out');
    const a = Number(this.$('ask-a')?.value), b = Number(this.$('ask-b')?.value);
    if (!out) return;
    if (!this.live.summary || this.refused) { out.textContent = 'No model yet: start a run first.'; return; }
    const r = await this.client.predict(a, b);
    if (r.error) { out.textContent = r.error; return; }
    const c = this.config;
    const expr = opText(c.op, a, b);
    const sure = `${Math.round(100 * r.top[0].prob)}%`;
    out.textContent = `${expr}${c.op === 's5' ? '' : ` mod ${c.p}`}: the model says ${r.answer} (${sure} sure); the answer is ${r.truth} — ` +
                      `${r.answer === r.truth ? 'right' : 'wrong'}. This pair is in the ${r.in_train ? 'training' : 'test'} set.`;
  }

  async copyLink() {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      this.notice('Link copied: it opens this page with these settings.', { kind: 'info', key: 'copy' });
    } catch {
      this.notice(`Copy this link: ${url}`, { kind: 'info', key: 'copy' });
    }
  }

  async downloadRun() {
    const r = await this.client.runJson();
    if (r.error) return;
    const blob = new Blob([r.text], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `grok-${this.presetName}-step${this.live.summary?.steps ?? 0}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}
