package analytics

import (
	"time"
)

// FindingKind names a telco or money pattern.
type FindingKind string

// The patterns.
const (
	// FindingCallVolume: more than 100 calls from a number in one calendar
	// day in Bangkok, the Thai regulator's suspension threshold.
	FindingCallVolume FindingKind = "CALL_VOLUME"
	// FindingShortOutgoing: many short outgoing calls to distinct numbers,
	// a low answer rate and few incoming calls, as a SIM-box line makes.
	FindingShortOutgoing FindingKind = "SHORT_OUTGOING_CALLS"
	// FindingSIMBox: several numbers sharing a holder, a device, a cell or
	// an IP address all show the short-outgoing signature.
	FindingSIMBox FindingKind = "SIM_BOX"
	// FindingSpoofing: a VoIP account registering from foreign IP
	// addresses presents Thai numbers as its caller ID.
	FindingSpoofing FindingKind = "CALLER_ID_SPOOFING"
	// FindingDisplayMarker: calls from the number were displayed with
	// +697 (VoIP from abroad) or +698 (Thai number roaming abroad).
	FindingDisplayMarker FindingKind = "DISPLAY_MARKER"
	// FindingCrossBorderCalls: a number calls many distinct numbers of the
	// other country, mostly unanswered.
	FindingCrossBorderCalls FindingKind = "CROSS_BORDER_CALLS"
	// FindingMuleFanIn: several senders pay one account within a window.
	FindingMuleFanIn FindingKind = "MULE_FAN_IN"
	// FindingMulePassThrough: most of what reaches an account leaves it
	// within hours.
	FindingMulePassThrough FindingKind = "MULE_PASS_THROUGH"
)

// Finding is one pattern one entity shows, with its evidence: the counts,
// the day when it is about a day, and the records (links) to check.
type Finding struct {
	Kind    FindingKind
	Subject string
	Text    string
	// Day is the calendar day (Asia/Bangkok, YYYY-MM-DD) of a
	// CALL_VOLUME finding; empty otherwise.
	Day string
	// Count is the pattern's main figure: calls that day, numbers in the
	// group, senders in the window, share of money passed on (percent).
	Count int
	// Entities are the other entities involved (group members, foreign
	// IP addresses, senders), capped at 20.
	Entities []string
	// Links are the records the finding rests on, capped at 20.
	Links []string
	// At is the latest evidence's time; findings decay with it.
	At time.Time
}

// bangkok is Thai time: UTC+7 all year (Thailand keeps no summer time), so
// a fixed zone needs no time-zone database.
var bangkok = time.FixedZone("Asia/Bangkok", 7*3600)

// points is what a finding adds to its subject's score, decayed.
func (f Finding) points(p Params) int {
	base := map[FindingKind]float64{
		FindingCallVolume:       55,
		FindingShortOutgoing:    25,
		FindingSIMBox:           60,
		FindingSpoofing:         60,
		FindingDisplayMarker:    15,
		FindingCrossBorderCalls: 35,
		FindingMuleFanIn:        20,
		FindingMulePassThrough:  35,
	}[f.Kind]
	if f.Kind == FindingSIMBox {
		// Past five SIMs on one holder Thai operators make the holder
		// re-verify; a rack of a dozen or more is past any household.
		base += min(25, 2*float64(f.Count))
	}
	if f.Kind == FindingShortOutgoing {
		// A line that called dozens of numbers and was never called back
		// is more than one that called three.
		base += min(20, float64(f.Count)/2)
	}
	return round(base * p.decay(f.At))
}

func (f Finding) reason(p Params) Reason {
	f2 := f
	return Reason{Kind: ReasonFinding, Points: f.points(p), Text: f.Text,
		Entities: append([]string{f.Subject}, f.Entities...), Links: f.Links, Finding: &f2}
}
