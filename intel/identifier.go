package intel

import (
	"fmt"
	"strings"
)

// Identifier is what one piece of typed or fed text turned out to be: the
// kind of artefact, its canonical natural key, and what was learned while
// reading it. It is the one place where "+66 (0)81-234-5678", "๐๘๑๒๓๔๕๖๗๘"
// and "tel:+66812345678" all become the key +66812345678, so that two
// agencies reporting the same number in two formats land on one node. When
// the text cannot be read, Valid is false and Error says why, precisely
// enough for the person who typed it to fix it.
type Identifier struct {
	Input      string            `json:"input"`
	Kind       Kind              `json:"kind,omitempty"`
	Key        string            `json:"key,omitempty"`        // canonical natural key
	Valid      bool              `json:"valid"`                // true when Key is set
	Region     Region            `json:"region"`               // default region used to read it
	Markers    []string          `json:"markers"`              // never nil (marshals as [])
	NumberType string            `json:"numberType,omitempty"` // phones only: MOBILE, FIXED_LINE, VOIP, TOLL_FREE, ...
	Carrier    string            `json:"carrier,omitempty"`    // phones only: holder of the allocated block (English)
	Country    string            `json:"country,omitempty"`    // ISO country the number or account belongs to
	Attrs      map[string]string `json:"attrs,omitempty"`      // kind-specific extras (bankName, version, scope, port, provider, idd ...)
	// Alternatives are the keys of other readings of the input that are
	// just as likely as Key (phones written with an ambiguous international
	// prefix): the input is ambiguous, and Key is the preferred reading.
	Alternatives []string `json:"alternatives,omitempty"`
	Error        string   `json:"error,omitempty"` // set when !Valid: the reason, for a person
	Err          error    `json:"-"`               // the *Error (code EINVALID) when !Valid
}

// maxIdentifierBytes bounds what any parser reads. No real identifier comes
// near it; the bound keeps a hostile feed from making a parser do unbounded work.
const maxIdentifierBytes = 1024

// ParseIdentifier reads input as an artefact of the given kind, or, when kind
// is "", of the kind DetectKind guesses. region is the reporting country (""
// means TH, the service's home region); it decides how a national phone
// number or a numeric bank code is read. The result is never an error: an
// unreadable input comes back with Valid false and Error set, so that a bulk
// feed can report every record and go on.
func ParseIdentifier(input string, region Region, kind Kind) Identifier {
	if kind == "" {
		kind = DetectKind(input)
	}
	r, err := resolveRegion(region)
	if err != nil {
		id, _ := newIdentifier(input, kind).failField("region", "%s", ErrorMessage(err))
		return id
	}
	var id Identifier
	switch kind {
	case KindPhoneNumber:
		id, _ = NormalizePhone(input, region)
	case KindVoipAccount:
		id, _ = NormalizeSIP(input)
	case KindIPAddress:
		id, _ = NormalizeIP(input)
	case KindBankAccount:
		id, _ = NormalizeBankAccount(input, region)
	case KindSuspect:
		id, _ = NormalizeSuspectKey(input)
	case KindMessagingAccount:
		id, _ = NormalizeMessaging(input)
	case KindCase:
		id, _ = NormalizeCaseRef(input)
	case KindPerson:
		id, _ = NormalizePersonKey(input)
	default:
		id = newIdentifier(input, kind)
		id.Kind = ""
		id, _ = id.failField("kind", "unknown kind %q (want one of %v)", string(kind), Kinds)
	}
	id.Region = r
	return id
}

// DetectKind guesses what kind of artefact input names, for callers (the CLI,
// the search box) that take "an identifier" without saying which kind. The
// rules are ordered from the most to the least distinctive shape: a sip: or
// sips: scheme or an '@' means a VoIP account; an IP address (with or without
// a port) means an IP; a bank-account shape (TH:004:..., KBANK 123-4-...,
// 004-1234567890) means a bank account; anything else is read as a phone
// number, so that a malformed number still gets a phone-number reason.
// Suspect keys have no shape of their own and are never detected.
func DetectKind(input string) Kind {
	s := strings.TrimSpace(input)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "tel:"):
		return KindPhoneNumber
	case isMessaging(s):
		return KindMessagingAccount
	case strings.HasPrefix(lower, "sip:"), strings.HasPrefix(lower, "sips:"),
		strings.HasPrefix(lower, "<sip:"), strings.HasPrefix(lower, "<sips:"),
		strings.Contains(s, "@"):
		return KindVoipAccount
	case looksLikeIP(s):
		return KindIPAddress
	case looksLikeBankAccount(s):
		return KindBankAccount
	}
	return KindPhoneNumber
}

func isMessaging(s string) bool {
	_, _, ok := messagingPrefix(s)
	return ok
}

// newIdentifier starts a result with the invariants every parser keeps:
// the raw input as given and a non-nil marker list.
func newIdentifier(input string, kind Kind) Identifier {
	return Identifier{Input: input, Kind: kind, Markers: []string{}}
}

// fail marks id invalid with a reason about the identifier itself.
func (id Identifier) fail(format string, args ...any) (Identifier, error) {
	return id.failField("identifier", format, args...)
}

// failField marks id invalid with a reason about the named input field, and
// clears anything a parser had learned before it gave up, so that an invalid
// result never carries a half-built key.
func (id Identifier) failField(field, format string, args ...any) (Identifier, error) {
	e := Errorf(EINVALID, field, format, args...)
	id.Valid = false
	id.Key = ""
	id.NumberType = ""
	id.Carrier = ""
	id.Country = ""
	id.Attrs = nil
	id.Alternatives = nil
	id.Error = e.Message
	id.Err = e
	return id, e
}

// setAttr records a kind-specific extra, creating the map on first use so
// that results without extras marshal without an "attrs" member.
func (id *Identifier) setAttr(name, value string) {
	if id.Attrs == nil {
		id.Attrs = map[string]string{}
	}
	id.Attrs[name] = value
}

// resolveRegion applies the default region and rejects any other country:
// the service reads numbers for the two parties to the agreement only.
func resolveRegion(r Region) (Region, error) {
	if r == "" {
		return RegionTH, nil
	}
	return ParseRegion(string(r))
}

// checkSize rejects empty and oversized input before any parser looks at it.
func checkSize(s, what string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("empty: no %s given", what)
	case len(s) > maxIdentifierBytes:
		return fmt.Errorf("too long: %d bytes, no %s is longer than %d", len(s), what, maxIdentifierBytes)
	}
	return nil
}

// regionAdjective names a region the way a message to an investigator does.
func regionAdjective(r Region) string {
	switch r {
	case RegionTH:
		return "Thai"
	case RegionKH:
		return "Cambodian"
	}
	return string(r)
}

// regionCountryName names a region's country in a message.
func regionCountryName(r Region) string {
	switch r {
	case RegionTH:
		return "Thailand"
	case RegionKH:
		return "Cambodia"
	}
	return string(r)
}
