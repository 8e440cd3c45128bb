// The double-descent worker (a module worker with its own wasm instance): runs a sweep one model
// size at a time, in slices of about 30 ms, so a Stop or a new Run gets in between slices and the
// page never waits. After every slice it posts the new points (a delta).
// Requests and replies: common/worker-host.mjs; unasked: {type: 'progress', ...}.
import { Ticker, serve } from '../common/worker-host.mjs';

const SLICE_MS = 30;

let M = null;
let session = null;
let runId = 0;
let sent = 0;        // points already posted for this run
let started = 0;     // performance.now() at Run

const ticker = new Ticker(slice, { onError: (e) => host.fatal(e) });

function progress() {
  const points = JSON.parse(session.pointsSince(sent));
  const from = sent;
  sent += points.length;
  self.postMessage({ type: 'progress', runId, from, points, fraction: session.workFraction(),
                     done: session.done(), running: ticker.running && !session.done(), ms: performance.now() - started });
}

function slice() {
  if (!session) return false;
  const t0 = performance.now();
  while (performance.now() - t0 < SLICE_MS && session.step()) { /* one model size per step */ }
  const more = !session.done();
  if (!more) ticker.stop();
  progress();
  return more;
}

const handlers = {
  run: (msg) => {
    ticker.stop();
    if (session) { session.delete(); session = null; }
    const s = new M.DDSession();
    const error = s.init(JSON.stringify(msg.config));
    if (error) { s.delete(); return { error }; }
    session = s;
    ++runId;
    sent = 0;
    started = performance.now();
    ticker.start();
    return { runId, header: JSON.parse(session.header()) };
  },
  stop: () => {
    ticker.stop();
    if (session) progress();
    return {};
  },
  check: (msg) => ({ error: M.ddCheckResult(msg.text) }),
  result: () => (session ? { text: session.resultJson() } : { error: 'no sweep' }),
};

const host = serve(handlers, {
  onReady: (m) => { M = m; return {}; },
  onFatal: () => { ticker.stop(); session = null; M = null; },
});
