// The GraphQL explorer ScamGraph serves at /graphiql. Everything it needs is
// bundled into the binary: police networks often have no internet, and a page
// that fetches React from a CDN never loads there.
//
// The API key is asked for in a small form and kept in sessionStorage, so it
// is gone when the tab closes and never written to disk by the browser. The
// key goes into the fetcher, not into GraphiQL's header editor, so GraphiQL
// never stores it either; GraphiQL's own state (tabs, history) is kept in
// sessionStorage for the same reason: queries name numbers under
// investigation.
import React, { useCallback, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './explorer.css';
import examples from 'scamgraph:examples';

const keyItem = 'scamgraph.apiKey';
const purposeItem = 'scamgraph.purpose';

// sessionStore adapts sessionStorage to the Storage shape GraphiQL expects,
// under a prefix of its own.
const sessionStore = {
  getItem: (k) => sessionStorage.getItem('scamgraph.graphiql.' + k),
  setItem: (k, v) => sessionStorage.setItem('scamgraph.graphiql.' + k, v),
  removeItem: (k) => sessionStorage.removeItem('scamgraph.graphiql.' + k),
  clear: () => {
    for (const k of Object.keys(sessionStorage)) {
      if (k.startsWith('scamgraph.graphiql.')) sessionStorage.removeItem(k);
    }
  },
  get length() {
    return Object.keys(sessionStorage).filter((k) => k.startsWith('scamgraph.graphiql.')).length;
  },
};

// keyProblem turns a refused request into a sentence a person can act on.
// The service answers 401 UNAUTHENTICATED with a message that says whether
// the key is unknown, revoked or expired.
function keyProblem(status, body) {
  const message = body && body.errors && body.errors[0] && body.errors[0].message;
  if (status === 401) {
    return 'The service refused this API key: ' + (message || 'it is not valid') +
      '. Ask your agency administrator for a new key and enter it above.';
  }
  return null;
}

function KeyForm({ initialKey, initialPurpose, onUse, onForget, problem }) {
  const [key, setKey] = useState(initialKey);
  const [purpose, setPurpose] = useState(initialPurpose);
  const submit = (e) => {
    e.preventDefault();
    onUse(key.trim(), purpose.trim());
  };
  return (
    <form className="sg-keyform" onSubmit={submit} aria-label="API key">
      <strong className="sg-brand">ScamGraph explorer</strong>
      <label>
        API key
        <input id="sg-key" type="password" autoComplete="off" spellCheck="false" value={key}
          placeholder="sgk_…" onChange={(e) => setKey(e.target.value)} />
      </label>
      <label>
        Purpose (X-Purpose)
        <input id="sg-purpose" type="text" value={purpose} placeholder="CASE-2026-0001"
          onChange={(e) => setPurpose(e.target.value)} />
      </label>
      <button id="sg-use" type="submit" disabled={!key.trim()}>Use key</button>
      <button id="sg-forget" type="button" onClick={() => { setKey(''); onForget(); }}>Forget key</button>
      <span className="sg-note">The key stays in this tab only (session storage).</span>
      {problem && <p id="sg-problem" role="alert" className="sg-problem">{problem}</p>}
    </form>
  );
}

function Explorer() {
  const [key, setKey] = useState(() => sessionStorage.getItem(keyItem) || '');
  const [purpose, setPurpose] = useState(() => sessionStorage.getItem(purposeItem) || '');
  const [problem, setProblem] = useState(null);
  // generation remounts GraphiQL when the key changes, so that the schema
  // is loaded again with the new key's rights.
  const [generation, setGeneration] = useState(0);

  const use = useCallback((k, p) => {
    sessionStorage.setItem(keyItem, k);
    sessionStorage.setItem(purposeItem, p);
    setKey(k);
    setPurpose(p);
    setProblem(null);
    setGeneration((g) => g + 1);
  }, []);
  const forget = useCallback(() => {
    sessionStorage.removeItem(keyItem);
    setKey('');
    setProblem(null);
  }, []);

  const fetcher = useMemo(() => async (params, opts) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + key };
    if (purpose) headers['X-Purpose'] = purpose;
    for (const [name, value] of Object.entries((opts && opts.headers) || {})) headers[name] = value;
    const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params) });
    let body;
    try {
      body = await res.json();
    } catch {
      body = { errors: [{ message: 'the service answered ' + res.status + ' without a GraphQL body' }] };
    }
    const p = keyProblem(res.status, body);
    if (p) setProblem(p);
    return body;
  }, [key, purpose]);

  return (
    <div className="sg-page">
      <KeyForm initialKey={key} initialPurpose={purpose} onUse={use} onForget={forget} problem={problem} />
      {key ? (
        <div className="sg-graphiql">
          <GraphiQL key={generation} fetcher={fetcher} storage={sessionStore}
            defaultTabs={examples} defaultEditorToolsVisibility={false} shouldPersistHeaders={false} />
        </div>
      ) : (
        <p id="sg-needkey" className="sg-empty">
          Enter an API key to load the schema. <code>make run</code> prints demo keys at start.
        </p>
      )}
    </div>
  );
}

createRoot(document.getElementById('root')).render(<Explorer />);
