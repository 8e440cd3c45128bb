// Grokking on images in the page (Omnigrok): the worker fetches the site's Fashion-MNIST subset and
// hands it to the core, the preset omnigrok-browser trains live (shortened here to 5000 steps: it
// memorizes by ~3600 while the test set is mostly wrong), the accuracy-against-weight-norm chart
// draws the run's path, and the views of token-pair runs step aside. Then the native Omnigrok run
// replays with the same views, and a token-pair run brings the others back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady, screenshot, watchMemorization, memorizedState } from './lib/harness.mjs';

let site, page;
before(async () => {
  site = await startSite();
  page = await site.newPage();
  await page.goto(`${site.base}/index.html#preset=omnigrok-browser&steps=5000`);
});
after(async () => { await site?.close(); });

const visible = (selector) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  return !!el && el.getClientRects().length > 0;
}, selector);
const normAcc = () => page.evaluate(() => {
  const canvas = document.querySelector('canvas[data-chart="normacc"]');
  return { label: canvas.getAttribute('aria-label'),
           points: window.Chart.getChart(canvas).data.datasets.map((d) => d.data.length) };
});

test('omnigrok-browser trains on the shipped Fashion-MNIST: memorizes first, the norm falls, token views hidden',
     { timeout: 150000 }, async () => {
  await waitReady(page);
  const config = await page.evaluate(() => window.grokDemo.config());
  assert.equal(config.dataset, 'fashion-mnist');
  assert.equal(config.init_scale, 8);
  assert.equal(config.steps, 5000);
  assert.equal(await visible('canvas[data-chart="spectrum"]'), false, 'the spectrum is for token pairs');
  assert.equal(await visible('[data-role="neurons"]'), false);
  assert.equal(await visible('canvas[data-chart="normacc"]'), true);
  await watchMemorization(page);
  const t0 = Date.now();
  await page.click('[data-role="play"]');
  await page.waitForFunction(() => window.grokDemo.state().finished, null, { timeout: 120000, polling: 200 });
  const seconds = (Date.now() - t0) / 1000;
  const st = await page.evaluate(() => window.grokDemo.state());
  const atMem = await memorizedState(page);
  console.log(`# omnigrok-browser, 5000 steps: ${seconds.toFixed(1)} s; memorized at ${st.memorize_step} ` +
              `(test accuracy then ${atMem?.test_acc?.toFixed(3)}), test accuracy ${st.test_acc.toFixed(3)} at the end`);
  assert.ok(st.memorize_step != null, 'memorized');
  assert.ok(atMem.test_acc < 0.5, `test accuracy at memorization ${atMem.test_acc}`);
  assert.ok(st.test_acc > atMem.test_acc, `test accuracy went on rising: ${atMem.test_acc} -> ${st.test_acc}`);
  const chart = await normAcc();
  assert.ok(chart.points.every((n) => n >= 20), `points per path: ${chart.points}`);
  const norms = [...chart.label.matchAll(/norm (\d+\.\d+)/g)].map((m) => Number(m[1]));
  assert.ok(norms.length === 3 && norms[2] < norms[1] && norms[1] < norms[0], `the norm falls along the path: ${chart.label}`);
  assert.match(chart.label, /when it memorized/);
  await screenshot(page, 'omnigrok-live', { height: 1040 });
  assert.deepEqual(page.errors, []);
});

test('the native Omnigrok run replays; a token-pair run brings the spectrum back', { timeout: 60000 }, async () => {
  await page.click('[data-role="tab-replay"]');
  await page.click('[data-role="load-sample-omnigrok"]');
  await page.waitForFunction(() => /to norm/.test(document.querySelector('canvas[data-chart="normacc"]').getAttribute('aria-label')) &&
                                   window.grokDemo.state().mode === 'replay', null, { timeout: 20000 });
  // Scrub to the end: the whole path.
  await page.evaluate(() => {
    const scrub = document.querySelector('[data-role="scrub"]');
    scrub.value = scrub.max;
    scrub.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => /step 100,000\)?$|at step 100,000$/.test(document.querySelector('canvas[data-chart="normacc"]').getAttribute('aria-label')),
                             null, { timeout: 10000 });
  const { label } = await normAcc();
  const finalTest = Number(label.match(/to norm [\d.]+ \(train [\d.]+%, test ([\d.]+)%\)/)[1]);
  assert.ok(finalTest >= 75, `the native run ends generalizing: ${label}`);
  assert.equal(await visible('canvas[data-chart="spectrum"]'), false);
  assert.match(await page.textContent('[data-role="replay-title"]'), /fashion-mnist \(1,000 images, 28×28\), mlp 2 × 200, init ×8/);
  await screenshot(page, 'omnigrok-replay', { height: 1040 });
  await page.click('[data-role="load-sample-nanda"]');
  await page.waitForFunction(() => document.querySelector('canvas[data-chart="spectrum"]').getClientRects().length > 0, null, { timeout: 20000 });
  assert.deepEqual(page.errors, []);
});
