// Is a config small enough to train in a browser tab, and how long will it take? The work and the
// memory come from the core's cost model (core/grokking/cost.h, asked through core.mjs), which
// counts what the implementation does. Time is work over a throughput this page measures: every
// run's step-0 evaluation is timed in the worker, and its work over its time is this machine's
// speed. Before the first measurement a conservative default stands in.

export const LIMITS = {
  memoryBytes: 1024 ** 3,      // 1 GiB: wasm32 can address 2 GiB and browsers often refuse earlier
  moduleBytes: 64 * 1024 ** 2, // the module itself, its stack and the allocator's slack
  msPerStep: 2000,             // a single step longer than this makes Pause take seconds
  warnSeconds: 15 * 60,        // longer runs train, with a warning that the native CLI is faster
};
const DEFAULT_WORK_PER_SECOND = 5e9;  // FLOP-equivalents/s: below what the worker measures on one core here

let measured = null;  // FLOP-equivalents per second from the latest timed evaluation

// A run's init reply: {cost, evalMs}. Keeps the machine's throughput for later estimates.
export function recordThroughput(cost, evalMs) {
  if (cost && cost.eval_work > 0 && evalMs > 0) measured = cost.eval_work / (evalMs / 1000);
}
export const throughput = () => measured ?? DEFAULT_WORK_PER_SECOND;

// From the core's cost (estimateCost), or {error}:
//   msPerStep     one training step (what the core's summary.ms_per_step measures)
//   totalSeconds  the whole run, evaluations and progress measures included
export function estimate(config, cost) {
  if (cost.error) return cost;
  return { cost, msPerStep: 1000 * cost.step_work / throughput(),
           totalSeconds: cost.amortized_step_work * config.steps / throughput(),
           bytes: cost.bytes + LIMITS.moduleBytes, measured: measured !== null };
}

const mib = (b) => `${Math.round(b / 1024 ** 2).toLocaleString('en-US')} MiB`;
export const duration = (s) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
export const msText = (ms) => (ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));

// {refuse: message|null, warn: message|null, estimate}. A config the core rejects is not refused
// here: building the run reports the field.
export async function checkBudget(core, config) {
  const e = estimate(config, await core.estimateCost(config));
  if (e.error) return { refuse: null, warn: null, estimate: null };
  const cli = 'Train it with the native CLI (grok train ... --out run.json) and open the file under "Replay".';
  if (e.bytes > LIMITS.memoryBytes)
    return { refuse: `Too large for the browser: about ${mib(e.bytes)} of memory (limit ${mib(LIMITS.memoryBytes)}) for ` +
                     `${e.cost.params.toLocaleString('en-US')} parameters, ${e.cost.batch.toLocaleString('en-US')} examples per step ` +
                     `and ${e.cost.snapshots} snapshots of the weights. ${cli}`, warn: null, estimate: e };
  if (e.msPerStep > LIMITS.msPerStep)
    return { refuse: `Too slow for the browser: about ${(e.msPerStep / 1000).toFixed(1)} s per step ` +
                     `(${(e.cost.step_work / 1e9).toFixed(1)} GFLOP for ${e.cost.batch.toLocaleString('en-US')} examples). ` +
                     `Use a smaller model, fewer examples per step (batch_size) or a smaller p. ${cli}`, warn: null, estimate: e };
  if (e.totalSeconds > LIMITS.warnSeconds)
    return { refuse: null, warn: `This run may take about ${duration(e.totalSeconds)} in the browser ` +
                                 `(~${msText(e.msPerStep)} ms per step). The native CLI is several times faster.`, estimate: e };
  return { refuse: null, warn: null, estimate: e };
}
