// A transformer grokking live: `#preset=browser-transformer` (a one-layer transformer on a+b mod 53),
// Play, and the page shows it memorize, sit on a plateau and then generalize, with the progress
// measures (Fourier spectrum, restricted/excluded loss) computed for it along the way. The time is
// printed, not asserted (docs/results.md records it; the target is 20 s on a quiet 2-core machine).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady, screenshot, watchMemorization, memorizedState } from './lib/harness.mjs';

const TIMEOUT_MS = 120000;
let site, page;
before(async () => {
  site = await startSite();
  page = await site.newPage();
  await page.goto(`${site.base}/index.html#preset=browser-transformer`);
});
after(async () => { await site?.close(); });

test('browser-transformer memorizes, plateaus and groks after pressing Play', { timeout: TIMEOUT_MS + 30000 }, async () => {
  await waitReady(page);
  assert.equal(await page.inputValue('[data-role="preset"]'), 'browser-transformer');
  assert.equal((await page.evaluate(() => window.grokDemo.config())).model, 'transformer');
  // Record the test accuracy the page shows at the moment it reports memorization.
  await watchMemorization(page);
  const t0 = Date.now();
  await page.click('[data-role="play"]');
  await page.waitForFunction(() => window.grokDemo.state().grok_step != null, null, { timeout: TIMEOUT_MS, polling: 100 });
  const seconds = (Date.now() - t0) / 1000;
  const st = await page.evaluate(() => window.grokDemo.state());
  const atMem = await memorizedState(page);
  console.log(`# browser-transformer grokked at step ${st.grok_step} after ${seconds.toFixed(1)} s ` +
              `(memorized at ${st.memorize_step}, test accuracy then ${atMem.test_acc.toFixed(2)})`);
  assert.ok(st.test_acc >= 0.99, `test accuracy ${st.test_acc}`);
  assert.equal(st.diverged, false);
  // Memorized first, then a plateau: at memorization the test set is mostly wrong, and grokking
  // comes hundreds of steps later.
  assert.ok(st.memorize_step != null && st.memorize_step < st.grok_step, 'memorized first, grokked later');
  assert.ok(atMem.test_acc < 0.6, `test accuracy at memorization ${atMem.test_acc}`);
  assert.ok(st.grok_step - st.memorize_step >= 200, `plateau of ${st.grok_step - st.memorize_step} steps`);
  // The progress measures ran for the transformer: the spectrum names its key frequencies and the
  // measures chart has restricted / excluded loss points.
  await page.evaluate(() => window.grokDemo.pause());
  await page.waitForFunction(() => /key frequencies \(dots\): k=/.test(
    document.querySelector('canvas[data-chart="spectrum"]').getAttribute('aria-label')), null, { timeout: 20000 });
  const points = await page.evaluate(() =>
    window.Chart.getChart(document.querySelector('canvas[data-chart="measures"]')).data.datasets.map((d) => d.data.length));
  assert.ok(points.some((n) => n >= 3), `measures chart points per dataset: ${points}`);
  await screenshot(page, 'transformer-grokked', { height: 1040 });
  assert.deepEqual(page.errors, []);
});
