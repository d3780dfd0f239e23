// Takes the README's picture of the analysts' page: a number typed in Thai
// digits, its card and its network. `make screenshot` runs it against a
// demo server.
//
// Usage: node screenshot.mjs BASE_URL KEY TEXT DEPTH OUT.png
import { open, until } from './browser.mjs';

const [base, key, text, depth, out] = process.argv.slice(2);
const b = await open(base);
const { page } = b;
try {
  await page.goto(base + '/');
  await until(page, () => window.scamgraph && window.scamgraph.ready);
  await page.fill('#sg-key', key);
  await page.fill('#sg-purpose', 'CASE-2026-0001');
  await page.click('#sg-use');
  await page.waitForSelector('#sg-app', { state: 'visible' });
  await page.selectOption('#sg-depth', depth);
  await page.selectOption('#sg-limit', '200');
  await page.fill('#sg-q', text);
  await page.press('#sg-q', 'Enter');
  await until(page, () => window.scamgraph.drawn.nodes > 0 && window.scamgraph.busy === 0, null, 120000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  if (b.foreign.length) throw new Error('the page asked other hosts: ' + b.foreign.join(' '));
} finally {
  await b.close();
}
