package analytics

import (
	"github.com/scamgraph/scamgraph/intel"
)

// ReportStatus is what an agency has since said about a victim report's
// naming of an artefact. It is kept on the REPORTED_IN fact itself (link
// attributes written through the ordinary write path), so that it is seen
// by exactly the readers who see the report, on every backend, and a
// cached score never outlives it: the write that records it invalidates
// like any other.
type ReportStatus string

// The statuses. REPORTED is the default: nobody has said more.
const (
	ReportReported  ReportStatus = "REPORTED"
	ReportConfirmed ReportStatus = "CONFIRMED"
	ReportDisputed  ReportStatus = "DISPUTED"
	ReportFalse     ReportStatus = "FALSE"
)

// Valid reports whether s is a known status.
func (s ReportStatus) Valid() bool {
	switch s {
	case ReportReported, ReportConfirmed, ReportDisputed, ReportFalse:
		return true
	}
	return false
}

// The link attributes that record a redress.
const (
	AttrReportStatus   = "reportStatus"
	AttrReportStatusBy = "reportStatusBy"
	AttrReportStatusAt = "reportStatusAt"
	AttrReportNote     = "reportStatusNote"
)

// StatusOf reads a report link's status; REPORTED when none was recorded.
func StatusOf(l *intel.Link) ReportStatus {
	s := ReportStatus(l.Attrs[AttrReportStatus])
	if s.Valid() {
		return s
	}
	return ReportReported
}

// statusWeight is how much a report of each status counts: a disputed
// report a quarter, a false one nothing.
func statusWeight(s ReportStatus) float64 {
	switch s {
	case ReportFalse:
		return 0
	case ReportDisputed:
		return 0.25
	}
	return 1
}
