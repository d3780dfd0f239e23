// Every call the page makes goes to this service's /graphql (and /export)
// with the person's own key: the same sharing rules, redaction and audit as
// any other client, and no second way in.
import { session, keyProblem } from '../session.js';

export class APIError extends Error {
  constructor(message, code, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

let onKeyProblem = () => {};
export function whenKeyRefused(fn) {
  onKeyProblem = fn;
}

function headers(extra) {
  const h = { Authorization: 'Bearer ' + session.key(), ...extra };
  if (session.purpose()) h['X-Purpose'] = session.purpose();
  return h;
}

// gql runs one operation and returns { data, redactions }; an error of the
// whole operation throws APIError with the service's code and message.
export async function gql(query, variables = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'application/json' }),
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new APIError('the service answered ' + res.status + ' without a GraphQL body', 'INTERNAL');
  }
  const problem = keyProblem(res.status, body);
  if (problem) {
    onKeyProblem(problem);
    throw new APIError(problem, 'UNAUTHENTICATED');
  }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    const ext = e.extensions || {};
    throw new APIError(e.message, ext.code, ext.field);
  }
  return { data: body.data, redactions: (body.extensions && body.extensions.redactions) || [] };
}

// download fetches an export with the key (a plain link could not send
// it) and hands it to the browser as a file.
export async function download(path, fallbackName) {
  const res = await fetch(path, { headers: headers({}) });
  if (!res.ok) {
    let message = res.status + ' ' + res.statusText;
    try {
      const body = await res.json();
      message = body.errors[0].message;
    } catch { /* keep the status */ }
    throw new APIError(message, 'EXPORT');
  }
  const blob = await res.blob();
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  const name = m ? m[1] : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return { name, size: blob.size };
}
