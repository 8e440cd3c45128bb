// Compare runs: a second run, "B", drawn over the accuracy and loss charts (thinner, dotted lines,
// "B ..." in the legend) with a table of both summaries and the settings that differ. B is a run
// file (checked by the core's own reader in the worker, as a replay is) or the run on screen kept as
// it is now ("Keep this run as B"), so the same settings can be trained again with one change (say
// Grokfast on) and watched against the first run as it goes. Run A is whatever the charts show:
// the live run or the replayed one.
import { LoadError, parseJson, readFile, readUrl } from '../common/files.mjs';
import { num, pct, runTitle } from './format.mjs';

// Settings not worth a line in "what differs" (they do not change what a run computes).
const NEUTRAL = new Set(['threads']);

export class Compare {
  constructor(lab) {
    this.lab = lab;
    this.other = null;  // {name, config, metrics, summary}
    this.shown = '';    // the table's last content, to skip identical redraws
  }

  bind(on) {
    on('compare-file', 'change', (e) => { const f = e.target.files?.[0]; if (f) this.loadFile(f); e.target.value = ''; });
    on('compare-keep', 'click', () => this.keepCurrent());
    on('compare-clear', 'click', () => this.clear());
  }

  async loadFile(file) {
    try { await this.loadText(await readFile(file), file.name); } catch (e) { this.failed(e); }
  }

  async loadUrl(url) {
    try {
      const { text, name } = await readUrl(url);
      await this.loadText(text, name);
      return true;
    } catch (e) {
      this.failed(e);
      return false;
    }
  }

  failed(e) {
    this.lab.notices.show(e instanceof LoadError ? e.message : `Could not open the file to compare: ${e.message}`,
                          { kind: 'error', key: 'compare' });
  }

  async loadText(text, name) {
    const lab = this.lab;
    lab.notices.clear('compare');
    if (lab.loadError) throw new LoadError(lab.loadError);
    const obj = parseJson(text, name);
    const r = await lab.client.request('check-run', { text });
    if (r.error) throw new LoadError(`${name}: ${r.error}`);
    if (!obj.metrics.length) throw new LoadError(`${name}: the run has no metrics to compare`);
    this.set({ name, config: obj.config, metrics: obj.metrics, summary: obj.summary });
  }

  // The run on screen now: the replayed one in replay mode, else the live one.
  current() {
    const lab = this.lab;
    if (lab.mode === 'replay') {
      const c = lab.replay.current;
      return c ? { name: c.name, config: c.run.config, metrics: c.run.metrics, summary: c.run.summary } : null;
    }
    if (!lab.live.summary || !lab.live.metrics.length) return null;
    return { name: `kept run (${lab.presetName}, step ${num(lab.live.summary.steps)})`, config: lab.config,
             metrics: lab.live.metrics, summary: lab.live.summary };
  }

  keepCurrent() {
    const cur = this.current();
    if (!cur) {
      this.lab.notices.show('There is no run on screen to keep yet: press Play or open a run first.', { key: 'compare' });
      return false;
    }
    // A copy: the live run goes on growing (or is replaced by the next run) after this.
    this.set({ name: cur.name, config: { ...cur.config }, metrics: cur.metrics.map((m) => ({ ...m })),
               summary: { ...cur.summary } });
    return true;
  }

  set(other) {
    this.other = other;
    this.lab.view.setCompare(other);
    this.render();
    const clear = this.lab.$('compare-clear');
    if (clear) clear.disabled = false;
    this.lab.notices.announce(`Comparing with ${other.name}: drawn as run B.`);
  }

  clear() {
    this.other = null;
    this.lab.view.setCompare(null);
    this.render();
    const clear = this.lab.$('compare-clear');
    if (clear) clear.disabled = true;
  }

  // The table of both summaries; called after every redraw of the charts (run A may be live).
  render() {
    const table = this.lab.$('compare-table');
    if (!table) return;
    const a = this.current(), b = this.other;
    if (!b) {
      if (!table.hidden) { table.hidden = true; table.replaceChildren(); this.shown = ''; }
      return;
    }
    const schema = this.lab.schema;
    const sa = a?.summary || {}, sb = b.summary || {};
    const lastA = a?.metrics.at(-1) || {}, lastB = b.metrics.at(-1) || {};
    const rows = [
      ['Run', a ? a.name : '—', b.name],
      ['Settings', a ? runTitle(a.config, schema) : '—', runTitle(b.config, schema)],
      ['Steps', num(sa.steps ?? lastA.step), num(sb.steps ?? lastB.step)],
      ['Memorized (train ≥ 99%) at step', num(sa.memorize_step), num(sb.memorize_step)],
      ['Grokked (test ≥ 99%) at step', num(sa.grok_step), num(sb.grok_step)],
      ['Train accuracy at the end', pct(lastA.train_acc), pct(lastB.train_acc)],
      ['Test accuracy at the end', pct(lastA.test_acc), pct(lastB.test_acc)],
      ['Time per step', sa.ms_per_step ? `${sa.ms_per_step.toFixed(2)} ms` : '—', sb.ms_per_step ? `${sb.ms_per_step.toFixed(2)} ms` : '—'],
    ];
    const diff = a ? differences(a.config, b.config, schema) : [];
    rows.push(['Settings that differ', diff.length ? diff.map((d) => `${d.label} ${d.a}`).join(', ') : 'none',
               diff.length ? diff.map((d) => `${d.label} ${d.b}`).join(', ') : 'none']);
    const key = JSON.stringify(rows);
    if (key === this.shown) return;
    this.shown = key;
    const cell = (tag, text, scope) => {
      const c = document.createElement(tag);
      c.textContent = text;
      if (scope) c.scope = scope;
      return c;
    };
    const head = document.createElement('tr');
    head.append(cell('th', '', 'col'), cell('th', 'A (on the charts: solid and dashed)', 'col'), cell('th', 'B (thin: dotted and dash-dotted)', 'col'));
    const body = rows.map(([label, x, y]) => {
      const tr = document.createElement('tr');
      tr.append(cell('th', label, 'row'), cell('td', x), cell('td', y));
      return tr;
    });
    const caption = document.createElement('caption');
    caption.textContent = 'Run A (the one on screen) against run B';
    table.replaceChildren(caption, head, ...body);
    table.hidden = false;
  }
}

// The fields whose values differ, labelled as the settings form labels them.
function differences(ca, cb, schema) {
  const out = [];
  for (const f of schema?.fields || []) {
    if (NEUTRAL.has(f.name) || !(f.name in ca) || !(f.name in cb)) continue;
    if (JSON.stringify(ca[f.name]) !== JSON.stringify(cb[f.name]))
      out.push({ label: f.label || f.name, a: String(ca[f.name]), b: String(cb[f.name]) });
  }
  return out;
}
