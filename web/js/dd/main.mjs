// The double-descent page: settings (form, toggles, URL hash, all by the core's field table), a live
// sweep in a Web Worker whose points are drawn as they arrive, and replay of grok-dd/1 files
// (?run=URL or the file picker, by the same file-opening rule as the grokking page).
// window.ddDemo exposes the state for the browser tests.
import { createCharts, sweptAxis, updateRisk, updateCurve } from './charts.mjs';
import { WorkerClient } from '../common/worker-client.mjs';
import { Notices } from '../common/notices.mjs';
import { buildSettingsForm } from '../common/fields.mjs';
import { downloadJson, readFile, readUrl } from '../common/files.mjs';
import { Core } from '../common/core.mjs';

const DEFAULT_EXPERIMENT = 'legendre';  // the picture a reader understands at a glance; cheap to compute
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
const fmt = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(4)).toString());

function statusText() {
  const r = state.result;
  if (!state.ready) return state.error ? 'Not available.' : 'Loading the WebAssembly module…';
  if (!r) return 'Ready.';
  const c = r.config;
  const parts = [];
  parts.push(state.mode === 'replay' ? `<b>Replay</b> ${escapeHtml(state.replayName || '')}` : '<b>Live</b>');
  const ax = sweptAxis(c);
  parts.push(`${escapeHtml(c.experiment)}, ${ax.fixed} = ${ax.peak}, ${c.trials} trials`);
  parts.push(`${r.points.length}/${r.model_sizes.length} ${ax.key === 'n' ? 'training-set sizes' : 'model sizes'}`);
  if (state.mode === 'live') parts.push(state.running ? 'running…' : state.done ? `done in ${(state.ms / 1000).toFixed(1)} s` : 'stopped');
  const peak = r.points.find((p) => (p[ax.key] ?? p.p) === ax.peak);
  if (peak) parts.push(`median test MSE at ${ax.key} = ${ax.fixed}: <b>${fmt(peak.test_mse_median)}</b>`);
  return parts.map((s) => `<span>${s}</span>`).join('');
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]));
}

function render() {
  $('status').innerHTML = statusText();
  $('run').disabled = !state.ready;
  $('run').textContent = state.mode === 'replay' ? 'Run live' : state.running ? 'Restart' : 'Run';
  $('stop').disabled = !state.running;
  $('download').disabled = !state.result || state.result.points.length === 0;
  const r = state.result;
  $('progress').value = r ? (state.done ? 1 : r.points.length / Math.max(1, r.model_sizes.length)) : 0;
  if (state.config) {
    $('toggle-noise').setAttribute('aria-pressed', String(state.config.noise > 0));
    $('toggle-ridge').setAttribute('aria-pressed', String(Boolean(state.config.tune_ridge)));
  }
}

// ---- drawing ----
function drawAll() {
  const r = state.result;
  if (!r) return;
  updateRisk(charts, r, r.points);
  const legendre = Boolean(r.curves);
  $('curve-box').hidden = !legendre;
  if (legendre) drawCurve();
  drawTable();
}

function drawCurve() {
  const r = state.result;
  const slider = $('size');
  const count = r.points.length;
  slider.disabled = count === 0;
  slider.max = String(Math.max(0, count - 1));
  if (!state.sizeTouched) {
    // Until the reader moves it, the slider follows the sweep and then settles on p = n, the peak.
    const atN = r.points.findIndex((p) => p.p === r.config.n_train);
    state.sizeIndex = atN >= 0 ? atN : count - 1;
  }
  state.sizeIndex = Math.min(Math.max(0, state.sizeIndex ?? 0), Math.max(0, count - 1));
  slider.value = String(state.sizeIndex);
  const point = r.points[state.sizeIndex];
  const text = point ? `p = ${point.p}${point.p === r.config.n_train ? ' (= n)' : ''}` : '—';
  $('size-out').textContent = text;
  slider.setAttribute('aria-valuetext', text);
  updateCurve(charts, r, point);
}

function drawTable() {
  const r = state.result;
  const theory = Boolean(r.theory);
  const ax = sweptAxis(r.config);
  const head = [ax.key, 'test MSE median', 'q25', 'q75', 'mean', ...(theory ? ['theory'] : []), 'train MSE', 'p_eff', '‖w‖', 'λ', 'solver'];
  const rows = r.points.map((p) => {
    const cells = [p[ax.key] ?? p.p, fmt(p.test_mse_median), fmt(p.test_mse_q25), fmt(p.test_mse_q75), fmt(p.test_mse_mean),
      ...(theory ? [p.theory === null ? '∞ / —' : fmt(p.theory)] : []), fmt(p.train_mse_median), fmt(p.p_eff_median),
      fmt(p.coef_norm_median), fmt(p.ridge_median), escapeHtml(p.solver || '')];
    return `<tr${(p[ax.key] ?? p.p) === ax.peak ? ' class="peak"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  $('table').innerHTML = `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody>`;
}

// ---- live sweeps ----
async function runLive() {
  clearTimeout(restartTimer);
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
    const ax = sweptAxis(state.result.config);
    const peak = pts.find((p) => (p[ax.key] ?? p.p) === ax.peak);
    announce(`Sweep done in ${(msg.ms / 1000).toFixed(1)} seconds.${peak ? ` Median test error at ${ax.key} = ${ax.fixed}: ${fmt(peak.test_mse_median)}.` : ''}`);
  }
  render();
}

async function stop() {
  await request('stop');
  state.running = false;
  render();
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
    o.textContent = { linear: 'Linear regression (exact theory)', 'relu-features': 'Random ReLU features', legendre: 'Legendre curve fit' }[p.name] || p.name;
    select.append(o);
  }
  const { config, errors } = await configFromHash(location.hash);
  if (errors.length) notice(`The page address held settings that are not valid (${errors.join('; ')}); they were reset to the ${config.experiment} defaults.`);
  await setConfig(config);
  state.ready = true;
  window.ddDemo.readyAt = performance.now();
  const runUrl = new URLSearchParams(location.search).get('run');
  if (runUrl) replayUrl(runUrl);
  else runLive();
  render();
}

// ---- replay ----
async function replayText(text, name) {
  const reply = await request('check', { text });
  if (reply.error) { notice(`Cannot replay ${name}: ${reply.error}`, 'error'); return false; }
  if (state.running) await stop();
  const j = JSON.parse(text);
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
  $('run').addEventListener('click', () => runLive());
  $('stop').addEventListener('click', () => stop());
  $('experiment').addEventListener('change', (e) => {
    setConfig(presetOf(e.target.value));
    lastNoise = null;
    runLive();
  });
  $('toggle-noise').addEventListener('click', () => {
    const c = state.config;
    if (c.noise > 0) { lastNoise = c.noise; setConfig({ ...c, noise: 0 }); } else {
      const preset = presetOf(c.experiment).noise;
      setConfig({ ...c, noise: lastNoise || preset || 0.2 });
    }
    runLive();
  });
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

window.ddDemo = {
  state: () => ({
    ready: state.ready, error: state.error, mode: state.mode, running: state.running, done: state.done,
    experiment: state.result?.config.experiment ?? state.config?.experiment, n: state.result?.config.n_train,
    points: state.result?.points.length ?? 0, sizes: state.result?.model_sizes.length ?? 0, ms: state.ms,
    config: state.config, sizeIndex: state.sizeIndex,
  }),
  result: () => state.result,
  resultJson: async () => (state.mode === 'replay' ? state.replayText : (await request('result')).text),
  run: () => runLive(),
  stop: () => stop(),
};

wire();
startWorker();
render();
