package access

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scamgraph/scamgraph/intel"
)

// Registry applies the rules of cross-border sharing on top of a Records
// backend. It is safe for concurrent use: every read-modify-write is
// checked by version and retried, never locked in memory, so that several
// replicas may share one Neo4j backend.
type Registry struct {
	rec   Records
	now   func() time.Time
	audit *auditBatcher
	terms *termsCache
}

// New returns a Registry over r. now is the clock for every time the
// Registry stamps (nil: time.Now); tests pass a fake one.
func New(r Records, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	terms := newTermsCache(TermsTTL)
	return &Registry{rec: invalidatingRecords{Records: r, terms: terms}, now: now, audit: newAuditBatcher(r), terms: terms}
}

// Close closes the backend.
func (r *Registry) Close() error { return r.rec.Close() }

// clock returns the current time as the Registry stores times.
func (r *Registry) clock() time.Time { return normTime(r.now()) }

// normTime keeps times in UTC to the millisecond, as intel does, so that a
// value round-trips identically through every backend.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// maxAttempts bounds how often an operation is retried after losing a race
// with a concurrent writer of the same document.
const maxAttempts = 8

// retry runs op until it does not lose a version race. op reads, validates
// and commits afresh each time, so a retried operation sees the state the
// winner left and may then fail validation for a reason the caller can act on.
func retry[T any](ctx context.Context, op func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := op()
		if !errors.Is(err, ErrVersionMismatch) {
			return v, err
		}
		if attempt == maxAttempts {
			var zero T
			return zero, intel.Errorf(intel.ECONFLICT, "", "the record changed concurrently %d times; try again", maxAttempts)
		}
		if err := ctx.Err(); err != nil {
			var zero T
			return zero, err
		}
	}
}

// getDoc reads one document into v and returns its version; a missing
// document is ENOTFOUND on field with the given noun in the message.
func (r *Registry) getDoc(ctx context.Context, collection, id, field, noun string, v any) (int64, error) {
	docs, err := r.rec.Get(ctx, collection, []string{id})
	if err != nil {
		return 0, err
	}
	if len(docs) == 0 {
		return 0, intel.Errorf(intel.ENOTFOUND, field, "no %s with id %q", noun, id)
	}
	if err := json.Unmarshal(docs[0].Data, v); err != nil {
		return 0, fmt.Errorf("access: decode %s %s: %w", collection, id, err)
	}
	return docs[0].Version, nil
}

// listDocs decodes every document of a collection.
func listDocs[T any](ctx context.Context, rec Records, collection string) ([]T, error) {
	docs, err := rec.List(ctx, collection)
	if err != nil {
		return nil, err
	}
	return decodeDocs[T](collection, docs)
}

// decodeDocs decodes documents of one collection, in order.
func decodeDocs[T any](collection string, docs []Doc) ([]T, error) {
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		var v T
		if err := json.Unmarshal(d.Data, &v); err != nil {
			return nil, fmt.Errorf("access: decode %s %s: %w", collection, d.ID, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// decodeOne decodes one document.
func decodeOne[T any](collection string, d Doc) (T, error) {
	var v T
	if err := json.Unmarshal(d.Data, &v); err != nil {
		return v, fmt.Errorf("access: decode %s %s: %w", collection, d.ID, err)
	}
	return v, nil
}

// put encodes v as a Put of collection/id over the given read version.
func put(collection, id string, version int64, v any) (Put, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return Put{}, fmt.Errorf("access: encode %s %s: %w", collection, id, err)
	}
	return Put{Collection: collection, ID: id, Version: version, Data: data}, nil
}

// newID returns prefix followed by 16 random hex digits. Ids are random
// rather than sequential so that they reveal nothing about how many
// records exist.
func newID(prefix string) (string, error) {
	buf := make([]byte, 8)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("access: random id: %w", err)
	}
	return prefix + hex.EncodeToString(buf), nil
}

// actor is who made a change, as the audit log records it.
type actor struct {
	keyID   string
	agency  string
	country intel.Region
	role    Role
}

func principalActor(p Principal) actor {
	return actor{keyID: p.Key.ID, agency: p.Agency.Code, country: p.Agency.Country, role: p.Key.Role}
}

// byActor names the actor of an administrative change. by is a key id
// (the HTTP layer passes the caller's) or a tool's name such as "cli"; when
// it is a key, the entry also records that key's agency, country and role,
// so that a query by agency finds its administrators' changes.
func (r *Registry) byActor(ctx context.Context, by string) (actor, error) {
	if strings.TrimSpace(by) == "" {
		return actor{}, intel.Errorf(intel.EINVALID, "by", "must name who makes the change (a key id or a tool such as \"cli\")")
	}
	if err := checkText("by", by, maxShortText, false); err != nil {
		return actor{}, err
	}
	a := actor{keyID: by}
	docs, err := r.rec.Get(ctx, collKeys, []string{by})
	if err != nil {
		return actor{}, err
	}
	if len(docs) == 1 {
		var kr keyRecord
		if err := json.Unmarshal(docs[0].Data, &kr); err != nil {
			return actor{}, fmt.Errorf("access: decode key %s: %w", by, err)
		}
		a.agency, a.country, a.role = kr.Agency.Code, kr.Agency.Country, kr.Key.Role
	}
	return a, nil
}

// auditFor builds the audit entry a Registry change commits with, in the
// form AppendAudit would store it.
func (r *Registry) auditFor(ctx context.Context, a actor, op, kind string, entities []string, detail string) *AuditEntry {
	if entities == nil {
		entities = []string{}
	}
	return &AuditEntry{
		At: r.clock(), RequestID: RequestIDFrom(ctx), Agency: a.agency, Country: a.country,
		KeyID: a.keyID, Role: a.role, Operation: op, Kind: kind, Entities: entities,
		DataCountries: []intel.Region{}, Outcome: OutcomeOK, Detail: clip(detail, maxLongText),
	}
}

// clip cuts s to at most max bytes on a rune boundary, so that a detail
// built from a long reason still fits the audit log's limit.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Text limits. Free text is bounded so that no single document can grow
// without limit and so that a typo'd paste of a whole file is rejected.
const (
	maxShortText = 200  // names, labels, titles, authorities
	maxLongText  = 4000 // purposes, legal bases, descriptions, reasons
)

// checkText rejects text that is too long, not UTF-8 or holds control
// characters (which would corrupt the CLI's tables and the audit export),
// and, when required, text that is blank. Long text may hold line breaks
// and tabs; short text, which is shown in one table cell, may not.
func checkText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return intel.Errorf(intel.EINVALID, field, "is required")
	}
	if len(s) > max {
		return intel.Errorf(intel.EINVALID, field, "is %d bytes long, at most %d allowed", len(s), max)
	}
	if !utf8.ValidString(s) {
		return intel.Errorf(intel.EINVALID, field, "is not valid UTF-8")
	}
	for _, c := range s {
		if unicode.IsControl(c) && !(max > maxShortText && (c == '\n' || c == '\t')) {
			return intel.Errorf(intel.EINVALID, field, "holds a control character (%U)", c)
		}
	}
	return nil
}

// checkRegion accepts the two countries of the agreement.
func checkRegion(field string, r intel.Region) error {
	if r != intel.RegionTH && r != intel.RegionKH {
		return intel.Errorf(intel.EINVALID, field, "must be TH or KH, got %q", r)
	}
	return nil
}

// otherCountry is the other party to the agreement.
func otherCountry(r intel.Region) intel.Region {
	if r == intel.RegionTH {
		return intel.RegionKH
	}
	return intel.RegionTH
}
