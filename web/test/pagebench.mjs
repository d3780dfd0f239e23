// Measures the analysts' page in headless Chromium and prints the figures
// as one JSON object: the first load of / (to the page ready, in a fresh
// profile each round), opening a number (search to network drawn), and
// laying out and drawing a large network (up to LIMIT entities).
//
// Usage: node pagebench.mjs BASE_URL KEY NUMBER LARGE_NUMBER LIMIT ROUNDS
import { open, until } from './browser.mjs';

const [base, key, number, largeSeed, limit, rounds] = process.argv.slice(2);
const out = { firstLoadMs: [], openMs: [], largeDrawMs: [], largeLayoutMs: [], largeNodes: [], largeEdges: [] };
const ready = (page) => until(page, () => window.scamgraph && window.scamgraph.ready && window.scamgraph.busy === 0, null, 300000);

for (let r = 0; r < Number(rounds); r++) {
  const b = await open(base);
  const { page } = b;
  try {
    let t = Date.now();
    await page.goto(base + '/');
    await ready(page);
    out.firstLoadMs.push(Date.now() - t);
    await page.fill('#sg-key', key);
    await page.fill('#sg-purpose', 'BENCH-0001');
    await page.click('#sg-use');
    await page.waitForSelector('#sg-app', { state: 'visible' });
    t = Date.now();
    await page.fill('#sg-q', number);
    await page.press('#sg-q', 'Enter');
    await until(page, () => window.scamgraph.drawn.nodes > 0 && window.scamgraph.busy === 0, null, 300000);
    out.openMs.push(Date.now() - t);
    // Let the risk colours of the first network arrive before the large
    // one is asked for, so that each figure measures one thing.
    await until(page, () => window.scamgraph.riskPending === 0, null, 300000);
    await page.selectOption('#sg-limit', limit);
    await page.selectOption('#sg-depth', '3');
    t = Date.now();
    await page.fill('#sg-q', largeSeed);
    await page.press('#sg-q', 'Enter');
    await until(page, () => window.scamgraph.opened === 2 && window.scamgraph.busy === 0, null, 300000);
    out.largeDrawMs.push(Date.now() - t);
    const s = await page.evaluate(() => ({ ms: window.scamgraph.lastLayoutMs, d: window.scamgraph.drawn }));
    out.largeLayoutMs.push(Math.round(s.ms));
    out.largeNodes.push(s.d.nodes);
    out.largeEdges.push(s.d.edges);
  } catch (err) {
    out.error = String((err && err.stack) || err);
    try {
      out.error += ' · page state: ' + JSON.stringify(await page.evaluate(() => ({ error: window.scamgraph.error,
        opened: window.scamgraph.opened, busy: window.scamgraph.busy, status: document.getElementById('sg-status').textContent })));
    } catch { /* the page is gone */ }
  } finally {
    out.foreignRequests = b.foreign;
    await b.close();
  }
  if (out.error) break;
}
process.stdout.write(JSON.stringify(out) + '\n');
