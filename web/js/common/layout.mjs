// Phone layout: at phone widths the demo (Play, the status line, the first chart) comes first (CSS
// order in grok.css) and long settings sections start folded, so the first screen is the demo and
// not a form. Wider screens keep the sections as the page's HTML sets them.
export const PHONE_QUERY = '(max-width: 600px)';

export function foldOnPhones(root = document) {
  if (!window.matchMedia?.(PHONE_QUERY).matches) return;
  for (const d of root.querySelectorAll('details[data-fold-on-phone]')) d.open = false;
}
