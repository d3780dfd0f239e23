package intel

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Retraction is a contributing agency's withdrawal of a fact it recorded:
// a number attributed to the wrong subscriber, a report withdrawn. A
// retracted fact stays stored, with its retraction, so that the audit and
// answers "as known at" an earlier moment (Access.AsOf) can still show it;
// every other read leaves it out, counts and paths included.
type Retraction struct {
	// At is when the store recorded the retraction.
	At time.Time
	// Agency is the agency that retracted the fact: its contributor.
	Agency string
	// Reason says why, for the audit and for the readers of earlier answers.
	Reason string
}

// RetractRequest asks a store to retract one link.
type RetractRequest struct {
	// LinkID is the fact to retract.
	LinkID string
	// Agency is the retracting agency; who may retract what is decided
	// before the request reaches the store (usecase), not by the store.
	Agency string
	// Reason is required.
	Reason string
	// At is when the retraction happens; the store's clock when zero.
	At time.Time
}

// MaxRetractReason bounds a retraction's reason.
const MaxRetractReason = 1000

// Normalize trims the request and brings its time to the stores' precision.
func (r *RetractRequest) Normalize(now time.Time) {
	r.LinkID = strings.TrimSpace(r.LinkID)
	r.Agency = strings.TrimSpace(r.Agency)
	r.Reason = strings.TrimSpace(r.Reason)
	if r.At.IsZero() {
		r.At = now
	}
	r.At = normTime(r.At)
}

// Validate checks the request, naming the offending field.
func (r *RetractRequest) Validate() error {
	if _, ok := LinkTypeOfID(r.LinkID); !ok {
		return Errorf(EINVALID, "id", "%q is not a link id", r.LinkID)
	}
	if r.Agency == "" {
		return Errorf(EINVALID, "agency", "must name the retracting agency")
	}
	if r.Reason == "" {
		return Errorf(EINVALID, "reason", "is required: say why the fact is retracted, for the audit and the readers of earlier answers")
	}
	if len(r.Reason) > MaxRetractReason || !utf8.ValidString(r.Reason) {
		return Errorf(EINVALID, "reason", "must be valid UTF-8 of at most %d bytes", MaxRetractReason)
	}
	for _, f := range []struct{ name, value string }{{"agency", r.Agency}, {"reason", r.Reason}} {
		if strings.ContainsFunc(f.value, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\t' }) {
			return Errorf(EINVALID, f.name, "must not contain control characters")
		}
	}
	return nil
}

// Retracted is l with the retraction r applied, unless l was already
// retracted: the first retraction stands, so a retried request changes
// nothing.
func (l Link) Retracted(r RetractRequest) Link {
	out := l.Clone()
	if out.Retraction == nil {
		out.Retraction = &Retraction{At: r.At, Agency: r.Agency, Reason: r.Reason}
	}
	return out
}

// Current reports whether l belongs to the graph a reader with access a
// asks for: without AsOf, every fact not retracted; with AsOf, the facts
// stored by then and not retracted by then. A nil access reads the
// present.
func (a *Access) Current(l *Link) bool {
	var asOf time.Time
	if a != nil {
		asOf = a.AsOf
	}
	if asOf.IsZero() {
		return l.Retraction == nil
	}
	return !l.IngestedAt.After(asOf) && (l.Retraction == nil || l.Retraction.At.After(asOf))
}
