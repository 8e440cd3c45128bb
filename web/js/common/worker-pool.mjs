// A pool of module workers, each with its own wasm instance, that runs a list of jobs (one request
// each) on as many cores as are useful. No SharedArrayBuffer: it needs no cross-origin isolation,
// so a page that embeds it anywhere (a blog host) still runs. Used by the grokking page's live
// sweep (grok/sweep.mjs); the workers speak worker-client.mjs's protocol.
//
//   const pool = new WorkerPool(url, {size});
//   const batch = pool.run('sweep-run', jobs, {onStart(i, slot), onProgress(i, detail), onDone(i, reply), onError(i, message)});
//   batch.cancel();                    // stops the running jobs at once; queued ones never start
//   await batch.done                   // {completed, failed, cancelled}: indices of jobs
//
// A job whose reply carries `error`, or whose worker dies (an abort: out of memory, a bug), fails
// alone: onError gets one line naming what went wrong, the dead worker is replaced, and the other
// jobs go on. Cancelling terminates the busy workers (a wasm run cannot be interrupted from outside)
// and starts fresh ones, so the pool is ready for the next batch.
import { WorkerClient } from './worker-client.mjs';

// How many workers are useful on this machine: every core on small machines (the page's main
// thread only draws a cell when a run finishes), one left for the page from five cores on, and at
// most 8 (each worker holds its own wasm instance: its heap and a compiled copy of the module).
export const MAX_WORKERS = 8;
export function defaultPoolSize(cores = globalThis.navigator?.hardwareConcurrency || 2) {
  const n = Math.floor(Number(cores)) || 2;
  return Math.max(1, Math.min(MAX_WORKERS, n <= 4 ? n : n - 1));
}

export class WorkerPool {
  constructor(url, { size = defaultPoolSize() } = {}) {
    if (!(Number.isInteger(size) && size >= 1 && size <= MAX_WORKERS))
      throw new RangeError(`pool size: ${size} is not a whole number in [1, ${MAX_WORKERS}]`);
    this.url = url;
    this.size = size;
    this.slots = [];     // WorkerClient per slot, started on first use
    this.batch = null;   // the batch running now (one at a time)
  }

  client(slot) {
    if (!this.slots[slot]) this.slots[slot] = new WorkerClient(this.url);
    return this.slots[slot];
  }

  // Starts a batch. Only one batch runs at a time: starting another cancels the one running.
  run(type, jobs, handlers = {}) {
    this.batch?.cancel();
    const batch = new Batch(this, type, jobs, handlers);
    this.batch = batch;
    batch.done.finally(() => { if (this.batch === batch) this.batch = null; });
    return batch;
  }

  terminate() {
    this.batch?.cancel();
    for (const c of this.slots) c?.terminate();
    this.slots = [];
  }
}

class Batch {
  constructor(pool, type, jobs, { onStart = () => {}, onProgress = () => {}, onDone = () => {}, onError = () => {} }) {
    this.pool = pool;
    this.type = type;
    this.jobs = jobs;
    this.handlers = { onStart, onProgress, onDone, onError };
    this.next = 0;
    this.busy = new Map();   // slot -> job index
    this.completed = [];
    this.failed = [];
    this.cancelled = false;
    this.ended = false;
    this.done = new Promise((resolve) => { this.resolve = resolve; });
    const slots = Math.min(pool.size, jobs.length);
    if (!slots) this.finish();
    for (let s = 0; s < slots; ++s) this.feed(s);
  }

  result() {
    const started = new Set([...this.completed, ...this.failed]);
    const cancelled = this.jobs.map((_, i) => i).filter((i) => !started.has(i));
    return { completed: this.completed, failed: this.failed, cancelled: this.cancelled ? cancelled : [] };
  }

  finish() {  // once: the last idle slot or a cancel, whichever comes first
    if (this.ended) return;
    this.ended = true;
    this.resolve(this.result());
  }

  // Gives `slot` the next job, until none are left; the batch ends when every slot is idle.
  async feed(slot) {
    while (!this.cancelled && this.next < this.jobs.length) {
      const i = this.next++;
      this.busy.set(slot, i);
      const client = this.pool.client(slot);
      const onProgress = (e) => { if (e.detail.job === i && !this.cancelled) this.handlers.onProgress(i, e.detail); };
      client.addEventListener('progress', onProgress);
      let reply = null, error = null;
      try {
        await client.ready;
        if (this.cancelled) break;
        this.handlers.onStart(i, slot);
        reply = await client.request(this.type, { ...this.jobs[i], job: i });
        if (reply.error) error = reply.error;
      } catch (e) {
        // A worker that died mid-job (WorkerClient has started a new one) or failed to load.
        error = e.message || String(e);
      } finally {
        client.removeEventListener('progress', onProgress);
        this.busy.delete(slot);
      }
      if (this.cancelled) break;
      if (error) { this.failed.push(i); this.handlers.onError(i, error); }
      else { this.completed.push(i); this.handlers.onDone(i, reply); }
    }
    if (!this.busy.size && (this.cancelled || this.next >= this.jobs.length)) this.finish();
  }

  // Stops at once: the workers running a job are terminated and replaced by fresh ones.
  cancel() {
    if (this.cancelled || this.ended) return;
    this.cancelled = true;
    for (const slot of this.busy.keys()) {
      this.pool.slots[slot]?.terminate();
      this.pool.slots[slot] = null;
    }
    this.busy.clear();
    this.finish();
  }
}
