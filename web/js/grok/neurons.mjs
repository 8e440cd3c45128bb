// Inside the MLP: each hidden unit's input weights over the operand (a = 0..p-1) are a wave at one
// frequency once the network has grokked (Nanda et al. 2023). This panel overlays the units that
// share a dominant frequency, one small canvas per frequency group (largest groups first), plus one
// for the units with other frequencies or none, so every unit is drawn exactly once. High
// frequencies (period ~4 operands at k = 15, p = 59) look like noise against a; ordered by k·a mod p
// (an option) each unit of a group shows as one smooth period instead. Plain canvas:
// ~128 short polylines, redrawn only when new waves arrive (at most about once a second).
import { OKABE_ITO } from '../common/palette.mjs';
import { maxOf } from '../common/numbers.mjs';

const MAX_GROUPS = 6;
const PAD = { x: 4, y: 5 };

export class NeuronWavesView {
  // root: the panel; it holds [data-role="neurons-status"] (a sentence) and [data-role="neurons-groups"].
  constructor(root) {
    this.root = root;
    this.status = root.querySelector('[data-role="neurons-status"]');
    this.byPhase = false;     // x = k·a mod p instead of a (frequency groups only)
    const toggle = root.querySelector('[data-role="neurons-by-phase"]');
    toggle?.addEventListener('change', () => { this.byPhase = toggle.checked; if (this.waves) this.describe(); this.schedule(); });
    if (toggle) this.byPhase = toggle.checked;
    this.box = root.querySelector('[data-role="neurons-groups"]');
    this.waves = null;
    this.shownKey = '';
    this.signature = '';      // the groups the figures were built for
    this.frame = 0;
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.box);
  }

  // The empty state, with the reason (a transformer run, a replay).
  message(text) {
    if (!this.waves && this.status?.textContent === text) return;  // shown already
    this.waves = null;
    this.shownKey = '';
    this.signature = '';
    this.box.replaceChildren();
    this.root.dataset.plotted = '0';
    delete this.root.dataset.step;
    this.setStatus(text);
  }

  // w: {runId, step (of the snapshot the frequencies come from), steps (of the weights), freq, waves};
  // keyFreqs: that snapshot's key frequencies, to mark those groups.
  show(w, keyFreqs = []) {
    const key = `${w.runId}:${w.steps}:${w.step}`;
    if (key === this.shownKey) return;  // nothing new: no redraw
    this.shownKey = key;
    this.waves = w;
    this.groups = groupUnits(w.freq, new Set(keyFreqs));
    const signature = this.groups.map((g) => `${g.k}:${g.units.length}:${g.key}:${g.detail || ''}`).join(' ');
    if (signature !== this.signature) this.build();  // the same groups keep their figures
    this.signature = signature;
    this.describe();
    this.schedule();
  }

  setStatus(text) { if (this.status && this.status.textContent !== text) this.status.textContent = text; }

  build() {
    const { groups } = this;
    const p = this.waves.waves[0]?.length || 0;
    const figs = groups.map((grp) => {
      const fig = document.createElement('figure');
      fig.className = 'wave-group';
      fig.dataset.freq = grp.k == null ? 'other' : String(grp.k);
      fig.dataset.units = String(grp.units.length);
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', grp.k == null
        ? `${grp.units.length} hidden units with ${grp.detail}: input weights over the operand 0 to ${p - 1}, overlaid`
        : `Frequency k = ${grp.k}${grp.key ? ' (a key frequency)' : ''}: ${grp.units.length} hidden units whose input weights over ` +
          `the operand 0 to ${p - 1} repeat ${grp.k} times (period ${(p / grp.k).toFixed(1)}), overlaid`);
      const cap = document.createElement('figcaption');
      cap.textContent = grp.k == null ? `other: ${grp.units.length} units` : `k = ${grp.k} · ${grp.units.length} units${grp.key ? ' · key' : ''}`;
      if (grp.k == null) cap.title = grp.detail;
      fig.append(canvas, cap);
      return fig;
    });
    this.box.replaceChildren(...figs);
  }

  describe() {
    const { groups } = this;
    const w = this.waves, hidden = w.freq.length;
    const main = groups.filter((g) => g.k != null).map((g) => `k = ${g.k}: ${g.units.length}`).join(', ');
    this.setStatus(`${hidden} hidden units at step ${w.steps.toLocaleString('en-US')}, grouped by the dominant frequency of the ` +
                   `snapshot at step ${w.step.toLocaleString('en-US')}${main ? ` (${main})` : ''}. Each curve is one unit's ` +
                   `input weight for operand a = 0…p−1${this.byPhase ? ' (ordered by k·a mod p in the frequency groups)' : ''}, scaled to its largest value.`);
  }

  schedule() {
    if (this.frame || !this.waves) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  draw() {
    if (!this.waves) return;  // an empty state came after the redraw was scheduled
    const dpr = window.devicePixelRatio || 1;
    let plotted = 0;
    const figs = this.box.querySelectorAll('figure.wave-group');
    this.groups.forEach((grp, gi) => {
      const canvas = figs[gi]?.querySelector('canvas');
      if (!canvas) return;
      const cw = canvas.clientWidth, ch = canvas.clientHeight;
      if (!cw || !ch) return;
      if (canvas.width !== Math.round(cw * dpr) || canvas.height !== Math.round(ch * dpr)) {
        canvas.width = Math.round(cw * dpr);
        canvas.height = Math.round(ch * dpr);
      }
      const g = canvas.getContext('2d');
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, cw, ch);
      const mid = ch / 2, amp = ch / 2 - PAD.y;
      g.strokeStyle = '#d0d7de';
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(PAD.x, mid);
      g.lineTo(cw - PAD.x, mid);
      g.stroke();
      // Key-frequency groups blue, other single-frequency groups purple, the rest grey; the caption
      // says which, so colour is not the only cue. Translucent so that overlaid waves show density.
      g.strokeStyle = grp.k == null ? '#6e7781' : grp.key ? OKABE_ITO.blue : OKABE_ITO.reddishPurple;
      g.globalAlpha = grp.units.length > 30 ? 0.25 : 0.45;
      g.lineWidth = 1.25;
      const p = this.waves.waves[0]?.length || 0, dx = (cw - 2 * PAD.x) / Math.max(1, p - 1);
      // a at position (k·a mod p) when ordered by phase: i-th point is a = i·k⁻¹ mod p (p prime); one
      // order serves every unit of the group.
      const order = this.byPhase && grp.k ? phaseOrder(grp.k, p) : null;
      for (const u of grp.units) {
        const wave = this.waves.waves[u];
        if (!wave?.length) continue;  // every wave has p points (one per operand)
        const scale = maxOf(wave.map((v) => Math.abs(v)), 1e-12);
        g.beginPath();
        for (let i = 0; i < p; ++i) {
          const x = PAD.x + i * dx, y = mid - (amp * wave[order ? order[i] : i]) / scale;
          if (i) g.lineTo(x, y); else g.moveTo(x, y);
        }
        g.stroke();
        ++plotted;
      }
      g.globalAlpha = 1;
    });
    this.root.dataset.plotted = String(plotted);
    this.root.dataset.step = String(this.waves.step);
  }
}

// order[j] = the operand a with k·a ≡ j (mod p); for p prime and 0 < k < p every j has one.
function phaseOrder(k, p) {
  const order = new Array(p).fill(0);
  for (let a = 0; a < p; ++a) order[(k * a) % p] = a;
  return order;
}

// Units by dominant frequency: the MAX_GROUPS largest groups (ties: lower k first), then one group
// (k = null) with everything else: smaller groups and units with no dominant frequency (k = 0).
export function groupUnits(freq, keySet = new Set()) {
  const by = new Map();
  freq.forEach((k, u) => { if (k > 0) { if (!by.has(k)) by.set(k, []); by.get(k).push(u); } });
  const sorted = [...by].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
  const groups = sorted.slice(0, MAX_GROUPS).map(([k, units]) => ({ k, key: keySet.has(k), units }));
  const rest = sorted.slice(MAX_GROUPS);
  const none = freq.map((k, u) => (k > 0 ? -1 : u)).filter((u) => u >= 0);
  const restUnits = [...rest.flatMap(([, units]) => units), ...none];
  if (restUnits.length) {
    const parts = [];
    if (rest.length) parts.push(`other frequencies (${rest.map(([k, units]) => `k = ${k}: ${units.length}`).join(', ')})`);
    if (none.length) parts.push(`no dominant frequency (${none.length})`);
    groups.push({ k: null, key: false, units: restUnits, detail: parts.join(' and ') });
  }
  return groups;
}
