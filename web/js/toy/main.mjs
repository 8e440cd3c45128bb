// toy.html: the closed-form toy model of Davies, Langosco & Krueger (2023) (model.mjs), with a
// slider for each pattern's strength, speed and onset; two charts (the patterns, and train/test
// accuracy) and a sentence saying what the test curve does. No worker: it is a few thousand
// exponentials per redraw.
import { EPOCHS, KINDS, PRESETS, curves, describe } from './model.mjs';
import { OKABE_ITO, SERIES } from '../common/palette.mjs';

const { Chart } = globalThis;
const $ = (role) => document.querySelector(`[data-role="${role}"]`);
const PATTERN_STYLE = [
  { color: OKABE_ITO.bluishGreen, dash: [] },
  { color: OKABE_ITO.orange, dash: [7, 4] },
  { color: OKABE_ITO.reddishPurple, dash: [2, 3] },
];
const SLIDERS = [
  { key: 'gamma', label: 'strength γ (share of the training set it explains)', min: 0, max: 1, step: 0.05 },
  { key: 'alpha', label: 'speed α', min: 0.01, max: 0.5, step: 0.01 },
  { key: 'b', label: 'onset b (epoch of half strength)', min: 0, max: EPOCHS, step: 5 },
];
const pct = (v) => `${(100 * v).toFixed(0)}%`;

let patterns = PRESETS['double-descent'].map((p) => ({ ...p }));
let charts = null;

function line(label, style, data) {
  return { label, data, borderColor: style.color, backgroundColor: style.color, borderDash: style.dash, borderWidth: 2,
           pointRadius: 0, pointStyle: 'line', fill: false };
}

function chart(canvas, yLabel) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: { title: { display: true, text: 'epoch' }, ticks: { maxTicksLimit: 7 } },
                y: { min: 0, max: 1, title: { display: true, text: yLabel }, ticks: { callback: (v) => pct(v) } } },
      plugins: { legend: { labels: { usePointStyle: true, pointStyleWidth: 28, boxHeight: 8 } },
                 tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y)}` } } },
    },
  });
}

function buildSliders() {
  const root = $('patterns');
  KINDS.forEach((kind, i) => {
    const box = document.createElement('fieldset');
    box.className = 'toy-pattern';
    const legend = document.createElement('legend');
    legend.textContent = `${kind.name} (generalizes: ${kind.g ? 'yes' : 'no'})`;
    legend.style.borderLeft = `4px ${PATTERN_STYLE[i].dash.length ? 'dashed' : 'solid'} ${PATTERN_STYLE[i].color}`;
    box.append(legend);
    for (const s of SLIDERS) {
      const id = `toy-${kind.key}-${s.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = s.label;
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', id, min: s.min, max: s.max, step: s.step });
      input.dataset.pattern = String(i);
      input.dataset.key = s.key;
      const out = document.createElement('output');
      out.htmlFor = id;
      input.addEventListener('input', () => { patterns[i][s.key] = Number(input.value); update(); });
      const row = document.createElement('div');
      row.className = 'toy-slider';
      row.append(label, input, out);
      box.append(row);
    }
    root.append(box);
  });
}

function syncSliders() {
  for (const input of document.querySelectorAll('[data-role="patterns"] input')) {
    const v = patterns[Number(input.dataset.pattern)][input.dataset.key];
    input.value = String(v);
    const text = input.dataset.key === 'b' ? `epoch ${v}` : String(v);
    input.nextElementSibling.textContent = text;
    input.setAttribute('aria-valuetext', text);
  }
}

function verdict(c, d) {
  const { test } = c;
  const parts = [];
  if (d.doubleDescent) {
    parts.push(`Test accuracy rises to ${pct(test[d.peak])} by epoch ${d.peak}, falls to ${pct(test[d.dip])} at epoch ${d.dip}, ` +
               `then rises again to ${pct(test[d.late])}: epoch-wise double descent (test error down, up, down).`);
  }
  if (d.grokking) {
    parts.push(`Train accuracy passes 90% at epoch ${d.trainAt}, test accuracy only at epoch ${d.testAt}: grokking.`);
  }
  if (!parts.length) {
    parts.push(`Neither here: test accuracy ends at ${pct(d.final.test)}, train accuracy at ${pct(d.final.train)}.`);
  }
  return parts.join(' ');
}

function update() {
  syncSliders();
  const c = curves(patterns);
  const d = describe(c);
  const [pc, ac] = charts;
  pc.data.labels = c.epochs;
  pc.data.datasets = KINDS.map((k, i) => line(k.name, PATTERN_STYLE[i], c.pred[i]));
  pc.update('none');
  ac.data.labels = c.epochs;
  ac.data.datasets = [line('train accuracy', SERIES.train, c.train), line('test accuracy', SERIES.test, c.test)];
  ac.update('none');
  const text = verdict(c, d);
  $('verdict').textContent = text;
  ac.canvas.setAttribute('aria-label', `Train and test accuracy against epoch. ${text}`);
  pc.canvas.setAttribute('aria-label', 'Share of the training set each pattern explains, against epoch: ' +
    KINDS.map((k, i) => `${k.name} reaches ${pct(c.pred[i].at(-1))}`).join('; '));
  window.toyDemo.last = { ...d, train: c.train, test: c.test };
}

function usePreset(name) {
  patterns = PRESETS[name].map((p) => ({ ...p }));
  update();
}

window.toyDemo = {
  preset: usePreset,
  set: (i, key, value) => { patterns[i][key] = value; update(); },
  state: () => window.toyDemo.last,
  last: null,
};

if (!Chart) {
  $('verdict').textContent = 'Chart.js did not load (vendor/chart.umd.js).';
} else {
  charts = [chart($('chart-patterns'), 'share of the training set'), chart($('chart-accuracy'), 'accuracy')];
  buildSliders();
  for (const b of document.querySelectorAll('[data-preset]')) b.addEventListener('click', () => usePreset(b.dataset.preset));
  update();
}
