// Replay on the grokking page: opening run files (grok-run/1, checked by the core's own reader in
// the worker) and sweep summaries (grok-sweep/1, drawn as a phase diagram), from the file picker, a
// drop, a sample button or a same-origin ?run= / ?sweep= URL; and the scrubber over a replayed run.
import { LoadError, parseJson, readFile, readUrl } from '../common/files.mjs';
import { PhaseDiagram, SWEEP_SCHEMA, checkSweep } from './phase.mjs';
import { num, pct, runTitle } from './format.mjs';

// The full Omnigrok recipe (preset omnigrok-fashion, 100k steps on 1000 images of Debian's files)
// trained natively; docs/deep-learning.md has the command.
export const OMNIGROK_NATIVE_RUN = 'data/omnigrok-fashion-native.json';

export class Replay {
  constructor(lab) {
    this.lab = lab;
    this.current = null;  // {run, name, index}
    this.sweep = null;
  }

  bind(on) {
    on('file', 'change', (e) => { const f = e.target.files?.[0]; if (f) this.loadFile(f); e.target.value = ''; });
    on('load-sample', 'click', () => this.loadUrl('data/sample-run.json'));
    on('load-sample-nanda', 'click', () => this.loadUrl('data/nanda2023-seed0.json'));
    on('load-sample-omnigrok', 'click', () => this.loadUrl(OMNIGROK_NATIVE_RUN));
    on('load-sample-sweep', 'click', () => this.loadUrl('data/phase-browser.json'));
    const drop = this.lab.$('dropzone');
    if (drop) {
      drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
      drop.addEventListener('dragleave', () => drop.classList.remove('over'));
      drop.addEventListener('drop', (e) => {
        e.preventDefault();
        drop.classList.remove('over');
        const f = e.dataTransfer?.files?.[0];
        if (f) this.loadFile(f);
      });
    }
    const scrub = this.lab.$('scrub');
    scrub?.addEventListener('input', () => this.scrubTo(Number(scrub.value)));
    on('scrub-prev', 'click', () => this.scrubBy(-1));
    on('scrub-next', 'click', () => this.scrubBy(1));
  }

  async loadFile(file) {
    try {
      await this.loadText(await readFile(file), file.name);
    } catch (e) {
      this.failed(e);
    }
  }

  async loadUrl(url) {
    try {
      const { text, name } = await readUrl(url);
      return await this.loadText(text, name);
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  failed(e) {
    this.lab.notices.show(e instanceof LoadError ? e.message : `Could not open the file: ${e.message}`, { kind: 'error', key: 'load-file' });
  }

  async loadText(text, name) {
    const lab = this.lab;
    lab.notices.clear('load-file');
    const obj = parseJson(text, name);
    if (obj && obj.schema === SWEEP_SCHEMA) {
      const err = checkSweep(obj);
      if (err) throw new LoadError(`${name}: ${err}`);
      this.showSweep(obj, name);
      return true;
    }
    if (lab.loadError) throw new LoadError(lab.loadError);
    const r = await lab.client.request('check-run', { text });  // the core's own reader decides what a run file is
    if (r.error) throw new LoadError(`${name}: ${r.error}`);
    if (!obj.metrics.length) throw new LoadError(`${name}: the run has no metrics to show`);
    this.current = { run: obj, name, index: obj.metrics.length - 1 };
    const scrub = lab.$('scrub');
    if (scrub) {
      scrub.min = '0';
      scrub.max = String(obj.metrics.length - 1);
      scrub.value = scrub.max;
      scrub.disabled = false;
    }
    const title = lab.$('replay-title');
    if (title) title.textContent = `${name}: ${runTitle(obj.config, lab.schema)}${obj.summary.complete === false ? ' (incomplete run)' : ''}`;
    if (lab.mode !== 'replay') lab.setMode('replay');
    else this.show();
    lab.notices.announce(`Opened ${name}: ${obj.metrics.length} evaluations up to step ${num(obj.metrics.at(-1).step)}.`);
    return true;
  }

  show() {
    const { run } = this.current;
    this.lab.showTask(run.config);
    // A complete run ends where its metrics end (e.g. stopped at grokking); a partial one may go on
    // to config.steps, so its axis keeps that room.
    const last = run.metrics.at(-1)?.step || 0;
    const complete = run.summary?.complete !== false;
    this.lab.view.setRun({ metrics: run.metrics, snapshots: run.snapshots || [], summary: run.summary,
                           totalSteps: complete ? last : Math.max(run.config.steps || 0, last) });
    this.scrubTo(this.current.index);
  }

  scrubTo(index) {
    if (!this.current) return;
    const lab = this.lab;
    const n = this.current.run.metrics.length;
    this.current.index = Math.max(0, Math.min(n - 1, Math.round(index)));
    const m = this.current.run.metrics[this.current.index];
    const scrub = lab.$('scrub');
    if (scrub && Number(scrub.value) !== this.current.index) scrub.value = String(this.current.index);
    const text = `step ${num(m.step)}`;
    scrub?.setAttribute('aria-valuetext', `${text}: train ${pct(m.train_acc)}, test ${pct(m.test_acc)}`);
    const out = lab.$('scrub-out');
    if (out) out.textContent = text;
    if (lab.mode === 'replay') {
      lab.view.setUpto(m.step);
      lab.updateStatus();
    }
  }

  scrubBy(delta) { if (this.current) this.scrubTo(this.current.index + delta); }
  scrubEnd(last) { if (this.current) this.scrubTo(last ? this.current.run.metrics.length - 1 : 0); }

  // The page's one phase diagram, for a summary file and for the live sweep (sweep.mjs): false on a
  // page without one (the embed).
  showPhase(sweep, name, options = {}) {
    const lab = this.lab;
    const view = lab.$('phase-view');
    if (!view) return false;
    view.hidden = false;
    this.phase ??= new PhaseDiagram(lab.$('phase-canvas'), { legend: lab.$('phase-legend'), table: lab.$('phase-table'), caption: lab.$('phase-caption') });
    this.phase.show(sweep, name, options);
    return true;
  }

  showSweep(sweep, name) {
    const lab = this.lab;
    if (!this.showPhase(sweep, name)) {
      lab.notices.show(`${name} is a sweep summary; open it on the full page to see the phase diagram.`, { key: 'load-file' });
      return;
    }
    this.sweep = sweep;
    if (lab.mode !== 'replay') lab.setMode('replay');
    lab.$('phase')?.scrollIntoView({ block: 'nearest' });
    lab.notices.announce(`Opened sweep ${name}: ${sweep.rows.length} runs.`);
  }

  // What the status line and grokDemo.state() show for the replayed step.
  state() {
    const { run, index } = this.current;
    const m = run.metrics[index] || {};
    const s = run.summary || {};
    return { m, s, last: run.metrics.at(-1)?.step };
  }
}
