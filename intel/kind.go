// Package intel is the domain of ScamGraph: the kinds of artefact an
// investigator follows, how what people type becomes a canonical key, links
// as facts with provenance, and the Store contract that every backend meets.
// It imports nothing else from the project, so every other package can import it.
package intel

import "fmt"

// Kind names one kind of entity in the graph. The string form is what the
// API, the stores and the global ids use, so it never changes once shipped.
type Kind string

// The entity kinds. To add a kind, see "Adding an entity kind" in README.md.
const (
	KindPhoneNumber Kind = "PhoneNumber"
	KindVoipAccount Kind = "VoipAccount"
	KindIPAddress   Kind = "IPAddress"
	KindBankAccount Kind = "BankAccount"
	KindSuspect     Kind = "Suspect"
	// KindMessagingAccount is a chat or social account (LINE, Telegram,
	// Facebook, WhatsApp) used to approach victims: "line:somchai.inv".
	KindMessagingAccount Kind = "MessagingAccount"
	// KindCase is a victim report, keyed by the reporting agency's case
	// reference: "TH-CCIB:2567-000123".
	KindCase Kind = "Case"
	// KindPerson is whoever a number, SIP account or bank account is
	// registered to. Its key is a digest of the identity document, never the
	// document itself, so that the key can be shown where the document may not.
	KindPerson Kind = "Person"
)

// Kinds lists every kind in a fixed order; callers iterate it rather than
// hard-coding the set, so that a new kind is picked up everywhere at once.
var Kinds = []Kind{KindPhoneNumber, KindVoipAccount, KindIPAddress, KindBankAccount, KindSuspect,
	KindMessagingAccount, KindCase, KindPerson}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// ParseKind accepts a kind name in any letter case, as typed on a command line.
func ParseKind(s string) (Kind, error) {
	for _, known := range Kinds {
		if equalFold(string(known), s) {
			return known, nil
		}
	}
	return "", Errorf(EINVALID, "kind", "unknown kind %q (want one of %v)", s, Kinds)
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Region is the country an identifier was reported in; it decides how a
// national phone number is read. Only the two parties to the agreement exist.
type Region string

// The two countries of the 2022 agreement.
const (
	RegionTH Region = "TH"
	RegionKH Region = "KH"
)

// ParseRegion accepts "TH" or "KH" in any case.
func ParseRegion(s string) (Region, error) {
	switch {
	case equalFold(s, "TH"):
		return RegionTH, nil
	case equalFold(s, "KH"):
		return RegionKH, nil
	}
	return "", Errorf(EINVALID, "region", "unknown region %q (want TH or KH)", s)
}

// EntityID is the stable, backend-independent id of an entity: its kind and
// its canonical key, so that the same artefact has the same id everywhere.
func EntityID(k Kind, key string) string { return fmt.Sprintf("%s:%s", k, key) }

// Valid reports whether r is one of the two countries of the agreement.
func (r Region) Valid() bool { return r == RegionTH || r == RegionKH }
