// Browser-test plumbing: a static server for the site on a free 127.0.0.1 port and Debian's
// Chromium through playwright-core (never a downloaded browser). The site directory comes from
// GROK_SITE_DIR (default build/web, what ./scripts/build produces).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../../scripts/serve.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const siteDir = path.resolve(repoRoot, process.env.GROK_SITE_DIR || path.join('build', 'web'));

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Starts the server and the browser. Returns {base, browser, newPage, close}.
// newPage() collects console errors and uncaught page errors in page.errors.
export async function startSite({ extraRoutes } = {}) {
  for (const f of ['index.html', 'embed.html', 'grok.mjs', 'grok.wasm', 'vendor/chart.umd.js']) {
    if (!fs.existsSync(path.join(siteDir, f))) throw new Error(`${path.join(siteDir, f)} is missing: build the site first (./scripts/build wasm)`);
  }
  const server = await serve(siteDir, 0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grok-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.GROK_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const pages = [];
  async function newPage() {
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
    pages.push(page);
    return page;
  }
  async function close() {
    await context.close().catch(() => {});
    await new Promise((r) => server.close(r));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  return { base, context, newPage, close };
}

// Waits until window.grokDemo exists and its first run is built (or it reports why not).
export async function waitReady(page, timeout = 30000) {
  await page.waitForFunction(() => window.grokDemo && (window.grokDemo.state().ready || window.grokDemo.state().error),
                             null, { timeout });
  const st = await page.evaluate(() => window.grokDemo.state());
  if (st.error) throw new Error(`page reports: ${st.error}`);
  return st;
}

// Keeps grokDemo.state() as it was when the run first reported memorization (polled every 20 ms,
// so the test accuracy of that moment is on record); memorizedState(page) reads it (null before).
export async function watchMemorization(page) {
  await page.evaluate(() => {
    window.__atMemorize = null;
    clearInterval(window.__memorizePoll);
    window.__memorizePoll = setInterval(() => {
      const s = window.grokDemo.state();
      if (s.memorize_step != null && window.__atMemorize == null) window.__atMemorize = s;
    }, 20);
  });
}
export const memorizedState = (page) => page.evaluate(() => window.__atMemorize);

// Screenshots for docs/screenshots/ when GROK_SCREENSHOTS is set (a directory, or 1 for the default).
export async function screenshot(page, name, options = {}) {
  const want = process.env.GROK_SCREENSHOTS;
  if (!want) return;
  const dir = want === '1' ? path.join(repoRoot, 'docs', 'screenshots') : path.resolve(want);
  fs.mkdirSync(dir, { recursive: true });
  const { height, element, ...rest } = options;
  const before = page.viewportSize();
  if (height && before) await page.setViewportSize({ width: before.width, height });
  if (!element) await page.evaluate(() => { document.activeElement?.blur?.(); window.scrollTo(0, 0); });
  await (element ? page.locator(element) : page).screenshot({ path: path.join(dir, `${name}.png`), ...rest });
  if (height && before) await page.setViewportSize(before);
}
