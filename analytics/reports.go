package analytics

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// reportRate sets how fast reports add up: one fresh report scores about
// 33 (LOW), two about 55 (MEDIUM), three about 70 (HIGH).
const reportRate = 0.45

// caseReport is what the reports of one case say about one artefact.
type caseReport struct {
	caseID  string
	links   []string
	at      time.Time
	status  ReportStatus
	by      string
	conf    float64
	loss    float64
	currcy  string
	visible bool
}

// reportsOf gathers the distinct cases naming id (REPORTED_IN links from
// it), the strongest redress of each winning: a confirmation over a
// withdrawal over a dispute.
func reportsOf(n *Neighbourhood, id string) []caseReport {
	byCase := map[string]*caseReport{}
	for _, l := range n.Links[id] {
		if l.Type != intel.LinkReportedIn || l.From != id {
			continue
		}
		c, ok := byCase[l.To]
		if !ok {
			c = &caseReport{caseID: l.To, status: ReportReported}
			byCase[l.To] = c
			if e, ok := n.Entity(l.To); ok {
				c.loss, _ = strconv.ParseFloat(e.Attrs["loss"], 64)
				c.currcy = e.Attrs["currency"]
			}
		}
		c.links = append(c.links, l.ID)
		if l.ObservedAt.After(c.at) {
			c.at = l.ObservedAt
		}
		c.conf = math.Max(c.conf, l.Confidence)
		if s := StatusOf(&l); statusRank(s) > statusRank(c.status) {
			c.status, c.by = s, l.Attrs[AttrReportStatusBy]
		}
	}
	out := make([]caseReport, 0, len(byCase))
	for _, c := range byCase {
		sort.Strings(c.links)
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].caseID < out[j].caseID })
	return out
}

func statusRank(s ReportStatus) int {
	switch s {
	case ReportConfirmed:
		return 3
	case ReportFalse:
		return 2
	case ReportDisputed:
		return 1
	}
	return 0
}

// reportReasons turns the cases naming id into reasons: one for the
// reports that count, one per redress. confirmed is true when an agency
// confirmed one of them.
func reportReasons(n *Neighbourhood, id string, p Params) (reasons []Reason, confirmed bool) {
	cases := reportsOf(n, id)
	if len(cases) == 0 {
		return nil, false
	}
	var weight, losses float64
	var counted, caseIDs, links []string
	var latest time.Time
	currency := ""
	for _, c := range cases {
		if c.status != ReportReported {
			reasons = append(reasons, Reason{Kind: ReasonRedress, Text: redressText(c),
				Entities: []string{id, c.caseID}, Links: capped(c.links)})
		}
		if c.status == ReportConfirmed {
			confirmed = true
		}
		w := statusWeight(c.status)
		if w == 0 {
			continue
		}
		conf := c.conf
		if conf == 0 {
			conf = 1
		}
		weight += w * p.decay(c.at) * (0.5 + 0.5*conf)
		counted = append(counted, c.caseID)
		caseIDs = append(caseIDs, c.caseID)
		links = append(links, c.links...)
		if c.at.After(latest) {
			latest = c.at
		}
		if c.loss > 0 && (currency == "" || currency == c.currcy) {
			losses += c.loss
			currency = c.currcy
		}
	}
	if len(counted) == 0 {
		return reasons, confirmed
	}
	pts := 100 * (1 - math.Exp(-reportRate*weight))
	text := fmt.Sprintf("named in %d victim report(s) (distinct cases), the latest on %s", len(counted), latest.UTC().Format("2006-01-02"))
	if losses > 0 {
		text += fmt.Sprintf(", reported losses %.2f %s", losses, currency)
	}
	reasons = append(reasons, Reason{Kind: ReasonReports, Points: round(pts), Text: text,
		Entities: append([]string{id}, capped(caseIDs)...), Links: capped(links)})
	return reasons, confirmed
}

func redressText(c caseReport) string {
	by := c.by
	if by == "" {
		by = "an agency"
	}
	switch c.status {
	case ReportConfirmed:
		return fmt.Sprintf("report in case %s confirmed by %s", keyOf(c.caseID), by)
	case ReportFalse:
		return fmt.Sprintf("report in case %s marked false by %s: not counted", keyOf(c.caseID), by)
	}
	return fmt.Sprintf("report in case %s disputed by %s: counted at a quarter", keyOf(c.caseID), by)
}

// suspectPoints is what one suspect's recorded use of an artefact adds: a
// person of interest's number or account is itself evidence, more than a
// victim's word and less than two.
const suspectPoints = 55

// suspectReasons: suspects recorded as using id.
func suspectReasons(n *Neighbourhood, id string, p Params) []Reason {
	var suspects, links []string
	weight := 0.0
	for _, l := range n.Links[id] {
		if l.Type != intel.LinkUses || l.To != id {
			continue
		}
		suspects = append(suspects, l.From)
		links = append(links, l.ID)
		weight = math.Max(weight, p.decay(lastHeld(&l)))
	}
	if len(suspects) == 0 {
		return nil
	}
	sort.Strings(suspects)
	suspects = compact(suspects)
	pts := 100 * (1 - math.Pow(1-suspectPoints/100.0, float64(len(suspects)))) * weight
	text := fmt.Sprintf("used by %d suspect(s): %s", len(suspects), keyOf(suspects[0]))
	return []Reason{{Kind: ReasonSuspect, Points: round(pts), Text: text,
		Entities: append([]string{id}, capped(suspects)...), Links: capped(links)}}
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
