// Compare runs (issue 16 item 6): a second run, B, over the accuracy and loss charts with a legend
// entry and a table of both summaries; from a run file (through the picker: checked by the core's
// reader, a bad file gets a clear message) or the live run kept as it is; cleared again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite, waitReady, screenshot, repoRoot } from './lib/harness.mjs';

const nanda = JSON.parse(fs.readFileSync(path.join(repoRoot, 'web', 'data', 'nanda2023-seed0.json'), 'utf8'));
let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

// Points per dataset of a chart, by label, and the labels the legend shows.
const chartState = (page, name) => page.evaluate((n) => {
  const c = window.Chart.getChart(document.querySelector(`canvas[data-chart="${n}"]`));
  const legend = c.legend.legendItems.map((i) => i.text);
  return { points: Object.fromEntries(c.data.datasets.map((d) => [d.label, d.data.length])), legend,
           markers: c.options.plugins.grokMarkers.markers.map((m) => m.label), aria: c.canvas.getAttribute('aria-label') };
}, name);
const tableRows = (page) => page.$$eval('[data-role="compare-table"] tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));

test('a run file as run B over a replayed run: lines, legend, markers, table; a bad file is refused; clear', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html?run=data/sample-run.json`);
  await page.waitForFunction(() => window.grokDemo?.state().mode === 'replay', null, { timeout: 30000 });
  let acc = await chartState(page, 'acc');
  assert.equal(acc.points['B test accuracy'], 0);
  assert.ok(!acc.legend.some((t) => t.startsWith('B ')), 'no B in the legend before there is a run B');
  assert.equal(await page.isVisible('[data-role="compare-table"]'), false);

  // A broken file: a clear message, nothing drawn.
  const input = page.locator('[data-role="compare-file"]');
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": "grok-run/1", "metrics": [') });
  await page.waitForSelector('[data-role="notices"] .notice.error');
  assert.match(await page.textContent('[data-role="notices"] .notice.error'), /broken\.json/);
  assert.equal((await page.evaluate(() => window.grokDemo.state())).compare, null);

  await input.setInputFiles(path.join(repoRoot, 'web', 'data', 'nanda2023-seed0.json'));
  await page.waitForFunction(() => window.grokDemo.state().compare !== null);
  await page.waitForTimeout(300);
  const st = await page.evaluate(() => window.grokDemo.state());
  assert.equal(st.compare.name, 'nanda2023-seed0.json');
  assert.equal(st.compare.grok_step, nanda.summary.grok_step);
  acc = await chartState(page, 'acc');
  // Drawn whole (the log-scaled step axis leaves out step 0).
  assert.equal(acc.points['B test accuracy'], nanda.metrics.filter((m) => m.step > 0).length, 'run B drawn whole');
  assert.ok(acc.points['test accuracy'] > 20, 'run A still drawn');
  assert.ok(acc.legend.includes('B train accuracy') && acc.legend.includes('B test accuracy'), acc.legend.join(', '));
  assert.ok(acc.markers.includes('B grokked'), acc.markers.join(', '));
  assert.match(acc.aria, /run B \(nanda2023-seed0\.json\): train 100%, test [\d.]+% at step 7,300, grokked at step 7,300/);
  const loss = await chartState(page, 'loss');
  assert.equal(loss.points['B test loss'], nanda.metrics.filter((m) => m.step > 0).length);
  // The table: both runs' summaries side by side, and what differs.
  const rows = await tableRows(page);
  const row = (label) => rows.find((r) => r[0].startsWith(label));
  assert.equal(row('Run')[2], 'nanda2023-seed0.json');
  assert.equal(row('Grokked')[1], '900', 'A: the sample run groks at 900');
  assert.equal(row('Grokked')[2], nanda.summary.grok_step.toLocaleString('en-US'));
  assert.match(row('Settings that differ')[1], /\S/);
  assert.notEqual(row('Settings that differ')[1], 'none', 'a different model: settings differ');
  await screenshot(page, 'compare', { height: 1500 });
  await screenshot(page, 'compare-table', { element: '[data-role="compare"]' });

  await page.click('[data-role="compare-clear"]');
  await page.waitForTimeout(300);
  acc = await chartState(page, 'acc');
  assert.equal(acc.points['B test accuracy'], 0);
  assert.ok(!acc.legend.some((t) => t.startsWith('B ')));
  assert.equal(await page.isVisible('[data-role="compare-table"]'), false);
  assert.equal((await page.evaluate(() => window.grokDemo.state())).compare, null);
  await page.close();
});

test('the live run kept as run B, then a second live run drawn against it', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html#preset=browser&steps=300&eval_every=50`);
  await waitReady(page);
  // The replay tab with no run open: nothing on screen to keep, and it says so.
  await page.click('[data-role="tab-replay"]');
  assert.equal(await page.evaluate(() => window.grokDemo.keepForCompare()), false, 'nothing to keep');
  assert.match(await page.textContent('[data-role="notices"]'), /no run on screen to keep/);
  await page.click('[data-role="tab-train"]');
  await page.evaluate(() => window.grokDemo.play());
  await page.waitForFunction(() => window.grokDemo.state().finished, null, { timeout: 60000 });
  await page.click('[data-role="compare-keep"]');
  const kept = await page.evaluate(() => window.grokDemo.state());
  assert.equal(kept.compare.steps, 300);
  // A new run with one setting changed: run B stays, and the table says what differs.
  await page.evaluate(() => { location.hash = 'preset=browser&steps=300&eval_every=50&weight_decay=0.5'; });
  await page.waitForFunction(() => window.grokDemo.config().weight_decay === 0.5 && window.grokDemo.state().ready, null, { timeout: 30000 });
  await page.evaluate(() => window.grokDemo.play());
  await page.waitForFunction(() => window.grokDemo.state().finished, null, { timeout: 60000 });
  await page.waitForTimeout(300);
  const acc = await chartState(page, 'acc');
  assert.ok(acc.points['B test accuracy'] > 3 && acc.points['test accuracy'] > 3, JSON.stringify(acc.points));
  const rows = await tableRows(page);
  const differ = rows.find((r) => r[0] === 'Settings that differ');
  assert.match(differ[1], /^[Ww]eight decay 0\.5$/, differ.join(' | '));
  assert.match(differ[2], /^[Ww]eight decay \d/, differ.join(' | '));
  assert.doesNotMatch(differ[2], /0\.5/, differ.join(' | '));
  await page.close();
});
