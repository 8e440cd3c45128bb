// Charts of the network experiments (Chart.js, window.Chart; the heatmap on a plain canvas):
//   error:    median test error (band: the middle half of the seeds) and median train error against
//             the parameter count (model-wise) or the training-set size (sample-wise), log x, with a
//             vertical line at the interpolation threshold
//   epochs:   test error against epoch for the smallest, a chosen and the largest size (train error
//             of the chosen one dotted)
//   heatmap:  median test error for every size x evaluation (Nakkiran et al. 2019, Fig. 2), viridis
// Okabe-Ito colours, and every series also differs by dash pattern or point shape.
import { OKABE_ITO, viridis } from '../common/palette.mjs';
import { base, verticalLine } from './charts.mjs';
import { minOf, maxOf } from '../common/numbers.mjs';

const C = OKABE_ITO;
const BAND = 'rgba(213, 94, 0, 0.15)';

const fmtCount = (v) => (v >= 1e4 ? `${Number((v / 1e3).toPrecision(3))}k` : String(Number(v.toPrecision(3))));

function logX(title) {
  return {
    type: 'logarithmic', title: { display: true, text: title },
    ticks: { callback: (v) => (/^[125]/.test(String(v)) ? fmtCount(v) : ''), autoSkip: true, maxRotation: 0 },
  };
}

const errorY = { type: 'linear', title: { display: true, text: 'error (share misclassified)' }, suggestedMin: 0 };

export function createNetworkCharts(root) {
  const canvas = (name) => root.querySelector(`canvas[data-chart="${name}"]`);
  const error = new window.Chart(canvas('net-error'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'test q75', data: [], borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: BAND },
        { label: 'test q25', data: [], borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'test error (median)', data: [], borderColor: C.vermillion, backgroundColor: C.vermillion,
          borderWidth: 2.5, pointRadius: 3.5, pointStyle: 'circle' },
        { label: 'train error (median, noisy labels)', data: [], borderColor: C.blue, backgroundColor: C.blue,
          borderDash: [7, 4], borderWidth: 2, pointRadius: 2.5, pointStyle: 'rect' },
      ],
    },
    options: base({
      plugins: {
        legend: { labels: { usePointStyle: true, filter: (item) => !item.text.startsWith('test q') } },
        tooltip: {
          filter: (item) => !item.dataset.label.startsWith('test q'),
          callbacks: { title: (items) => items[0]?.raw?.title ?? '' },
        },
      },
      scales: { x: logX('parameters'), y: errorY },
    }),
    plugins: [verticalLine],
  });
  const epochs = new window.Chart(canvas('net-epochs'), {
    type: 'line',
    data: { datasets: [] },
    options: base({
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'epoch' },
             ticks: { callback: (v) => (/^[1]0*$/.test(String(v)) ? String(v) : ''), maxRotation: 0 } },
        y: errorY,
      },
    }),
  });
  return { error, epochs, heatmap: canvas('net-heatmap') };
}

// The error chart from the core's curve ({axis, points, threshold}).
export function updateNetworkError(charts, curve) {
  const modelwise = curve.axis === 'hidden';
  const xOf = (p) => (modelwise ? p.params : p.size);
  const title = (p) => (modelwise ? `H = ${p.size}: ${p.params.toLocaleString('en')} parameters` : `n = ${p.size}`) +
    ` (${p.runs} seed${p.runs > 1 ? 's' : ''})`;
  const pts = curve.points;
  const ds = charts.error.data.datasets;
  ds[0].data = pts.map((p) => ({ x: xOf(p), y: p.test_error_q75 }));
  ds[1].data = pts.map((p) => ({ x: xOf(p), y: p.test_error_q25 }));
  ds[2].data = pts.map((p) => ({ x: xOf(p), y: p.test_error_median, title: title(p) }));
  ds[3].data = pts.map((p) => ({ x: xOf(p), y: p.train_error_median, title: title(p) }));
  const x = charts.error.options.scales.x;
  x.title.text = modelwise ? 'parameters' : 'training samples n';
  const t = curve.threshold;
  charts.error.options.plugins.ddVertical = t
    ? { x: modelwise ? t.params : t.size, label: modelwise ? `fits its training set from H = ${t.size}` : `fitted up to n = ${t.size}` }
    : {};
  charts.error.update('none');
}

const LINES = [
  { color: C.bluishGreen, dash: [], point: 'triangle' },
  { color: C.vermillion, dash: [7, 4], point: 'circle' },
  { color: C.blue, dash: [2, 3], point: 'rect' },
];

// Test error against epoch for up to three sizes (`chosen`: their sizes), the middle one's train
// error thin and dotted. Evaluations at step 0 are left out (log axis).
export function updateNetworkEpochs(charts, curves, chosen, axis) {
  const name = (size) => (axis === 'hidden' ? `H = ${size}` : `n = ${size}`);
  const datasets = [];
  const picked = chosen.map((s) => curves.find((c) => c.size === s)).filter(Boolean);
  picked.forEach((c, k) => {
    const look = LINES[k % LINES.length];
    const data = c.epochs.map((e, j) => ({ x: e, y: c.test[j] })).filter((p) => p.x > 0);
    datasets.push({ label: `test error, ${name(c.size)}`, data, borderColor: look.color, backgroundColor: look.color,
                    borderDash: look.dash, borderWidth: 2, pointRadius: 0, pointStyle: look.point });
    if (k === 1 || picked.length === 1) {
      datasets.push({ label: `train error, ${name(c.size)}`, data: c.epochs.map((e, j) => ({ x: e, y: c.train[j] })).filter((p) => p.x > 0),
                      borderColor: look.color, backgroundColor: look.color, borderDash: [1, 3], borderWidth: 1.2, pointRadius: 0 });
    }
  });
  charts.epochs.data.datasets = datasets;
  charts.epochs.update('none');
}

// The size x epoch heatmap of median test error, sizes up the y axis (small at the bottom), the
// evaluations across (log-spaced in epochs, as the runs evaluate), a colour bar on the right.
// Returns what it drew (for the tests and the aria label).
export function drawHeatmap(canvas, curves, axis) {
  const dpr = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || 600, cssH = canvas.clientHeight || 260;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const rows = curves.filter((c) => c.epochs.some((e) => e > 0));
  const left = 64, right = 64, top = 8, bottom = 36;
  const w = cssW - left - right, h = cssH - top - bottom;
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#1b1f24';
  if (!rows.length || w <= 0 || h <= 0) {
    ctx.fillText('Waiting for the first finished run…', left, top + 20);
    return { rows: 0, columns: 0 };
  }
  const all = rows.flatMap((c) => c.test.filter(Number.isFinite));
  const lo = minOf(all), hi = maxOf(all);
  const span = hi - lo || 1;
  const emin = minOf(rows.map((c) => c.epochs.find((e) => e > 0)));
  const emax = maxOf(rows.map((c) => c.epochs[c.epochs.length - 1]));
  const lx = (e) => left + (Math.log(e / emin) / Math.log(emax / emin || 2)) * w;
  const rowH = h / rows.length;
  let columns = 0;
  rows.forEach((c, r) => {
    const y = top + h - (r + 1) * rowH;
    for (let j = 0; j < c.epochs.length; ++j) {
      if (!(c.epochs[j] > 0)) continue;
      const x0 = lx(c.epochs[j]);
      const x1 = j + 1 < c.epochs.length ? lx(c.epochs[j + 1]) : left + w;
      ctx.fillStyle = viridis((c.test[j] - lo) / span);
      ctx.fillRect(x0, y, Math.max(1, x1 - x0 + 0.5), rowH + 0.5);
      columns = Math.max(columns, j + 1);
    }
    ctx.fillStyle = '#1b1f24';
    ctx.textAlign = 'right';
    if (rowH >= 11 || r % Math.ceil(11 / rowH) === 0)
      ctx.fillText(axis === 'hidden' ? `H ${c.size}` : `n ${c.size}`, left - 6, y + rowH / 2 + 4);
  });
  ctx.textAlign = 'center';
  for (let e = 1; e <= emax * 1.0001; e *= 10) {
    if (e < emin) continue;
    ctx.fillText(String(e), lx(e), top + h + 16);
  }
  ctx.fillText('epoch', left + w / 2, top + h + 32);
  // Colour bar: low error at the bottom, dark; high at the top, bright.
  const bx = left + w + 14;
  for (let k = 0; k < h; ++k) {
    ctx.fillStyle = viridis(1 - k / h);
    ctx.fillRect(bx, top + k, 12, 1.5);
  }
  ctx.fillStyle = '#1b1f24';
  ctx.textAlign = 'left';
  ctx.fillText(hi.toFixed(2), bx + 16, top + 10);
  ctx.fillText(lo.toFixed(2), bx + 16, top + h);
  return { rows: rows.length, columns, lo, hi };
}
