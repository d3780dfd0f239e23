// Shared set-up of the browser tests: headless Debian Chromium driven by
// playwright-core, in a fresh profile, with every request the page makes
// recorded so that a test can fail on any request to another host.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromiumPath = process.env.SCAMGRAPH_CHROMIUM || '/usr/bin/chromium';

// open starts Chromium and returns its page, the list of foreign requests
// (any host other than base's) and a close function.
export async function open(base) {
  const profile = mkdtempSync(join(tmpdir(), 'scamgraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1366, height: 800 },
  });
  const origin = new URL(base).origin;
  const foreign = [];
  const failures = [];
  context.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (err) => failures.push('page error: ' + err.message));
  // Failed loads are reported by URL below; the console's copy of them
  // names no URL, so it is left out here.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      failures.push('console error: ' + msg.text());
    }
  });
  const refused = [];
  page.on('response', (res) => {
    if (res.status() >= 400) refused.push(res.status() + ' ' + new URL(res.url()).pathname);
  });
  return {
    page,
    foreign,
    failures,
    refused,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// until polls fn(arg) in the page until it returns a truthy value. (The
// pages' Content-Security-Policy forbids eval, which Playwright's own
// waitForFunction needs; page.evaluate goes through the debugger protocol
// and is not bound by it, so the tests keep the policy on.)
export async function until(page, fn, arg, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + fn.toString());
    await new Promise((r) => setTimeout(r, 50));
  }
}
