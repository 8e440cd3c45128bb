// Charts of the double-descent page (Chart.js, window.Chart from vendor/chart.umd.js).
//   risk:        median test MSE (with the middle half of the trials as a band), train MSE, theory,
//                against p on log-log axes, with a vertical line at p = n
//   complexity:  effective parameters and coefficient norm against p
//   curve:       legendre only: training points, true function, the fit for one model size
// Okabe-Ito colours, and every series also differs by dash pattern or point shape, so colour is
// never the only cue.
import { OKABE_ITO } from '../common/palette.mjs';
import { minOf } from '../common/numbers.mjs';

const C = OKABE_ITO;
const BAND = 'rgba(213, 94, 0, 0.15)';  // vermillion, transparent

// Draws a dashed vertical line with a label at x = options.plugins.ddVertical.x (p = n; the network
// charts' interpolation threshold). The label goes left of the line where it would run off the chart.
export const verticalLine = {
  id: 'ddVertical',
  afterDatasetsDraw(chart, _args, opts) {
    if (!opts || !Number.isFinite(opts.x)) return;
    const xs = chart.scales.x;
    const px = xs.getPixelForValue(opts.x);
    if (!(px >= chart.chartArea.left && px <= chart.chartArea.right)) return;
    const { ctx } = chart;
    ctx.save();
    ctx.strokeStyle = '#57606a';
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(px, chart.chartArea.top);
    ctx.lineTo(px, chart.chartArea.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#1b1f24';
    ctx.font = '12px system-ui, sans-serif';
    const label = opts.label || '';
    const w = ctx.measureText(label).width;
    ctx.fillText(label, px + 4 + w > chart.chartArea.right ? px - 4 - w : px + 4, chart.chartArea.top + 12);
    ctx.restore();
  },
};

const isDecade = (v) => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

const fmtTick = (v) => {
  if (!isDecade(v)) return '';  // label the decades only
  return v >= 1e-3 && v <= 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(0);
};

// What a sweep varies: the model size p at a fixed n (the default), or with axis samples the
// training-set size n at a fixed p. The peak sits where the two are equal.
export function sweptAxis(config) {
  return config.axis === 'samples'
    ? { key: 'n', fixed: 'p', peak: config.model_size, label: 'training samples n' }
    : { key: 'p', fixed: 'n', peak: config.n_train, label: 'model size p (features)' };
}

function logAxis(title) {
  return {
    type: 'logarithmic', title: { display: true, text: title },
    ticks: { callback: fmtTick, autoSkip: false, maxRotation: 0 },
    // Strong lines at the decades, faint ones between: readable without the clutter.
    grid: { color: (ctx) => (ctx.tick && isDecade(ctx.tick.value) ? '#d0d7de' : '#f3f4f6') },
  };
}

export function base(extra = {}) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false, axis: 'x' },
    plugins: { legend: { labels: { usePointStyle: true, boxWidth: 30 } }, ddVertical: {}, ...extra.plugins },
    scales: extra.scales,
  };
}

export function createCharts(root) {
  const canvas = (name) => root.querySelector(`canvas[data-chart="${name}"]`);
  const risk = new window.Chart(canvas('risk'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'test q75', data: [], borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: BAND },
        { label: 'test q25', data: [], borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'test MSE (median)', data: [], borderColor: C.vermillion, backgroundColor: C.vermillion,
          borderWidth: 2.5, pointRadius: 3.5, pointStyle: 'circle' },
        { label: 'train MSE (median)', data: [], borderColor: C.blue, backgroundColor: C.blue, borderDash: [7, 4],
          borderWidth: 2, pointRadius: 2.5, pointStyle: 'rect' },
        { label: 'theory (expected test MSE)', data: [], borderColor: C.black, backgroundColor: C.black,
          borderDash: [2, 3], borderWidth: 2, pointRadius: 0, spanGaps: false, hidden: false },
        { label: 'test MSE (mean over trials: what the theory predicts)', data: [], showLine: false,
          borderColor: C.reddishPurple, backgroundColor: 'rgba(0, 0, 0, 0)', pointStyle: 'triangle',
          pointRadius: 6, borderWidth: 1.5 },
      ],
    },
    options: base({
      plugins: {
        // The band's edges and an absent theory line stay out of the legend.
        legend: { labels: { usePointStyle: true, filter: (item, data) => !item.text.startsWith('test q') && !data.datasets[item.datasetIndex].ddAbsent } },
        tooltip: { filter: (item) => !item.dataset.label.startsWith('test q') },
      },
      scales: { x: logAxis('model size p (features)'), y: logAxis('mean squared error') },
    }),
    plugins: [verticalLine],
  });
  const complexity = new window.Chart(canvas('complexity'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'effective parameters', data: [], borderColor: C.bluishGreen, backgroundColor: C.bluishGreen,
          borderWidth: 2, pointRadius: 2, pointStyle: 'triangle', yAxisID: 'y' },
        { label: 'coefficient norm ‖w‖', data: [], borderColor: C.orange, backgroundColor: C.orange, borderDash: [7, 4],
          borderWidth: 2, pointRadius: 2, pointStyle: 'rectRot', yAxisID: 'y2' },
      ],
    },
    options: base({
      scales: {
        x: logAxis('model size p'),
        y: logAxis('effective parameters'),
        y2: { ...logAxis('‖w‖'), position: 'right', grid: { drawOnChartArea: false } },
      },
    }),
    plugins: [verticalLine],
  });
  const curve = new window.Chart(canvas('curve'), {
    type: 'line',
    data: {
      datasets: [
        { label: 'training points', data: [], showLine: false, borderColor: C.black, backgroundColor: C.black,
          pointRadius: 3.5, pointStyle: 'circle' },
        { label: 'true function', data: [], borderColor: C.blue, borderDash: [7, 4], borderWidth: 2, pointRadius: 0 },
        { label: 'fit', data: [], borderColor: C.vermillion, borderWidth: 2.5, pointRadius: 0 },
      ],
    },
    options: base({
      scales: {
        x: { type: 'linear', min: -1, max: 1, title: { display: true, text: 'x' } },
        y: { type: 'linear', min: -2, max: 2, title: { display: true, text: 'y' } },
      },
    }),
  });
  return { risk, complexity, curve };
}

// Train MSE is ~1e-30 once the model interpolates: on a log axis that would squash the curve, so
// values below `floor` are drawn at the floor (the legend says so).
export function updateRisk(charts, result, points) {
  const ok = (v) => v !== null && Number.isFinite(v) && v > 0;
  const ax = sweptAxis(result.config);
  const X = (p) => p[ax.key] ?? p.p;
  const tests = points.map((p) => p.test_mse_median).filter(ok);
  const floor = tests.length ? minOf(tests) / 100 : 1e-4;
  const ds = charts.risk.data.datasets;
  ds[0].data = points.filter((p) => ok(p.test_mse_q75)).map((p) => ({ x: X(p), y: p.test_mse_q75 }));
  ds[1].data = points.filter((p) => ok(p.test_mse_q25)).map((p) => ({ x: X(p), y: p.test_mse_q25 }));
  ds[2].data = points.filter((p) => ok(p.test_mse_median)).map((p) => ({ x: X(p), y: p.test_mse_median }));
  ds[3].data = points.map((p) => ({ x: X(p), y: Math.max(floor, p.train_mse_median ?? floor) }));
  ds[3].label = `train MSE (median; below ${floor.toPrecision(1)} drawn at the bottom)`;
  const hasTheory = Boolean(result.theory);
  ds[4].hidden = !hasTheory;
  ds[4].ddAbsent = !hasTheory;
  ds[4].label = hasTheory ? `theory: ${result.theory}` : 'theory';
  ds[4].data = hasTheory ? points.map((p) => ({ x: X(p), y: ok(p.theory) ? p.theory : null })) : [];
  // Means only where the theory is finite: at p = n - 1, n, n + 1 the mean is dominated by rare
  // near-singular trials (its expectation is infinite) and would only stretch the axis.
  ds[5].hidden = !hasTheory;
  ds[5].ddAbsent = !hasTheory;
  ds[5].data = hasTheory ? points.filter((p) => ok(p.theory) && ok(p.test_mse_mean)).map((p) => ({ x: X(p), y: p.test_mse_mean })) : [];
  const sizes = result.model_sizes;
  for (const chart of [charts.risk, charts.complexity]) {
    chart.options.plugins.ddVertical = { x: ax.peak, label: `${ax.key} = ${ax.fixed} = ${ax.peak}` };
    chart.options.scales.x.title.text = ax.label;
    chart.options.scales.x.min = sizes[0];
    chart.options.scales.x.max = sizes[sizes.length - 1];
  }
  charts.risk.options.scales.y.min = floor;
  charts.risk.update('none');
  const cds = charts.complexity.data.datasets;
  cds[0].data = points.filter((p) => ok(p.p_eff_median)).map((p) => ({ x: X(p), y: p.p_eff_median }));
  cds[1].data = points.filter((p) => ok(p.coef_norm_median)).map((p) => ({ x: X(p), y: p.coef_norm_median }));
  charts.complexity.update('none');
}

// The legendre fit of one model size; y clipped to the axis range (at p = n the fit swings far off).
export function updateCurve(charts, result, point) {
  const c = result.curves;
  const ds = charts.curve.data.datasets;
  if (!c) { for (const d of ds) d.data = []; charts.curve.update('none'); return; }
  ds[0].data = c.train_x.map((x, i) => ({ x, y: c.train_y[i] }));
  ds[1].data = c.plot_x.map((x, i) => ({ x, y: c.plot_truth[i] }));
  ds[2].data = point && point.fit_curve ? c.plot_x.map((x, i) => ({ x, y: point.fit_curve[i] })) : [];
  ds[2].label = point ? `fit with p = ${point.p}` : 'fit';
  charts.curve.update('none');
}
