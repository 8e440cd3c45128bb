// Replay: the committed sample run (made by the native `grok train`) opens from ?run=, renders,
// and scrubs with the slider and the arrow keys; files come in through the picker; malformed,
// foreign and oversized files get a clear message; a sweep summary shows as a phase diagram.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSite, waitReady, screenshot, repoRoot } from './lib/harness.mjs';

const sample = JSON.parse(fs.readFileSync(path.join(repoRoot, 'web', 'data', 'sample-run.json'), 'utf8'));
let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

const accPoints = (page) => page.evaluate(() => {
  const c = window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]'));
  return c.data.datasets[1].data.length;
});
const errors = (page) => page.$$eval('[data-role="notices"] .notice.error', (els) => els.map((e) => e.textContent).join('\n'));

test('the sample run renders and scrubs', async () => {
  assert.equal(sample.schema, 'grok-run/1');
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html?run=data/sample-run.json`);
  await page.waitForFunction(() => window.grokDemo?.state().mode === 'replay', null, { timeout: 30000 });
  const last = sample.metrics.at(-1);
  let st = await page.evaluate(() => window.grokDemo.state());
  assert.equal(st.step, last.step, 'opens at the end of the run');
  assert.equal(st.grok_step, sample.summary.grok_step);
  assert.equal(st.memorize_step, sample.summary.memorize_step);
  assert.equal(await page.isVisible('[data-role="scrub"]'), true);
  assert.equal(await page.isVisible('[data-role="play"]'), false, 'training controls hidden in replay');
  await page.waitForTimeout(300);
  const full = await accPoints(page);
  assert.ok(full > 20, `the accuracy chart shows the run (${full} points)`);
  // Keyboard on the slider: Home goes to step 0, arrows move one evaluation.
  await page.focus('[data-role="scrub"]');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => window.grokDemo.state().step === 0);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  st = await page.evaluate(() => window.grokDemo.state());
  assert.equal(st.step, sample.metrics[2].step);
  await page.waitForTimeout(300);
  const early = await accPoints(page);
  assert.ok(early < full, `charts show data up to the scrubbed step only (${early} < ${full})`);
  // Arrow keys also scrub when the focus is on the page rather than on a control.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('ArrowRight');
  assert.equal((await page.evaluate(() => window.grokDemo.state())).step, sample.metrics[3].step);
  // Scrub to just past the grok step: the marker appears; just before it, it does not.
  const gi = sample.metrics.findIndex((m) => m.step === sample.summary.grok_step);
  assert.ok(gi > 0, 'the grok step is an evaluation step');
  await page.$eval('[data-role="scrub"]', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, gi - 1);
  await page.waitForTimeout(200);
  let labels = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]')).options.plugins.grokMarkers.markers.map((m) => m.label));
  assert.ok(!labels.includes('grokked'));
  await page.$eval('[data-role="scrub"]', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, gi);
  await page.waitForTimeout(200);
  labels = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="acc"]')).options.plugins.grokMarkers.markers.map((m) => m.label));
  assert.ok(labels.includes('grokked'));
  assert.match(await page.textContent('[data-role="status"]'), /Replay step/);
  assert.match(await page.getAttribute('canvas[data-chart="spectrum"]', 'aria-label'), /strongest frequencies/);
  // Progress measures come from the run file's snapshots.
  await page.keyboard.press('End');
  await page.waitForTimeout(300);
  const measures = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="measures"]')).data.datasets.map((d) => d.data.length));
  const withRestricted = sample.snapshots.filter((s) => typeof s.restricted_loss === 'number' && s.restricted_loss > 0 && s.step > 0).length;
  assert.ok(withRestricted > 5, 'the sample run has progress measures');
  assert.equal(measures[0], withRestricted, 'one restricted-loss point per snapshot');
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'), /Progress measures at step 5000: restricted loss/);
  await page.keyboard.press('End');
  await page.waitForTimeout(300);
  await screenshot(page, 'replay', { height: 1040 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the file picker opens runs; bad files get a clear message', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  await page.click('[data-role="tab-replay"]');
  const input = page.locator('[data-role="file"]');
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"schema": "grok-run/1", "metrics": [') });
  await page.waitForFunction(() => document.querySelector('[data-role="notices"] .notice.error'));
  assert.match(await errors(page), /broken\.json: not valid JSON/);
  await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.waitForFunction(() => /other\.json/.test(document.querySelector('[data-role="notices"]').textContent));
  assert.match(await errors(page), /other\.json: run file: schema must be "grok-run\/1"/);
  const badMetric = structuredClone(sample);
  badMetric.metrics[1].test_acc = 'high';
  await input.setInputFiles({ name: 'bad-metric.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(badMetric)) });
  await page.waitForFunction(() => /bad-metric\.json/.test(document.querySelector('[data-role="notices"]').textContent));
  assert.match(await errors(page), /metrics\[1\]: 'test_acc' missing or not a finite number/);
  const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grok-huge-')), 'huge.json');
  fs.writeFileSync(huge, Buffer.alloc(51 * 1024 * 1024, 32));
  await input.setInputFiles(huge);
  await page.waitForFunction(() => /huge\.json/.test(document.querySelector('[data-role="notices"]').textContent));
  fs.rmSync(path.dirname(huge), { recursive: true, force: true });
  assert.match(await errors(page), /huge\.json: 51\.0 MB is more than the page reads \(50\.0 MB\)/);
  assert.equal((await page.evaluate(() => window.grokDemo.state())).mode, 'replay');
  // A good file after all that opens fine.
  await input.setInputFiles(path.join(repoRoot, 'web', 'data', 'sample-run.json'));
  await page.waitForFunction((n) => window.grokDemo.state().step === n, sample.metrics.at(-1).step);
  assert.equal(await errors(page), '', 'the old error went away');
  // Drag and drop onto the drop zone works the same way.
  await page.evaluate(async () => {
    const text = await (await fetch('data/sample-run.json')).text();
    const run = JSON.parse(text);
    run.metrics = run.metrics.slice(0, 50);  // a different run, to see that it was this one that opened
    const dt = new DataTransfer();
    dt.items.add(new File([JSON.stringify(run)], 'dropped.json', { type: 'application/json' }));
    document.querySelector('[data-role="dropzone"]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction((n) => window.grokDemo.state().step === n, sample.metrics[49].step);
  assert.match(await page.textContent('[data-role="replay-title"]'), /^dropped\.json: /);
  // ?run= refuses other origins.
  const ok = await page.evaluate(() => window.grokDemo.loadRun('http://example.invalid/run.json'));
  assert.equal(ok, false);
  assert.match(await errors(page), /only files from this site/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a sweep summary shows as a phase diagram', async () => {
  const sweepPath = path.join(repoRoot, 'web', 'data', 'phase-browser.json');
  const sweep = JSON.parse(fs.readFileSync(sweepPath, 'utf8'));
  assert.equal(sweep.schema, 'grok-sweep/1');
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html?sweep=data/phase-browser.json`);
  await page.waitForFunction(() => !document.querySelector('[data-role="phase-view"]').hidden, null, { timeout: 30000 });
  const nx = sweep.grid.find((g) => g.field === 'train_fraction').values.length;
  const ny = sweep.grid.find((g) => g.field === 'weight_decay').values.length;
  const rows = await page.$$eval('[data-role="phase-table"] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, nx * ny, 'one table row per cell');
  // Every cell's text matches the summary: median grok step, or "did not grok".
  for (const [x, y, runs, grokked, median] of rows) {
    const mine = sweep.rows.filter((r) => String(r.values.train_fraction) === x && String(r.values.weight_decay) === y);
    assert.equal(Number(runs), mine.length);
    assert.equal(Number(grokked), mine.filter((r) => r.grok_step != null && !r.diverged).length);
    if (mine.length === 1) assert.equal(median, mine[0].grok_step == null ? 'did not grok' : mine[0].grok_step.toLocaleString('en-US'));
  }
  const label = await page.getAttribute('[data-role="phase-canvas"]', 'aria-label');
  assert.match(label, /Phase diagram of \d+ runs/);
  const chartType = await page.evaluate(() => window.Chart.getChart(document.querySelector('[data-role="phase-canvas"]')).config.type);
  assert.equal(chartType, 'matrix');
  await page.locator('[data-role="phase"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'phase-diagram', { element: '[data-role="phase"]' });
  assert.deepEqual(page.errors, []);
  await page.close();
});
