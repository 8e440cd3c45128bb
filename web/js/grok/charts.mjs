// The run view: accuracy, loss and weight-norm charts (Chart.js, animation off, decimation on)
// with vertical markers where the run memorized and grokked and shaded bands for its phases, plus
// the spectrum heatmap. The same view shows a live run (all data) or a replay (data up to the
// scrubbed step).
import { SERIES } from '../common/palette.mjs';
import { SpectrumView } from './spectrum.mjs';
import { describeBands, phaseBands, phaseBandsPlugin } from './phase-bands.mjs';

const { Chart } = globalThis;  // vendor/chart.umd.js, loaded by the page before this module

// Vertical lines at the memorize and grok steps, labelled, drawn over the datasets.
const markerPlugin = {
  id: 'grokMarkers',
  afterDatasetsDraw(chart, _args, opts) {
    const { ctx, chartArea, scales: { x } } = chart;
    let row = 0;
    for (const m of opts.markers || []) {
      if (m.step == null || (x.type === 'logarithmic' && m.step <= 0)) continue;
      const px = x.getPixelForValue(m.step);
      if (!(px >= chartArea.left - 0.5 && px <= chartArea.right + 0.5)) continue;
      ctx.save();
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(m.dash);
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.fillStyle = '#1b1f24';
      const text = `${m.label} ${m.step.toLocaleString('en-US')}`;
      const w = ctx.measureText(text).width;
      const left = px + 4 + w > chartArea.right ? px - 4 - w : px + 4;
      ctx.fillText(text, left, chartArea.top + 12 + 13 * row++);
      ctx.restore();
    }
  },
};
if (Chart) Chart.register(markerPlugin);

const LIVE_INTERVAL_MS = 125;

// Log axes keep only the ticks at powers of ten (1, 10, 100, 1k, ...): Chart.js makes 2..9 of each
// decade too, whose labels collide, and measuring and drawing them is most of an update's cost.
const isPow10 = (v) => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
function decadeTicksOnly(axis) {
  if (axis.type !== 'logarithmic') return;
  const kept = axis.ticks.filter((t) => isPow10(t.value));
  if (kept.length >= 2) axis.ticks = kept;
}
function logTicks(value) {
  const e = Math.log10(value);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  return value >= 1000 ? `${value / 1000}k` : value >= 1e-3 ? String(value) : value.toExponential(0);
}

const LOSS_NAMES = { softmax: 'cross-entropy loss', stablemax: 'stablemax cross-entropy loss', mse: 'squared error (MSE)' };

const pct = (v) => `${(100 * v).toFixed(v >= 0.9995 || v === 0 ? 0 : 1)}%`;

function lineDataset(label, series, extra = {}) {
  return { label, data: [], borderColor: series.color, backgroundColor: series.color, borderDash: series.dash,
           borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, pointStyle: 'line', fill: false, ...extra };
}

// Run B of a comparison: the same colours as run A's train and test lines, thinner, dotted and
// dash-dotted (A's are solid and dashed).
const COMPARE_STYLE = { train: { color: SERIES.train.color, dash: [2, 3] }, test: { color: SERIES.test.color, dash: [10, 3, 2, 3] } };
function compareDataset(label, which) {
  return lineDataset(label, COMPARE_STYLE[which], { borderWidth: 1.5, compare: true, optional: true });
}

function makeChart(canvas, datasets, yScale, yLabel) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    plugins: [phaseBandsPlugin],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,           // data are {x, y}; needed by the decimation plugin
      normalized: true,         // x is sorted and unique
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { maxRotation: 0 }, afterBuildTicks: decadeTicksOnly },
        y: { ...yScale, title: { display: true, text: yLabel }, afterBuildTicks: decadeTicksOnly },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'lttb', samples: 400, threshold: 800 },
        // Run B's lines (compare.mjs) and restricted/excluded loss (token pairs) appear in the legend only with points.
        legend: { labels: { usePointStyle: true, pointStyleWidth: 28, boxHeight: 8,
                            filter: (item, data) => !data.datasets[item.datasetIndex].optional || data.datasets[item.datasetIndex].data.length > 0 } },
        grokMarkers: { markers: [] },
        phaseBands: { bands: [] },
        tooltip: { callbacks: {} },
      },
    },
  });
}

// Accuracy (y) against weight norm (x) as paths through training: x is not sorted, so no
// decimation; the newest point of each path has a dot.
function makeNormAccChart(canvas) {
  const lastDot = (ctx) => (ctx.dataIndex === ctx.dataset.data.length - 1 ? 4 : 0);
  const path = (label, series) => lineDataset(label, series, { pointRadius: lastDot, pointStyle: 'circle', pointHoverRadius: 3 });
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [path('train accuracy', SERIES.train), path('test accuracy', SERIES.test)] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'L2 norm of all weights' }, ticks: { maxRotation: 0 } },
        y: { min: 0, max: 1, title: { display: true, text: 'accuracy' }, ticks: { callback: (v) => pct(v) } },
      },
      plugins: {
        legend: { labels: { usePointStyle: true, pointStyle: 'line', pointStyleWidth: 28, boxHeight: 8 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y)} at norm ${fmt(c.parsed.x)}` } },
      },
    },
  });
}

export class RunView {
  // root: element holding canvases marked data-chart="acc|loss|norm|spectrum" (missing ones are skipped)
  constructor(root, { logSteps = true, logLoss = true, normalizeSpectrum = true } = {}) {
    this.root = root;
    this.metrics = [];
    this.snapshots = [];
    this.summary = null;
    this.compare = null;   // run B: {name, metrics, summary} (compare.mjs), or null
    this.totalSteps = 0;
    this.upto = Infinity;
    this.logSteps = logSteps;
    this.logLoss = logLoss;
    this.frame = 0;
    this.timer = 0;
    this.lastRender = 0;
    this.renderCost = 0;
    this.charts = {};
    const canvas = (name) => root.querySelector(`canvas[data-chart="${name}"]`);
    if (!Chart) throw new Error('Chart.js did not load (vendor/chart.umd.js)');
    if (canvas('acc')) {
      this.charts.acc = makeChart(canvas('acc'), [lineDataset('train accuracy', SERIES.train), lineDataset('test accuracy', SERIES.test),
                                                  compareDataset('B train accuracy', 'train'), compareDataset('B test accuracy', 'test')],
                                  { min: 0, max: 1, ticks: { callback: (v) => pct(v) } }, 'accuracy');
      this.charts.acc.options.plugins.tooltip.callbacks.label = (c) => `${c.dataset.label}: ${pct(c.parsed.y)}`;
    }
    if (canvas('loss')) {
      // Restricted/excluded loss (from the snapshots) on the loss chart too, thin, so the reader sees them
      // against train and test loss on one axis; the measures chart below has them with the Gini.
      this.charts.loss = makeChart(canvas('loss'), [lineDataset('train loss', SERIES.train), lineDataset('test loss', SERIES.test),
                                                    lineDataset('restricted loss', SERIES.restricted, { borderWidth: 1.25, optional: true }),
                                                    lineDataset('excluded loss', SERIES.excluded, { borderWidth: 1.25, optional: true }),
                                                    compareDataset('B train loss', 'train'), compareDataset('B test loss', 'test')],
                                   { type: 'linear' }, 'cross-entropy loss');
    }
    if (canvas('norm')) {
      this.charts.norm = makeChart(canvas('norm'), [lineDataset('weight norm', SERIES.norm)], { type: 'linear' }, 'L2 norm of all weights');
    }
    if (canvas('measures')) {
      // Nanda et al.'s progress measures from the snapshots: loss with only the key Fourier
      // directions kept (restricted) or removed (excluded), and how concentrated the embedding's
      // spectrum is (Gini), beside the test loss.
      this.charts.measures = makeChart(canvas('measures'), [
        lineDataset('restricted loss', SERIES.restricted),
        lineDataset('excluded loss', SERIES.excluded),
        lineDataset('test loss', SERIES.testThin, { borderWidth: 1.5 }),
        lineDataset('Gini of embedding spectrum (right axis)', SERIES.gini, { yAxisID: 'y2', borderWidth: 1.5 }),
      ], { type: 'logarithmic', ticks: { callback: logTicks } }, 'cross-entropy loss');
      this.charts.measures.options.scales.y2 = { type: 'linear', position: 'right', min: 0, max: 1,
                                                 grid: { drawOnChartArea: false }, title: { display: true, text: 'Gini' } };
      this.charts.measures.options.plugins.decimation.enabled = false;  // few points; decimation would drop the y2 series
      // Which frequencies restricted/excluded loss keep or remove: they change during a live run.
      this.charts.measures.options.plugins.subtitle = { display: false, text: '', color: '#57606a', font: { size: 11 }, padding: { bottom: 4 } };
    }
    if (canvas('normacc')) this.normAcc = makeNormAccChart(canvas('normacc'));
    const spec = canvas('spectrum');
    if (spec) {
      this.spectrum = new SpectrumView(spec, spec.parentElement.querySelector('.spectrum-tip'));
      this.spectrum.normalize = normalizeSpectrum;
    }
    this.keyFreqsText = root.querySelector('[data-role="key-freqs"]');
    this.setLogSteps(logSteps);
    this.setLogLoss(logLoss);
  }

  // metrics/snapshots are kept by reference: a live run appends to them and calls invalidate().
  setRun({ metrics, snapshots, summary, totalSteps }) {
    this.metrics = metrics;
    this.snapshots = snapshots;
    this.summary = summary;
    this.totalSteps = totalSteps;
    this.spectrum?.set(snapshots);
    this.invalidate();
  }

  // Run B, drawn whole (not cut at a replay's scrubbed step) over run A; null removes it.
  setCompare(other) { this.compare = other; this.invalidate(); }

  setSummary(summary, totalSteps, soon = true) { this.summary = summary; this.totalSteps = totalSteps; this.invalidate(soon); }
  setUpto(step) { this.upto = step; this.invalidate(); }
  setLogSteps(on) {
    this.logSteps = on;
    for (const c of Object.values(this.charts)) {
      c.options.scales.x.type = on ? 'logarithmic' : 'linear';
      c.options.scales.x.ticks.callback = on ? logTicks : (v) => Number(v).toLocaleString('en-US');
    }
    this.invalidate();
  }
  setLogLoss(on) {
    this.logLoss = on;
    if (this.charts.loss) {
      this.charts.loss.options.scales.y.type = on ? 'logarithmic' : 'linear';
      this.charts.loss.options.scales.y.ticks.callback = on ? logTicks : (v) => Number(v).toPrecision(2);
    }
    this.invalidate();
  }
  // The loss axis names the run's loss (config.loss); restricted/excluded loss exist for token pairs only.
  setLoss(loss) {
    const c = this.charts.loss;
    if (!c) return;
    c.options.scales.y.title.text = LOSS_NAMES[loss] || LOSS_NAMES.softmax;
    this.invalidate();
  }
  setNormalizeSpectrum(on) { if (this.spectrum) { this.spectrum.normalize = on; this.invalidate(); } }

  // Redraw on the next frame. Live updates (soon = false) are spaced so that drawing takes at most
  // about a sixth of the main thread (and at least LIVE_INTERVAL_MS apart): on a small machine the
  // charts must not take CPU time from the training worker.
  invalidate(soon = true) {
    if (this.frame) return;
    const interval = Math.max(LIVE_INTERVAL_MS, 6 * this.renderCost);
    const wait = soon ? 0 : Math.max(0, interval - (performance.now() - this.lastRender));
    if (wait > 0) {
      if (!this.timer) this.timer = setTimeout(() => { this.timer = 0; this.invalidate(true); }, wait);
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const t0 = performance.now();
      this.render();
      this.onRender?.();
      this.lastRender = performance.now();
      this.renderCost = 0.7 * this.renderCost + 0.3 * (this.lastRender - t0);  // smoothed ms per redraw
    });
  }

  points(key, positiveOnly, metrics = this.metrics, upto = this.upto) {
    const out = [];
    for (const m of metrics) {
      if (m.step > upto) break;
      if (this.logSteps && m.step <= 0) continue;
      const y = m[key];
      if (typeof y !== 'number' || !Number.isFinite(y) || (positiveOnly && y <= 0)) continue;  // NaN/inf arrive as null
      out.push({ x: m.step, y });
    }
    return out;
  }

  render() {
    const s = this.summary || {};
    const upto = this.upto;
    const markers = [];
    if (s.memorize_step != null && s.memorize_step <= upto) markers.push({ step: s.memorize_step, label: 'memorized', ...SERIES.memorized });
    if (s.grok_step != null && s.grok_step <= upto) markers.push({ step: s.grok_step, label: 'grokked', ...SERIES.grokked });
    const latest = Math.max(s.steps || 0, this.metrics.at(-1)?.step || 0);
    const other = this.compare;
    const otherLast = other?.metrics.at(-1)?.step || 0;
    const xMax = Math.max(1, this.totalSteps || 0, latest, otherLast);
    if (other?.summary?.grok_step != null) markers.push({ step: other.summary.grok_step, label: 'B grokked', ...SERIES.grokked });
    // Run B's points for the datasets from index `first` on (keys in dataset order).
    const fillOther = (chart, first, keys, positiveOnly) => {
      keys.forEach((k, i) => { chart.data.datasets[first + i].data = other ? this.points(k, positiveOnly, other.metrics, Infinity) : []; });
    };
    const otherText = (a, b) => {
      if (!other) return '';
      const m = other.metrics.at(-1);
      return `; run B (${other.name}): ${a(m)} at step ${m.step.toLocaleString('en-US')}` +
             `${other.summary?.grok_step != null ? `, grokked at step ${other.summary.grok_step.toLocaleString('en-US')}` : ''}${b}`;
    };
    const last = [...this.metrics].reverse().find((m) => m.step <= upto);
    const bands = phaseBands(s.phases, latest, upto);
    const fill = (chart, keys, positiveOnly) => {
      keys.forEach((k, i) => { chart.data.datasets[i].data = this.points(k, positiveOnly); });
      chart.options.scales.x.min = this.logSteps ? 1 : 0;
      chart.options.scales.x.max = xMax;
      chart.options.plugins.grokMarkers.markers = markers;
      chart.options.plugins.phaseBands.bands = bands;
      chart.update('none');
    };
    const at = last ? ` at step ${last.step.toLocaleString('en-US')}` : '';
    const marks = markers.map((m) => `${m.label} at step ${m.step}`).join(', ');
    const phases = bands.length ? `; ${describeBands(bands)}` : '';
    if (this.charts.acc) {
      fillOther(this.charts.acc, 2, ['train_acc', 'test_acc']);
      fill(this.charts.acc, ['train_acc', 'test_acc']);
      this.label(this.charts.acc, (last ? `Accuracy against step: train ${pct(last.train_acc)}, test ${pct(last.test_acc)}${at}` +
                                          `${marks ? `; ${marks}` : ''}${phases}` : 'Accuracy against step: no data yet') +
                                   otherText((m) => `train ${pct(m.train_acc)}, test ${pct(m.test_acc)}`, ''));
    }
    const snapsUpto = this.snapshots.filter((p) => p.step <= upto);
    const snapPoints = (key, positiveOnly) => snapsUpto
      .filter((p) => (!this.logSteps || p.step > 0) && typeof p[key] === 'number' && Number.isFinite(p[key]) && (!positiveOnly || p[key] > 0))
      .map((p) => ({ x: p.step, y: p[key] }));
    if (this.charts.loss) {
      const ds = this.charts.loss.data.datasets;
      ds[2].data = snapPoints('restricted_loss', this.logLoss);
      ds[3].data = snapPoints('excluded_loss', this.logLoss);
      const lastSnap = snapsUpto.at(-1);
      const circuitNow = ds[2].data.length && lastSnap?.restricted_loss != null
        ? `; restricted ${fmt(lastSnap.restricted_loss)}, excluded ${fmt(lastSnap.excluded_loss)} at step ${lastSnap.step.toLocaleString('en-US')}` : '';
      fillOther(this.charts.loss, 4, ['train_loss', 'test_loss'], this.logLoss);
      fill(this.charts.loss, ['train_loss', 'test_loss'], this.logLoss);
      this.label(this.charts.loss, (last ? `Loss against step${this.logLoss ? ' (log scale)' : ''}: train ${fmt(last.train_loss)}, ` +
                                           `test ${fmt(last.test_loss)}${at}${circuitNow}${phases}` : 'Loss against step: no data yet') +
                                    otherText((m) => `train loss ${fmt(m.train_loss)}, test loss ${fmt(m.test_loss)}`, ''));
    }
    if (this.charts.norm) {
      fill(this.charts.norm, ['weight_norm']);
      this.label(this.charts.norm, last ? `Weight norm against step: ${fmt(last.weight_norm)}${at}${phases}` : 'Weight norm against step: no data yet');
    }
    if (this.normAcc) this.renderNormAcc(upto);
    const circuit = circuitText(s);
    if (this.charts.measures) {
      const c = this.charts.measures;
      const snaps = snapsUpto.filter((p) => !this.logSteps || p.step > 0);
      c.data.datasets[0].data = snapPoints('restricted_loss', true);
      c.data.datasets[1].data = snapPoints('excluded_loss', true);
      c.data.datasets[2].data = this.points('test_loss', true);
      c.data.datasets[3].data = snapPoints('gini_embed');
      c.options.scales.x.min = this.logSteps ? 1 : 0;
      c.options.scales.x.max = xMax;
      c.options.plugins.grokMarkers.markers = markers;
      c.options.plugins.phaseBands.bands = bands;
      const restricted = c.data.datasets[0].data.length > 0;
      const has = restricted || c.data.datasets[3].data.length;
      const sub = c.options.plugins.subtitle;
      sub.display = restricted;
      sub.text = `restricted/excluded: ${circuit.short}`;
      c.update('none');
      const lastSnap = snaps.at(-1);
      this.label(c, !has ? 'Progress measures: none in this run' :
        `Progress measures at step ${lastSnap.step}: restricted loss ${fmt(lastSnap.restricted_loss)}, ` +
        `excluded loss ${fmt(lastSnap.excluded_loss)}, Gini of the embedding spectrum ${fmt(lastSnap.gini_embed)}` +
        `${restricted ? `; restricted and excluded loss use ${circuit.long}` : ''}${phases}`);
    }
    const lastKeySnap = snapsUpto.findLast((p) => Array.isArray(p.key_freqs));
    if (this.keyFreqsText) {
      const text = keyFreqsText(lastKeySnap, s);
      if (this.keyFreqsText.textContent !== text) this.keyFreqsText.textContent = text;
    }
    if (this.spectrum) {
      this.spectrum.uptoStep = upto;
      this.spectrum.circuitFreqs = Array.isArray(s.circuit_freqs) ? s.circuit_freqs : [];
      this.spectrum.draw();
    }
  }

  // Omnigrok's view of one run: accuracy against the weight norm, in the order the run went (the
  // norm may rise first, then weight decay pulls it down), the latest point marked.
  renderNormAcc(upto) {
    const c = this.normAcc, path = [];
    for (const m of this.metrics) {
      if (m.step > upto) break;
      if (Number.isFinite(m.weight_norm) && Number.isFinite(m.train_acc) && Number.isFinite(m.test_acc)) path.push(m);
    }
    c.data.datasets[0].data = path.map((m) => ({ x: m.weight_norm, y: m.train_acc }));
    c.data.datasets[1].data = path.map((m) => ({ x: m.weight_norm, y: m.test_acc }));
    c.update('none');
    if (!path.length) { this.label(c, 'Accuracy against weight norm: no data yet'); return; }
    const first = path[0], last = path.at(-1);
    // Where test accuracy was when the run had memorized (train accuracy 99%), if it has.
    const memo = path.find((m) => m.train_acc >= 0.99);
    this.label(c, `Accuracy against weight norm: from norm ${fmt(first.weight_norm)} (train ${pct(first.train_acc)}, ` +
                  `test ${pct(first.test_acc)}) at step ${first.step.toLocaleString('en-US')}` +
                  `${memo ? ` through norm ${fmt(memo.weight_norm)} when it memorized (test ${pct(memo.test_acc)})` : ''}` +
                  ` to norm ${fmt(last.weight_norm)} (train ${pct(last.train_acc)}, test ${pct(last.test_acc)}) at step ` +
                  `${last.step.toLocaleString('en-US')}`);
  }

  label(chart, text) {
    if (chart.canvas.getAttribute('aria-label') !== text) chart.canvas.setAttribute('aria-label', text);
  }
}

const kList = (ks) => ks.join(', ');

// How restricted/excluded loss were computed: a short form for the chart's subtitle (narrow charts)
// and a long one for the accessible label. The core re-scores all snapshots with the latest key
// frequencies, so during a live run they are re-chosen as training goes on; a finished run uses the
// final model's, as the paper does. Old run files (no circuit_freqs) and runs whose key frequencies
// have not been fixed yet: each snapshot used its own.
function circuitText(s) {
  const ks = s?.circuit_freqs;
  if (!Array.isArray(ks) || !ks.length) return { short: "each snapshot's own key frequencies", long: "each snapshot's own key frequencies" };
  if (s.complete) return { short: `k = ${kList(ks)} (final model)`, long: `the final model's key frequencies k = ${kList(ks)}` };
  return { short: `k = ${kList(ks)} (latest; re-chosen as it trains)`,
           long: `the latest key frequencies k = ${kList(ks)}, re-chosen as training goes on` };
}

function keyFreqsText(snap, s) {
  const parts = [];
  if (snap) {
    parts.push(snap.key_freqs.length ? `Key frequencies at step ${snap.step.toLocaleString('en-US')}: k = ${kList(snap.key_freqs)} (strongest first).`
                                     : `No key frequencies yet at step ${snap.step.toLocaleString('en-US')}.`);
  }
  if (Array.isArray(s?.circuit_freqs) && s.circuit_freqs.length) {
    parts.push(`Restricted/excluded loss use k = ${kList(s.circuit_freqs)}${s.complete ? ' (the final model’s)' : ' (the latest, re-chosen as training goes on)'}.`);
  }
  return parts.join(' ');
}

function fmt(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'not finite';
  return Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toFixed(3) : v.toExponential(2);
}
