// The double-descent page's network experiments (nn-mnist1d, nn-fashion): MLPs trained live on the worker pool.
// A small sweep (model-wise, then sample-wise with the toggle) fills the curve, the epoch chart and
// the heatmap; its download is a grok-sweep/1 summary that the CLI's reader (grok sweep-merge) and
// the page's replay both read; Stop ends a sweep; the shipped native sweep replays; and the default
// sweep runs to completion and shows its peak (its time is docs/benchmarks.md's figure).
// GROK_SCREENSHOTS=1 writes docs/screenshots/dd-network.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startSite, screenshot, repoRoot } from './lib/harness.mjs';

const GROK = path.join(repoRoot, 'build', 'native', 'grok');
// A few seconds of training: 4 widths (or sizes), one seed, 20 epochs of 300 examples.
const SMALL = 'experiment=nn-mnist1d&n_train=300&n_test=300&epochs=20&width_min=4&width_max=64&points=4&trials=1';
let site, page;

before(async () => {
  site = await startSite();
  page = await site.newPage();
});
after(async () => { await site?.close(); });

async function open(hash) {
  await page.goto('about:blank');  // a new document: the same page with another hash would only change its hash
  await page.goto(`${site.base}/double-descent.html#${hash}`);
  await page.evaluate(() => window.ddDemo.ready);
}

const state = () => page.evaluate(() => window.ddDemo.state());
const waitDone = (timeout) => page.waitForFunction(() => { const s = window.ddDemo.state(); return s.done && !s.running; },
                                                   null, { timeout, polling: 200 });

test('a small network sweep fills the curve, the epoch chart and the heatmap', { timeout: 120000 }, async () => {
  await open(SMALL);
  await waitDone(90000);
  const st = await state();
  assert.equal(st.mode, 'network');
  assert.equal(st.runs, 4);
  assert.equal(st.runs_done, 4);
  assert.equal(st.runs_failed, 0);
  assert.deepEqual(st.sizes, [4, 10, 25, 64]);
  assert.equal(st.test_error.length, 4);
  assert.ok(st.test_error.every((e) => e > 0 && e < 1), JSON.stringify(st.test_error));
  assert.ok(st.params[3] > st.params[0]);
  // Wider networks fit more of their (noisy) training labels.
  assert.ok(st.train_error[3] < st.train_error[0], JSON.stringify(st.train_error));
  assert.equal(st.heatmap.rows, 4);
  assert.ok(st.heatmap.columns >= 10, `heatmap columns ${st.heatmap.columns}`);
  const drawn = await page.evaluate(() => {
    const chart = (n) => window.Chart.getChart(document.querySelector(`canvas[data-chart="${n}"]`));
    return { error: chart('net-error').data.datasets.map((d) => d.data.length),
             epochs: chart('net-epochs').data.datasets.map((d) => d.label),
             table: document.querySelectorAll('[data-role="table"] tbody tr').length,
             closedHidden: document.querySelector('[data-role="closed-box"]').hidden,
             netHidden: document.querySelector('[data-role="net-box"]').hidden };
  });
  assert.deepEqual(drawn.error, [4, 4, 4, 4]);
  assert.deepEqual(drawn.epochs.filter((l) => l.startsWith('test error')), ['test error, H = 4', 'test error, H = 25', 'test error, H = 64']);
  assert.equal(drawn.table, 4);
  assert.ok(drawn.closedHidden && !drawn.netHidden);
  assert.match(await page.getAttribute('[data-role="net-heatmap"]', 'aria-label'), /4 widths up, \d+ evaluations across/);
  assert.match(await page.getAttribute('canvas[data-chart="net-error"]', 'aria-label'), /4 of 4 sizes/);
  // Picking another middle curve redraws the epoch chart with it.
  await page.selectOption('[data-role="epoch-size"]', '10');
  const labels = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="net-epochs"]')).data.datasets.map((d) => d.label));
  assert.ok(labels.includes('test error, H = 10') && labels.includes('train error, H = 10'), labels.join());

  // The download is the CLI's grok-sweep/1: grok sweep-merge reads it back; the page replays it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-role="download"]')]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grok-dd-net-'));
  const file = path.join(dir, 'page.json');
  await download.saveAs(file);
  const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(summary.schema, 'grok-sweep/1');
  assert.equal(summary.preset, 'mnist1d-dd');
  assert.equal(summary.rows.length, 4);
  assert.equal(summary.runs_complete, 4);
  execFileSync(GROK, ['sweep-merge', file, '--out', path.join(dir, 'merged.json')], { stdio: 'pipe' });
  const merged = JSON.parse(fs.readFileSync(path.join(dir, 'merged.json'), 'utf8'));
  assert.deepEqual(merged.rows.map((r) => r.final_test_acc), summary.rows.map((r) => r.final_test_acc));
  await page.setInputFiles('[data-role="file"]', file);
  await page.waitForFunction(() => window.ddDemo.state().mode === 'network-replay');
  const replayed = await state();
  assert.deepEqual(replayed.sizes, st.sizes);
  assert.deepEqual(replayed.test_error, st.test_error);
  // Each row carries its run's history: the epoch-wise views replay too.
  assert.equal(replayed.epoch_curves, st.epoch_curves);
  assert.deepEqual(replayed.heatmap, st.heatmap);
  fs.rmSync(dir, { recursive: true, force: true });

  // Sample-wise: the toggle sweeps the training-set size at a fixed width.
  await page.evaluate(() => { location.hash = 'experiment=nn-mnist1d&axis=samples&width=16&n_min=100&n_max=800&n_test=300&epochs=20&points=3&trials=1'; });
  await page.waitForFunction(() => window.ddDemo.state().mode === 'network' && window.ddDemo.state().config.axis === 'samples');
  await waitDone(90000);
  const sw = await state();
  assert.deepEqual(sw.sizes, [100, 283, 800]);
  assert.equal(new Set(sw.params).size, 1, 'one width: the same parameter count');
  assert.equal(await page.getAttribute('[data-role="toggle-samples"]', 'aria-pressed'), 'true');
  assert.deepEqual(page.errors, []);
});

test('nn-fashion: the same sweep on the site\'s Fashion-MNIST images, 7 x 7 pixels', { timeout: 120000 }, async () => {
  await open('experiment=nn-fashion&n_train=300&n_test=300&epochs=100&width_min=4&width_max=64&points=4&trials=1');
  await waitDone(90000);
  const st = await state();
  assert.equal(st.mode, 'network');
  assert.equal(st.runs_done, 4);
  assert.equal(st.runs_failed, 0);
  assert.deepEqual(st.sizes, [4, 10, 25, 64]);
  // MLP 49-H-H-10: the parameter count says the runs read 7 x 7 images.
  assert.equal(st.params[0], 49 * 4 + 4 + 4 * 4 + 4 + 4 * 10 + 10);
  // Real images, learned: the widest is far better than chance (0.9); natively H = 64 reaches 0.37.
  assert.ok(st.test_error.every((e) => e > 0 && e <= 0.9) && st.test_error[3] < 0.6, JSON.stringify(st.test_error));
  const about = await page.evaluate(() => ({
    fashion: !document.querySelector('[data-net-experiment="nn-fashion"]').hidden,
    mnist1d: !document.querySelector('[data-net-experiment="nn-mnist1d"]').hidden }));
  assert.deepEqual(about, { fashion: true, mnist1d: false });
  assert.deepEqual(page.errors, []);
});

test('Stop ends a network sweep, and ddDemo.run() resolves when it has ended', { timeout: 60000 }, async () => {
  // Long enough that Stop comes first: the widest run (H = 192, 4000 steps) takes seconds.
  await open('experiment=nn-mnist1d&n_train=2000&n_test=300&epochs=200&width_min=4&width_max=192&points=4&trials=1');
  // The page starts a sweep on load: stop it first, so the Stop below meets the sweep run() starts.
  await page.waitForFunction(() => window.ddDemo.state().running);
  await page.evaluate(() => window.ddDemo.stop());
  await page.waitForFunction(() => !window.ddDemo.state().running);
  const ended = page.evaluate(() => window.ddDemo.run().then((s) => ({ running: s.running, runs_done: s.runs_done })));
  await page.waitForFunction(() => window.ddDemo.state().running && window.ddDemo.state().runs_done === 0);
  await page.evaluate(() => window.ddDemo.stop());
  const r = await ended;
  assert.equal(r.running, false);
  assert.ok(r.runs_done < 4, `runs done ${r.runs_done}`);
  const st = await state();
  assert.equal(st.done, false);
  assert.match(await page.textContent('[data-role="status"]'), /stopped/);
  assert.deepEqual(page.errors, []);
});

test('a sweep larger than the page holds is refused with a notice naming the limit', { timeout: 30000 }, async () => {
  await open('experiment=nn-mnist1d&trials=1000');
  await page.waitForFunction(() => document.querySelector('[data-role="notices"]').textContent.includes('runs'));
  assert.match(await page.textContent('[data-role="notices"]'),
               /the sweep has more than 1000 runs \(sizes x trials\), the most the page runs; use grok sweep for more/);
  await page.evaluate(() => window.ddDemo.stop());  // the defaults it fell back to
  assert.equal((await state()).config.trials, 2);
  assert.deepEqual(page.errors, []);
});

test('the native sweep replays: its peak near the interpolation threshold', { timeout: 30000 }, async () => {
  await open(SMALL.replace('epochs=20', 'epochs=400'));
  await page.click('[data-role="replay-native"]');
  await page.waitForFunction(() => window.ddDemo.state().mode === 'network-replay');
  const st = await state();
  assert.equal(st.sizes.length, 19);
  const at = (h) => st.test_error[st.sizes.indexOf(h)];
  // docs/deep-learning.md: 0.484 at H = 13, the peak 0.541 at H = 47, 0.448 at H = 300.
  assert.ok(at(47) > at(13) + 0.03 && at(47) > at(300) + 0.05, JSON.stringify(st.test_error));
  assert.equal(st.threshold.size, 62);
  assert.equal(st.running, false);
  // Its rows carry the runs' histories (20000 steps: log-spaced early evaluations, then every 200;
  // the summary keeps 128 of them): every width's epoch curve.
  assert.equal(st.epoch_curves, 19);
  assert.equal(st.heatmap.rows, 19);
  assert.equal(st.heatmap.columns, 128);
  assert.deepEqual(page.errors, []);
});

test('the default nn-mnist1d sweep runs to completion and peaks between its smallest and widest networks', { timeout: 240000 }, async () => {
  const t0 = Date.now();
  await open('experiment=nn-mnist1d');
  await waitDone(200000);
  const seconds = (Date.now() - t0) / 1000;
  const st = await state();
  console.log(`# nn-mnist1d: ${st.runs_done} runs on ${st.workers} workers in ${(st.ms / 1000).toFixed(1)} s ` +
              `(${seconds.toFixed(1)} s from page load); test error ${st.test_error.map((e) => e.toFixed(3)).join(' ')}`);
  assert.equal(st.runs_done, st.runs);
  assert.equal(st.sizes.length, 11);
  // Deterministic (same seeds, same data and weights as natively): the curve falls, rises to a peak
  // just below the threshold, and falls again past it.
  const t = st.sizes.indexOf(st.threshold.size);
  assert.ok(t > 2 && t < st.sizes.length - 2, `threshold at ${st.threshold.size}`);
  const peak = Math.max(...st.test_error.slice(t - 2, t + 1));
  const before = Math.min(...st.test_error.slice(0, t - 2));
  const last = st.test_error[st.test_error.length - 1];
  assert.ok(peak > before + 0.02, `peak ${peak} vs the best smaller network ${before}`);
  assert.ok(peak > last + 0.03, `peak ${peak} vs the widest ${last}`);
  assert.equal(st.peak, st.sizes[st.test_error.indexOf(peak)], 'the status line names the same peak');
  await screenshot(page, 'dd-network', { fullPage: true });
  assert.deepEqual(page.errors, []);
});
