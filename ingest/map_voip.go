package ingest

import (
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// maxExpirySec bounds a registration's expiry; SIP servers grant at most a
// few hours, and a week is already far beyond any real one.
const maxExpirySec = 7 * 24 * 3600

// mapRegistration maps a VoIP registration log line: the SIP account
// REGISTERED_FROM the address it registered from, one event per
// registration. This is the "address data of VoIP service users" the 2022
// agreement names: where an internet-calling account was used from.
func mapRegistration(b *builder, r *Record) error {
	account, err := b.artefact("account", r.Account, intel.KindVoipAccount)
	if err != nil {
		return err
	}
	ip, seen, err := b.sighting("sourceIp", r.SourceIP, intel.KindIPAddress)
	if err != nil {
		return err
	}
	at, err := requiredTime("time", r.Time, b.prov.Country, "when the account registered")
	if err != nil {
		return err
	}
	// A port written with the address belongs to this registration, not
	// to the address, which many accounts share over time: the entity
	// never has it (intel.SightingAttrs), the link does.
	attrs := registrationAttrs(b, r, seen.Attrs["port"])
	l := intel.Link{Type: intel.LinkRegisteredFrom, Attrs: attrs}
	l.ObservedAt = at
	l.From = b.addEntity(account, origin{field: "account"})
	l.To = b.addEntity(ip, origin{field: "sourceIp"})
	l.EventKey = b.eventKey(account.Key, ip.Key, millis(at))
	b.addLink(l, origin{field: "time"})
	return nil
}

// registrationAttrs reads the registration's port, expiry and user agent.
// The port may come in its own field or after the address (written); two
// different ports contradict each other, and neither is kept. None of the
// three makes the registration what it is, so an unusable one is set aside
// with a warning.
func registrationAttrs(b *builder, r *Record, written string) map[string]string {
	attrs := map[string]string{}
	port := written
	if p := r.Port; p != nil {
		switch {
		case *p < 1 || *p > 65535:
			b.setAside(fieldErr("port", "must be between 1 and 65535, got %d", *p))
		case port != "" && port != strconv.Itoa(*p):
			b.setAside(fieldErr("port", "is %d but sourceIp was written with port %s", *p, port))
			port = ""
		default:
			port = strconv.Itoa(*p)
		}
	}
	if port != "" {
		attrs["port"] = port
	}
	if e := r.ExpirySec; e != nil {
		if *e < 0 || *e > maxExpirySec {
			b.setAside(fieldErr("expirySec", "must be between 0 and %d seconds, got %d", maxExpirySec, *e))
		} else {
			attrs["expirySec"] = strconv.Itoa(*e)
		}
	}
	if ua := strings.TrimSpace(r.UserAgent); ua != "" {
		attrs["userAgent"] = ua
	}
	return attrs
}

// mapCallerID maps what a VoIP provider reports of the caller ID an account
// was set to show: the account PRESENTED_AS the number, from validFrom
// until validUntil (open when absent). It is a state, not an event, so each
// agency's report of a period is one fact, and a later report of the same
// period (its end now known) updates it.
func mapCallerID(b *builder, r *Record) error {
	account, err := b.artefact("account", r.Account, intel.KindVoipAccount)
	if err != nil {
		return err
	}
	if intel.DetectKind(r.PresentedNumber) == intel.KindVoipAccount {
		return fieldErr("presentedNumber", "%q is a VoIP account; the presented caller ID is a phone number", r.PresentedNumber)
	}
	number, err := b.artefact("presentedNumber", r.PresentedNumber, intel.KindPhoneNumber)
	if err != nil {
		return err
	}
	from, err := requiredDay("validFrom", r.ValidFrom, b.prov.Country, "since when the account presented the number")
	if err != nil {
		return err
	}
	// The end of the period is not always known; an unusable one is set
	// aside, and the period stays open as if it had not been given.
	until, err := parseDay("validUntil", r.ValidUntil, b.prov.Country)
	if b.setAside(err) {
		until = time.Time{}
	}
	if !until.IsZero() && !until.After(from) {
		b.setAside(fieldErr("validUntil", "must be after validFrom (%s)", formatTime(from)))
		until = time.Time{}
	}
	l := intel.Link{Type: intel.LinkPresentedAs}
	l.ValidFrom, l.ValidUntil = from, until
	l.From = b.addEntity(account, origin{field: "account"})
	l.To = b.addEntity(number, origin{field: "presentedNumber"})
	b.addLink(l, origin{field: "validFrom"})
	return nil
}
