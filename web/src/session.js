// The API key and purpose a person entered, kept in this tab's session
// storage only: gone when the tab closes, never written to disk by the
// browser, shared by the analysts' page and the explorer.
const keyItem = 'scamgraph.apiKey';
const purposeItem = 'scamgraph.purpose';

export const session = {
  key: () => sessionStorage.getItem(keyItem) || '',
  purpose: () => sessionStorage.getItem(purposeItem) || '',
  set(key, purpose) {
    sessionStorage.setItem(keyItem, key);
    sessionStorage.setItem(purposeItem, purpose);
  },
  forget() {
    sessionStorage.removeItem(keyItem);
  },
};

// keyProblem turns a refused request into a sentence a person can act on.
// The service answers 401 UNAUTHENTICATED with a message that says whether
// the key is unknown, revoked or expired.
export function keyProblem(status, body) {
  const message = body && body.errors && body.errors[0] && body.errors[0].message;
  if (status === 401) {
    return 'The service refused this API key: ' + (message || 'it is not valid') +
      '. Ask your agency administrator for a new key and enter it above.';
  }
  return null;
}
