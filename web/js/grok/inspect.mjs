// Looking inside the live run (core/grokking/inspect.h through the worker): "ask the model" and the
// MLP's neuron waves. Waves are fetched at most every WAVES_INTERVAL_MS while training (hidden x p
// numbers each), and once more when training stops at a step not fetched yet.
import { NeuronWavesView } from './neurons.mjs';
import { taskText } from './format.mjs';

const WAVES_INTERVAL_MS = 1000;

export class Inspect {
  constructor(lab) {
    this.lab = lab;
    const root = lab.$('neurons');
    this.view = root ? new NeuronWavesView(root) : null;
    this.waves = { pending: false, at: -Infinity, asked: '', last: null };
  }

  async ask() {
    const lab = this.lab;
    const out = lab.$('ask-out');
    const a = Number(lab.$('ask-a')?.value), b = Number(lab.$('ask-b')?.value);
    if (!out) return;
    if (!lab.live.summary || lab.refused) { out.textContent = 'No model yet: start a run first.'; return; }
    const r = await lab.client.request('predict', { a, b });
    if (r.error) { out.textContent = r.error; return; }
    const sure = `${Math.round(100 * r.top[0].prob)}%`;
    out.textContent = `${taskText(lab.schema, lab.config, a, b)}: the model says ${r.answer} (${sure} sure); the answer is ${r.truth} — ` +
                      `${r.answer === r.truth ? 'right' : 'wrong'}. This pair is in the ${r.in_train ? 'training' : 'test'} set.`;
  }

  fetchWaves() {
    const lab = this.lab, W = this.waves, L = lab.live;
    if (!this.view || lab.mode !== 'train' || W.pending || !lab.runBuilt || !L.snapshots.length) return;
    if (lab.config?.model !== 'mlp') { this.showWaves(); return; }
    const asked = `${L.runId}:${L.summary?.steps ?? 0}`;
    const now = performance.now();
    if (L.running ? now - W.at < WAVES_INTERVAL_MS : asked === W.asked) return;
    W.pending = true;
    W.at = now;
    W.asked = asked;
    lab.client.request('neuron-waves').then((w) => {
      W.pending = false;
      if (!w.error && w.runId === lab.live.runId) W.last = w;
      this.showWaves();
      if (!lab.live.running) this.fetchWaves();  // training stopped while this request was out
    }, () => { W.pending = false; });
  }

  showWaves() {
    const lab = this.lab;
    if (!this.view) return;
    if (lab.refused) {
      this.view.message('No run: nothing to show.');
    } else if (lab.mode === 'replay') {
      this.view.message('Neuron waves need a live MLP run: run files keep the measures above but not the weights. Train in the browser to see them.');
    } else if (lab.config && lab.config.model !== 'mlp') {
      this.view.message(`Neuron waves need a live MLP run; this run is a ${lab.config.model}. Choose model “mlp” to see them.`);
    } else if (this.waves.last && this.waves.last.runId === lab.live.runId) {
      const w = this.waves.last;
      const snap = lab.live.snapshots.find((p) => p.step === w.step) || lab.live.snapshots.at(-1);
      this.view.show(w, snap?.key_freqs || []);
    } else {
      this.view.message('Neuron waves appear once the run has a snapshot.');
    }
  }
}
