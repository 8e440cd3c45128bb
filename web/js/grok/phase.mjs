// The phase diagram of a sweep summary ("grok-sweep/1", written by `grok sweep`): one cell per
// grid point (train_fraction across, weight_decay up when both are swept), coloured by steps to
// grok (median over seeds and any other axes; viridis on a log scale) and hatched grey where the
// median run did not grok. Also a plain table of the same numbers for screen readers.
import { maxOf, minOf } from '../common/numbers.mjs';
import { viridis } from '../common/palette.mjs';

const { Chart } = globalThis;
export const SWEEP_SCHEMA = 'grok-sweep/1';
// Cells the diagram (and its table, a row each) draws: 100 x 100 is past what the eye can read.
export const MAX_CELLS = 10000;

// Returns "" or what is wrong with the summary (checked before anything is drawn).
export function checkSweep(s) {
  if (!s || typeof s !== 'object') return 'sweep summary: not a JSON object';
  if (s.schema !== SWEEP_SCHEMA) return `sweep summary: schema must be "${SWEEP_SCHEMA}"`;
  if (!Array.isArray(s.grid) || !s.grid.length) return 'sweep summary: grid must be a non-empty array';
  for (const g of s.grid)
    if (!g || typeof g.field !== 'string' || !Array.isArray(g.values) || !g.values.length) return 'sweep summary: each grid entry needs field and values';
  if (!Array.isArray(s.rows)) return 'sweep summary: rows must be an array';
  const cells = phaseShape(s).cells;
  if (cells > MAX_CELLS)
    return `sweep summary: its grid has ${cells.toLocaleString('en-US')} cells, more than the ${MAX_CELLS.toLocaleString('en-US')} ` +
      'a phase diagram can show (plot a slice of it with scripts/plot-experiments or your own tools)';
  for (const [i, r] of s.rows.entries()) {
    if (!r || !r.values || typeof r.values !== 'object') return `sweep summary: rows[${i}] has no values`;
    if (r.grok_step !== null && typeof r.grok_step !== 'number') return `sweep summary: rows[${i}].grok_step must be a number or null`;
  }
  return '';
}

function median(xs) {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Which fields go across and up, and how many cells that makes (before any row is looked at).
function phaseShape(s) {
  const fields = s.grid.map((g) => g.field);
  const xField = fields.includes('train_fraction') ? 'train_fraction' : fields[0];
  const yField = fields.includes('weight_decay') && xField !== 'weight_decay' ? 'weight_decay' : fields.find((f) => f !== xField) || null;
  const xs = s.grid.find((g) => g.field === xField).values;
  const ys = yField ? s.grid.find((g) => g.field === yField).values : [null];
  return { fields, xField, yField, xs, ys, cells: xs.length * ys.length };
}

const cellKey = (x, y) => JSON.stringify([x, y]);

// Cells: {x, y, runs, grokked, median (Infinity = did not grok), rows, running}. One pass over the
// rows, grouped by cell: the cost is rows + cells, not rows x cells (a 200 x 200 sweep froze the page
// for 12 s). `running`: the values of runs under way (a live sweep), counted per cell.
export function phaseCells(s, running = []) {
  const { fields, xField, yField, xs, ys } = phaseShape(s);
  const byCell = new Map();
  const keyOf = (values) => cellKey(values[xField], yField === null ? null : values[yField]);
  const at = (key) => {
    let c = byCell.get(key);
    if (!c) byCell.set(key, (c = { steps: [], rows: [], running: 0 }));
    return c;
  };
  for (const r of s.rows) {
    const c = at(keyOf(r.values));
    c.steps.push(r.grok_step == null || r.diverged ? Infinity : r.grok_step);
    c.rows.push(r);
  }
  for (const values of running) at(keyOf(values)).running += 1;
  const cells = [];
  for (const y of ys) {
    for (const x of xs) {
      const { steps, rows, running: under } = byCell.get(cellKey(x, y)) || { steps: [], rows: [], running: 0 };
      cells.push({ x, y, runs: steps.length, grokked: steps.filter(Number.isFinite).length,
                   median: steps.length ? median(steps) : NaN, rows, running: under });
    }
  }
  const others = fields.filter((f) => f !== xField && f !== yField);
  return { xField, yField, xs, ys, cells, others };
}

function hatch() {
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = '#e6e6e6';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = '#6e7781';
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(0, 8); g.lineTo(8, 0);
  g.moveTo(-2, 2); g.lineTo(2, -2);
  g.moveTo(6, 10); g.lineTo(10, 6);
  g.stroke();
  return g.createPattern(c, 'repeat');
}

const label = (v) => (v === null ? 'all' : String(v));

// A cell of a live sweep whose runs are still under way: Okabe-Ito blue, faint.
const RUNNING_FILL = 'rgba(0, 114, 178, 0.18)';

export class PhaseDiagram {
  // A live sweep keeps each run file: a click on a cell, or its button in the table, opens the
  // cell's first run (show's `open`).
  constructor(canvas, { legend, table, caption }) {
    this.canvas = canvas;
    this.legend = legend;
    this.table = table;
    this.caption = caption;
    this.onOpen = null;
    this.chart = null;
  }

  // running: the values ({field: value}) of runs under way, shown as faint cells until they finish;
  // open(row): how a cell opens its run (null: the cells' runs are not at hand, as in a summary file).
  show(s, name, { running = [], open = null } = {}) {
    this.onOpen = open;
    const P = phaseCells(s, running);
    const done = P.cells.filter((c) => Number.isFinite(c.median));
    const lo = done.length ? minOf(done.map((c) => c.median)) : 1, hi = done.length ? maxOf(done.map((c) => c.median)) : 1;
    const t = (v) => (hi > lo ? (Math.log(Math.max(v, 1)) - Math.log(Math.max(lo, 1))) / (Math.log(Math.max(hi, 1)) - Math.log(Math.max(lo, 1))) : 0.5);
    const pattern = hatch();
    const nx = P.xs.length, ny = P.ys.length;
    const data = P.cells.map((c) => ({ x: label(c.x), y: label(c.y), cell: c }));
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, {
      type: 'matrix',
      data: { datasets: [{
        label: 'steps to grok', data,
        backgroundColor: (ctx) => {
          const c = ctx.raw?.cell;
          if (!c || Number.isNaN(c.median)) return c?.running ? RUNNING_FILL : 'rgba(0,0,0,0)';
          return Number.isFinite(c.median) ? viridis(t(c.median)) : pattern;
        },
        borderColor: '#ffffff', borderWidth: 1,
        width: ({ chart }) => (chart.chartArea || {}).width / nx - 2,
        height: ({ chart }) => (chart.chartArea || {}).height / ny - 2,
      }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        onClick: (_e, elements) => {
          const cell = elements[0] && data[elements[0].index]?.cell;
          if (cell?.rows.length && this.onOpen) this.onOpen(cell.rows[0]);
        },
        onHover: (e, elements) => {
          const cell = elements[0] && data[elements[0].index]?.cell;
          e.native.target.style.cursor = cell?.rows.length && this.onOpen ? 'pointer' : '';
        },
        scales: {
          x: { type: 'category', labels: P.xs.map(label), offset: true, grid: { display: false }, title: { display: true, text: P.xField } },
          y: { type: 'category', labels: P.ys.map(label).reverse(), offset: true, grid: { display: false },
               title: { display: !!P.yField, text: P.yField || '' } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: () => '', label: (ctx) => cellText({ ...P, open: !!this.onOpen }, ctx.raw.cell) } },
        },
      },
    });
    const grokCells = done.length;
    this.canvas.setAttribute('aria-label', `Phase diagram of ${s.rows.length} runs from ${name}: ${P.xField} across` +
      `${P.yField ? `, ${P.yField} up` : ''}; ${grokCells} of ${P.cells.length} cells grokked` +
      (done.length ? `, between ${lo.toLocaleString('en-US')} and ${hi.toLocaleString('en-US')} steps` : '') + '. The table below lists every cell.');
    if (this.caption) {
      this.caption.textContent = `${name}: ${s.rows.length} runs (${s.runs_complete ?? s.rows.length} complete of ${s.runs_total ?? s.rows.length})` +
        `${s.preset ? `, preset ${s.preset}` : ''}. Colour: median steps to grok over seeds` +
        `${P.others.length ? ` and over ${P.others.join(', ')}` : ''}.`;
    }
    if (this.legend) {
      const stops = Array.from({ length: 9 }, (_, i) => viridis(i / 8)).join(', ');
      this.legend.innerHTML = '';
      const bar = document.createElement('span');
      bar.className = 'legend-swatch';
      bar.style.width = '8rem';
      bar.style.background = `linear-gradient(to right, ${stops})`;
      const dng = document.createElement('span');
      dng.className = 'legend-swatch';
      dng.style.background = 'repeating-linear-gradient(135deg, #e6e6e6 0 3px, #6e7781 3px 4px)';
      this.legend.append(`fast ${lo.toLocaleString('en-US')} `, bar, ` ${hi.toLocaleString('en-US')} steps (log scale)   `, dng, 'did not grok');
    }
    if (this.table) this.fillTable(P);
  }

  fillTable(P) {
    const t = this.table;
    t.replaceChildren();
    const head = t.createTHead().insertRow();
    const open = !!this.onOpen;
    for (const h of [P.xField, P.yField || '', 'runs', 'grokked', 'median steps to grok', ...(open ? ['run'] : [])]) {
      if (h === '' && !P.yField) continue;
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      head.append(th);
    }
    const body = t.createTBody();
    for (const c of P.cells) {
      const r = body.insertRow();
      const vals = [label(c.x), ...(P.yField ? [label(c.y)] : []), c.runs, c.grokked,
                    Number.isFinite(c.median) ? c.median.toLocaleString('en-US') : Number.isNaN(c.median) ? (c.running ? 'running' : 'no runs') : 'did not grok'];
      for (const v of vals) r.insertCell().textContent = String(v);
      if (!open) continue;
      const td = r.insertCell();
      if (c.rows.length) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = 'Open';
        b.setAttribute('aria-label', `Open the run at ${P.xField} ${label(c.x)}${P.yField ? `, ${P.yField} ${label(c.y)}` : ''}`);
        b.addEventListener('click', () => this.onOpen(c.rows[0]));
        td.append(b);
      } else if (c.running) td.textContent = 'running';
    }
  }
}

function cellText(P, c) {
  const where = `${P.xField} ${label(c.x)}${P.yField ? `, ${P.yField} ${label(c.y)}` : ''}`;
  if (!c.runs) return `${where}: ${c.running ? 'running' : 'no runs'}`;
  const what = Number.isFinite(c.median) ? `median ${c.median.toLocaleString('en-US')} steps to grok` : 'did not grok';
  return `${where}: ${what} (${c.grokked}/${c.runs} runs grokked)${c.rows.length && P.open ? '; click to open the run' : ''}`;
}
