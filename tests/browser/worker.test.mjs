// The wasm core loads in a module Web Worker (not on the page's main thread), Play trains, the
// charts fill up, and the page stays responsive while the worker trains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady, screenshot } from './lib/harness.mjs';

let site, page;
before(async () => {
  site = await startSite();
  page = await site.newPage();
  await page.goto(`${site.base}/index.html`);
});
after(async () => { await site?.close(); });

test('the wasm module loads in the worker', async () => {
  const st = await waitReady(page);
  assert.equal(st.ready, true);
  assert.equal(st.error, null);
  assert.equal(st.step, 0);
  const workers = page.workers();
  assert.equal(workers.length, 1, 'exactly one worker');
  assert.match(workers[0].url(), /\/js\/grok\/worker\.mjs$/);
  // The worker fetched grok.wasm; the page itself never did.
  const pageLoadedWasm = await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('grok.wasm')));
  assert.equal(pageLoadedWasm, false, 'grok.wasm must not be loaded on the main thread');
  const workerLoadedWasm = await workers[0].evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('grok.wasm')));
  assert.equal(workerLoadedWasm, true, 'the worker loads grok.wasm');
  // The settings form was built from the core's schema (one input per field the page shows).
  const fields = await page.$$eval('form[data-role="settings"] [name]', (els) => els.map((e) => e.name));
  for (const f of ['op', 'p', 'train_fraction', 'model', 'lr', 'weight_decay', 'grokfast_lambda', 'seed']) assert.ok(fields.includes(f), `form has ${f}`);
  assert.deepEqual(page.errors, []);
});

test('play trains, the charts update, the page stays responsive', async () => {
  await waitReady(page);
  const count = () => page.evaluate(() => {
    const c = window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]'));
    return c.data.datasets[0].data.length;
  });
  const before = await count();
  // Measure the longest gap between timer callbacks on the main thread while training runs.
  await page.evaluate(() => {
    window.__gaps = { last: performance.now(), max: 0 };
    window.__gapTimer = setInterval(() => {
      const now = performance.now();
      window.__gaps.max = Math.max(window.__gaps.max, now - window.__gaps.last);
      window.__gaps.last = now;
    }, 20);
  });
  await page.click('[data-role="play"]');
  await page.waitForFunction(() => window.grokDemo.state().step >= 400, null, { timeout: 60000 });
  const st = await page.evaluate(() => window.grokDemo.state());
  assert.equal(st.running, true);
  assert.equal(await page.textContent('[data-role="play"]'), 'Pause');
  assert.ok(st.train_acc > 0.5, `train accuracy rises (${st.train_acc})`);
  // Redraws are throttled while training: wait for one that shows the new points.
  await page.waitForFunction((n) => window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]')).data.datasets[0].data.length > n + 5,
                             before, { timeout: 10000 }).catch(() => {});
  const after = await count();
  assert.ok(after > before + 5, `accuracy chart gained points (${before} -> ${after})`);
  const label = await page.getAttribute('canvas[data-chart="acc"]', 'aria-label');
  assert.match(label, /train \d+(\.\d)?%, test \d+(\.\d)?% at step \d+/);
  const spectrumLabel = await page.getAttribute('canvas[data-chart="spectrum"]', 'aria-label');
  assert.match(spectrumLabel, /strongest frequencies at step \d+: k=\d+/);
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'), /Progress measures at step \d+: restricted loss \d/);
  const maxGap = await page.evaluate(() => { clearInterval(window.__gapTimer); return window.__gaps.max; });
  assert.ok(maxGap < 1000, `main thread never blocked for a second (longest gap ${maxGap.toFixed(0)} ms)`);
  await screenshot(page, 'training', { height: 1040 });
  await page.click('[data-role="play"]');  // pause
  await page.waitForFunction(() => !window.grokDemo.state().running);
  const s1 = (await page.evaluate(() => window.grokDemo.state())).step;
  await page.waitForTimeout(500);
  const s2 = (await page.evaluate(() => window.grokDemo.state())).step;
  assert.equal(s2, s1, 'paused: no more steps');
  // Step advances to the next evaluation and stops.
  await page.click('[data-role="step"]');
  await page.waitForFunction((s) => window.grokDemo.state().step > s, s2);
  assert.equal((await page.evaluate(() => window.grokDemo.state())).running, false);
  assert.deepEqual(page.errors, []);
});

test('live edits apply without a reset; other edits start a new run', async () => {
  const stepBefore = (await page.evaluate(() => window.grokDemo.state())).step;
  assert.ok(stepBefore > 0);
  await page.fill('#setting-weight_decay', '0.5');
  await page.press('#setting-weight_decay', 'Enter');
  await page.locator('#setting-weight_decay').blur();
  await page.waitForFunction(() => window.grokDemo.config().weight_decay === 0.5);
  assert.equal((await page.evaluate(() => window.grokDemo.state())).step, stepBefore, 'same run continues');
  assert.match(await page.evaluate(() => location.hash), /weight_decay=0.5/);
  await page.selectOption('#setting-op', 'sub');
  await page.waitForFunction(() => window.grokDemo.config().op === 'sub' && window.grokDemo.state().step === 0);
  assert.match(await page.evaluate(() => location.hash), /op=sub/);
  assert.deepEqual(page.errors, []);
});
