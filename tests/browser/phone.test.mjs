// Phone layout (390 x 844, an iPhone 12-14 screen): the demo comes first. On the grokking page Play,
// the status line and the first chart are on the first screen, the settings come after the charts
// and their long form starts folded; on the double-descent page Run, its status and first chart come
// before its settings. At desktop width the settings stay on the left, open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSite, waitReady, screenshot } from './lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
let site;
before(async () => { site = await startSite(); });
after(async () => { await site?.close(); });

const top = (page, sel) => page.locator(sel).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);

test('grokking page at phone width: Play, status and the first chart first, settings folded under them', async () => {
  const page = await site.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  const play = await top(page, '[data-role="play"]');
  const status = await top(page, '[data-role="status"]');
  const chart = await top(page, 'canvas[data-chart="acc"]');
  const settings = await top(page, 'aside.side');
  assert.ok(play < PHONE.height, `Play at ${play} px, within the first ${PHONE.height} px`);
  assert.ok(chart < PHONE.height, `the first chart starts at ${chart} px, on the first screen`);
  assert.ok(play < status && status < chart && chart < settings, `order: Play ${play}, status ${status}, chart ${chart}, settings ${settings}`);
  assert.equal(await page.locator('aside.side details[data-fold-on-phone]').evaluate((d) => d.open), false, 'settings folded');
  // The page is usable as it is: no sideways scrolling, and Play trains.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal overflow (${overflow} px)`);
  await page.click('[data-role="play"]');
  await page.waitForFunction(() => window.grokDemo.state().step >= 50, null, { timeout: 30000 });
  await page.evaluate(() => window.grokDemo.pause());
  await screenshot(page, 'phone', { fullPage: false });
  // The folded settings open on a tap and hold the form.
  await page.click('aside.side details[data-fold-on-phone] > summary');
  assert.equal(await page.locator('aside.side details[data-fold-on-phone]').evaluate((d) => d.open), true);
  assert.ok(await page.locator('form[data-role="settings"] input, form[data-role="settings"] select').count() > 10);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('double-descent page at phone width: Run, status and the first chart before the settings', async () => {
  const page = await site.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${site.base}/double-descent.html`);
  await page.waitForFunction(() => window.ddDemo && (window.ddDemo.state().ready || window.ddDemo.state().error));
  const run = await top(page, '[data-role="run"]');
  const status = await top(page, '[data-role="status"]');
  const chart = await top(page, 'canvas[data-chart="risk"]');
  const settings = await top(page, 'aside.side');
  assert.ok(run < PHONE.height, `Run at ${run} px`);
  assert.ok(run < status && status < chart && chart < settings, `order: Run ${run}, status ${status}, chart ${chart}, settings ${settings}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('desktop width keeps the settings on the left and open', async () => {
  const page = await site.newPage();
  await page.goto(`${site.base}/index.html`);
  await waitReady(page);
  const side = await page.locator('aside.side').boundingBox();
  const main = await page.locator('main.mainview').boundingBox();
  assert.ok(side.x < main.x && Math.abs(side.y - main.y) < 5, 'side by side');
  assert.equal(await page.locator('aside.side details[data-fold-on-phone]').evaluate((d) => d.open), true);
  await page.close();
});
