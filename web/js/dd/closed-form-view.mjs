// What the double-descent page shows of a closed-form sweep (linear, random ReLU features, Legendre:
// the worker's result r = {config, model_sizes, theory, curves, points}): the status line, the
// Legendre fit's size slider and the table. network-view.mjs is the same for the network
// experiments; the page's main.mjs decides when to draw.
import { sweptAxis, updateCurve } from './charts.mjs';
import { fmt, escapeHtml } from './text.mjs';

// The status line (HTML). `run`: the page's state, {mode: 'live' | 'replay', replayName, running, done, ms}.
export function closedFormStatus(r, run) {
  if (!r) return 'Ready.';
  const c = r.config;
  const parts = [];
  parts.push(run.mode === 'replay' ? `<b>Replay</b> ${escapeHtml(run.replayName || '')}` : '<b>Live</b>');
  const ax = sweptAxis(c);
  parts.push(`${escapeHtml(c.experiment)}, ${ax.fixed} = ${ax.peak}, ${c.trials} trials`);
  parts.push(`${r.points.length}/${r.model_sizes.length} ${ax.key === 'n' ? 'training-set sizes' : 'model sizes'}`);
  if (run.mode === 'live') parts.push(run.running ? 'running…' : run.done ? `done in ${(run.ms / 1000).toFixed(1)} s` : 'stopped');
  const peak = r.points.find((p) => (p[ax.key] ?? p.p) === ax.peak);
  if (peak) parts.push(`median test MSE at ${ax.key} = ${ax.fixed}: <b>${fmt(peak.test_mse_median)}</b>`);
  return parts.map((s) => `<span>${s}</span>`).join('');
}

// The slider over the sizes done so far and the fitted curve at the chosen one. Until the reader
// has moved it (`touched`), the slider sits at p = n (the peak) once that size is done, else at the
// newest size. Returns the index shown.
export function drawCurveSlider(charts, r, { slider, out, index, touched }) {
  const count = r.points.length;
  slider.disabled = count === 0;
  slider.max = String(Math.max(0, count - 1));
  if (!touched) {
    const atN = r.points.findIndex((p) => p.p === r.config.n_train);
    index = atN >= 0 ? atN : count - 1;
  }
  index = Math.min(Math.max(0, index ?? 0), Math.max(0, count - 1));
  slider.value = String(index);
  const point = r.points[index];
  const text = point ? `p = ${point.p}${point.p === r.config.n_train ? ' (= n)' : ''}` : '—';
  out.textContent = text;
  slider.setAttribute('aria-valuetext', text);
  updateCurve(charts, r, point);
  return index;
}

// The table of every size done: medians and quartiles of the test MSE, the theory where there is one.
export function drawClosedFormTable(r, table) {
  const theory = Boolean(r.theory);
  const ax = sweptAxis(r.config);
  const head = [ax.key, 'test MSE median', 'q25', 'q75', 'mean', ...(theory ? ['theory'] : []), 'train MSE', 'p_eff', '‖w‖', 'λ', 'solver'];
  const rows = r.points.map((p) => {
    const cells = [p[ax.key] ?? p.p, fmt(p.test_mse_median), fmt(p.test_mse_q25), fmt(p.test_mse_q75), fmt(p.test_mse_mean),
      ...(theory ? [p.theory === null ? '∞ / —' : fmt(p.theory)] : []), fmt(p.train_mse_median), fmt(p.p_eff_median),
      fmt(p.coef_norm_median), fmt(p.ridge_median), escapeHtml(p.solver || '')];
    return `<tr${(p[ax.key] ?? p.p) === ax.peak ? ' class="peak"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  table.innerHTML = `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody>`;
}
