// Notices and announcements, shared by both pages. A notice is a dismissible box in the page's
// [data-role="notices"] (role alert for errors, status otherwise), optionally keyed (a new notice
// with the same key replaces the old one) and with one action button. Announcements go to the
// polite live region [data-role="announce"] for screen readers.
export class Notices {
  constructor(box, announcer) {
    this.box = box;
    this.announcer = announcer;
  }

  // kind: 'warn' | 'error' | 'info'; action: {label, run}. Returns the element (or null without a box).
  show(text, { kind = 'warn', key = null, action = null } = {}) {
    if (!this.box) { console.warn(text); return null; }
    if (key) this.clear(key);
    const div = document.createElement('div');
    div.className = `notice ${kind}`;
    div.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    if (key) div.dataset.key = key;
    const span = document.createElement('span');
    span.textContent = text;
    div.append(span);
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.label;
      b.addEventListener('click', () => { div.remove(); action.run(); });
      div.append(b);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.setAttribute('aria-label', 'Dismiss this notice');
    close.textContent = '×';
    close.addEventListener('click', () => div.remove());
    div.prepend(close);
    this.box.append(div);
    return div;
  }

  clear(key) { this.box?.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove(); }

  announce(text) { if (this.announcer) this.announcer.textContent = text; }
}
