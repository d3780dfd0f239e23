// Drives the explorer at /graphiql as an analyst would, and prints what it
// saw as one JSON object on stdout for the Go test (browsertest) to judge.
//
// Usage: node explorer.mjs BASE_URL GOOD_KEY REVOKED_KEY SCREENSHOT_PATH
import { open } from './browser.mjs';

const [base, goodKey, revokedKey, screenshot] = process.argv.slice(2);
const seen = {};
const b = await open(base);
const { page } = b;
try {
  // Without a key the page asks for one and sends nothing to /graphql.
  let graphqlCalls = 0;
  page.on('request', (req) => { if (new URL(req.url()).pathname === '/graphql') graphqlCalls++; });
  await page.goto(base + '/graphiql');
  await page.waitForSelector('#sg-needkey');
  seen.callsBeforeKey = graphqlCalls;

  // A revoked key: the page says so plainly.
  await page.fill('#sg-key', revokedKey);
  await page.click('#sg-use');
  await page.waitForSelector('#sg-problem', { timeout: 20000 });
  seen.revokedMessage = await page.textContent('#sg-problem');

  // A good key: the schema loads (the documentation explorer lists Query's
  // fields) and the README's examples are open as tabs.
  await page.fill('#sg-key', goodKey);
  await page.fill('#sg-purpose', 'CASE-2026-0001');
  const introspection = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' &&
    (r.request().postData() || '').includes('__schema'), { timeout: 20000 });
  await page.click('#sg-use');
  const ires = await introspection;
  seen.introspectionStatus = ires.status();
  const ibody = await ires.json();
  seen.schemaTypes = ibody.data && ibody.data.__schema ? ibody.data.__schema.types.length : 0;
  await page.waitForSelector('.graphiql-tab', { timeout: 20000 });
  seen.tabs = await page.locator('.graphiql-tab').count();
  seen.problemAfterGoodKey = await page.locator('#sg-problem').count();

  // Run the first tab (the README's lookup) with the run button.
  const run = page.waitForResponse((r) => new URL(r.url()).pathname === '/graphql' &&
    (r.request().postData() || '').includes('lookup'), { timeout: 20000 });
  await page.click('.graphiql-execute-button');
  const rres = await run;
  seen.runStatus = rres.status();
  seen.runHeaders = rres.request().headers();
  const rbody = await rres.json();
  seen.runKey = rbody.data && rbody.data.lookup ? rbody.data.lookup.key : null;
  seen.runErrors = rbody.errors || null;

  // Where the key lives: this tab's session storage, never local storage.
  seen.sessionHasKey = await page.evaluate((k) => Object.values(sessionStorage).some((v) => v.includes(k)), goodKey);
  seen.localHasKey = await page.evaluate((k) => Object.values(localStorage).some((v) => v.includes(k)), goodKey);
  await page.screenshot({ path: screenshot });
} catch (err) {
  seen.error = String(err && err.stack || err);
} finally {
  seen.foreignRequests = b.foreign;
  seen.failures = b.failures;
  seen.refused = b.refused;
  await b.close();
}
process.stdout.write(JSON.stringify(seen) + '\n');
