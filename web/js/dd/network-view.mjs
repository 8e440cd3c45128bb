// What the double-descent page shows of a network sweep (network.mjs's sweep S): the status line,
// the charts' state, the epoch chart's choice of sizes, the table, and labels that state the
// pictures' values for a screen reader. The page's main.mjs decides when to draw.
import { epochCurves } from './network.mjs';
import { updateNetworkError, updateNetworkEpochs, drawHeatmap } from './network-charts.mjs';
import { fmt, escapeHtml } from './text.mjs';

// The double-descent shape of a network curve: the lowest test error before the threshold (dip),
// the highest between it and the threshold (peak: the interpolation peak sits at or just below the
// threshold), and the last size. No peak without a threshold or when nothing rises after the dip.
export function curveShape(curve) {
  const pts = curve.points;
  if (!pts.length) return null;
  const out = { first: pts[0], last: pts[pts.length - 1], dip: null, peak: null };
  const t = curve.threshold ? pts.findIndex((p) => p.size === curve.threshold.size) : -1;
  if (t < 1) return out;
  let d = 0;
  for (let i = 1; i < t; ++i) if (pts[i].test_error_median < pts[d].test_error_median) d = i;
  let k = d;
  for (let i = d + 1; i <= t; ++i) if (pts[i].test_error_median > pts[k].test_error_median) k = i;
  if (k > d) { out.dip = pts[d]; out.peak = pts[k]; }
  return out;
}

const letter = (axis) => (axis === 'hidden' ? 'H' : 'n');

// "test error 0.584 at H = 13, peak 0.619 at H = 41, 0.562 at H = 192" (`bold` wraps the peak).
function shapeText(shape, axis, bold = (t) => t) {
  const at = (p) => `${fmt(p.test_error_median)} at ${letter(axis)} = ${p.size}`;
  return shape.peak ? `test error ${at(shape.dip)}, peak ${bold(at(shape.peak))}, ${at(shape.last)}`
                    : `test error ${at(shape.first)} … ${at(shape.last)}`;
}

// The status line (HTML) of sweep S on `workers` workers.
export function networkStatus(S, workers) {
  if (!S) return 'Ready.';
  const b = S.plan.base_config;
  const modelwise = S.axis === 'hidden';
  const parts = [S.live ? '<b>Live</b>' : `<b>Replay</b> ${escapeHtml(S.name || '')}`];
  parts.push(`MLP on ${escapeHtml(b.dataset)}, ${modelwise ? `n = ${b.n_train}` : `H = ${b.hidden}`}, ` +
             `${Math.round(b.label_noise * 100)}% labels redrawn, ${b.epochs} epochs`);
  parts.push(`${S.rows.length}/${S.plan.runs.length} runs${S.failed.length ? `, ${S.failed.length} failed` : ''}`);
  if (S.live) {
    const secs = ((S.finished ?? performance.now()) - S.started) / 1000;
    parts.push(S.finished ? `${S.cancelled ? 'stopped' : 'done'} in ${secs.toFixed(1)} s on ${workers} workers`
                          : `${S.running.size} running on ${workers} workers, ${secs.toFixed(0)} s`);
  }
  const shape = curveShape(S.curve);
  if (shape) parts.push(shapeText(shape, S.axis, (t) => `<b>${t}</b>`));
  const t = S.curve.threshold;
  if (t) parts.push(modelwise ? `fits its training set from H = ${t.size}` : `fits its training set up to n = ${t.size}`);
  return parts.map((p) => `<span>${p}</span>`).join('');
}

// Draws sweep S: the error chart, the epoch chart (smallest, `epochChoice` or else the threshold's
// size or the median one, largest; `select` lists the sizes), the heatmap, the table and the
// labels. Returns the heatmap's extent ({rows, columns, lo, hi}).
export function drawNetworkViews(S, charts, { select, table, epochChoice }) {
  updateNetworkError(charts, S.curve);
  const curves = epochCurves(S.histories);
  const sizes = curves.map((c) => c.size);
  if ([...select.options].map((o) => o.value).join() !== sizes.join()) {
    select.replaceChildren(...sizes.map((v) => new Option(`${letter(S.axis)} = ${v}`, String(v))));
  }
  select.disabled = sizes.length === 0;
  const t = S.curve.threshold?.size;
  const middle = sizes.includes(epochChoice) ? epochChoice : sizes.includes(t) ? t : sizes[Math.floor(sizes.length / 2)];
  if (middle !== undefined) select.value = String(middle);
  const chosen = sizes.length ? [...new Set([sizes[0], middle, sizes[sizes.length - 1]])] : [];
  updateNetworkEpochs(charts, curves, chosen, S.axis);
  const h = drawHeatmap(charts.heatmap, curves, S.axis);
  charts.heatmap.setAttribute('aria-label', h.rows
    ? `Heatmap of median test error, ${h.rows} ${S.axis === 'hidden' ? 'widths' : 'training-set sizes'} up, ${h.columns} evaluations across (log-spaced epochs); from ${fmt(h.lo)} (dark) to ${fmt(h.hi)} (bright)`
    : 'Heatmap of median test error: no run has finished yet');
  const shape = curveShape(S.curve);
  charts.error.canvas.setAttribute('aria-label', `Median test and train error against ${S.axis === 'hidden' ? 'parameter count' : 'training-set size'}, ` +
    `${S.curve.points.length} of ${S.curve.sizes.length} sizes` + (shape?.peak ? `; ${shapeText(shape, S.axis)}` : '') +
    (t !== undefined ? `; vertical line at the interpolation threshold, ${letter(S.axis)} = ${t}` : ''));
  drawTable(S, table);
  return h;
}

function drawTable(S, table) {
  const head = [letter(S.axis), 'parameters', 'seeds', 'test error median', 'q25', 'q75', 'train error median', 'test loss median'];
  const t = S.curve.threshold?.size;
  const rows = S.curve.points.map((p) => {
    const cells = [p.size, p.params.toLocaleString('en'), p.runs, fmt(p.test_error_median), fmt(p.test_error_q25), fmt(p.test_error_q75),
      fmt(p.train_error_median), fmt(p.test_loss_median)];
    return `<tr${p.size === t ? ' class="peak"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  table.innerHTML = `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody>`;
}
