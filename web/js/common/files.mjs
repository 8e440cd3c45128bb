// Reading run files (grok-run/1) and sweep summaries (grok-sweep/1) from a file picker, a drop, or a
// same-origin URL, with a size limit so a huge or wrong file gets a message, not a hung tab.
// The run format itself is checked by the core (Module.checkRunFile, in the worker).
export const MAX_BYTES = 50 * 1024 * 1024;

export class LoadError extends Error {}

// Saves `text` as a JSON file named `name` through the browser's download (run files, summaries).
export function downloadJson(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export async function readFile(file) {
  if (file.size > MAX_BYTES) throw new LoadError(`${file.name}: ${mb(file.size)} is more than the page reads (${mb(MAX_BYTES)}). Thin it out, or open it with the native tools.`);
  return file.text();
}

// Same-origin only: the page does not fetch from other sites on a URL parameter's say-so.
// readUrlBytes -> {bytes, name}; readUrl -> {text, name}. `base` defaults to the page's (or worker's)
// address; workers read the site's datasets with it too (common/datasets.mjs).
export async function readUrlBytes(spec, base = location.href) {
  let url;
  try { url = new URL(spec, base); } catch { throw new LoadError(`run: '${spec}' is not a URL`); }
  if (url.origin !== new URL(base).origin) throw new LoadError(`run: only files from this site can be opened by URL (got ${url.origin})`);
  let res;
  try { res = await fetch(url); } catch (e) { throw new LoadError(`${url.pathname}: could not be fetched (${e.message})`); }
  if (!res.ok) throw new LoadError(`${url.pathname}: HTTP ${res.status}`);
  const len = Number(res.headers.get('content-length'));
  if (len > MAX_BYTES) throw new LoadError(`${url.pathname}: ${mb(len)} is more than the page reads (${mb(MAX_BYTES)})`);
  // Read in chunks so a server without content-length cannot make us swallow gigabytes.
  const reader = res.body.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BYTES) { reader.cancel(); throw new LoadError(`${url.pathname}: more than ${mb(MAX_BYTES)}; not loaded`); }
    parts.push(value);
  }
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { bytes.set(p, off); off += p.byteLength; }
  return { bytes, name: url.pathname.split('/').pop() || url.pathname };
}

export async function readUrl(spec, base = location.href) {
  const { bytes, name } = await readUrlBytes(spec, base);
  return { text: new TextDecoder().decode(bytes), name };
}

export function parseJson(text, name) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LoadError(`${name}: not valid JSON (${e.message})`);
  }
}
