// The embedding view: Fourier spectrum of the token embeddings (snapshots[].embed_spectrum, one
// norm per frequency k = 0..(p-1)/2) as a heatmap, frequency up, snapshot (log-spaced steps) across.
// When the network generalizes, a few frequencies light up and the rest go dark. Each snapshot's
// key frequencies (snapshots[].key_freqs) get a dot, so one sees them emerge; a tick on the right
// marks the frequencies restricted/excluded loss use (summary.circuit_freqs). Plain canvas:
// hundreds of cells redrawn at frame rate, with a hover read-out and a text summary for the
// accessibility tree.
import { viridis } from '../common/palette.mjs';
import { maxOf } from '../common/numbers.mjs';

const MARGIN = { left: 34, right: 12, top: 6, bottom: 22 };

export class SpectrumView {
  constructor(canvas, tip) {
    this.canvas = canvas;
    this.tip = tip;
    this.snapshots = [];
    this.uptoStep = Infinity;
    this.normalize = true;    // each snapshot scaled to its own largest frequency
    this.circuitFreqs = [];   // frequencies restricted/excluded loss use, ticked on the right
    this.label = canvas.getAttribute('aria-label') || 'Fourier spectrum of the token embeddings';
    this.resizeObserver = new ResizeObserver(() => this.draw());
    this.resizeObserver.observe(canvas);
    canvas.addEventListener('mousemove', (e) => this.hover(e));
    canvas.addEventListener('mouseleave', () => { if (this.tip) this.tip.hidden = true; });
  }

  set(snapshots) { this.snapshots = snapshots; }

  visible() {
    return this.snapshots.filter((s) => s.step <= this.uptoStep && Array.isArray(s.embed_spectrum) && s.embed_spectrum.length > 1);
  }

  layout() {
    const cols = this.visible();
    const K = cols.length ? cols[0].embed_spectrum.length - 1 : 0;  // k = 1..K (k = 0, the mean, left out)
    const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    const pw = Math.max(1, w - MARGIN.left - MARGIN.right), ph = Math.max(1, h - MARGIN.top - MARGIN.bottom);
    return { cols, K, w, h, pw, ph, cw: cols.length ? pw / cols.length : 0, rh: K ? ph / K : 0 };
  }

  columnValues(s) {
    const v = s.embed_spectrum.slice(1).map((x) => (Number.isFinite(x) ? x : 0));
    const max = this.normalize ? maxOf(v, 1e-12) : this.globalMax;
    return v.map((x) => x / max);
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const L = this.layout();
    if (!L.w || !L.h) return;
    const c = this.canvas;
    if (c.width !== Math.round(L.w * dpr) || c.height !== Math.round(L.h * dpr)) {
      c.width = Math.round(L.w * dpr);
      c.height = Math.round(L.h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, L.w, L.h);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#57606a';
    if (!L.cols.length || !L.K) {
      g.fillText('no snapshots yet', MARGIN.left + 8, MARGIN.top + 16);
      this.setLabel(`${this.label}: no snapshots yet`);
      return;
    }
    this.globalMax = L.cols.reduce((m, s) => maxOf(s.embed_spectrum.slice(1).filter(Number.isFinite), m), 1e-12);
    L.cols.forEach((s, i) => {
      const vals = this.columnValues(s);
      const x = MARGIN.left + i * L.cw;
      for (let k = 1; k <= L.K; ++k) {
        g.fillStyle = viridis(vals[k - 1]);
        // k = 1 at the bottom; +0.5 px overlap avoids hairline gaps between cells
        g.fillRect(x, MARGIN.top + (L.K - k) * L.rh, L.cw + 0.5, L.rh + 0.5);
      }
    });
    // Key frequencies: a black dot with a white ring reads on both ends of viridis.
    const r = Math.max(1.5, Math.min(3, 0.3 * Math.min(L.cw, L.rh)));
    g.fillStyle = '#000000';
    g.strokeStyle = '#ffffff';
    g.lineWidth = 1;
    L.cols.forEach((s, i) => {
      for (const k of s.key_freqs || []) {
        if (k < 1 || k > L.K) continue;
        g.beginPath();
        g.arc(MARGIN.left + (i + 0.5) * L.cw, MARGIN.top + (L.K - k + 0.5) * L.rh, r, 0, 2 * Math.PI);
        g.fill();
        g.stroke();
      }
    });
    g.fillStyle = '#1b1f24';
    for (const k of this.circuitFreqs) {
      if (k < 1 || k > L.K) continue;
      const y = MARGIN.top + (L.K - k + 0.5) * L.rh, x = L.w - MARGIN.right + 2;
      g.beginPath();
      g.moveTo(x, y);
      g.lineTo(x + 7, y - 4);
      g.lineTo(x + 7, y + 4);
      g.fill();
    }
    // Axes: a few frequency labels up the side, a few steps along the bottom.
    g.fillStyle = '#1b1f24';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const kStep = Math.max(1, Math.ceil(L.K / Math.max(1, Math.floor(L.ph / 16))));
    for (let k = 1; k <= L.K; k += kStep) g.fillText(`k=${k}`, MARGIN.left - 3, MARGIN.top + (L.K - k + 0.5) * L.rh);
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const nLabels = Math.max(2, Math.floor(L.pw / 70));
    const every = Math.max(1, Math.ceil(L.cols.length / nLabels));
    for (let i = 0; i < L.cols.length; i += every) {
      const x = MARGIN.left + (i + 0.5) * L.cw;
      g.fillText(L.cols[i].step.toLocaleString('en-US'), Math.min(Math.max(x, MARGIN.left + 12), L.w - 14), L.h - MARGIN.bottom + 5);
    }
    const last = L.cols[L.cols.length - 1];
    const top = this.columnValues(last).map((v, i) => [v, i + 1]).sort((a, b) => b[0] - a[0]).slice(0, 3);
    const key = last.key_freqs?.length ? `; key frequencies (dots): ${last.key_freqs.map((k) => `k=${k}`).join(', ')}` : '';
    const circuit = this.circuitFreqs.length ? `; restricted/excluded loss use (ticks on the right): ${this.circuitFreqs.map((k) => `k=${k}`).join(', ')}` : '';
    this.setLabel(`${this.label}: ${L.cols.length} snapshots up to step ${last.step}; strongest frequencies at step ` +
                  `${last.step}: ${top.map(([v, k]) => `k=${k}`).join(', ')}${key}${circuit}`);
  }

  setLabel(text) {
    if (this.canvas.getAttribute('aria-label') !== text) this.canvas.setAttribute('aria-label', text);
  }

  hover(e) {
    if (!this.tip) return;
    const L = this.layout();
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    const i = Math.floor((x - MARGIN.left) / L.cw), row = Math.floor((y - MARGIN.top) / L.rh);
    if (!L.cols.length || i < 0 || i >= L.cols.length || row < 0 || row >= L.K) { this.tip.hidden = true; return; }
    const k = L.K - row;
    const s = L.cols[i];
    const raw = s.embed_spectrum[k];
    this.tip.textContent = `step ${s.step.toLocaleString('en-US')}, k=${k}: ${Number(raw).toPrecision(3)}` +
                           (this.normalize ? ` (${Math.round(100 * this.columnValues(s)[k - 1])}% of the largest)` : '') +
                           (s.key_freqs?.includes(k) ? ', a key frequency' : '');
    this.tip.style.left = `${x}px`;
    this.tip.style.top = `${y}px`;
    this.tip.hidden = false;
  }
}
