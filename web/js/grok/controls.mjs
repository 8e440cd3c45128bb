// The grokking page's controls: buttons, the speed slider, view options, tabs, the keyboard, and
// sharing (copy link, download run). Each acts on the page's controller (controller.mjs).
import { downloadJson } from '../common/files.mjs';

// Speeds of the slider: steps per frame, 0 = as fast as the worker can (adaptive ~40 ms chunks).
const SPEEDS = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 0];

export function bindControls(lab) {
  const on = (role, ev, fn) => lab.$(role)?.addEventListener(ev, fn);
  on('play', 'click', () => (lab.live.running && !lab.pausing ? lab.pause() : lab.play()));
  on('step', 'click', () => lab.step());
  on('reset', 'click', () => lab.reset());
  const speed = lab.$('speed');
  if (speed) {
    const apply = () => {
      const v = SPEEDS[Number(speed.value)] ?? 0;
      const text = v === 0 ? 'max' : `${v} step${v > 1 ? 's' : ''}/frame`;
      const out = lab.$('speed-out');
      if (out) out.textContent = text;
      speed.setAttribute('aria-valuetext', text);
      lab.client?.ready.then(() => lab.client.request('speed', { stepsPerTick: v })).catch(() => {});
    };
    speed.max = String(SPEEDS.length - 1);
    if (!speed.dataset.init) speed.value = String(SPEEDS.length - 1);
    speed.addEventListener('input', apply);
    queueMicrotask(apply);
  }
  on('log-steps', 'change', (e) => lab.view.setLogSteps(e.target.checked));
  on('log-loss', 'change', (e) => lab.view.setLogLoss(e.target.checked));
  on('normalize', 'change', (e) => lab.view.setNormalizeSpectrum(e.target.checked));
  on('tab-train', 'click', () => lab.setMode('train'));
  on('tab-replay', 'click', () => lab.setMode('replay'));
  on('copy-link', 'click', () => copyLink(lab));
  on('download-run', 'click', () => downloadRun(lab));
  on('ask', 'submit', (e) => { e.preventDefault(); lab.inspect.ask(); });
  lab.replay.bind(on);
  lab.compare.bind(on);
  document.addEventListener('keydown', (e) => onKey(lab, e));
}

function onKey(lab, e) {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  const interactive = t instanceof Element && t.closest('input, select, textarea, button, a, summary, [contenteditable], [role="slider"]');
  if (interactive) return;  // those keep their own keys (Space on a button presses it)
  const replaying = lab.mode === 'replay' && lab.replay.current;
  if (e.key === ' ' && lab.mode === 'train') {
    e.preventDefault();
    if (lab.live.running && !lab.pausing) lab.pause(); else lab.play();
  } else if (replaying && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
    e.preventDefault();
    lab.replay.scrubBy((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1));
  } else if (replaying && (e.key === 'Home' || e.key === 'End')) {
    e.preventDefault();
    lab.replay.scrubEnd(e.key === 'End');
  }
}

async function copyLink(lab) {
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    lab.notices.show('Link copied: it opens this page with these settings.', { kind: 'info', key: 'copy' });
  } catch {
    lab.notices.show(`Copy this link: ${url}`, { kind: 'info', key: 'copy' });
  }
}

async function downloadRun(lab) {
  const r = await lab.client.request('run-json');
  if (r.error) return;
  downloadJson(r.text, `grok-${lab.presetName}-step${lab.live.summary?.steps ?? 0}.json`);
}
