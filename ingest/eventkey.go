package ingest

import (
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// An event link (one call, one registration, one transfer, one mention in
// a victim report) is identified by its event key, so the key decides what
// counts as "the same event":
//
//	recordType ":" agency ":" recordId
//	recordType ":" agency ":" part "|" part "|" ...
//
// The first form is used when the source gave its own record id (a CDR id,
// a bank transaction id), the second otherwise, with the canonical keys of
// the artefacts and the event time in UTC milliseconds as parts (plus the
// amount and currency of a transfer). Both forms depend only on canonical
// values, so a resent record, in any spelling and from any file format,
// gets the same key; and both start with the agency, so the same call
// reported by two agencies is two facts, each with its own provenance.
//
// The form is unambiguous: '%', '|' and (in the agency) ':' are escaped as
// %25, %7C and %3A, so a record id never contains a bare '|' while a
// natural key always does, and no two events share a key by accident.

// eventKey returns the key of the record's event: the record id when the
// source gave one, otherwise the natural parts.
func (b *builder) eventKey(parts ...string) string {
	if b.recordID != "" {
		return b.keyPrefix() + escapeKeyPart(b.recordID, false)
	}
	return b.keyPrefix() + joinKeyParts(parts)
}

// itemEventKey returns the key of one of several events a record states
// (each artefact a victim report names): the record id, or the natural
// parts, followed by the parts that tell the items apart.
func (b *builder) itemEventKey(natural []string, item ...string) string {
	head := joinKeyParts(natural)
	if b.recordID != "" {
		head = escapeKeyPart(b.recordID, false)
	}
	return b.keyPrefix() + head + "|" + joinKeyParts(item)
}

func (b *builder) keyPrefix() string {
	return string(b.typ) + ":" + escapeKeyPart(b.prov.Agency, true) + ":"
}

func joinKeyParts(parts []string) string {
	escaped := make([]string, len(parts))
	for i, p := range parts {
		escaped[i] = escapeKeyPart(p, false)
	}
	return strings.Join(escaped, "|")
}

// escapeKeyPart escapes the characters the key syntax gives a meaning to.
func escapeKeyPart(s string, colon bool) string {
	if !strings.ContainsAny(s, "%|:") {
		return s
	}
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "|", "%7C")
	if colon {
		s = strings.ReplaceAll(s, ":", "%3A")
	}
	return s
}

// millis is an event time as a key part.
func millis(t time.Time) string {
	return strconv.FormatInt(t.UTC().UnixMilli(), 10)
}

// ict is the time zone of both countries (Indochina Time, UTC+7, no daylight
// saving). It is fixed here rather than loaded from tzdata, so that reading
// a record never depends on the zone database of the machine.
var ict = time.FixedZone("ICT", 7*3600)

// zoneOf is the zone in which a time written without an offset is read: the
// reporting country's, where the clerk or the switch that wrote it stands.
func zoneOf(intel.Region) *time.Location { return ict }

// The forms a record time is written in: RFC 3339, its variant with a
// space, and the forms without an offset that CDR exports and spreadsheets
// write, read in the reporting country's time. Go accepts fractional
// seconds after the seconds in every layout. A bare date is accepted only
// where a day is precise enough (see parseDay).
var (
	offsetLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00"}
	localLayouts  = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05"}
	dateLayout    = "2006-01-02"
)

// The years a record's time may fall in. Outside them a time is a typing
// error, most often a Buddhist-era year (Thai documents write 2567 for 2024).
const (
	minYear       = 1990
	maxYear       = 2100
	buddhistShift = 543
)

// parseTime reads the time of an event (a call, a registration, a
// transfer): RFC 3339 with an offset or Z, or "2006-01-02 15:04:05" in the
// reporting country's time. It returns the zero time for an empty value.
func parseTime(field, s string, region intel.Region) (time.Time, error) {
	return readTime(field, s, region, false)
}

// parseDay reads the time a state began or ended, or a report was made,
// where the source often knows only the day: as parseTime, or a bare date
// "2006-01-02", read as the start of that day in the reporting country.
func parseDay(field, s string, region intel.Region) (time.Time, error) {
	return readTime(field, s, region, true)
}

func readTime(field, s string, region intel.Region, dayOK bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, ok := time.Time{}, false
	for _, layout := range offsetLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t, ok = v, true
			break
		}
	}
	local := localLayouts
	if dayOK {
		local = append(local[:len(local):len(local)], dateLayout)
	}
	for _, layout := range local {
		if ok {
			break
		}
		if v, err := time.ParseInLocation(layout, s, zoneOf(region)); err == nil {
			t, ok = v, true
		}
	}
	if !ok {
		forms := "RFC 3339 (2024-03-14T09:15:02+07:00) or \"2024-03-14 09:15:02\" in the reporting country's time (UTC+7)"
		if dayOK {
			forms += ", or a date (2024-03-14)"
		}
		return time.Time{}, fieldErr(field, "%q is not a time: write %s", s, forms)
	}
	if y := t.Year(); y >= minYear+buddhistShift && y <= maxYear+buddhistShift {
		return time.Time{}, fieldErr(field, "year %d looks like a Buddhist-era year; write the Common Era year %d", y, y-buddhistShift)
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, fieldErr(field, "year %d is out of range (%d-%d)", y, minYear, maxYear)
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

// requiredTime reads an event time the record cannot do without; what
// says what it is, for the message.
func requiredTime(field, s string, region intel.Region, what string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, missingErr(field, what)
	}
	return parseTime(field, s, region)
}

// requiredDay is requiredTime for a field parseDay reads.
func requiredDay(field, s string, region intel.Region, what string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, missingErr(field, what)
	}
	return parseDay(field, s, region)
}

// formatTime writes a time kept as an attribute, in the one form the
// stores keep times in: UTC, to the millisecond.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
}
