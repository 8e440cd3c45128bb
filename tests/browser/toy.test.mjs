// toy.html (issue 16 item 5): Davies et al.'s toy model. Opens with the paper's double descent,
// the grokking preset turns the same curve into grokking, the sliders (keyboard) move the curves,
// and both other pages link to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, screenshot } from './lib/harness.mjs';

let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

test('double descent, then grokking, from the same model; sliders by keyboard; linked from both pages', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/toy.html`);
  await page.waitForFunction(() => window.toyDemo?.state() != null);
  let st = await page.evaluate(() => window.toyDemo.state());
  assert.equal(st.doubleDescent, true);
  assert.match(await page.textContent('[data-role="verdict"]'), /epoch-wise double descent/);
  const aria = () => page.getAttribute('[data-role="chart-accuracy"]', 'aria-label');
  assert.match(await aria(), /double descent/);
  const points = await page.evaluate(() => window.Chart.getChart(document.querySelector('[data-role="chart-accuracy"]')).data.datasets.map((d) => d.data.length));
  assert.deepEqual(points, [300, 300]);
  await screenshot(page, 'toy-double-descent', { height: 1100 });

  await page.click('[data-preset="grokking"]');
  st = await page.evaluate(() => window.toyDemo.state());
  assert.equal(st.grokking, true);
  assert.equal(st.doubleDescent, false);
  assert.match(await page.textContent('[data-role="verdict"]'), /grokking/);
  await screenshot(page, 'toy-grokking', { height: 1100 });

  // The slow pattern's onset, by keyboard: later onset, later generalization.
  const before = st.testAt;
  await page.focus('#toy-slow-b');
  for (let i = 0; i < 6; ++i) await page.keyboard.press('ArrowRight');
  st = await page.evaluate(() => window.toyDemo.state());
  assert.ok(st.testAt > before, `test accuracy reaches 90% later: ${st.testAt} > ${before}`);
  assert.match(await page.getAttribute('#toy-slow-b', 'aria-valuetext'), /^epoch \d+$/);
  assert.equal(await page.getAttribute('label[for="toy-slow-b"]', 'for'), 'toy-slow-b');
  await page.close();

  for (const other of ['index.html', 'double-descent.html']) {
    const p = await site.newPage();
    await p.goto(`${site.base}/${other}`);
    assert.ok(await p.$('a[href="toy.html"]'), `${other} links to toy.html`);
    await p.close();
  }
});
