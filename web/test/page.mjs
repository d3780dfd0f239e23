// Drives the analysts' page at / as an analyst would, and prints what it
// saw as one JSON object on stdout for the Go test (browsertest) to judge.
//
// Usage: node page.mjs BASE_URL KEY SEARCH_TEXT SCREENSHOT_DIR
import { open, until } from './browser.mjs';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const [base, key, text, shots] = process.argv.slice(2);
const seen = { downloads: [] };
const b = await open(base);
const { page } = b;
const settled = () => until(page, () => window.scamgraph && window.scamgraph.ready && window.scamgraph.busy === 0);
const snapshot = () => page.evaluate(() => JSON.parse(JSON.stringify({
  drawn: window.scamgraph.drawn, selected: window.scamgraph.selected, card: window.scamgraph.card,
  seeds: window.scamgraph.seeds, timeline: window.scamgraph.timeline, path: window.scamgraph.path,
  error: window.scamgraph.error, expanded: window.scamgraph.expanded || 0, layoutMs: window.scamgraph.lastLayoutMs,
  trail: window.scamgraph.trail || null, rings: window.scamgraph.rings, ring: window.scamgraph.ring || null })));
try {
  const t0 = Date.now();
  await page.goto(base + '/');
  await settled();
  seen.firstLoadMs = Date.now() - t0;
  await page.fill('#sg-key', key);
  await page.fill('#sg-purpose', 'CASE-2026-0001');
  await page.click('#sg-use');
  await page.waitForSelector('#sg-app', { state: 'visible', timeout: 30000 });
  seen.viewer = await page.textContent('#sg-viewer');

  // Type the number in Thai digits; the card and the network appear.
  await page.fill('#sg-q', text);
  await page.press('#sg-q', 'Enter');
  await until(page, () => window.scamgraph.drawn.nodes > 0, null, 60000);
  await settled();
  seen.found = await snapshot();
  seen.cardTitle = await page.textContent('#sg-card-title');
  seen.cardHasProvenance = (await page.locator('.sg-prov').count()) > 0;
  await page.screenshot({ path: join(shots, 'page-network.png') });

  // Select the most connected neighbour from the keyboard-reachable list
  // and expand it.
  const items = page.locator('#sg-inview button');
  await page.click('details summary');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const label = await items.nth(i).textContent();
    if (!label.startsWith(seen.cardTitle)) {
      await items.nth(i).focus();
      await page.keyboard.press('Enter');
      break;
    }
  }
  await until(page, (seed) => window.scamgraph.selected !== seed, seen.found.seeds[0], 30000);
  await settled();
  await page.click('#sg-expand');
  await until(page, () => (window.scamgraph.expanded || 0) >= 1, null, 60000);
  await settled();
  seen.expanded = await snapshot();

  // Filter by time: from the middle of the events' range on.
  const range = await page.evaluate(() => [document.getElementById('sg-since').min, document.getElementById('sg-since').max]);
  const mid = new Date((Date.parse(range[0]) + Date.parse(range[1])) / 2).toISOString().slice(0, 10);
  seen.since = mid;
  await page.fill('#sg-since', mid);
  await page.dispatchEvent('#sg-since', 'change');
  await until(page, (before) => window.scamgraph.drawn.links !== before, seen.expanded.drawn.links, 30000);
  await settled();
  seen.filtered = await snapshot();
  await page.fill('#sg-since', '');
  await page.dispatchEvent('#sg-since', 'change');
  await settled();

  // A shortest path from the selected entity back to the seed.
  await page.fill('#sg-pathto', seen.found.seeds[0]);
  await page.click('#sg-path');
  await until(page, () => window.scamgraph.path !== null, null, 30000);
  await settled();
  seen.path = (await snapshot()).path;

  // Every export format, as downloads.
  for (const f of ['graphml', 'gexf', 'cytoscape', 'csv', 'i2']) {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('#sg-export-' + f)]);
    const file = join(shots, 'download-' + dl.suggestedFilename());
    await dl.saveAs(file);
    seen.downloads.push({ format: f, name: dl.suggestedFilename(), path: file, size: statSync(file).size });
  }
  await settled();

  // The victim's bank account, typed as an analyst writes it, and where its
  // money went, in time order.
  await page.fill('#sg-q', 'KBANK 773-0-21586-4');
  await page.press('#sg-q', 'Enter');
  await until(page, () => window.scamgraph.card && window.scamgraph.card.kind === 'BankAccount', null, 60000);
  await settled();
  await page.click('#sg-trail-forward');
  await until(page, () => window.scamgraph.trail, null, 60000);
  await settled();
  seen.trail = (await snapshot()).trail;
  seen.trailHops = await page.locator('#sg-trail-hops li').count();
  {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click('#sg-export-graphml')]);
    seen.trailDownload = dl.suggestedFilename();
  }
  await page.screenshot({ path: join(shots, 'page-trail.png') });

  // The rings of the reader's view, and one of them drawn.
  await page.click('#sg-showrings');
  await until(page, () => window.scamgraph.rings !== undefined, null, 120000);
  await settled();
  if (await page.locator('#sg-rings button').count() > 0) {
    await page.locator('#sg-rings button').first().click();
    await until(page, () => window.scamgraph.ring, null, 60000);
    await settled();
  }
  seen.final = await snapshot();
  await page.screenshot({ path: join(shots, 'page-final.png') });
} catch (err) {
  seen.error = String((err && err.stack) || err);
  try { await page.screenshot({ path: join(shots, 'page-error.png') }); } catch { /* the page is gone */ }
} finally {
  seen.foreignRequests = b.foreign;
  seen.failures = b.failures;
  seen.refused = b.refused;
  await b.close();
}
process.stdout.write(JSON.stringify(seen) + '\n');
