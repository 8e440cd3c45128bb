// The grokking page's status: the buttons' states, the status line, and window.grokDemo.state(),
// for a live run or a replay.
import { msText } from './budget.mjs';
import { num, pct } from './format.mjs';

export function updateButtons(lab) {
  const play = lab.$('play');
  const blocked = !!lab.refused || !!lab.loadError || !lab.schema;
  if (play) {
    const running = lab.live.running && !lab.pausing && lab.mode === 'train';
    play.textContent = running ? 'Pause' : 'Play';
    play.setAttribute('aria-label', running ? 'Pause training' : 'Play: start training');
    play.disabled = blocked || (!running && lab.live.finished);
  }
  const step = lab.$('step');
  if (step) step.disabled = blocked || lab.live.finished;
  const reset = lab.$('reset');
  if (reset) reset.disabled = !lab.schema;
  const dl = lab.$('download-run');
  if (dl) dl.disabled = blocked || !lab.live.summary;
}

export function setStatusText(lab, text) {
  const el = lab.$('status');
  if (el) el.textContent = text;
}

export function updateStatus(lab) {
  const el = lab.$('status');
  if (!el) return;
  let parts;
  if (lab.mode === 'replay' && lab.replay.current) {
    const { m, s, last } = lab.replay.state();
    parts = [['Replay step', `${num(m.step)} / ${num(last)}`], ['train acc', pct(m.train_acc)], ['test acc', pct(m.test_acc)],
             ['memorized at', s.memorize_step != null && s.memorize_step <= m.step ? num(s.memorize_step) : '—'],
             ['grokked at', s.grok_step != null && s.grok_step <= m.step ? num(s.grok_step) : '—']];
  } else {
    const L = lab.live, s = L.summary || {}, last = L.metrics.at(-1) || {};
    const state = s.diverged ? 'diverged' : L.running ? 'training' : L.finished ? 'finished' : (s.steps ? 'paused' : 'ready');
    parts = [['Step', `${num(s.steps ?? 0)} / ${num(lab.config?.steps)}`], ['train acc', pct(last.train_acc)], ['test acc', pct(last.test_acc)],
             ['memorized at', num(s.memorize_step)], ['grokked at', num(s.grok_step)], ['', state]];
    if (s.steps > 0 && s.ms_per_step) parts.push(['', `${s.ms_per_step.toFixed(2)} ms/step`]);
    else if (lab.estimate && !lab.refused) parts.push(['', `~${msText(lab.estimate.msPerStep)} ms/step (estimate)`]);
  }
  el.replaceChildren(...parts.map(([k, v]) => {
    const span = document.createElement('span');
    if (k) { const b = document.createElement('b'); b.textContent = `${k} `; span.append(b); }
    span.append(v);
    return span;
  }));
}

export function demoState(lab) {
  if (lab.mode === 'replay' && lab.replay.current) {
    const { m, s } = lab.replay.state();
    return { mode: 'replay', ready: true, step: m.step ?? 0, train_acc: m.train_acc ?? null, test_acc: m.test_acc ?? null,
             memorize_step: s.memorize_step ?? null, grok_step: s.grok_step ?? null, running: false, finished: true,
             diverged: !!s.diverged, refused: null, error: null };
  }
  const L = lab.live, s = L.summary || {}, last = L.metrics.at(-1) || {};
  return { mode: lab.mode, ready: lab.runBuilt && !lab.refused && !lab.loadError, step: s.steps ?? 0,
           train_acc: last.train_acc ?? null, test_acc: last.test_acc ?? null,
           memorize_step: s.memorize_step ?? null, grok_step: s.grok_step ?? null, running: L.running,
           finished: L.finished, diverged: !!s.diverged, refused: lab.refused, error: lab.loadError,
           // A training step's mean wall time (the core's summary.ms_per_step, evaluations and measures
           // excluded), the worker's figure with them, and the cost model's estimate made before Play.
           ms_per_step: s.steps > 0 ? s.ms_per_step : null, wall_ms_per_step: L.msPerStep || null,
           estimated_ms_per_step: lab.estimate?.msPerStep ?? null, estimated_run_seconds: lab.estimate?.totalSeconds ?? null };
}
