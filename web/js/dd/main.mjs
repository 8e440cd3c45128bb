// The double-descent page: settings (form, toggles, URL hash, all by the core's field table), a live
// sweep in a Web Worker whose points are drawn as they arrive, and replay of grok-dd/1 files
// (?run=URL or the file picker, by the same file-opening rule as the grokking page). The network
// experiments (nn-mnist1d) train on a pool of workers instead (network.mjs) and replay grok-sweep/1
// summaries. What each kind shows is drawn by closed-form-view.mjs and network-view.mjs; this file holds
// the state and decides when. window.ddDemo is the script API (and what the browser tests read).
import { createCharts, sweptAxis, updateRisk } from './charts.mjs';
import { closedFormStatus, drawCurveSlider, drawClosedFormTable } from './closed-form-view.mjs';
import { WorkerClient } from '../common/worker-client.mjs';
import { Notices } from '../common/notices.mjs';
import { buildSettingsForm } from '../common/fields.mjs';
import { downloadJson, readFile, readUrl } from '../common/files.mjs';
import { Core } from '../common/core.mjs';
import { NetworkSweep, epochCurves } from './network.mjs';
import { createNetworkCharts } from './network-charts.mjs';
import { curveShape, networkStatus, drawNetworkViews } from './network-view.mjs';
import { fmt } from './text.mjs';

const DEFAULT_EXPERIMENT = 'legendre';  // the picture a reader understands at a glance; cheap to compute
// The native preset's whole sweep (mnist1d-dd, 19 widths; docs/deep-learning.md), shipped with the page.
const NATIVE_NETWORK_SWEEP = 'data/dd-mnist1d-native.json';
const $ = (role) => document.querySelector(`[data-role="${role}"]`);

const state = {
  ready: false, error: null, schema: null, config: null,
  mode: 'live',          // 'live' (computed here) or 'replay' (a file)
  running: false, done: false, runId: 0,
  result: null,          // {config, model_sizes, theory, curves, points}
  replayText: null, replayName: null,
  ms: 0, sizeIndex: null, sizeTouched: false,
};
let client = null;
let core = null;
let charts = null;
let form = null;
let restartTimer = 0;
let lastNoise = null;    // noise level restored by the Label noise toggle
let network = null;      // NetworkSweep: the network experiments' pool
let netCharts = null;
let netDrawTimer = 0;
let waiters = [];        // ddDemo.run() promises, resolved when the sweep they started ends
let epochChoice = null;  // the size the reader picked for the epoch chart's middle curve
const notices = new Notices($('notices'), $('announce'));
const notice = (text, kind = 'warn') => notices.show(text, { kind });
const announce = (text) => notices.announce(text);
const request = (type, payload) => client.request(type, payload);

// ---- the worker ----
function startWorker() {
  client = new WorkerClient(new URL('./worker.mjs', import.meta.url));
  client.addEventListener('progress', (e) => onProgress(e.detail));
  client.addEventListener('fatal', (e) => {
    notice(`The computation stopped: ${e.detail.error}. Press Run to start again.`, 'error');
    state.running = false;
    render();
  });
  client.ready.then((ready) => {
    core ??= new Core(client, ready);
    if (!state.ready) onReady(core.schema('dd'));
  }, (e) => fail(`the WebAssembly module did not load: ${e.message}`));
}

// Whether a config's experiment trains networks (the core's preset flag): the pool runs it.
const isNetwork = (config) => Boolean(state.schema?.presets.find((p) => p.name === config?.experiment)?.network);
const netMode = () => state.mode === 'network' || state.mode === 'network-replay';
const noiseField = (config) => (isNetwork(config) ? 'label_noise' : 'noise');

function settle() {  // the sweep ddDemo.run() waits for has ended (done, stopped or replaced)
  const w = waiters;
  waiters = [];
  for (const resolve of w) resolve(window.ddDemo.state());
}

function presetOf(experiment) {
  const p = state.schema.presets.find((x) => x.name === experiment);
  return p ? { ...p.config } : null;
}

// The address: the experiment and every field that differs from its preset. Anything wrong in it
// and the whole address is dropped for the experiment's own preset (a half-applied address would be
// a sweep nobody asked for).
async function configFromHash(hash) {
  const r = await core.settingsFromParams('dd', new URLSearchParams(hash.replace(/^#/, '')), DEFAULT_EXPERIMENT);
  const errors = r.notices.map((n) => n.error);
  return errors.length ? { config: presetOf(r.preset), errors } : { config: r.config, errors };
}

const hashFor = async (config) => `#${await core.paramsFromSettings('dd', config.experiment, config)}`;

function fail(text) {
  state.error = text;
  notice(text, 'error');
  render();
}

// ---- status ----

function statusText() {
  const r = state.result;
  if (!state.ready) return state.error ? 'Not available.' : 'Loading the WebAssembly module…';
  if (netMode()) return networkStatus(network?.current, network?.workers);
  return closedFormStatus(r, state);
}

function render() {
  $('status').innerHTML = statusText();
  $('run').disabled = !state.ready;
  const replaying = state.mode === 'replay' || state.mode === 'network-replay';
  $('run').textContent = replaying ? 'Run live' : state.running ? 'Restart' : 'Run';
  $('stop').disabled = !state.running;
  const S = network?.current;
  if (netMode()) {
    $('download').disabled = !S?.summary;
    $('progress').value = S ? S.rows.length / Math.max(1, S.plan.runs.length) : 0;
  } else {
    $('download').disabled = !state.result || state.result.points.length === 0;
    const r = state.result;
    $('progress').value = r ? (state.done ? 1 : r.points.length / Math.max(1, r.model_sizes.length)) : 0;
  }
  $('net-box').hidden = !netMode();
  $('net-about').hidden = !netMode();
  // The about text of the network experiment on screen (MNIST-1D or Fashion-MNIST).
  for (const el of document.querySelectorAll('[data-net-experiment]'))
    el.hidden = el.dataset.netExperiment !== (state.config?.experiment === 'nn-fashion' ? 'nn-fashion' : 'nn-mnist1d');
  $('closed-box').hidden = netMode();
  if (state.config) {
    const net = isNetwork(state.config);
    $('toggle-noise').setAttribute('aria-pressed', String(state.config[noiseField(state.config)] > 0));
    $('toggle-ridge').setAttribute('aria-pressed', String(Boolean(state.config.tune_ridge)));
    const help = (id) => document.getElementById(id);
    $('toggle-ridge').hidden = help('toggle-ridge-help').hidden = net;
    $('toggle-samples').hidden = help('toggle-samples-help').hidden = !net;
    $('toggle-samples').setAttribute('aria-pressed', String(state.config.axis === 'samples'));
  }
}

// ---- drawing ----
// The network views, at most every 200 ms (progress messages come from every worker).
function drawNetworkSoon() {
  if (netDrawTimer) return;
  netDrawTimer = setTimeout(() => { netDrawTimer = 0; drawNetwork(); render(); }, 200);
}

function drawNetwork() {
  const S = network?.current;
  if (!S) return;
  state.heatmap = drawNetworkViews(S, netCharts, { select: $('epoch-size'), table: $('table'), epochChoice });
}

function drawAll() {
  if (netMode()) { drawNetwork(); return; }
  const r = state.result;
  if (!r) return;
  updateRisk(charts, r, r.points);
  const legendre = Boolean(r.curves);
  $('curve-box').hidden = !legendre;
  if (legendre) drawCurve();
  drawClosedFormTable(state.result, $('table'));
}

// The Legendre fit's slider: until the reader moves it, it follows the sweep and then settles on
// p = n, the peak.
function drawCurve() {
  const r = state.result;
  state.sizeIndex = drawCurveSlider(charts, r, { slider: $('size'), out: $('size-out'), index: state.sizeIndex, touched: state.sizeTouched });
}

// ---- live sweeps ----
// A network experiment: the pool trains the planned runs; the views follow as runs finish.
async function runNetwork() {
  if (state.running && !netMode()) await request('stop');
  const S = await network.start(state.config);
  if (S.error) {
    notice(`These settings cannot run (${S.error}); reset to the ${state.config.experiment} defaults.`);
    setConfig(presetOf(state.config.experiment));
    return runNetwork();
  }
  settle();  // a run() that waited on the previous sweep
  state.mode = 'network';
  state.running = true;
  state.done = false;
  state.result = null;
  epochChoice = null;
  const axis = S.axis === 'hidden' ? 'widths' : 'training-set sizes';
  announce(`Training ${S.plan.runs.length} networks (${S.plan.grid[0].values.length} ${axis}) on ${network.workers} workers.`);
  drawAll();
  render();
  S.done.then(() => {
    if (network.current !== S) return;
    state.running = false;
    state.done = !S.cancelled;
    drawAll();
    render();
    const peak = curveShape(S.curve)?.peak;
    announce(`Networks ${S.cancelled ? 'stopped' : 'done'}: ${S.rows.length} of ${S.plan.runs.length} runs in ` +
             `${((S.finished - S.started) / 1000).toFixed(0)} seconds.${peak ? ` Test error peaks at ${fmt(peak.test_error_median)}, size ${peak.size}.` : ''}`);
    settle();
  });
}

async function runLive() {
  clearTimeout(restartTimer);
  if (isNetwork(state.config)) return runNetwork();
  if (netMode()) network.cancel();
  settle();
  state.mode = 'live';
  state.replayText = state.replayName = null;
  state.done = false;
  state.sizeTouched = false;
  const reply = await request('run', { config: state.config });
  if (reply.error) {
    // The core checks combinations the form cannot (p_min <= p_max, memory bounds): back to the preset.
    notice(`These settings cannot run (${reply.error}); reset to the ${state.config.experiment} defaults.`);
    setConfig(presetOf(state.config.experiment));
    return runLive();
  }
  state.runId = reply.runId;
  state.running = true;
  state.ms = 0;
  state.result = { ...reply.header, points: [] };
  announce(`Sweep started: ${state.config.experiment}, ${reply.header.model_sizes.length} model sizes.`);
  drawAll();
  render();
}

function onProgress(msg) {
  if (msg.runId !== state.runId || state.mode !== 'live' || !state.result) return;  // a stale run
  const pts = state.result.points;
  pts.length = msg.from;
  pts.push(...msg.points);
  state.ms = msg.ms;
  state.running = msg.running;
  state.done = msg.done;
  drawAll();
  if (msg.done) {
    settle();
    const ax = sweptAxis(state.result.config);
    const peak = pts.find((p) => (p[ax.key] ?? p.p) === ax.peak);
    announce(`Sweep done in ${(msg.ms / 1000).toFixed(1)} seconds.${peak ? ` Median test error at ${ax.key} = ${ax.fixed}: ${fmt(peak.test_mse_median)}.` : ''}`);
  }
  render();
}

async function stop() {
  if (netMode()) network.cancel(); else await request('stop');
  state.running = false;
  render();
  if (!netMode()) settle();  // a network sweep settles once its pool has stopped
}

function scheduleRestart() {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => runLive(), 250);  // typing 0.15 in a number box starts one sweep, not three
}

// ---- settings ----
// The address follows the config (written when the core has printed it; only the latest request
// writes). Returns a promise that settles once it is written.
let hashTicket = 0;
let lastHash = null;
function setConfig(config) {
  state.config = config;
  const ticket = ++hashTicket;
  const written = hashFor(config).then((hash) => {
    if (ticket !== hashTicket) return;
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    lastHash = location.hash;
  }, () => {});
  $('experiment').value = config.experiment;
  const preset = state.schema.presets.find((p) => p.name === config.experiment);
  $('experiment-desc').textContent = preset ? preset.description : '';
  form ??= buildSettingsForm($('settings'), state.schema, {
    core, table: 'dd', layout: 'inline', idPrefix: 'dd-field-', exclude: ['experiment'],
    onChange: (name, value) => { setConfig({ ...state.config, [name]: value }); scheduleRestart(); },
    onInvalid: (error) => notice(`Not applied: ${error}`),
  });
  form.set(config);
  render();
  return written;
}

async function onReady(schema) {
  state.schema = schema;
  const select = $('experiment');
  for (const p of schema.presets) {
    const o = document.createElement('option');
    o.value = p.name;
    o.textContent = { linear: 'Linear regression (exact theory)', 'relu-features': 'Random ReLU features', legendre: 'Legendre curve fit',
                      'nn-mnist1d': 'Neural networks on MNIST-1D (trains 22 networks)',
                      'nn-fashion': 'Neural networks on Fashion-MNIST (trains 22 networks)' }[p.name] || p.name;
    select.append(o);
  }
  const { config, errors } = await configFromHash(location.hash);
  if (errors.length) notice(`The page address held settings that are not valid (${errors.join('; ')}); they were reset to the ${config.experiment} defaults.`);
  await setConfig(config);
  state.ready = true;
  network = new NetworkSweep(core, { onChange: (e) => {
    if (e?.failed) notice(`Run ${e.failed} failed: ${e.error}. The other runs go on.`, 'error');
    drawNetworkSoon();
  } });
  $('net-workers').textContent = String(network.workers);
  window.ddDemo.readyAt = performance.now();
  readyResolve(true);
  const runUrl = new URLSearchParams(location.search).get('run');
  if (runUrl) replayUrl(runUrl);
  else runLive();
  render();
}

// ---- replay ----
// A grok-sweep/1 summary of networks (the page's download, `grok double-descent --experiment
// nn-mnist1d`, any `grok sweep` over hidden or n_train).
async function replayNetwork(text, name, summary) {
  if (state.running) await stop();
  const S = await network.replay(text, name, summary);
  if (S.error) { notice(`Cannot replay ${name}: ${S.error}`, 'error'); return false; }
  settle();
  state.mode = 'network-replay';
  state.running = false;
  state.done = true;
  state.result = null;
  epochChoice = null;
  if (S.rows.length < S.plan.runs.length) notice(`${name} is a partial sweep (${S.rows.length} of ${S.plan.runs.length} runs).`, 'info');
  // Summaries carry each run's accuracies over training; an older one (or a hand-made one) only the final errors.
  if (S.histories.length < S.rows.length) {
    notice(`${S.rows.length - S.histories.length} of ${name}'s ${S.rows.length} runs have no history in it (a summary from an older grok), so the epoch-wise views leave them out.`, 'info');
  }
  announce(`Replaying ${name}.`);
  drawAll();
  render();
  return true;
}

async function replayText(text, name) {
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { /* the core's check says what is wrong */ }
  if (parsed?.schema === 'grok-sweep/1') return replayNetwork(text, name, parsed);
  const reply = await request('check', { text });
  if (reply.error) { notice(`Cannot replay ${name}: ${reply.error}`, 'error'); return false; }
  if (state.running) await stop();
  settle();
  const j = parsed;  // the core has checked it
  state.mode = 'replay';
  state.replayText = text;
  state.replayName = name;
  state.running = false;
  state.done = j.complete;
  state.sizeTouched = false;
  state.result = { config: j.config, model_sizes: j.model_sizes, theory: j.theory || '', curves: j.curves || null, points: j.points };
  if (!j.complete) notice(`${name} is a partial sweep (${j.points.length} of ${j.model_sizes.length} model sizes).`, 'info');
  announce(`Replaying ${name}.`);
  drawAll();
  render();
  return true;
}

async function replayUrl(url) {
  try {
    const { text } = await readUrl(url);  // same origin only, size-limited (common/files.mjs)
    // A file that is not a valid sweep: the notice says why, and the page shows a live sweep instead.
    if (!(await replayText(text, url))) runLive();
  } catch (e) {
    notice(`Cannot load ${url}: ${e.message}. Showing a live sweep instead.`, 'error');
    runLive();
  }
}

// ---- wiring ----
function wire() {
  charts = createCharts(document);
  netCharts = createNetworkCharts(document);
  $('run').addEventListener('click', () => runLive());
  $('stop').addEventListener('click', () => stop());
  $('experiment').addEventListener('change', (e) => {
    setConfig(presetOf(e.target.value));
    lastNoise = null;
    runLive();
  });
  $('toggle-noise').addEventListener('click', () => {
    const c = state.config;
    const key = noiseField(c);
    if (c[key] > 0) { lastNoise = c[key]; setConfig({ ...c, [key]: 0 }); } else {
      const preset = presetOf(c.experiment)[key];
      setConfig({ ...c, [key]: lastNoise || preset || 0.2 });
    }
    runLive();
  });
  $('toggle-samples').addEventListener('click', () => {
    setConfig({ ...state.config, axis: state.config.axis === 'samples' ? 'model' : 'samples' });
    runLive();
  });
  $('epoch-size').addEventListener('change', (e) => { epochChoice = Number(e.target.value); drawNetwork(); });
  $('replay-native').addEventListener('click', () => replayUrl(NATIVE_NETWORK_SWEEP));
  $('toggle-ridge').addEventListener('click', () => {
    setConfig({ ...state.config, tune_ridge: !state.config.tune_ridge });
    runLive();
  });
  $('size').addEventListener('input', (e) => {
    state.sizeTouched = true;
    state.sizeIndex = Number(e.target.value);
    drawCurve();
  });
  $('download').addEventListener('click', async () => {
    if (netMode()) {
      const S = network.current;
      if (S?.summary) downloadJson(`${JSON.stringify(S.summary, null, 2)}\n`, `grok-sweep-${state.config.experiment}.json`);
      return;
    }
    const name = `dd-${state.result.config.experiment}.json`;
    if (state.mode === 'replay') { downloadJson(state.replayText, name); return; }
    const reply = await request('result');
    if (reply.error) notice(`Nothing to download: ${reply.error}`); else downloadJson(reply.text, name);
  });
  $('copy-link').addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(location.href); announce('Link copied.'); } catch {
      notice(`Copy this link: ${location.href}`, 'info');
    }
  });
  const openFile = (file) => readFile(file).then((t) => replayText(t, file.name), (e) => notice(e.message, 'error'));
  $('file').addEventListener('change', (e) => { if (e.target.files[0]) openFile(e.target.files[0]); });
  const zone = $('dropzone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer.files[0]) openFile(e.dataTransfer.files[0]);
  });
  window.addEventListener('hashchange', async () => {
    if (!state.ready || location.hash === lastHash) return;  // our own replaceState
    const { config, errors } = await configFromHash(location.hash);
    if (errors.length) notice(`The page address held settings that are not valid (${errors.join('; ')}); they were reset to the ${config.experiment} defaults.`);
    setConfig(config);
    runLive();
  });
}

// The swept sizes done so far and their median errors: the network experiments' error rates, the
// closed-form ones' test and train MSE.
function curveState() {
  if (netMode()) {
    const S = network.current;
    const pts = S?.curve.points ?? [];
    return { sizes: pts.map((p) => p.size), params: pts.map((p) => p.params), test_error: pts.map((p) => p.test_error_median),
             train_error: pts.map((p) => p.train_error_median), threshold: S?.curve.threshold ?? null,
             peak: S ? curveShape(S.curve)?.peak?.size ?? null : null,
             planned: S?.curve.sizes.length ?? 0, runs: S?.plan.runs.length ?? 0, runs_done: S?.rows.length ?? 0,
             runs_failed: S?.failed.length ?? 0, workers: network.workers, heatmap: state.heatmap ?? null,
             epoch_curves: epochCurves(S?.histories ?? []).length,
             ms: S ? (S.finished ?? performance.now()) - S.started : 0 };
  }
  const r = state.result;
  const ax = r ? sweptAxis(r.config) : null;
  const pts = r?.points ?? [];
  return { sizes: pts.map((p) => p[ax.key] ?? p.p), test_error: pts.map((p) => p.test_mse_median),
           train_error: pts.map((p) => p.train_mse_median), planned: r?.model_sizes.length ?? 0, ms: state.ms };
}

let readyResolve;
window.ddDemo = {
  ready: new Promise((resolve) => { readyResolve = resolve; }),
  state: () => ({
    ready: state.ready, error: state.error, mode: state.mode, running: state.running, done: state.done,
    experiment: netMode() ? state.config?.experiment : state.result?.config.experiment ?? state.config?.experiment,
    n: state.result?.config.n_train, points: state.result?.points.length ?? 0,
    config: state.config, sizeIndex: state.sizeIndex, ...curveState(),
  }),
  result: () => (netMode() ? network.current?.curve : state.result),
  resultJson: async () => {
    if (netMode()) return network.current?.summary ? JSON.stringify(network.current.summary) : null;
    return state.mode === 'replay' ? state.replayText : (await request('result')).text;
  },
  summary: () => (netMode() ? network.current?.summary ?? null : null),
  // Starts a sweep of the current settings (optionally over `config`: fields applied first) and
  // resolves with state() when it has ended: done, stopped, or replaced by another.
  run: async (config) => {
    await window.ddDemo.ready;
    if (config) await setConfig({ ...(config.experiment && config.experiment !== state.config.experiment ? presetOf(config.experiment) : state.config), ...config });
    await runLive();  // settles the run() of the sweep it replaces
    return new Promise((resolve) => (state.running ? waiters.push(resolve) : resolve(window.ddDemo.state())));
  },
  stop: () => stop(),
};

wire();
startWorker();
render();
