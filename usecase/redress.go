package usecase

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// ReportMark is an agency's redress of a victim report: what it now says
// of the report's naming of one artefact.
type ReportMark struct {
	// Case and Entity are entity ids: the case (the report) and the
	// artefact it names.
	Case, Entity string
	// Status is CONFIRMED, DISPUTED or FALSE; REPORTED withdraws an
	// earlier mark.
	Status analytics.ReportStatus
	// Note says why, for the record.
	Note string
}

// maxMarkNote bounds a redress note.
const maxMarkNote = 500

// MarkReport records the caller's redress on its own agency's report
// facts (the REPORTED_IN links from the entity to the case): the status,
// who set it and when, as attributes of the fact, written through the
// ordinary write path so that both stores keep it alike, its readers are
// exactly the report's, and the next request's score follows it. Only
// the agency that filed the report marks it (the own-agency rule of
// writes); marking again, or with REPORTED, reverses it; the audit log
// keeps every change. It returns the facts as now stored.
func (s *Service) MarkReport(ctx context.Context, c *Caller, m ReportMark) (out []intel.Link, err error) {
	defer func() { c.finish(access.OpMarkReport, err) }()
	if err = c.allow(access.OpMarkReport); err != nil {
		return nil, err
	}
	if err = checkMark(&m); err != nil {
		return nil, err
	}
	page, err := c.view.NeighboursOf(ctx, []string{m.Entity}, intel.NeighbourQuery{Direction: intel.DirectionOut,
		LinkTypes: []intel.LinkType{intel.LinkReportedIn}, First: intel.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var ids []string
	others := false
	for _, it := range page[m.Entity].Items {
		if it.Link.To != m.Case {
			continue
		}
		if it.Link.Agency == c.Agency() || c.operator {
			ids = append(ids, it.Link.ID)
		} else {
			others = true
		}
	}
	switch {
	case len(ids) == 0 && others:
		return nil, intel.Errorf(intel.EFORBIDDEN, "input.case", "the report was filed by another agency; only the filing agency marks its reports")
	case len(ids) == 0:
		return nil, intel.Errorf(intel.ENOTFOUND, "input.case", "no report in case %q names %q", m.Case, m.Entity)
	}
	// The facts as stored, not as shown: a masked copy written back
	// would lose what the mask hid.
	stored, err := s.store.GetLinks(ctx, ids)
	if err != nil {
		return nil, err
	}
	var batch intel.Batch
	now := time.Now().UTC().Format(time.RFC3339)
	for _, id := range ids {
		l, ok := stored[id]
		if !ok {
			continue
		}
		l = l.Clone()
		for _, k := range []string{analytics.AttrReportStatus, analytics.AttrReportStatusBy, analytics.AttrReportStatusAt, analytics.AttrReportNote} {
			delete(l.Attrs, k)
		}
		if m.Status != analytics.ReportReported {
			l.Attrs[analytics.AttrReportStatus] = string(m.Status)
			l.Attrs[analytics.AttrReportStatusBy] = c.Agency()
			l.Attrs[analytics.AttrReportStatusAt] = now
			if m.Note != "" {
				l.Attrs[analytics.AttrReportNote] = m.Note
			}
		}
		batch.Links = append(batch.Links, l)
	}
	if _, err = s.store.Upsert(ctx, batch); err != nil {
		return nil, err
	}
	c.wrote(m.Entity, m.Case)
	return batch.Links, nil
}

func checkMark(m *ReportMark) error {
	if kindOf(m.Case) != intel.KindCase {
		return intel.Errorf(intel.EINVALID, "input.case", "%q is not the id of a Case", m.Case)
	}
	if k := kindOf(m.Entity); !k.Valid() || k == intel.KindCase {
		return intel.Errorf(intel.EINVALID, "input.entity", "%q is not the id of an artefact a report can name", m.Entity)
	}
	if !m.Status.Valid() {
		return intel.Errorf(intel.EINVALID, "input.status", "unknown status %q (want REPORTED, CONFIRMED, DISPUTED or FALSE)", m.Status)
	}
	m.Note = strings.TrimSpace(m.Note)
	if len(m.Note) > maxMarkNote || !utf8.ValidString(m.Note) {
		return intel.Errorf(intel.EINVALID, "input.note", "must be valid UTF-8 of at most %d bytes", maxMarkNote)
	}
	return nil
}
