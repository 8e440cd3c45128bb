// The double-descent page: a live sweep of the legendre experiment in the worker (a few seconds),
// the peak at p = n, the model-size slider, the optimal-ridge toggle, URL-hash validation and
// replay of a grok-dd/1 file (good and bad). GROK_SCREENSHOTS=1 writes docs/screenshots/dd.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, screenshot } from './lib/harness.mjs';

const SWEEP_TIMEOUT_MS = 60000;  // the target is a few seconds; generous for a loaded 2-core machine
let site, page;

before(async () => {
  site = await startSite();
  page = await site.newPage();
});
after(async () => { await site?.close(); });

async function open(url) {
  await page.goto(`${site.base}/${url}`);
  await page.waitForFunction(() => window.ddDemo && (window.ddDemo.state().ready || window.ddDemo.state().error),
                             null, { timeout: 30000 });
  const st = await page.evaluate(() => window.ddDemo.state());
  if (st.error) throw new Error(`page reports: ${st.error}`);
  return st;
}

async function waitDone() {
  await page.waitForFunction(() => window.ddDemo.state().done, null, { timeout: SWEEP_TIMEOUT_MS, polling: 100 });
  return page.evaluate(() => window.ddDemo.state());
}

const median = (r, p) => r.points.find((x) => x.p === p).test_mse_median;

test('a legendre sweep runs live, peaks at p = n, and the slider shows each fit', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  const t0 = Date.now();
  await open('double-descent.html#experiment=legendre');
  const st = await waitDone();
  const seconds = (Date.now() - t0) / 1000;
  console.log(`# legendre sweep: ${st.planned} model sizes x ${st.config.trials} trials in ${(st.ms / 1000).toFixed(2)} s in the worker, ${seconds.toFixed(1)} s from page load`);
  assert.equal(st.mode, 'live');
  assert.equal(st.points, st.planned);
  const r = await page.evaluate(() => window.ddDemo.result());
  const n = r.config.n_train;
  assert.ok(median(r, n) > 100 * median(r, n / 2), `peak ${median(r, n)} vs p = n/2 ${median(r, n / 2)}`);
  assert.ok(median(r, n) > 100 * median(r, 4 * n), `peak ${median(r, n)} vs p = 4n ${median(r, 4 * n)}`);
  // The charts hold every point; the vertical line sits at p = n.
  const drawn = await page.evaluate(() => {
    const risk = window.Chart.getChart(document.querySelector('canvas[data-chart="risk"]'));
    return { median: risk.data.datasets[2].data.length, line: risk.options.plugins.ddVertical.x };
  });
  assert.equal(drawn.median, st.planned);
  assert.equal(drawn.line, n);
  // The slider settles on p = n; its fit passes through the training points (interpolation).
  assert.match(await page.textContent('[data-role="size-out"]'), /p = 20 \(= n\)/);
  await screenshot(page, 'dd', { fullPage: true });
  // Keyboard: Home goes to the smallest model, End to the largest; the curve follows.
  await page.focus('[data-role="size"]');
  await page.keyboard.press('Home');
  assert.equal(await page.textContent('[data-role="size-out"]'), `p = ${r.model_sizes[0]}`);
  await page.keyboard.press('End');
  const last = r.model_sizes[r.model_sizes.length - 1];
  assert.equal(await page.textContent('[data-role="size-out"]'), `p = ${last}`);
  const label = await page.evaluate(() =>
    window.Chart.getChart(document.querySelector('canvas[data-chart="curve"]')).data.datasets[2].label);
  assert.equal(label, `fit with p = ${last}`);
  assert.deepEqual(page.errors, []);
});

test('the optimal-ridge toggle reruns the sweep and the peak is gone', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  await open('double-descent.html#experiment=legendre');
  await waitDone();
  await page.click('[data-role="toggle-ridge"]');
  assert.equal(await page.getAttribute('[data-role="toggle-ridge"]', 'aria-pressed'), 'true');
  assert.match(await page.evaluate(() => location.hash), /tune_ridge=true/);
  await page.waitForFunction(() => window.ddDemo.state().config.tune_ridge && window.ddDemo.result()?.config.tune_ridge, null, { timeout: 10000 });
  await waitDone();
  const r = await page.evaluate(() => window.ddDemo.result());
  const n = r.config.n_train;
  const around = Math.max(median(r, n / 2), median(r, 2 * n));
  for (const p of r.points.filter((x) => x.p > n / 2 && x.p < 2 * n))
    assert.ok(p.test_mse_median < 1.1 * around, `p = ${p.p}: ${p.test_mse_median} vs ${around} at n/2 and 2n`);
  assert.deepEqual(page.errors, []);
});

test('an invalid setting in the address is reset with a notice', async () => {
  await open('double-descent.html#experiment=legendre&noise=loud&trials=3');
  const text = await page.textContent('[data-role="notices"]');
  assert.match(text, /noise: 'loud' is not a number in \[0, 100\]/);
  assert.match(text, /reset to the legendre defaults/);
  const st = await page.evaluate(() => window.ddDemo.state());
  assert.equal(st.config.noise, 0.2);
  assert.equal(st.config.trials, 40, 'the whole hash is dropped, not just the bad field');
  assert.equal(await page.evaluate(() => location.hash), '#experiment=legendre');
  await page.evaluate(() => window.ddDemo.stop());
});

test('a field under All settings restarts the sweep and lands in the address', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  await open('double-descent.html#experiment=legendre&trials=5');
  await waitDone();
  await page.click('text=All settings');
  // Fields of other experiments are not offered.
  assert.equal(await page.locator('#dd-field-input_dim').count(), 0);
  await page.fill('#dd-field-n_train', '16');
  await page.press('#dd-field-n_train', 'Enter');
  await page.waitForFunction(() => window.ddDemo.result()?.config.n_train === 16, null, { timeout: 10000 });
  const st = await waitDone();
  assert.equal(st.n, 16);
  assert.match(await page.evaluate(() => location.hash), /n_train=16/);
  assert.match(await page.evaluate(() => location.hash), /trials=5/);
  // An out-of-range entry is refused on the spot and marked, and nothing restarts.
  await page.fill('#dd-field-noise', '-3');
  await page.press('#dd-field-noise', 'Enter');
  assert.equal(await page.getAttribute('#dd-field-noise', 'aria-invalid'), 'true');
  assert.match(await page.textContent('[data-role="notices"]'), /Not applied: noise: '-3' is not a number in \[0, 100\]/);
  assert.equal(await page.evaluate(() => window.ddDemo.state().config.noise), 0.2);
  assert.deepEqual(page.errors, []);
});

test('a grok-dd/1 file replays from ?run=URL; a bad one is refused with the reason', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  await open('double-descent.html#experiment=legendre&trials=5');
  await waitDone();
  const text = await page.evaluate(() => window.ddDemo.resultJson());
  const live = JSON.parse(text);
  assert.equal(live.schema, 'grok-dd/1');
  await page.route('**/fixture/dd.json', (route) => route.fulfill({ contentType: 'application/json', body: text }));
  await page.route('**/fixture/bad.json', (route) => route.fulfill({ contentType: 'application/json', body: '{"schema": "grok-run/1"}' }));
  await open('double-descent.html?run=fixture/dd.json');
  await page.waitForFunction(() => window.ddDemo.state().mode === 'replay');
  const st = await page.evaluate(() => window.ddDemo.state());
  assert.equal(st.points, live.points.length);
  assert.match(await page.textContent('[data-role="status"]'), /Replay/);
  await open('double-descent.html?run=fixture/bad.json');
  await page.waitForFunction(() => /Cannot replay/.test(document.querySelector('[data-role="notices"]').textContent));
  assert.match(await page.textContent('[data-role="notices"]'), /expected "grok-dd\/1"/);
  assert.deepEqual(page.errors, []);
});

test('the linear experiment draws the exact theory beside the Monte Carlo medians', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  await open('double-descent.html#experiment=linear');
  const st = await waitDone();
  console.log(`# linear sweep: ${st.planned} model sizes x ${st.config.trials} trials in ${(st.ms / 1000).toFixed(2)} s in the worker`);
  const r = await page.evaluate(() => window.ddDemo.result());
  assert.match(r.theory, /exact/);
  const theory = await page.evaluate(() =>
    window.Chart.getChart(document.querySelector('canvas[data-chart="risk"]')).data.datasets[4].data);
  assert.equal(theory.length, r.points.length);
  // No theory point at n-1, n, n+1 (infinite expectation): gaps in the line, not a value.
  const n = r.config.n_train;
  for (const p of [n - 1, n, n + 1]) assert.equal(theory.find((d) => d.x === p).y, null);
  // 200 trials: the Monte Carlo mean is within a few percent of theory away from the peak.
  for (const p of [n / 2, 2 * n, 10 * n]) {
    const point = r.points.find((x) => x.p === p);
    assert.ok(Math.abs(point.test_mse_mean / point.theory - 1) < 0.06, `p = ${p}: mean ${point.test_mse_mean}, theory ${point.theory}`);
  }
  await screenshot(page, 'dd-linear', { fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('the sample-wise linear sweep: more data hurts up to n = p, drawn against n', { timeout: SWEEP_TIMEOUT_MS + 30000 }, async () => {
  await open('double-descent.html#experiment=linear&axis=samples&model_size=30&n_min=5&n_max=150&trials=100');
  const st = await waitDone();
  assert.equal(st.config.axis, 'samples');
  const r = await page.evaluate(() => window.ddDemo.result());
  const at = (n) => r.points.find((x) => x.n === n).test_mse_median;
  assert.ok(at(30) > 10 * at(15), `peak ${at(30)} vs n = 15 ${at(15)}`);
  assert.ok(at(30) > 10 * at(120), `peak ${at(30)} vs n = 120 ${at(120)}`);
  const chart = await page.evaluate(() => {
    const risk = window.Chart.getChart(document.querySelector('canvas[data-chart="risk"]'));
    return { title: risk.options.scales.x.title.text, line: risk.options.plugins.ddVertical.x, x0: risk.data.datasets[2].data[0].x };
  });
  assert.equal(chart.title, 'training samples n');
  assert.equal(chart.line, 30);
  assert.equal(chart.x0, 5);
  assert.match(await page.textContent('[data-role="status"]'), /p = 30/);
  assert.deepEqual(page.errors, []);
});
