// Hostile input to both pages (issue 14): a subnormal number in the address, a worker abort, huge
// sweep summaries and replays, ?run= links to other sites. Each must end in one clear notice naming
// what is wrong, never a worker rebuilt in a loop, a frozen page or a chart that silently stays empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady } from './lib/harness.mjs';

let site, page;
before(async () => {
  site = await startSite();
  page = await site.newPage();
});
after(async () => { await site?.close(); });

const notices = () => page.$$eval('[data-role="notices"] .notice', (els) => els.map((e) => e.textContent));

// Counts the workers the page starts from now on.
async function countWorkers() {
  const box = { n: 0 };
  page.on('worker', () => { box.n += 1; });
  return box;
}

test('grok page: lr=1e-310 in the address is one notice naming lr, and the worker is never rebuilt', async () => {
  await page.goto(`${site.base}/index.html#preset=browser`);
  await waitReady(page);
  const presetLr = await page.evaluate(() => window.grokDemo.config().lr);
  await page.goto('about:blank');
  const started = await countWorkers();
  await page.goto(`${site.base}/index.html#preset=browser&lr=1e-310`);
  await waitReady(page);
  await page.waitForTimeout(1500);  // a restart loop made ~100 workers in 12 s
  assert.equal(started.n, 1, 'one worker');
  const text = (await notices()).join('\n');
  assert.match(text, /lr: '1e-310' is not a number in \(0, 1\]/);
  assert.doesNotMatch(text, /out of memory|stopped/);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /1e-310/, 'the bad value is not kept in the address');
  assert.equal(await page.evaluate(() => window.grokDemo.config().lr), presetLr, 'the preset value is kept');
  assert.deepEqual(page.errors, []);
});

test('dd page: noise=1e-310 in the address is one notice, and the form is built once', async () => {
  const started = await countWorkers();
  await page.goto(`${site.base}/double-descent.html#experiment=legendre&noise=1e-310`);
  await page.waitForFunction(() => window.ddDemo?.state().ready, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  assert.equal(started.n, 1, 'one worker');
  const text = (await notices()).join('\n');
  assert.equal((text.match(/1e-310/g) || []).length, 1, `one notice: ${text}`);
  assert.match(text, /noise: '1e-310' is not a number in \[0, 100\]/);
  const options = await page.$$eval('#dd-field-experiment option', (els) => els.map((e) => e.value));
  assert.equal(new Set(options).size, options.length, `no duplicate options: ${options}`);
  assert.deepEqual(page.errors, []);
});

test('dd page: ?run= refuses other sites and data: URLs', async () => {
  for (const url of ['https://example.com/dd.json', 'data:application/json,{"schema":"grok-dd/1"}']) {
    await page.goto(`${site.base}/double-descent.html?run=${encodeURIComponent(url)}`);
    await page.waitForFunction(() => /only files from this site/.test(document.querySelector('[data-role="notices"]').textContent),
                               null, { timeout: 30000 });
    assert.notEqual(await page.evaluate(() => window.ddDemo.state().mode), 'replay', url);
  }
  assert.deepEqual(page.errors, []);
});

test('grok page: a config past the memory budget is refused, not started (snapshot weights count)', async () => {
  await page.goto(`${site.base}/index.html#preset=browser&p=3&hidden=16384&d_model=1024`);
  await page.waitForFunction(() => window.grokDemo && /Too (large|slow) for the browser/.test(
    document.querySelector('[data-role="notices"]').textContent), null, { timeout: 30000 });
  assert.doesNotMatch((await notices()).join('\n'), /stopped|Aborted/);
  assert.deepEqual(page.errors, []);
});

test('grok page: a worker that runs out of memory says so once, names the settings, and is not retried', async () => {
  await page.goto(`${site.base}/index.html#preset=browser`);
  await waitReady(page);
  const started = await countWorkers();
  // Past the budget check, straight to the worker: a model whose weights alone do not fit in 2 GB
  // (two 16384 x 16384 layers: 2.1 GB of float32 values), so the first allocation fails at once.
  const [worker] = page.workers();
  const config = await page.evaluate(() => window.grokDemo.config());
  await worker.evaluate((c) => self.onmessage({ data: { id: -1, type: 'init',
    config: { ...c, dataset: 'mnist1d', model: 'mlp', depth: 2, hidden: 16384 } } }), config);
  await page.waitForFunction(() => /The training module stopped/.test(document.querySelector('[data-role="notices"]').textContent),
                             null, { timeout: 60000 });
  await page.waitForTimeout(1500);
  const text = (await notices()).join('\n');
  assert.match(text, /ran out of memory/);
  assert.doesNotMatch(text, /ASSERTIONS|Aborted\(\)/, 'no Emscripten jargon');
  assert.equal(started.n, 1, 'one replacement worker, no loop');
  assert.deepEqual(page.errors.filter((e) => !/Aborted|RuntimeError/.test(e)), []);
});

test('grok page: a 200 x 200 sweep summary draws quickly; a bigger grid is refused with the reason', async () => {
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  const summary = (nx, ny) => {
    const xs = Array.from({ length: nx }, (_, i) => (i + 1) / (nx + 1)), ys = Array.from({ length: ny }, (_, i) => i + 1);
    const rows = [];
    for (const x of xs) for (const y of ys) rows.push({ values: { train_fraction: x, weight_decay: y }, grok_step: 100 * y, diverged: false });
    return { schema: 'grok-sweep/1', grid: [{ field: 'train_fraction', values: xs }, { field: 'weight_decay', values: ys }],
             rows, runs_total: rows.length, runs_complete: rows.length };
  };
  for (const [nx, ny, ok] of [[100, 100, true], [200, 201, false]]) {
    const body = JSON.stringify(summary(nx, ny));
    await page.route('**/fixture/sweep.json', (route) => route.fulfill({ contentType: 'application/json', body }));
    const t0 = Date.now();
    await page.goto(`${site.base}/index.html?sweep=fixture/sweep.json`);
    await waitReady(page);
    if (ok) {
      await page.waitForFunction((n) => document.querySelectorAll('[data-role="phase-table"] tbody tr').length === n, nx * ny, { timeout: 30000 });
      console.log(`# ${nx} x ${ny} sweep summary (${(body.length / 1e6).toFixed(1)} MB) drawn in ${Date.now() - t0} ms`);
    } else {
      await page.waitForFunction(() => /more than the 10,000 a phase diagram can show/.test(document.querySelector('[data-role="notices"]').textContent),
                                 null, { timeout: 30000 });
    }
    // The page answers at once afterwards (a frozen main thread would time this out).
    assert.equal(await page.evaluate(() => 1 + 1, null, { timeout: 2000 }), 2);
    await page.unroute('**/fixture/sweep.json');
  }
  assert.deepEqual(page.errors, []);
});

test('grok page: a replayed run with 200,000 metric points and wide spectra draws every chart', async () => {
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  const run = JSON.parse(await (await fetch(`${site.base}/data/sample-run.json`)).text());
  // Stretch the sample: many metric points (Math.max(...) over them overflowed the stack).
  const last = run.metrics[run.metrics.length - 1];
  const n = 200000;
  run.config.steps = n;
  run.metrics = Array.from({ length: n }, (_, i) => ({ ...last, step: i + 1 }));
  run.summary.steps = n;
  run.summary.complete = true;
  const body = JSON.stringify(run);
  await page.route('**/fixture/long.json', (route) => route.fulfill({ contentType: 'application/json', body }));
  await page.goto(`${site.base}/index.html?run=fixture/long.json`);
  await waitReady(page);
  await page.waitForFunction(() => window.grokDemo.state().mode === 'replay', null, { timeout: 60000 });
  const drawn = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]')).data.datasets[0].data.length);
  assert.ok(drawn > 0, 'the accuracy chart has points');
  assert.deepEqual(page.errors.filter((e) => /Maximum call stack/.test(e)), []);
  assert.deepEqual(page.errors, []);
});
