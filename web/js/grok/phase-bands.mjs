// Shaded background bands for the phases of a grokking run (Nanda et al. 2023): memorization,
// circuit formation, cleanup, from summary.phases (rule in core/include/grok/phases.h). A Chart.js
// plugin drawn under the datasets, light enough that the curves stay readable; each band carries its
// name, so colour is never the only cue. Charts opt in with plugins: [phaseBandsPlugin].
import { OKABE_ITO } from '../common/palette.mjs';

// Okabe-Ito hues at low alpha: distinct for the common colour-vision deficiencies, and faint.
export const PHASES = [
  { key: 'memorization', label: 'memorization', short: 'mem.', color: OKABE_ITO.orange, alpha: 0.13 },
  { key: 'circuit', label: 'circuit formation', short: 'circuit', color: OKABE_ITO.skyBlue, alpha: 0.16 },
  { key: 'cleanup', label: 'cleanup', short: 'clean.', color: OKABE_ITO.bluishGreen, alpha: 0.12 },
];

// The bands to draw: [{key, label, from, to, open}] where `open` means the phase is still running
// (its end boundary is null, so it reaches the latest step). Bands are cut at `upto` (the replay's
// scrub position) and a phase that has not started by then is left out. Old run files without
// phases give no bands.
export function phaseBands(phases, latestStep, upto = Infinity) {
  if (!phases || phases.memorization_end === undefined) return [];
  const ends = [phases.memorization_end, phases.circuit_end, phases.cleanup_end];
  const bands = [];
  let from = 0;
  for (let i = 0; i < PHASES.length; ++i) {
    if (from == null) break;                 // the previous phase is still running
    const end = ends[i];
    const to = Math.min(end ?? latestStep, upto);
    if (!(to > from)) break;                  // not reached at the scrub position (or empty)
    bands.push({ key: PHASES[i].key, label: PHASES[i].label, from, to, open: end == null || end > upto });
    from = end;
  }
  return bands;
}

export function describeBands(bands) {
  if (!bands.length) return '';
  const num = (v) => v.toLocaleString('en-US');
  return `phases: ${bands.map((b) => `${b.label} ${num(b.from)}–${num(b.to)}${b.open ? ' (still running)' : ''}`).join(', ')}`;
}

const rgba = (hex, a) => `rgba(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)}, ${a})`;

export const phaseBandsPlugin = {
  id: 'phaseBands',
  defaults: { bands: [] },
  beforeDatasetsDraw(chart, _args, opts) {
    const bands = opts.bands || [];
    if (!bands.length) return;
    const { ctx, chartArea: area, scales: { x } } = chart;
    const lo = Math.max(area.left, Math.min(area.right, x.getPixelForValue(x.min)));
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'center';
    for (const b of bands) {
      const style = PHASES.find((p) => p.key === b.key);
      // On a log axis step 0 is off the scale: start at the axis minimum instead.
      const from = x.type === 'logarithmic' && b.from < x.min ? x.min : b.from;
      if (x.type === 'logarithmic' && b.to <= 0) continue;
      const left = Math.max(lo, x.getPixelForValue(from)), right = Math.min(area.right, x.getPixelForValue(b.to));
      if (!(right > left)) continue;
      ctx.fillStyle = rgba(style.color, style.alpha);
      ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      const w = right - left;
      const text = ctx.measureText(style.label).width + 6 <= w ? style.label : ctx.measureText(style.short).width + 4 <= w ? style.short : '';
      if (text) {
        ctx.fillStyle = '#3d444d';
        ctx.fillText(text, left + w / 2, area.bottom - 3);
      }
    }
    ctx.restore();
  },
};
