// embed.html: the demo with minimal chrome for an iframe. The query string picks the parts
// (controls=..., charts=..., status=0, options=1) and the settings (preset=..., lr=...). The frame posts
// its height to the parent whenever it changes: {type: 'grok-embed-height', height, id}.
import { Lab, addressParams } from './controller.mjs';

const query = new URLSearchParams(location.search);
const list = (key, fallback) => new Set((query.get(key) ?? fallback).split(',').map((s) => s.trim()).filter(Boolean));
const controls = list('controls', query.has('run') ? 'scrub' : 'play,reset');
const charts = list('charts', 'acc');

// Remove (not hide) what was not asked for, so the page's mode switching cannot bring it back.
for (const role of ['play', 'step', 'reset']) if (!controls.has(role)) document.querySelector(`[data-role="${role}"]`)?.remove();
for (const el of document.querySelectorAll('[data-control]')) {
  const want = el.dataset.control === 'options' ? query.get('options') === '1' : controls.has(el.dataset.control);
  if (!want) el.remove();
}
for (const el of document.querySelectorAll('[data-chart-box]')) if (!charts.has(el.dataset.chartBox)) el.remove();
if (query.get('status') === '0') document.querySelector('[data-role="status"]')?.remove();
if (query.get('log') === '0') for (const el of document.querySelectorAll('[data-role="log-steps"]')) el.checked = false;
if (!document.querySelector('.toolbar button, .toolbar input')) document.querySelector('.toolbar')?.remove();
if (query.get('title')) document.title = query.get('title');

const readParams = addressParams;
const lab = new Lab({ embed: true, readParams });
lab.start();

// Height reporting: the host sizes the iframe so that it never scrolls.
const id = query.get('id');
let lastHeight = 0;
const report = () => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === lastHeight || window.parent === window) return;
  lastHeight = height;
  window.parent.postMessage({ type: 'grok-embed-height', height, ...(id ? { id } : {}) }, '*');
};
new ResizeObserver(report).observe(document.documentElement);
addEventListener('load', report);
