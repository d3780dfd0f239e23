package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Tokens look like sgk_<id>_<secret>: a fixed prefix, so that secret
// scanners and people recognise a leaked key; the key id, so that
// Authenticate finds the key with one indexed lookup; and 32 random bytes
// in unpadded base64url. Only SHA-256 of the whole token is stored: a
// token has 256 bits of entropy, so a fast hash is enough and a slow
// password hash would only make every request slower.
const (
	tokenPrefix    = "sgk_"
	keyIDLen       = 16 // hex digits of 8 random bytes
	secretBytes    = 32
	secretLen      = 43 // base64url, unpadded, of secretBytes
	tokenLen       = len(tokenPrefix) + keyIDLen + 1 + secretLen
	tokenShapeHelp = "sgk_<16 hex digits>_<43 base64url characters>"
)

// token is a parsed or freshly made token.
type token struct {
	id, secret string
}

func (t token) String() string { return tokenPrefix + t.id + "_" + t.secret }

// hash is what the store keeps of a token.
func (t token) hash() string {
	sum := sha256.Sum256([]byte(t.String()))
	return hex.EncodeToString(sum[:])
}

// newToken draws a key id and a secret from crypto/rand.
func newToken() (token, error) {
	buf := make([]byte, 8+secretBytes)
	if _, err := rand.Read(buf); err != nil {
		return token{}, fmt.Errorf("access: random token: %w", err)
	}
	return token{id: hex.EncodeToString(buf[:8]), secret: base64.RawURLEncoding.EncodeToString(buf[8:])}, nil
}

// parseToken checks the shape of s without touching the store, so that a
// malformed header costs nothing.
func parseToken(s string) (token, bool) {
	if len(s) != tokenLen || !strings.HasPrefix(s, tokenPrefix) {
		return token{}, false
	}
	rest := s[len(tokenPrefix):]
	id, secret := rest[:keyIDLen], rest[keyIDLen+1:]
	if rest[keyIDLen] != '_' || !validKeyID(id) {
		return token{}, false
	}
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return token{}, false
		}
	}
	return token{id: id, secret: secret}, true
}

// validKeyID reports whether id has the shape of a key id.
func validKeyID(id string) bool {
	if len(id) != keyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// dummyHash is compared against when no key has the token's id, so that an
// unknown id costs the same as a wrong secret.
var dummyHash = strings.Repeat("0", 2*sha256.Size)

// Authenticate returns who holds token at now. Every failure is
// EUNAUTHENTICATED on field "token" and says why: no key, a malformed key,
// an unknown key, or (only to someone who holds the right secret) that the
// key was revoked or has expired. An unknown id and a wrong secret give the
// same answer, so the answer never tells whether some other key exists.
// It costs one lookup by key id and a constant-time hash comparison.
func (r *Registry) Authenticate(ctx context.Context, tok string, now time.Time) (Principal, error) {
	t, err := tokenOf(tok)
	if err != nil {
		return Principal{}, err
	}
	docs, err := r.rec.Get(ctx, collKeys, []string{t.id})
	if err != nil {
		return Principal{}, err
	}
	return principalOf(t, docs, now)
}

// Terms reads what one API request is decided by in one round trip: the
// key's principal, the categories the agreements active at now open to its
// country, and the evidence granted to its agency. The grants of every
// agency are read, since which agency's are wanted is known only once the
// key is; they are one small document per agency that was ever granted
// evidence, so the read stays small while a round trip is saved on every
// request. What was read is reused for TermsTTL (see there for why that
// never outlives a change made through this Registry); the token, the
// key's revocation and expiry and the agreements' windows are checked
// afresh every time. The grants returned are shared with the cache, so
// that a request does not copy up to maxGrantItems ids: callers read them
// and never modify them.
func (r *Registry) Terms(ctx context.Context, tok string, now time.Time) (Principal, []intel.Category, []Grant, error) {
	t, err := tokenOf(tok)
	if err != nil {
		return Principal{}, nil, nil, err
	}
	d, err := r.terms.load(ctx, t.id, r.readTerms)
	if err != nil {
		return Principal{}, nil, nil, err
	}
	p, err := principalOfRecord(t, d.rec, now)
	if err != nil {
		return Principal{}, nil, nil, err
	}
	return p, sharedCategories(d.agreements, p.Agency.Country, now), d.grants, nil
}

// readTerms reads the terms documents of key id from the backend, the
// key's record decoded once for every request that reuses them.
func (r *Registry) readTerms(ctx context.Context, id string) (*termsDocs, error) {
	docs, err := r.rec.Gather(ctx, []Want{{Collection: collKeys, IDs: []string{id}},
		{Collection: collAgreements, All: true}, {Collection: collGrants, All: true}})
	if err != nil {
		return nil, err
	}
	d := &termsDocs{grants: []Grant{}}
	if d.agreements, err = decodeDocs[Agreement](collAgreements, docs[1]); err != nil {
		return nil, err
	}
	if len(docs[0]) == 1 {
		kr, err := decodeOne[keyRecord](collKeys, docs[0][0])
		if err != nil {
			return nil, err
		}
		d.rec = &kr
		for _, g := range docs[2] {
			if g.ID != kr.Agency.Code {
				continue
			}
			rec, err := decodeOne[grantsRecord](collGrants, g)
			if err != nil {
				return nil, err
			}
			d.grants = rec.Grants
		}
	}
	return d, nil
}

// tokenOf checks a bearer token's shape.
func tokenOf(tok string) (token, error) {
	if tok == "" {
		return token{}, intel.Errorf(intel.EUNAUTHENTICATED, "token", "no API key given")
	}
	t, ok := parseToken(tok)
	if !ok {
		return token{}, intel.Errorf(intel.EUNAUTHENTICATED, "token", "malformed API key (want %s)", tokenShapeHelp)
	}
	return t, nil
}

// principalOf checks t against the stored key (docs: what a Get of its id
// returned).
func principalOf(t token, docs []Doc, now time.Time) (Principal, error) {
	if len(docs) != 1 {
		return principalOfRecord(t, nil, now)
	}
	kr, err := decodeOne[keyRecord](collKeys, docs[0])
	if err != nil {
		return Principal{}, err
	}
	return principalOfRecord(t, &kr, now)
}

// principalOfRecord checks t against the stored key's record, nil when
// there is none.
func principalOfRecord(t token, kr *keyRecord, now time.Time) (Principal, error) {
	stored := dummyHash
	if kr != nil {
		stored = kr.Hash
	}
	if subtle.ConstantTimeCompare([]byte(t.hash()), []byte(stored)) != 1 || kr == nil {
		return Principal{}, intel.Errorf(intel.EUNAUTHENTICATED, "token", "unknown API key")
	}
	switch {
	case !kr.Key.RevokedAt.IsZero():
		return Principal{}, intel.Errorf(intel.EUNAUTHENTICATED, "token", "key revoked on %s", kr.Key.RevokedAt.Format(time.RFC3339))
	case !now.Before(kr.Key.ExpiresAt):
		return Principal{}, intel.Errorf(intel.EUNAUTHENTICATED, "token", "key expired on %s", kr.Key.ExpiresAt.Format(time.RFC3339))
	}
	return Principal{Key: kr.Key, Agency: kr.Agency}, nil
}
