// The live sweep and its worker pool (issue 16 items 1-2): a grid of the current settings runs on a
// pool of module workers, cells fill in, a cell opens its run, the summary downloads as grok-sweep/1
// and the CLI's reader (`grok sweep-merge`) takes it together with a native sweep of the same grid;
// cancelling stops every worker at once; a run that fails fails alone, with a message. The pool
// itself is also driven with a stand-in worker that fails, dies and hangs on request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSite, waitReady, screenshot, repoRoot } from './lib/harness.mjs';

const grok = path.join(repoRoot, 'build', 'native', 'grok');
let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

const sweepState = (page) => page.evaluate(() => window.grokDemo.state().sweep);

test('a 2 x 2 sweep from the form: cells, table, a cell opens its run, the download merges with the CLI sweep', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html#preset=browser`);
  await waitReady(page);
  // The defaults are the grid for the browser preset: train fraction 0.4-0.8 x weight decay 0.5, 1, 2.
  assert.equal(await page.inputValue('[data-role="sweep-x"]'), 'train_fraction');
  assert.equal(await page.inputValue('[data-role="sweep-x-values"]'), '0.4:0.8:5');
  assert.equal(await page.inputValue('[data-role="sweep-y"]'), 'weight_decay');
  assert.equal(await page.inputValue('[data-role="sweep-y-values"]'), '0.5,1,2');
  assert.equal(await page.inputValue('[data-role="sweep-steps"]'), '2000');

  // The same field both ways: a message (not an uncaught error in the submit handler), nothing starts.
  await page.selectOption('[data-role="sweep-y"]', 'train_fraction');
  await page.click('[data-role="sweep-run"]');
  await page.waitForSelector('[data-role="notices"] .notice.error');
  assert.match(await page.textContent('[data-role="notices"] .notice.error'), /choose two different fields/);
  await page.selectOption('[data-role="sweep-y"]', 'weight_decay');
  // A value the core refuses: a clear message naming the field, nothing starts.
  await page.fill('[data-role="sweep-x-values"]', '0.6,1.5');
  await page.click('[data-role="sweep-run"]');
  await page.waitForSelector('[data-role="notices"] .notice.error');
  assert.match(await page.textContent('[data-role="notices"] .notice.error'), /train_fraction value '1\.5' is not a number in \(0, 1\)/);
  assert.equal((await sweepState(page)).total, 0);

  await page.fill('[data-role="sweep-x-values"]', '0.6,0.8');
  await page.fill('[data-role="sweep-y-values"]', '1,2');
  await page.fill('[data-role="sweep-steps"]', '1200');
  await page.click('[data-role="sweep-run"]');
  await page.waitForFunction(() => window.grokDemo.state().sweep.running, null, { timeout: 10000 });
  await page.waitForFunction(() => /^Sweeping: /.test(document.querySelector('[data-role="sweep-status"]').textContent));
  assert.match(await page.textContent('[data-role="sweep-status"]'), / \d+ s of at most about \d+ (s|min) /,
               'the status bounds the time by the cost model');
  assert.equal(await page.isDisabled('[data-role="sweep-run"]'), true);
  assert.equal(await page.isDisabled('[data-role="sweep-cancel"]'), false);
  await page.waitForFunction(() => { const s = window.grokDemo.state().sweep; return s.total === 4 && !s.running; }, null, { timeout: 120000 });
  const st = await sweepState(page);
  assert.equal(st.done, 4);
  assert.equal(st.failed, 0);
  assert.ok(st.workers >= 1);
  const s = st.summary;
  assert.equal(s.schema, 'grok-sweep/1');
  assert.equal(s.runs_total, 4);
  assert.equal(s.runs_complete, 4);
  assert.deepEqual(s.rows.map((r) => r.index), [0, 1, 2, 3], 'rows in plan order');
  assert.deepEqual(s.rows.map((r) => r.file), ['train_fraction=0.6_weight_decay=1_seed=0.json', 'train_fraction=0.6_weight_decay=2_seed=0.json',
                                              'train_fraction=0.8_weight_decay=1_seed=0.json', 'train_fraction=0.8_weight_decay=2_seed=0.json']);
  for (const r of s.rows) {
    assert.equal(r.memorize_step !== null, true, `${r.file} memorized`);
    // Stop at grok: a run that grokked ended there.
    if (r.grok_step !== null) assert.equal(r.steps, r.grok_step, `${r.file} stopped at grokking`);
    else assert.equal(r.steps, 1200);
  }
  assert.ok(s.rows.filter((r) => r.grok_step !== null).length >= 3, 'the browser preset groks at these fractions');
  // The diagram: a matrix chart of 2 x 2 cells, a table row per cell with a button that opens the run.
  const chart = await page.evaluate(() => {
    const c = window.Chart.getChart(document.querySelector('[data-role="phase-canvas"]'));
    return { type: c.config.type, cells: c.data.datasets[0].data.length };
  });
  assert.deepEqual(chart, { type: 'matrix', cells: 4 });
  const rows = await page.$$eval('[data-role="phase-table"] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 4);
  for (const r of rows) assert.equal(r.at(-1), 'Open');
  assert.match(await page.textContent('[data-role="sweep-status"]'), /^Done: 4 of 4 runs finished in \d+ s on \d workers?\./);
  await page.locator('[data-role="phase"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'sweep-2x2', { element: '[data-role="phase"]' });

  // Download: the core's summary, which the CLI reads and merges with its own sweep of the same grid.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="sweep-download"]')]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grok-sweep-test-'));
  try {
    const pagePath = path.join(dir, 'page.json');
    fs.copyFileSync(await download.path(), pagePath);
    assert.deepEqual(JSON.parse(fs.readFileSync(pagePath, 'utf8')), s);
    execFileSync(grok, ['sweep', '--preset', 'browser', '--stop-at-grok', '--steps', '1200', '--grid', 'train_fraction=0.6,0.8',
                        '--grid', 'weight_decay=1,2', '--out', path.join(dir, 'native'), '-j', '2'], { stdio: 'pipe' });
    const merged = path.join(dir, 'merged.json');
    const log = execFileSync(grok, ['sweep-merge', pagePath, path.join(dir, 'native', 'summary.json'), '--out', merged],
                             { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = JSON.parse(fs.readFileSync(merged, 'utf8'));
    assert.equal(m.runs_complete, 4, log);
    assert.deepEqual(m.rows, s.rows, 'the page\'s rows come first and are kept whole');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // A cell opens its run under Replay (its run file, kept from the worker), from the table's button.
  await page.click('[data-role="phase-view"] details summary');
  await page.click('[data-role="phase-table"] tbody tr:last-child button');
  await page.waitForFunction(() => window.grokDemo.state().mode === 'replay');
  assert.match(await page.textContent('[data-role="replay-title"]'), /^train_fraction=0\.8_weight_decay=2_seed=0\.json: /);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('cancel stops the pool at once; the next sweep runs on fresh workers; a run that fails fails alone', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html#preset=browser`);
  await waitReady(page);
  // A new preset brings its own default values (browser-transformer: weight decay 1), until the reader edits the form.
  await page.selectOption('[data-role="preset"]', 'browser-transformer');
  await page.waitForFunction(() => document.querySelector('[data-role="sweep-y-values"]').value === '0.25,0.5,1', null, { timeout: 10000 });
  await page.fill('[data-role="sweep-y-values"]', '3,4');
  await page.selectOption('[data-role="preset"]', 'browser');
  await page.waitForFunction(() => window.grokDemo.config().p === 59);
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue('[data-role="sweep-y-values"]'), '3,4', 'an edited form is left alone');
  await page.evaluate(() => { window.pending = window.grokDemo.sweep({ grid: { weight_decay: [0.5, 1, 2, 3] }, seeds: 2, steps: 5000,
                                                                        stop_at_grok: false }); });
  await page.waitForFunction(() => window.grokDemo.state().sweep.running, null, { timeout: 10000 });
  const workers = await page.evaluate(() => window.grokDemo.state().sweep.workers);
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => window.grokDemo.cancelSweep()), true);
  const s = await page.evaluate(() => window.pending);
  assert.equal(s.runs_total, 8);
  assert.ok(s.runs_complete < 8, 'cancelled before the end');
  assert.equal(s.incomplete.length, 8 - s.runs_complete);
  const st = await sweepState(page);
  assert.equal(st.running, false);
  assert.equal(st.cancelled, true);
  assert.match(await page.textContent('[data-role="sweep-status"]'), /^Cancelled: /);
  // The cancelled workers are gone (terminated, not left training): only the page's own worker
  // and the pool's idle ones remain.
  await page.waitForTimeout(300);
  assert.ok(page.workers().length <= 1 + workers, `${page.workers().length} workers`);

  // A grid with a run the page cannot do (more Fashion-MNIST images than the site ships: the plan
  // allows it, the worker's core refuses it when the run starts): that run fails with the core's
  // message, the other finishes on the shipped images, and the summary says which and why.
  const f = await page.evaluate(() => window.grokDemo.sweep({ grid: { n_train: [200, 3000] }, dataset: 'fashion-mnist', model: 'mlp',
                                                               downsample: 4, n_test: 100, steps: 40, eval_every: 20 }));
  assert.equal(f.runs_complete, 1);
  assert.equal(f.rows[0].file, 'n_train=200_seed=0.json');
  assert.deepEqual(f.incomplete, ['n_train=3000_seed=0.json']);
  assert.equal(f.unreadable.length, 1);
  assert.equal(f.unreadable[0].error, 'the run failed in the page: fashion-mnist: n_train must be in [1, 2000] (got 3000)');
  assert.match(await page.textContent('[data-role="notices"]'), /Sweep run n_train=3000_seed=0\.json failed: fashion-mnist: n_train must be in \[1, 2000\]/);
  assert.equal((await sweepState(page)).failed, 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

// A stand-in worker speaking worker-client.mjs's protocol: a job's `mode` says what it does.
const FAKE_WORKER = `
  self.postMessage({ type: 'ready', schemas: {} });
  self.onmessage = (e) => {
    const m = e.data;
    if (m.mode === 'ok') { self.postMessage({ type: 'progress', job: m.job, step: 1 }); self.postMessage({ type: 'reply', id: m.id, value: m.job * 10 }); }
    else if (m.mode === 'error') self.postMessage({ type: 'reply', id: m.id, error: 'p: 4 is not prime' });
    else if (m.mode === 'abort') self.postMessage({ type: 'fatal', error: 'it ran out of memory (a page may use at most 2 GB)', kind: 'memory' });
    else if (m.mode === 'hang') { for (;;) {} }
  };`;

test('the pool: jobs spread over the workers, failures and dead workers fail alone, cancel ends a hung job', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  const r = await page.evaluate(async (code) => {
    const { WorkerPool, defaultPoolSize, MAX_WORKERS } = await import('./js/common/worker-pool.mjs');
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const out = { sizes: [1, 2, 4, 5, 16, 64].map((n) => defaultPoolSize(n)), max: MAX_WORKERS };
    try { new WorkerPool(url, { size: 0 }); } catch (e) { out.badSize = e.message; }
    const pool = new WorkerPool(url, { size: 2 });
    const log = { done: {}, errors: {}, progress: 0, slots: new Set() };
    const modes = ['ok', 'error', 'ok', 'abort', 'ok', 'ok'];
    const batch = pool.run('job', modes.map((mode) => ({ mode })), {
      onStart: (i, slot) => log.slots.add(slot),
      onProgress: () => { log.progress += 1; },
      onDone: (i, reply) => { log.done[i] = reply.value; },
      onError: (i, message) => { log.errors[i] = message; },
    });
    out.first = await batch.done;
    out.log = { done: log.done, errors: log.errors, progress: log.progress, slots: [...log.slots].sort() };
    // A job that never ends: cancel resolves at once and the hung worker is terminated.
    const hung = pool.run('job', [{ mode: 'hang' }, { mode: 'hang' }, { mode: 'ok' }]);
    await new Promise((res) => setTimeout(res, 300));
    const t0 = performance.now();
    hung.cancel();
    out.hung = await hung.done;
    out.cancelMs = performance.now() - t0;
    // The pool works again after the cancel (fresh workers).
    const again = pool.run('job', [{ mode: 'ok' }, { mode: 'ok' }]);
    out.again = await again.done;
    pool.terminate();
    return out;
  }, FAKE_WORKER);
  assert.deepEqual(r.sizes, [1, 2, 4, 4, 8, 8], 'all cores up to 4, one left for the page from 5, at most 8');
  assert.equal(r.max, 8);
  assert.match(r.badSize, /pool size: 0 is not a whole number in \[1, 8\]/);
  assert.deepEqual(r.first.completed.sort(), [0, 2, 4, 5]);
  assert.deepEqual(r.first.failed.sort(), [1, 3]);
  assert.deepEqual(r.log.done, { 0: 0, 2: 20, 4: 40, 5: 50 });
  assert.equal(r.log.errors[1], 'p: 4 is not prime');
  assert.equal(r.log.errors[3], 'it ran out of memory (a page may use at most 2 GB)');
  assert.equal(r.log.progress, 4);
  assert.deepEqual(r.log.slots, [0, 1], 'both workers took jobs');
  assert.deepEqual(r.hung, { completed: [], failed: [], cancelled: [0, 1, 2] });
  assert.ok(r.cancelMs < 200, `cancel took ${r.cancelMs} ms`);
  assert.deepEqual(r.again.completed.sort(), [0, 1]);
  await page.close();
});
