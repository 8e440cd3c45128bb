// Is a config small enough to train in a browser tab? A rough estimate of memory and of work per
// step from p, the model sizes and the number of examples, checked before the run is built, so a
// huge config gets a message instead of a tab that runs out of memory or crawls.
//
// Sizes follow core/include/grok/mlp.h and transformer.h, the pair count the core's pair_count()
// (config.h); FLOPs count a multiply-add as 2 and the backward pass as twice the forward. The estimate
// errs on the high side.

export const LIMITS = {
  memoryBytes: 1024 ** 3,      // 1 GiB: wasm32 can address 2 GiB and browsers often refuse earlier
  msPerStep: 2000,             // a single step longer than this makes Pause take seconds
  wasmFlopsPerSecond: 8e9,     // conservative: bench-wasm measures 13-20 GFLOP/s on one core
  warnSeconds: 15 * 60,        // longer runs train, with a warning that the native CLI is faster
};

export function estimate(config) {
  const n = config.op === 's5' ? 120 : config.p;                  // tokens and classes
  const pairs = config.pairs === 'unordered' ? n * (n + 1) / 2 : config.op === 'div' ? n * (n - 1) : n * n;
  const nTrain = Math.floor(config.train_fraction * pairs);
  const batch = config.batch_size > 0 ? Math.min(config.batch_size, nTrain) : nTrain;
  let params, macsPerExample, macsPerStepFixed, floatsPerExample;
  if (config.model === 'mlp') {
    const d = config.d_model, h = config.hidden;
    // factored: E, W_h, W_o (tables W_h E and E^T W_o); else E_a, E_b, W_in_a, W_in_b, b_in, W_out.
    params = config.mlp_input === 'factored' ? n * d + 2 * h * d : 2 * n * d + 2 * h * d + h + n * h;
    macsPerStepFixed = 2 * h * d * n;                             // the two (hidden x tokens) tables
    macsPerExample = n * h + 2 * h;
    floatsPerExample = 4 * h + 3 * n;
  } else {
    const d = config.d_model, m = config.d_mlp, L = config.layers, vocab = n + 1, T = 3;
    params = vocab * d + T * d + L * (4 * d * d + 2 * d * m + m + d + (config.layer_norm === 'post' ? 4 * d : 0)) + d * n;
    macsPerStepFixed = 0;
    macsPerExample = L * T * (4 * d * d + 2 * d * m + 2 * T * d) + d * n;
    floatsPerExample = L * T * (12 * d + 3 * m + 3 * config.heads * T) + 3 * n;
  }
  const flopsPerStep = 6 * (macsPerStepFixed + macsPerExample * batch);
  const evalFlops = 2 * macsPerExample * pairs / Math.max(1, config.eval_every);  // amortized per step
  const bytes = 4 * (5 * params + floatsPerExample * batch) + 3 * 4 * pairs + 64 * 1024 ** 2;
  const msPerStep = 1000 * (flopsPerStep + evalFlops) / LIMITS.wasmFlopsPerSecond;
  const totalSeconds = msPerStep * config.steps / 1000;
  return { params, nTrain, batch, flopsPerStep, bytes, msPerStep, totalSeconds };
}

const mib = (b) => `${Math.round(b / 1024 ** 2).toLocaleString('en-US')} MiB`;
export const duration = (s) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

// {refuse: message|null, warn: message|null, estimate}
export function checkBudget(config) {
  const e = estimate(config);
  const cli = 'Train it with the native CLI (grok train ... --out run.json) and open the file under "Replay".';
  if (e.bytes > LIMITS.memoryBytes)
    return { refuse: `Too large for the browser: about ${mib(e.bytes)} of memory (limit ${mib(LIMITS.memoryBytes)}) for ` +
                     `${e.params.toLocaleString('en-US')} parameters and ${e.batch.toLocaleString('en-US')} examples per step. ${cli}`, warn: null, estimate: e };
  if (e.msPerStep > LIMITS.msPerStep)
    return { refuse: `Too slow for the browser: about ${(e.msPerStep / 1000).toFixed(1)} s per step ` +
                     `(${(e.flopsPerStep / 1e9).toFixed(1)} GFLOP for ${e.batch.toLocaleString('en-US')} examples). ` +
                     `Use a smaller model, fewer examples per step (batch_size) or a smaller p. ${cli}`, warn: null, estimate: e };
  if (e.totalSeconds > LIMITS.warnSeconds)
    return { refuse: null, warn: `This run may take about ${duration(e.totalSeconds)} in the browser ` +
                                 `(~${e.msPerStep < 10 ? e.msPerStep.toFixed(1) : Math.round(e.msPerStep)} ms per step). The native CLI is several times faster.`, estimate: e };
  return { refuse: null, warn: null, estimate: e };
}
