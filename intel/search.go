package intel

import (
	"strings"
	"unicode"
)

// Limits of a search.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
	// minSearchDigits is the shortest digit run searched as part of a
	// number: fewer digits match most of the graph and tell nothing.
	minSearchDigits = 4
	// minSearchText is the shortest text searched (in characters): one or
	// two letters match everything.
	minSearchText = 2
)

// SearchQuery finds entities by what an analyst remembers of them: part of
// a number ("555-0142", in any script's digits), part of a name in any
// script (a suspect's Thai, Khmer or Latin name), a case reference, a
// bank account's digits. It complements lookup, which needs the whole
// identifier.
type SearchQuery struct {
	// Text is what was typed.
	Text string
	// Kinds restricts the kinds searched; empty means all.
	Kinds []Kind
	// After continues after this entity id (results come in id order).
	After string
	// Limit is how many entities at most, 1 to MaxSearchLimit.
	Limit int

	plain, digits string
}

// Normalize checks the query and prepares its matching: the text is
// compared case-insensitively with an entity's key, label and raw forms;
// a text that is a number (digits of any script with spaces, dashes, dots,
// brackets or a plus) is also compared, as ASCII digits without its
// leading trunk 0, with the digits of the key, so that "092-555-0142",
// "๐๙๒ ๕๕๕ ๐๑๔๒" and "5550142" all find +66925550142.
func (q *SearchQuery) Normalize() error {
	text := strings.TrimSpace(q.Text)
	if !validText(text) {
		return Errorf(EINVALID, "text", "must be printable text")
	}
	if q.Limit == 0 {
		q.Limit = DefaultSearchLimit
	}
	if q.Limit < 1 || q.Limit > MaxSearchLimit {
		return Errorf(EINVALID, "first", "must be between 1 and %d, got %d", MaxSearchLimit, q.Limit)
	}
	for i, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(EINVALID, "kinds", "unknown kind %q at %d", k, i)
		}
	}
	q.plain, q.digits = strings.ToLower(text), numberDigits(text)
	if q.digits == "" && len([]rune(text)) < minSearchText {
		return Errorf(EINVALID, "text", "type at least %d characters, or %d digits of a number", minSearchText, minSearchDigits)
	}
	return nil
}

// Plain is the lower-cased text a match must contain; Digits the digit run
// a key must contain ("" when the text is not a number). Normalize sets both.
func (q *SearchQuery) Plain() string  { return q.plain }
func (q *SearchQuery) Digits() string { return q.digits }

// Matches reports whether e is an answer to q, as it is shown to the
// reader: the stores find candidates with the same rule, and the reader's
// view checks it again on the entity as the reader sees it, so that a
// masked name never finds its suspect.
func (q *SearchQuery) Matches(e Entity) bool {
	if len(q.Kinds) > 0 && !containsKind(q.Kinds, e.Kind) {
		return false
	}
	if q.digits != "" && strings.Contains(keyDigits(e.Key), q.digits) {
		return true
	}
	if strings.Contains(strings.ToLower(e.Key), q.plain) || strings.Contains(strings.ToLower(e.Label), q.plain) {
		return true
	}
	for _, r := range e.RawForms {
		if strings.Contains(strings.ToLower(r), q.plain) {
			return true
		}
	}
	return false
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// numberDigits returns the ASCII digits of text when it is a number as
// people write one, with a leading trunk 0 dropped (keys are E.164), or ""
// when it is not one or has too few digits.
func numberDigits(text string) string {
	var b strings.Builder
	for _, r := range foldDigits(text) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '+' || r == '/':
		default:
			return ""
		}
	}
	d := b.String()
	if len(d) < minSearchDigits {
		return ""
	}
	return strings.TrimPrefix(d, "0")
}

// keyDigits is the key's digits alone, what a number search is held to.
func keyDigits(key string) string {
	var b strings.Builder
	for _, r := range key {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validText refuses control characters and invalid UTF-8.
func validText(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) {
			return false
		}
	}
	return true
}
