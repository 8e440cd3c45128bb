// Inside the network: phase bands from summary.phases on the step charts (live and in replays),
// restricted/excluded loss re-scored with the latest key frequencies and named on the measures
// chart, key frequencies on the spectrum, and the MLP's neuron waves grouped by frequency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSite, waitReady, screenshot, repoRoot } from './lib/harness.mjs';

const TIMEOUT_MS = 120000;
const sample = JSON.parse(fs.readFileSync(path.join(repoRoot, 'web', 'data', 'sample-run.json'), 'utf8'));
let site, page, liveRun;
before(async () => {
  site = await startSite();
  page = await site.newPage();
  await page.goto(`${site.base}/index.html`);
});
after(async () => { await site?.close(); });

const chartOpt = (name, plugin) => page.evaluate(([n, p]) => window.Chart.getChart(document.querySelector(`canvas[data-chart="${n}"]`)).options.plugins[p],
                                                 [name, plugin]);
const bandsOf = async (name) => (await chartOpt(name, 'phaseBands')).bands.map(({ key, from, to }) => ({ key, from, to }));
test('live: phase bands follow summary.phases; restricted/excluded loss name their frequencies', { timeout: TIMEOUT_MS + 60000 }, async () => {
  await waitReady(page);
  assert.equal(await page.inputValue('[data-role="preset"]'), 'browser');
  // Before training: no phases reached, and nothing drawn for step 0 alone.
  assert.deepEqual(await bandsOf('loss'), []);
  await page.click('[data-role="play"]');
  // While memorizing: one band, still running (it reaches the latest step).
  await page.waitForFunction(() => window.grokDemo.state().step >= 50, null, { timeout: 30000 });
  await page.waitForFunction(() => window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).options.plugins.phaseBands.bands.length >= 1,
                             null, { timeout: 10000 });
  const early = await bandsOf('loss');
  assert.equal(early[0].key, 'memorization');
  assert.equal(early[0].from, 0);
  await page.waitForFunction(() => window.grokDemo.state().grok_step != null, null, { timeout: TIMEOUT_MS, polling: 100 });
  // Run a little past the grok step so that cleanup has ended, then stop.
  await page.waitForFunction(() => window.grokDemo.state().step >= window.grokDemo.state().grok_step + 200, null, { timeout: 30000 });
  await page.evaluate(() => window.grokDemo.pause());
  // The run as the worker has it after the pause, through the page's "Download run" button.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="download-run"]')]);
  liveRun = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  const lastSnap = liveRun.snapshots.at(-1);
  const s = liveRun.summary;
  assert.ok(s.phases, 'the live summary has phases');
  const { memorization_end: m, circuit_end: c, cleanup_end: e } = s.phases;
  assert.ok(m != null && c != null && e != null, `all three phases ended: ${JSON.stringify(s.phases)}`);
  assert.ok(m < c && c <= e, 'phase boundaries in order');
  assert.equal(m, s.memorize_step);
  const want = [{ key: 'memorization', from: 0, to: m }, { key: 'circuit', from: m, to: c }, { key: 'cleanup', from: c, to: e }];
  // Redraws are throttled: wait for the one after the pause.
  await page.waitForFunction((n) => window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).options.plugins.phaseBands.bands.length === n,
                             want.length, { timeout: 10000 });
  for (const name of ['loss', 'measures', 'acc']) assert.deepEqual(await bandsOf(name), want, `${name} chart bands`);
  assert.match(await page.getAttribute('canvas[data-chart="loss"]', 'aria-label'),
               new RegExp(`phases: memorization 0–${m.toLocaleString('en-US')}, circuit formation`));
  // Re-scoring: the circuit frequencies are the last snapshot's key frequencies, and the
  // measures chart names them (subtitle and accessible label).
  const ks = s.circuit_freqs;
  assert.ok(Array.isArray(ks) && ks.length > 0, 'circuit_freqs non-empty');
  assert.deepEqual(ks, [...lastSnap.key_freqs].sort((a, b) => a - b), 'the latest key frequencies');
  const list = `k = ${ks.join(', ')}`;
  await page.waitForFunction(([l, st]) => {
    const label = document.querySelector('canvas[data-chart="measures"]').getAttribute('aria-label');
    return label.includes(l) && label.startsWith(`Progress measures at step ${st}:`);
  }, [list, lastSnap.step], { timeout: 10000 });
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'), /re-chosen as training goes on/);
  const sub = await chartOpt('measures', 'subtitle');
  assert.equal(sub.display, true);
  assert.ok(sub.text.includes(list), `subtitle names the frequencies: ${sub.text}`);
  // What the chart plots is the re-scored data: every restricted-loss point is the snapshot's value.
  const plotted = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="measures"]')).data.datasets[0].data);
  const bySnap = new Map(liveRun.snapshots.map((p) => [p.step, p.restricted_loss]));
  assert.ok(plotted.length > 5);
  for (const pt of plotted) assert.ok(Math.abs(pt.y - bySnap.get(pt.x)) <= 1e-9 * Math.max(1, Math.abs(pt.y)), `restricted loss at step ${pt.x}`);
  // The key frequencies are written out beside the spectrum.
  const keyText = await page.textContent('[data-role="key-freqs"]');
  assert.ok(keyText.includes(`k = ${lastSnap.key_freqs.join(', ')}`), keyText);
  assert.match(await page.getAttribute('canvas[data-chart="spectrum"]', 'aria-label'), /key frequencies \(dots\): k=/);
  assert.deepEqual(page.errors, []);
});

test('live: neuron waves are grouped by dominant frequency, one curve per hidden unit', async () => {
  assert.ok(liveRun, 'needs the live run of the previous test');
  const hidden = liveRun.config.hidden;
  const lastSnap = liveRun.snapshots.at(-1);
  // The panel is fetched once more after the pause; wait for it to show the last snapshot.
  await page.waitForFunction((st) => document.querySelector('[data-role="neurons"]').dataset.step === String(st), lastSnap.step, { timeout: 10000 });
  const groups = await page.$$eval('[data-role="neurons"] figure.wave-group', (figs) => figs.map((f) => ({ freq: f.dataset.freq, units: Number(f.dataset.units) })));
  assert.ok(groups.length >= 2 && groups.length <= 7, `${groups.length} groups`);
  const named = groups.filter((g) => g.freq !== 'other');
  assert.ok(named.length >= 1 && named.length <= 6);
  for (const g of named) {
    assert.ok(lastSnap.neuron_freq.includes(Number(g.freq)), `group k = ${g.freq} is a dominant frequency of some unit`);
    assert.equal(g.units, lastSnap.neuron_freq.filter((k) => k === Number(g.freq)).length, `units in group k = ${g.freq}`);
  }
  for (let i = 1; i < named.length; ++i) assert.ok(named[i - 1].units >= named[i].units, 'largest groups first');
  assert.equal(groups.reduce((n, g) => n + g.units, 0), hidden, 'every unit in exactly one group');
  assert.equal(Number(await page.getAttribute('[data-role="neurons"]', 'data-plotted')), hidden, 'one plotted wave per hidden unit');
  const label = await page.getAttribute('[data-role="neurons"] figure.wave-group canvas', 'aria-label');
  assert.match(label, /^Frequency k = \d+.*: \d+ hidden units whose input weights over the operand 0 to 58 repeat/);
  await page.locator('[data-role="neurons"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'neuron-waves', { element: '[data-role="neurons"]' });
  assert.deepEqual(page.errors, []);
});

test('replays: no bands without phases, bands cut at the scrub position with them', async () => {
  assert.ok(liveRun, 'needs the live run of the first test');
  // The bundled sample (native run of the browser preset) carries phases: three bands at its steps.
  const ph = sample.summary.phases;
  assert.ok(ph && ph.cleanup_end > ph.circuit_end && ph.circuit_end > ph.memorization_end, 'sample has phases');
  await page.evaluate(() => window.grokDemo.loadRun('data/sample-run.json'));
  await page.waitForFunction(() => window.grokDemo.state().mode === 'replay');
  await page.waitForFunction(() => /sample-run/.test(document.querySelector('[data-role="replay-title"]').textContent));
  // Wait for the sample's own bands (the live run before it had three bands too, ending elsewhere).
  await page.waitForFunction((end) => {
    const bands = window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).options.plugins.phaseBands.bands;
    return bands.length === 3 && bands[2].to === end;
  }, ph.cleanup_end);
  assert.deepEqual(await bandsOf('loss'), [{ key: 'memorization', from: 0, to: ph.memorization_end },
    { key: 'circuit', from: ph.memorization_end, to: ph.circuit_end }, { key: 'cleanup', from: ph.circuit_end, to: ph.cleanup_end }]);
  // A file written before phases and circuit frequencies existed: no bands, per-snapshot frequencies.
  const old = JSON.parse(JSON.stringify(sample));
  delete old.summary.phases;
  delete old.summary.circuit_freqs;
  await page.locator('[data-role="file"]').setInputFiles({ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(old)) });
  await page.waitForFunction(() => /^old\.json/.test(document.querySelector('[data-role="replay-title"]').textContent));
  await page.waitForTimeout(300);
  for (const name of ['loss', 'measures', 'acc']) assert.deepEqual(await bandsOf(name), [], `${name}: no bands`);
  assert.doesNotMatch(await page.getAttribute('canvas[data-chart="loss"]', 'aria-label'), /phases:/);
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'), /each snapshot's own key frequencies/);
  assert.match(await page.textContent('[data-role="neurons-status"]'), /need a live MLP run/);
  assert.equal(await page.$$eval('[data-role="neurons"] figure.wave-group', (f) => f.length), 0);
  // The live run's own file, opened as a replay (through the file picker): bands as in training.
  await page.locator('[data-role="file"]').setInputFiles({ name: 'live.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(liveRun)) });
  await page.waitForFunction(() => /^live\.json/.test(document.querySelector('[data-role="replay-title"]').textContent));
  const { memorization_end: m, circuit_end: c, cleanup_end: e } = liveRun.summary.phases;
  await page.waitForFunction(() => window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).options.plugins.phaseBands.bands.length === 3);
  assert.deepEqual(await bandsOf('measures'), [{ key: 'memorization', from: 0, to: m }, { key: 'circuit', from: m, to: c }, { key: 'cleanup', from: c, to: e }]);
  // Scrub into circuit formation: the bands stop at the scrubbed step, cleanup is not drawn yet.
  const i = liveRun.metrics.findIndex((p) => p.step > m && p.step < c);
  assert.ok(i > 0, 'an evaluation inside circuit formation');
  const at = liveRun.metrics[i].step;
  await page.$eval('[data-role="scrub"]', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }, i);
  await page.waitForFunction((st) => window.grokDemo.state().step === st, at);
  await page.waitForTimeout(200);
  assert.deepEqual(await bandsOf('loss'), [{ key: 'memorization', from: 0, to: m }, { key: 'circuit', from: m, to: at }]);
  // With a linear step axis too (step 0 is on the axis then).
  await page.uncheck('[data-role="log-steps"]');
  await page.waitForTimeout(200);
  assert.deepEqual(await bandsOf('acc'), [{ key: 'memorization', from: 0, to: m }, { key: 'circuit', from: m, to: at }]);
  await page.check('[data-role="log-steps"]');
  // The file of a paused run: its frequencies were the latest when it was saved; a complete run's
  // are the final model's, named as such.
  assert.equal(liveRun.summary.complete, false);
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'),
               new RegExp(`the latest key frequencies k = ${liveRun.summary.circuit_freqs.join(', ')}, re-chosen`));
  const complete = { ...liveRun, summary: { ...liveRun.summary, complete: true } };
  await page.locator('[data-role="file"]').setInputFiles({ name: 'complete.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(complete)) });
  await page.waitForFunction(() => /^complete\.json/.test(document.querySelector('[data-role="replay-title"]').textContent));
  await page.waitForTimeout(300);
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'),
               new RegExp(`the final model's key frequencies k = ${liveRun.summary.circuit_freqs.join(', ')}`));
  assert.equal((await chartOpt('measures', 'subtitle')).text, `restricted/excluded: k = ${liveRun.summary.circuit_freqs.join(', ')} (final model)`);
  await page.keyboard.press('End');
  await page.waitForTimeout(300);
  await screenshot(page, 'phases', { height: 1040 });
  assert.deepEqual(page.errors, []);
});

test('the native nanda2023 replay shows the paper\'s progress measures and phases', { timeout: 60000 }, async () => {
  const run = JSON.parse(fs.readFileSync(path.join(repoRoot, 'web', 'data', 'nanda2023-seed0.json'), 'utf8'));
  const { memorization_end: m, circuit_end: c, cleanup_end: e } = run.summary.phases;
  // The file itself (a native run, committed): restricted loss falls before test accuracy jumps,
  // excluded loss rises while test loss is still high (Nanda et al. 2023, figure 7).
  const metricAt = (step) => run.metrics.reduce((best, p) => (Math.abs(p.step - step) < Math.abs(best.step - step) ? p : best));
  const snaps = run.snapshots.filter((s) => s.step >= m && s.step <= c);
  const first = snaps[0], last = snaps.at(-1);
  assert.ok(last.restricted_loss < 0.2 * first.restricted_loss, `restricted ${first.restricted_loss} -> ${last.restricted_loss}`);
  assert.ok(metricAt(last.step).test_acc < 0.5, 'test accuracy has not jumped by the end of circuit formation');
  assert.ok(last.excluded_loss > 100 * Math.max(first.excluded_loss, 1e-4) || last.excluded_loss > 0.5, `excluded ${first.excluded_loss} -> ${last.excluded_loss}`);
  assert.ok(metricAt(last.step).test_loss > 5, 'test loss still high');
  // The page: the button opens it, with three bands at the file's boundaries and the final model's frequencies.
  await page.click('[data-role="load-sample-nanda"]');
  await page.waitForFunction(() => /nanda2023-seed0/.test(document.querySelector('[data-role="replay-title"]').textContent));
  await page.waitForFunction(() => window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).options.plugins.phaseBands.bands.length === 3);
  assert.deepEqual(await bandsOf('measures'), [{ key: 'memorization', from: 0, to: m }, { key: 'circuit', from: m, to: c }, { key: 'cleanup', from: c, to: e }]);
  assert.match(await page.getAttribute('canvas[data-chart="measures"]', 'aria-label'),
               new RegExp(`the final model's key frequencies k = ${run.summary.circuit_freqs.join(', ')}`));
  // Restricted and excluded loss are on the loss chart too, one point per snapshot (step 0 is off the log axis).
  await page.keyboard.press('End');
  const onLoss = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="loss"]')).data.datasets
    .map((d) => ({ label: d.label, n: d.data.length, last: d.data.at(-1)?.y })));
  const positive = (key) => run.snapshots.filter((sn) => sn.step > 0 && sn[key] > 0).length;
  assert.deepEqual(onLoss.slice(2, 4).map((d) => [d.label, d.n]), [['restricted loss', positive('restricted_loss')], ['excluded loss', positive('excluded_loss')]]);
  assert.equal(onLoss[3].last, run.snapshots.at(-1).excluded_loss);
  assert.match(await page.getAttribute('canvas[data-chart="loss"]', 'aria-label'), /; restricted \S+, excluded \S+ at step 7,300/);
  await page.uncheck('[data-role="log-steps"]');  // a linear step axis shows the cleanup phase's width
  await page.waitForTimeout(300);
  await screenshot(page, 'replay-nanda2023', { element: '.charts' });
  await page.check('[data-role="log-steps"]');
  assert.deepEqual(page.errors, []);
});
