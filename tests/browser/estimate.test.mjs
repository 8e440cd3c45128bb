// The cost estimate shown before Play (core/grokking/cost.h, scaled by the throughput the page
// measures on the run's step-0 evaluation) against the measured step time, for a transformer and an
// MLP preset; and a config whose snapshot weights alone would not fit is refused before it is built.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady } from './lib/harness.mjs';

let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

for (const [preset, steps] of [['nanda2023', 40], ['browser', 200]]) {
  test(`${preset}: the estimate before Play is within 2x of the measured ms/step`, { timeout: 120000 }, async () => {
    const page = await site.newPage();
    await page.goto(`${site.base}/index.html#preset=${preset}`);
    const st = await waitReady(page, 60000);
    assert.ok(st.estimated_ms_per_step > 0, 'an estimate is there before Play');
    assert.match(await page.textContent('[data-role="status"]'), /ms\/step \(estimate\)/);
    await page.evaluate(() => window.grokDemo.play());
    await page.waitForFunction((n) => window.grokDemo.state().step >= n, steps, { timeout: 100000 });
    await page.evaluate(() => window.grokDemo.pause());
    const done = await page.evaluate(() => window.grokDemo.state());
    const ratio = st.estimated_ms_per_step / done.ms_per_step;
    console.log(`# ${preset}: estimated ${st.estimated_ms_per_step.toFixed(2)} ms/step before Play, measured ` +
                `${done.ms_per_step.toFixed(2)} over ${done.step} steps (ratio ${ratio.toFixed(2)})`);
    assert.ok(ratio > 0.5 && ratio < 2, `estimate ${st.estimated_ms_per_step} vs measured ${done.ms_per_step}`);
    assert.match(await page.textContent('[data-role="status"]'), /\d ms\/step/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('a config whose snapshot weights would not fit is refused before it is built', async () => {
  const page = await site.newPage();
  // 34M parameters: five copies fit in 1 GiB, but a run of 5000 steps keeps ~47 snapshot copies.
  await page.goto(`${site.base}/index.html#preset=browser&p=3&hidden=16384&d_model=1024`);
  await page.waitForFunction(() => window.grokDemo && window.grokDemo.state().refused);
  const st = await page.evaluate(() => window.grokDemo.state());
  assert.match(st.refused, /Too large for the browser: .* snapshots of the weights/);
  assert.equal(page.workers().length, 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});
