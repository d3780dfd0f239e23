package ingest

import (
	"strconv"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// maxCallSeconds bounds a call's duration: a day is already far beyond any
// real call, and a larger figure is a unit mistake (milliseconds).
const maxCallSeconds = 24 * 3600

// mapCall maps a call record: caller CALLED callee, one event per call.
// The caller may be a number or, for calls placed from a softphone, a SIP
// account; the callee is always the number that rang. A +697/+698 marker,
// given in callerIdMarker or written before the caller's number, is kept
// both on the call and on the caller's number, where it is evidence of how
// the number reaches Thai phones.
func mapCall(b *builder, r *Record) error {
	caller, err := b.artefact("caller", r.Caller, phoneOrSIP(r.Caller))
	if err != nil {
		return err
	}
	if intel.DetectKind(r.Callee) == intel.KindVoipAccount {
		return fieldErr("callee", "%q is a VoIP account; a call record's callee is the phone number that was called", r.Callee)
	}
	callee, err := b.artefact("callee", r.Callee, intel.KindPhoneNumber)
	if err != nil {
		return err
	}
	if caller.ID == callee.ID {
		return fieldErr("callee", "is the caller's own number (%s)", callee.Key)
	}
	start, err := requiredTime("start", r.Start, b.prov.Country, "when the call started")
	if err != nil {
		return err
	}
	// The marker, duration, answer and handset details describe the call
	// but do not make it one: an unusable one is set aside with a warning.
	marker, err := callMarker(r.CallerIDMarker, caller)
	if b.setAside(err) {
		marker = callerMarker(caller)
	}
	if marker != "" && caller.Kind == intel.KindPhoneNumber {
		caller.Markers = sortedUnion(caller.Markers, []string{marker})
	}
	attrs := callAttrs(b, r, marker)
	l := intel.Link{Type: intel.LinkCalled, Attrs: attrs}
	l.From = b.addEntity(caller, origin{field: "caller"})
	l.To = b.addEntity(callee, origin{field: "callee"})
	l.ObservedAt = start
	l.EventKey = b.eventKey(caller.Key, callee.Key, millis(start))
	b.addLink(l, origin{field: "start"})
	return nil
}

// phoneOrSIP is the kind a caller is read as: a number, unless it has the
// shape of a SIP account.
func phoneOrSIP(s string) intel.Kind {
	if intel.DetectKind(s) == intel.KindVoipAccount {
		return intel.KindVoipAccount
	}
	return intel.KindPhoneNumber
}

// callMarker returns the display marker of a call: callerIdMarker, or the
// marker written before the caller's number. Two different markers for one
// call contradict each other, so the record is rejected.
func callMarker(given string, caller intel.Entity) (string, error) {
	m := strings.TrimSpace(given)
	if m != "" && !strings.HasPrefix(m, "+") {
		m = "+" + m
	}
	if m != "" && m != intel.MarkerVoipFromAbroad && m != intel.MarkerRoamingAbroad {
		return "", fieldErr("callerIdMarker", "%q is not a display marker (want %s for a VoIP call from abroad or %s for a Thai number roaming abroad)",
			given, intel.MarkerVoipFromAbroad, intel.MarkerRoamingAbroad)
	}
	for _, seen := range caller.Markers {
		if m == "" {
			m = seen
		} else if seen != m {
			return "", fieldErr("callerIdMarker", "is %s but the caller was written with %s", m, seen)
		}
	}
	return m, nil
}

// callerMarker is the marker the caller's number was written with, if any.
func callerMarker(caller intel.Entity) string {
	if len(caller.Markers) > 0 {
		return caller.Markers[0]
	}
	return ""
}

// callAttrs reads the call's own properties, setting aside those that
// cannot be used.
func callAttrs(b *builder, r *Record, marker string) map[string]string {
	attrs := map[string]string{}
	if d := r.DurationSec; d != nil {
		if *d < 0 || *d > maxCallSeconds {
			b.setAside(fieldErr("durationSec", "must be between 0 and %d seconds, got %d", maxCallSeconds, *d))
		} else {
			attrs["durationSec"] = strconv.Itoa(*d)
		}
	}
	if a := r.Answered; a != nil {
		attrs["answered"] = strconv.FormatBool(*a)
	}
	imei, err := digitString("imei", r.IMEI, 14, 16, "an IMEI has 15 digits (14 without the check digit, 16 with a software version)")
	b.setAside(err)
	imsi, err := digitString("imsi", r.IMSI, 6, 15, "an IMSI has up to 15 digits: country, network and subscriber")
	b.setAside(err)
	for k, v := range map[string]string{"imei": imei, "imsi": imsi, "cellId": strings.TrimSpace(r.CellID), "callerIdMarker": marker} {
		if v != "" {
			attrs[k] = v
		}
	}
	return attrs
}

// digitString reads an identifier made of digits (IMEI, IMSI), dropping
// the spaces, dashes and slashes exports group them with and folding Thai
// and Khmer digits, and checks its length.
func digitString(field, s string, min, max int, rule string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var out strings.Builder
	for _, c := range s {
		switch d, ok := decimalDigit(c); {
		case ok:
			out.WriteByte('0' + d)
		case c == ' ' || c == '-' || c == '/' || c == '.':
		default:
			return "", fieldErr(field, "%q has the character %q; %s", s, c, rule)
		}
	}
	if n := out.Len(); n < min || n > max {
		return "", fieldErr(field, "%q has %d digits; %s", s, n, rule)
	}
	return out.String(), nil
}
