// The worker's side of worker-client.mjs, shared by both pages' workers: loads the wasm module,
// answers requests from a table of handlers (exactly one reply each), reports an abort of the wasm
// instance as 'fatal' (the page then starts a new worker), and runs a tick loop that does a slice of
// work at a time so that messages (pause, stop, live edits) get in between slices.
import createGrokModule from '../../grok.mjs';
import { explainAbort } from './aborts.mjs';
import { provideDataset } from './datasets.mjs';

// Questions the page asks of the core (common/core.mjs), answered by the module's own functions.
// A reply that would be an error of the request itself carries `failed`; a field's error is data.
const coreHandlers = {
  'core-settings': (msg, M) => JSON.parse(M.settingsFromParams(msg.table, JSON.stringify(msg.pairs), msg.defaultPreset)),
  'core-params': (msg, M) => {
    const r = JSON.parse(M.paramsFromSettings(msg.table, msg.preset, JSON.stringify(msg.config)));
    return r.error ? { failed: r.error } : { pairs: r };
  },
  'core-check': (msg, M) => JSON.parse(M.checkField(msg.table, msg.name, msg.text)),
  'core-cost': (msg, M) => JSON.parse(M.estimateCost(JSON.stringify(msg.config))),
  'core-sweep-plan': (msg, M) => JSON.parse(M.sweepPlan(msg.preset, JSON.stringify(msg.config), JSON.stringify(msg.grid),
                                                        JSON.stringify(msg.seeds))),
  'core-sweep-summary': (msg, M) => {
    const r = JSON.parse(M.sweepSummary(msg.plan, JSON.stringify(msg.rows), JSON.stringify(msg.incomplete), JSON.stringify(msg.failed)));
    return r.error ? { failed: r.error } : { summary: r };
  },
  'core-network-plan': (msg, M) => JSON.parse(M.ddNetworkPlan(JSON.stringify(msg.config))),
  'core-network-curve': (msg, M) => JSON.parse(M.ddNetworkCurve(msg.plan, JSON.stringify(msg.rows))),
  'core-network-replay': (msg, M) => JSON.parse(M.ddNetworkReplay(msg.text)),
};

// Starts the module and serves `handlers` ({type: (msg, module) => reply object}) and the core's
// questions. onReady(module) returns extra fields of the 'ready' message, which always carries both
// schemas. onFatal() resets the worker's own state.
export function serve(ownHandlers, { onReady = () => ({}), onFatal = () => {} } = {}) {
  const handlers = { ...coreHandlers, ...ownHandlers };
  let M = null;
  const fatal = (e) => {
    // An abort leaves the wasm instance unusable: say what happened; the page decides what next.
    const why = explainAbort(String((e && e.message) || e), M?.HEAP8?.buffer?.byteLength ?? 0);
    M = null;
    onFatal();
    self.postMessage({ type: 'fatal', ...why });
  };
  const moduleReady = createGrokModule().then((m) => {
    M = m;
    self.postMessage({ type: 'ready', schemas: { grok: JSON.parse(m.schema()), dd: JSON.parse(m.ddSchema()) }, ...onReady(m) });
  }, (e) => {
    self.postMessage({ type: 'load-error', error: String((e && e.message) || e) });
  });
  // One request at a time, in order: a request whose run needs files (Fashion-MNIST) waits for them,
  // and the requests after it (play after init) wait their turn.
  let queue = moduleReady;
  const answer = async (msg) => {
    let reply;
    if (!M) reply = { error: 'the WebAssembly module is not loaded' };
    else if (!handlers[msg.type]) reply = { error: `unknown request ${msg.type}` };
    else {
      const missing = msg.type.startsWith('core-') ? '' : await provideDataset(M, msg.config);
      if (missing) reply = { error: missing };
      else {
        try { reply = handlers[msg.type](msg, M); } catch (err) { fatal(err); reply = { error: String((err && err.message) || err) }; }
      }
    }
    self.postMessage({ ...reply, type: 'reply', id: msg.id });
  };
  self.onmessage = (e) => {
    const msg = e.data || {};
    // A reply that cannot be sent still answers (so the page never waits), and the queue goes on.
    queue = queue.then(() => answer(msg)).catch((err) => {
      self.postMessage({ type: 'reply', id: msg.id, error: String((err && err.message) || err) });
    });
  };
  return { fatal };
}

// A loop of work slices. start() schedules `slice` until it returns false or stop() is called; each
// scheduled tick carries the token of the loop that scheduled it, so a stop + start cannot leave two
// loops running. delayMs() > 0 paces the slices (setTimeout), else they run back to back through a
// MessageChannel, which still lets the page's messages in between.
export class Ticker {
  constructor(slice, { delayMs = () => 0, onError = () => {} } = {}) {
    this.slice = slice;
    this.delayMs = delayMs;
    this.onError = onError;
    this.token = 0;
    this.running = false;
    this.channel = new MessageChannel();
    this.channel.port1.onmessage = (e) => { if (e.data === this.token) this.tick(); };
  }

  start() {
    if (this.running) return;
    this.running = true;
    ++this.token;
    this.schedule();
  }

  stop() { this.running = false; ++this.token; }

  schedule() {
    const token = this.token;
    const delay = this.delayMs();
    if (delay > 0) setTimeout(() => this.channel.port2.postMessage(token), delay);
    else this.channel.port2.postMessage(token);
  }

  tick() {
    if (!this.running) return;
    let more;
    try { more = this.slice(); } catch (e) { this.running = false; this.onError(e); return; }
    if (more && this.running) this.schedule();
    else this.running = false;
  }
}
