// Package export writes a network as the files link-analysis tools open:
// GraphML (yEd, NetworkX), GEXF (Gephi), Cytoscape JSON (Cytoscape desktop
// and Cytoscape.js), CSV of nodes and edges, and a CSV shaped for i2
// Analyst's Notebook's import. It only formats: what goes in has already
// been read through the caller's view (visibility applied, personal data
// masked), and the masked fields are written as such, with the reason, so
// that an export never shows more than the page or the API would.
package export

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

// Format is one of the file formats an export can take.
type Format string

// The formats. The names are what the API, the HTTP endpoint and the CLI
// accept.
const (
	GraphML   Format = "graphml"
	GEXF      Format = "gexf"
	Cytoscape Format = "cytoscape"
	CSV       Format = "csv"
	I2        Format = "i2"
)

// Formats lists every format, in the order the help texts show them.
var Formats = []Format{GraphML, GEXF, Cytoscape, CSV, I2}

// ParseFormat reads a format name in any letter case.
func ParseFormat(field, s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(string(f), strings.TrimSpace(s)) {
			return f, nil
		}
	}
	return "", intel.Errorf(intel.EINVALID, field, "unknown export format %q (want one of %v)", s, Formats)
}

// ContentType is the media type the format is served with.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml"
	case GEXF:
		return "application/gexf+xml"
	case Cytoscape:
		return "application/json"
	case CSV:
		return "application/zip"
	}
	return "text/csv; charset=utf-8"
}

// Extension is the file name extension of the format.
func (f Format) Extension() string {
	switch f {
	case GraphML:
		return ".graphml"
	case GEXF:
		return ".gexf"
	case Cytoscape:
		return ".cyjs"
	case CSV:
		return ".zip"
	}
	return ".i2.csv"
}

// Masked is one field the reader may not see, and why.
type Masked struct {
	Field  string
	Reason string
}

// Chart is what an export writes: the nodes and links of a network as the
// reader saw them, the fields masked for that reader by element id, and
// where it came from.
type Chart struct {
	// Title names the network ("network around PhoneNumber:+66…").
	Title string
	// Reader is the agency the export was made for; Generated when.
	Reader    string
	Generated time.Time
	Nodes     []intel.Entity
	Links     []intel.Link
	// Masked lists, by entity or link id, the fields withheld from Reader.
	Masked map[string][]Masked
	// Truncated says a cap cut the network short.
	Truncated bool
}

// Write writes c in format f.
func Write(w io.Writer, f Format, c Chart) error {
	switch f {
	case GraphML:
		return writeGraphML(w, c)
	case GEXF:
		return writeGEXF(w, c)
	case Cytoscape:
		return writeCytoscape(w, c)
	case CSV:
		return writeCSVZip(w, c)
	case I2:
		return writeI2(w, c)
	}
	return intel.Errorf(intel.EINVALID, "format", "unknown export format %q", f)
}

// LinkID is the id a link has in the API and in every export: the same
// "Link:" global id link-analysis front ends already hold.
func LinkID(id string) string { return "Link:" + id }

// column is one attribute of a node or an edge, with a value per element.
type column struct {
	name string
	// numeric columns are declared as numbers where the format types them.
	numeric bool
}

// nodeRow and edgeRow are an element's attributes by column name; columns
// lists every name used, in a fixed order (the fixed ones first, then the
// element attributes sorted), so that the same network gives the same file.
func nodeRow(c Chart, e intel.Entity) map[string]string {
	row := map[string]string{
		"kind": string(e.Kind), "key": e.Key, "label": label(e),
		"rawForms": strings.Join(e.RawForms, " | "), "markers": strings.Join(e.Markers, " "),
		"masked": maskedText(c.Masked[e.ID]),
	}
	if !e.FirstIngested.IsZero() {
		row["firstIngested"] = stamp(e.FirstIngested)
	}
	for k, v := range e.Attrs {
		row["attr."+k] = v
	}
	for k, v := range e.Sensitive {
		row["personal."+k] = v
	}
	return row
}

var nodeFixed = []column{{name: "kind"}, {name: "key"}, {name: "label"}, {name: "rawForms"}, {name: "markers"},
	{name: "firstIngested"}, {name: "masked"}}

func edgeRow(c Chart, l intel.Link) map[string]string {
	row := map[string]string{
		"type": string(l.Type), "eventKey": l.EventKey, "agency": l.Agency, "country": string(l.Country),
		"evidenceRef": l.EvidenceRef, "legalBasis": l.LegalBasis, "visibility": string(l.Visibility),
		"confidence": strconv.FormatFloat(l.Confidence, 'f', -1, 64), "masked": maskedText(c.Masked[l.ID]),
	}
	for name, t := range map[string]time.Time{"observedAt": l.ObservedAt, "validFrom": l.ValidFrom,
		"validUntil": l.ValidUntil, "ingestedAt": l.IngestedAt} {
		if !t.IsZero() {
			row[name] = stamp(t)
		}
	}
	for k, v := range l.Attrs {
		row["attr."+k] = v
	}
	for k, v := range l.Sensitive {
		row["personal."+k] = v
	}
	return row
}

var edgeFixed = []column{{name: "type"}, {name: "eventKey"}, {name: "agency"}, {name: "country"}, {name: "observedAt"},
	{name: "validFrom"}, {name: "validUntil"}, {name: "ingestedAt"}, {name: "evidenceRef"},
	{name: "confidence", numeric: true}, {name: "legalBasis"}, {name: "visibility"}, {name: "masked"}}

// columns returns fixed followed by every other name the rows use, sorted.
func columns(fixed []column, rows []map[string]string) []column {
	known := map[string]bool{}
	for _, c := range fixed {
		known[c.name] = true
	}
	var extra []string
	for _, r := range rows {
		for k := range r {
			if !known[k] {
				known[k] = true
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	out := append([]column(nil), fixed...)
	for _, k := range extra {
		out = append(out, column{name: k})
	}
	return out
}

// label is what a person reads for an entity: its label, or its key.
func label(e intel.Entity) string {
	if e.Label != "" {
		return e.Label
	}
	return e.Key
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// maskedText lists masked fields with their reasons, one per line.
func maskedText(m []Masked) string {
	parts := make([]string, len(m))
	for i, x := range m {
		parts[i] = fmt.Sprintf("%s (%s)", x.Field, x.Reason)
	}
	return strings.Join(parts, "; ")
}

// rows computes every node's and edge's attributes once.
func rows(c Chart) (nodes, edges []map[string]string) {
	nodes = make([]map[string]string, len(c.Nodes))
	for i, e := range c.Nodes {
		nodes[i] = nodeRow(c, e)
	}
	edges = make([]map[string]string, len(c.Links))
	for i, l := range c.Links {
		edges[i] = edgeRow(c, l)
	}
	return nodes, edges
}

// NewChart is the chart of network g as reader saw it at at, with the
// fields the reader's view masked (the request's redactions) listed per
// element.
func NewChart(title, reader string, at time.Time, g intel.Subgraph, masked []guard.Redaction) Chart {
	c := Chart{Title: title, Reader: reader, Generated: at, Nodes: g.Nodes, Links: g.Links, Truncated: g.Truncated,
		Masked: map[string][]Masked{}}
	for _, r := range masked {
		c.Masked[r.ID] = append(c.Masked[r.ID], Masked{Field: r.Field, Reason: r.Reason})
	}
	for id := range c.Masked {
		sort.Slice(c.Masked[id], func(i, j int) bool { return c.Masked[id][i].Field < c.Masked[id][j].Field })
	}
	return c
}
