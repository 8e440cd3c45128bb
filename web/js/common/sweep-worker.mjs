// A worker of the live sweeps' pools (common/worker-pool.mjs: the grokking page's phase diagram and the
// double-descent page's network experiments): its own wasm instance, one planned run
// per request, from step 0 to its end (or to grokking when the sweep stops at grok). It reports
// progress while it trains and answers with the run's row of the sweep summary (built by the core:
// Session.sweepRow) and its run file, so a cell of the phase diagram can open the run. The
// double-descent page needs only the row (its history draws the epoch views): withRun: false spares
// the run file's serialization and transfer.
//   request {type: 'sweep-run', job, config, plan (grok-sweep-plan/1 text), index, withRun (default true)}
//   -> reply {row, run (run-file text, unless withRun is false), ms} or {error}
//   unasked {type: 'progress', job, step, steps} about every PROGRESS_MS while it trains
import { serve } from './worker-host.mjs';

const PROGRESS_MS = 250;
const CHUNK_STEPS = 25;

serve({
  'sweep-run': (msg, M) => {
    const s = new M.Session();
    try {
      const err = s.init(JSON.stringify(msg.config));
      if (err) return { error: err };
      const t0 = performance.now();
      let last = t0;
      // The whole run in one request: messages wait, but nothing needs to get in (a cancel
      // terminates the worker), and progress goes out between chunks.
      while (!s.finished()) {
        s.run(CHUNK_STEPS);
        const now = performance.now();
        if (now - last >= PROGRESS_MS) {
          last = now;
          const summary = JSON.parse(s.summary());
          self.postMessage({ type: 'progress', job: msg.job, step: summary.steps, steps: msg.config.steps,
                             train_acc: summary.final_train_acc, test_acc: summary.final_test_acc });
        }
      }
      s.refreshCircuit();  // as a saved run file: restricted/excluded loss against the final key frequencies
      const row = JSON.parse(s.sweepRow(msg.plan, msg.index));
      if (row.error) return { error: row.error };
      return { row, ...(msg.withRun === false ? {} : { run: s.runJson() }), ms: performance.now() - t0 };
    } finally {
      s.delete();
    }
  },
});
