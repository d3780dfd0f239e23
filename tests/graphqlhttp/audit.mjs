// Runs graphql-http's server audits (the GraphQL-over-HTTP conformance
// checks) against the URL in AUDIT_URL, sending the API key in AUDIT_KEY as
// a bearer token on every request, and prints one JSON line per audit:
// {"id", "name", "status", "reason"}. The Go test in
// server/httpaudit_test.go starts the server, runs this script and judges
// the results; the script itself judges nothing.
import { serverAudits } from 'graphql-http';

const url = process.env.AUDIT_URL;
const key = process.env.AUDIT_KEY;
if (!url || !key) {
  console.error('audit.mjs: set AUDIT_URL and AUDIT_KEY');
  process.exit(2);
}

function fetchWithKey(input, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('Authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
}

for (const audit of serverAudits({ url, fetchFn: fetchWithKey })) {
  const result = await audit.fn();
  console.log(JSON.stringify({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.reason || '',
  }));
}
