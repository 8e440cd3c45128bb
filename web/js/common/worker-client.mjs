// The page's side of a module worker that runs the wasm core (both pages use it): requests return
// promises, unasked messages arrive as events. If the wasm instance dies (out of memory, an abort)
// the worker is replaced and a 'fatal' event says why; nothing is retried behind the page's back.
//
// Protocol (worker-host.mjs is the other side):
//   page -> worker {id, type, ...}; every request gets exactly one reply {id, type: 'reply', ...}
//   worker -> page {type: 'ready', ...} | {type: 'load-error', error} | {type: 'fatal', error} | {type: other, ...}
export class WorkerClient extends EventTarget {
  // url: the worker module. Unasked messages other than ready/load-error/fatal are dispatched as
  // events of their own type (e.g. 'progress') with the message as detail.
  constructor(url) {
    super();
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.start();
  }

  start() {
    this.worker = new Worker(this.url, { type: 'module' });
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    this.ready.catch(() => {});  // a page that never asks must not see an unhandled rejection
    this.worker.onmessage = (e) => this.onMessage(e.data);
    // A module worker that fails to load (syntax error, 404) reports here, not via onmessage.
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.rejectReady(new Error(e.message || 'the worker failed to start'));
    };
  }

  onMessage(msg) {
    switch (msg.type) {
      case 'ready': this.resolveReady(msg); break;
      case 'load-error': this.rejectReady(new Error(msg.error)); break;
      case 'fatal':
        for (const { reject } of this.pending.values()) reject(new Error(msg.error));
        this.pending.clear();
        this.worker.terminate();
        this.start();
        this.dispatchEvent(new CustomEvent('fatal', { detail: msg }));
        break;
      case 'reply': {
        const p = this.pending.get(msg.id);
        if (p) { this.pending.delete(msg.id); p.resolve(msg); }
        break;
      }
      default: this.dispatchEvent(new CustomEvent(msg.type, { detail: msg })); break;
    }
  }

  request(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...payload, type, id });
    });
  }

  terminate() {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error('the worker was stopped'));
    this.pending.clear();
  }
}
