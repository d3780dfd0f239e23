package export

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// i2Header is the layout of the i2 Analyst's Notebook import: one row per
// link naming both ends (identity, type, label) and the link (identity,
// type, date and time, label, strength), so that an import specification
// maps the columns once. Entities without a link in view get a row of
// their own with the link and second-end columns empty. Times are UTC.
var i2Header = []string{
	"Entity1 Identity", "Entity1 Type", "Entity1 Label", "Entity1 Masked",
	"Link Identity", "Link Type", "Link Date", "Link Time (UTC)", "Link Label", "Link Strength",
	"Agency", "Country", "Evidence", "Amount", "Currency", "Duration (s)", "Link Masked",
	"Entity2 Identity", "Entity2 Type", "Entity2 Label", "Entity2 Masked",
}

func writeI2(w io.Writer, c Chart) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(i2Header); err != nil {
		return err
	}
	byID := make(map[string]int, len(c.Nodes))
	for i, e := range c.Nodes {
		byID[e.ID] = i
	}
	end := func(id string) []string {
		i, ok := byID[id]
		if !ok {
			kind, key, _ := strings.Cut(id, ":")
			return []string{id, kind, key, ""}
		}
		e := c.Nodes[i]
		return []string{e.ID, string(e.Kind), label(e), maskedText(c.Masked[e.ID])}
	}
	linked := map[string]bool{}
	for _, l := range c.Links {
		linked[l.From], linked[l.To] = true, true
		at := l.ObservedAt
		if at.IsZero() {
			at = l.ValidFrom
		}
		date, clock := "", ""
		if !at.IsZero() {
			date, clock = at.UTC().Format("2006-01-02"), at.UTC().Format("15:04:05")
		}
		rec := end(l.From)
		rec = append(rec, LinkID(l.ID), string(l.Type), date, clock, i2Label(l.Type, l.Attrs), strength(l.Confidence),
			l.Agency, string(l.Country), l.EvidenceRef, l.Attrs["amount"], l.Attrs["currency"], l.Attrs["durationSec"],
			maskedText(c.Masked[l.ID]))
		rec = append(rec, end(l.To)...)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	for _, e := range c.Nodes {
		if linked[e.ID] {
			continue
		}
		rec := end(e.ID)
		rec = append(rec, make([]string, len(i2Header)-len(rec))...)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// i2Label is the text on a link in the chart: its type, and for money the
// amount, for a call its duration.
func i2Label(t intel.LinkType, attrs map[string]string) string {
	switch {
	case attrs["amount"] != "":
		return string(t) + " " + attrs["amount"] + " " + attrs["currency"]
	case attrs["durationSec"] != "":
		return string(t) + " " + attrs["durationSec"] + "s"
	}
	return string(t)
}

// strength maps a fact's confidence onto i2's three link strengths.
func strength(confidence float64) string {
	switch {
	case confidence >= 0.8:
		return "Confirmed"
	case confidence >= 0.5:
		return "Unconfirmed"
	}
	return "Tentative"
}
