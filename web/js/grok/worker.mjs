// The training worker (a module worker with its own wasm instance): trains in chunks sized to about
// 40 ms each, so it can answer messages (pause, live edits) between chunks and the page never
// waits on it. After every chunk it posts the new metrics and snapshots (a delta) and the summary.
// Requests and replies: common/worker-host.mjs; unasked: {type: 'progress', ...}.
import { Ticker, serve } from '../common/worker-host.mjs';

const TARGET_CHUNK_MS = 40;  // work per chunk at full speed; small enough to keep pause snappy
const FRAME_MS = 16;         // pacing of chunks at the slow speeds ("N steps per frame")
// Re-scoring restricted/excluded loss when the key frequencies change costs up to ~0.3 s for the
// browser preset (every snapshot is evaluated again; docs/results.md). While training it runs only
// after at least REFRESH_SHARE times its last cost has passed, so it takes at most ~1/10 of the time.
const REFRESH_SHARE = 9;
const CALIBRATE_MS = 150;    // repeated evaluations at init, to time the fastest
const WARM_UP_MS = 300;      // kernels run once at start-up, before 'ready' (warmUp)

let M = null;                // the wasm module
let session = null;          // Session of the current run
let stepsPerTick = 0;        // 0 = as fast as possible (adaptive chunks)
let chunk = 1;               // adaptive chunk size in steps
let sentMetrics = 0, sentSnapshots = 0;
let msPerStep = 0;           // wall time per step in the worker, training plus evaluation
let runId = 0;               // which run a progress message belongs to (stale messages are dropped)
let lastRefresh = -Infinity, refreshCost = 0;

const ticker = new Ticker(tick, { delayMs: () => (stepsPerTick > 0 ? FRAME_MS : 0), onError: (e) => host.fatal(e) });
const running = () => ticker.running;

// Fixes the circuit frequencies to the latest key frequencies, re-scoring all snapshots if they
// changed (true). Throttled while training; always done when training stops (pause, step, finish).
function refreshCircuit() {
  const now = performance.now();
  if (running() && now - lastRefresh < REFRESH_SHARE * refreshCost) return false;
  const changed = session.refreshCircuit();  // a no-op (unchanged frequencies) costs nothing
  if (changed) {
    lastRefresh = performance.now();
    refreshCost = lastRefresh - now;
  }
  return changed;
}

// Sends what is new since the last message. The last point sent before is sent again, because a
// re-evaluation at the same step replaces it in the core. After a re-scoring every snapshot changed,
// so all are sent again.
function progress() {
  if (!session) return;
  const rescored = refreshCircuit();
  const fromM = Math.max(0, sentMetrics - 1), fromS = rescored ? 0 : Math.max(0, sentSnapshots - 1);
  const metrics = JSON.parse(session.metricsSince(fromM));
  const snapshots = JSON.parse(session.snapshotsSince(fromS));
  sentMetrics = fromM + metrics.length;
  sentSnapshots = fromS + snapshots.length;
  const summary = JSON.parse(session.summary());
  self.postMessage({ type: 'progress', runId, metricsFrom: fromM, metrics, snapshotsFrom: fromS, snapshots,
                     summary, running: running(), finished: session.finished(), msPerStep, chunk: stepsPerTick || chunk });
}

function timedRun(n) {
  const t0 = performance.now();
  const ran = session.run(n);
  const dt = performance.now() - t0;
  if (ran > 0) msPerStep = msPerStep ? 0.8 * msPerStep + 0.2 * (dt / ran) : dt / ran;
  return { ran, dt };
}

function tick() {
  if (!session) return false;
  const { ran, dt } = timedRun(stepsPerTick > 0 ? stepsPerTick : chunk);
  if (stepsPerTick === 0 && ran > 0) {
    const target = TARGET_CHUNK_MS / Math.max(dt / ran, 1e-3);
    chunk = Math.max(1, Math.min(100000, Math.round(0.5 * chunk + 0.5 * target)));
  }
  const more = !session.finished();
  if (!more) ticker.stop();
  progress();
  return more;
}

// Builds a run and evaluates its starting point. The evaluation is then timed once more (the first
// one also grows the buffers): its work over its time is this machine's throughput, which turns the
// cost model's step work into the estimate the page shows before Play (core/grokking/cost.h).
function init(config) {
  ticker.stop();
  if (session) { session.delete(); session = null; }
  const s = new M.Session();
  const error = s.init(JSON.stringify(config));
  if (error) { s.delete(); return { error }; }
  session = s;
  ++runId;
  sentMetrics = sentSnapshots = 0;
  lastRefresh = -Infinity;
  refreshCost = 0;
  chunk = 1;
  msPerStep = 0;
  session.run(0);  // evaluates the starting point (step 0) and takes its snapshot
  return { config: JSON.parse(session.config()), runId, cost: JSON.parse(session.cost()), evalMs: timeEvaluation() };
}

// The fastest of a few evaluations, within about CALIBRATE_MS (at least one).
function timeEvaluation() {
  let best = Infinity;
  const start = performance.now();
  for (let i = 0; i < 3 && (i === 0 || performance.now() - start < CALIBRATE_MS); ++i) {
    const t0 = performance.now();
    session.evaluate();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

// V8 first runs wasm through its baseline compiler and swaps in optimized code for the hot
// functions a little later; timed before that, the first run's evaluation reads 2-3x too slow (seen
// here). A few hundred milliseconds of the kernels every run uses (an MLP and a one-layer transformer,
// tabulated) before 'ready' gets them optimized.
function warmUp(m) {
  const start = performance.now();
  const configs = [
    { op: 'add', p: 31, train_fraction: 0.5, model: 'mlp', d_model: 32, hidden: 128, steps: 1000000, eval_every: 1000000 },
    { op: 'add', p: 31, train_fraction: 0.5, model: 'transformer', d_model: 64, heads: 4, d_mlp: 128, steps: 1000000, eval_every: 1000000 },
  ];
  for (const config of configs) {
    const s = new m.Session();
    if (!s.init(JSON.stringify(config))) {
      s.run(0);
      const until = performance.now() + WARM_UP_MS / configs.length;
      while (performance.now() < until) { s.run(5); s.evaluate(); }
    }
    s.delete();
  }
  return performance.now() - start;
}

// Runs until the next evaluation (at least one step): what the Step button does.
function stepToNextEvaluation() {
  const before = JSON.parse(session.summary()).steps;
  const count = () => JSON.parse(session.metricsSince(sentMetrics)).length;
  let guard = 0;
  do { timedRun(1); } while (!session.finished() && count() === 0 && ++guard < 1000000);
  return JSON.parse(session.summary()).steps - before;
}

const handlers = {
  init: (msg) => {
    const r = init(msg.config);
    if (!r.error) progress();
    return r;
  },
  play: () => {
    if (!session) return { error: 'no run' };
    if (session.finished()) return { error: 'finished' };
    ticker.start();
    return {};
  },
  pause: () => {
    ticker.stop();
    progress();
    return {};
  },
  step: () => {
    if (!session) return { error: 'no run' };
    ticker.stop();
    const ran = session.finished() ? 0 : stepToNextEvaluation();
    progress();
    return { ran };
  },
  speed: (msg) => {
    stepsPerTick = Math.max(0, Math.floor(Number(msg.stepsPerTick) || 0));
    return {};
  },
  update: (msg) => {
    if (!session) return { error: 'no run' };
    const error = session.updateLive(JSON.stringify(msg.config));
    if (!error) progress();
    return error ? { error } : { config: JSON.parse(session.config()) };
  },
  predict: (msg) => {
    if (!session) return { error: 'no run' };
    return JSON.parse(session.predict(msg.a | 0, msg.b | 0));
  },
  // Each hidden unit's input wave over the operand and its dominant frequency (MLP only), with the
  // step the weights are at (the frequencies are from the latest snapshot, at `step`).
  'neuron-waves': () => {
    if (!session) return { error: 'no run' };
    const r = JSON.parse(session.neuronWaves());
    return r.error ? r : { ...r, steps: JSON.parse(session.summary()).steps, runId };
  },
  'check-run': (msg) => ({ error: M.checkRunFile(msg.text) }),
  'run-json': () => (session ? { text: session.runJson() } : { error: 'no run' }),
};

const host = serve(handlers, {
  onReady: (m) => { M = m; return { simd: m.simdInUse(), warmUpMs: warmUp(m) }; },
  onFatal: () => { ticker.stop(); session = null; M = null; },
});
