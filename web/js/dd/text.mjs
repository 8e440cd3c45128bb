// Text of the double-descent page: numbers to four significant digits ('—' for none) and text
// made safe for innerHTML.
export const fmt = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(4)).toString());

export function escapeHtml(s) {
  return String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]));
}
