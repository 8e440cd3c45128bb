// The page's side of the training worker: requests return promises, progress arrives as events.
// If the wasm instance dies (out of memory) the worker is replaced and 'fatal' is dispatched.
export class TrainerClient extends EventTarget {
  constructor() {
    super();
    this.nextId = 1;
    this.pending = new Map();
    this.start();
  }

  start() {
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
    this.ready = new Promise((resolve, reject) => { this.resolveReady = resolve; this.rejectReady = reject; });
    this.worker.onmessage = (e) => this.onMessage(e.data);
    // A module worker that fails to load (syntax error, 404) reports here, not via onmessage.
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.rejectReady(new Error(e.message || 'the training worker failed to start'));
    };
  }

  onMessage(msg) {
    switch (msg.type) {
      case 'ready': this.resolveReady({ schema: msg.schema, simd: msg.simd }); break;
      case 'load-error': this.rejectReady(new Error(msg.error)); break;
      case 'progress': this.dispatchEvent(new CustomEvent('progress', { detail: msg })); break;
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
      default: break;
    }
  }

  request(type, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...payload, type, id });
    });
  }

  init(config) { return this.request('init', { config }); }
  play() { return this.request('play'); }
  pause() { return this.request('pause'); }
  step() { return this.request('step'); }
  speed(stepsPerTick) { return this.request('speed', { stepsPerTick }); }
  update(config) { return this.request('update', { config }); }
  predict(a, b) { return this.request('predict', { a, b }); }
  neuronWaves() { return this.request('neuron-waves'); }
  checkRun(text) { return this.request('check-run', { text }); }
  runJson() { return this.request('run-json'); }
}
