package export

import (
	"encoding/json"
	"io"
	"strconv"
)

// writeCytoscape writes Cytoscape JSON (.cyjs): the elements format that
// Cytoscape desktop imports and Cytoscape.js loads, with the flags
// NetworkX's cytoscape_graph reads. Node "name" is the label Cytoscape
// shows; edge "interaction" is the link type.
func writeCytoscape(w io.Writer, c Chart) error {
	nodeRows, edgeRows := rows(c)
	type element struct {
		Data map[string]any `json:"data"`
	}
	doc := struct {
		FormatVersion string         `json:"format_version"`
		GeneratedBy   string         `json:"generated_by"`
		Target        string         `json:"target_cytoscapejs_version"`
		Directed      bool           `json:"directed"`
		Multigraph    bool           `json:"multigraph"`
		Data          map[string]any `json:"data"`
		Elements      struct {
			Nodes []element `json:"nodes"`
			Edges []element `json:"edges"`
		} `json:"elements"`
	}{FormatVersion: "1.0", GeneratedBy: "ScamGraph", Target: "~3.0", Directed: true, Multigraph: true,
		Data: map[string]any{"name": c.Title, "reader": c.Reader, "generated": stamp(c.Generated), "truncated": c.Truncated}}
	doc.Elements.Nodes, doc.Elements.Edges = []element{}, []element{}
	for i, e := range c.Nodes {
		d := map[string]any{"id": e.ID, "name": label(e), "value": e.ID}
		copyRow(d, nodeRows[i])
		doc.Elements.Nodes = append(doc.Elements.Nodes, element{Data: d})
	}
	for i, l := range c.Links {
		// "key" tells parallel links apart for readers that build a
		// multigraph from the file (NetworkX's cytoscape_graph).
		d := map[string]any{"id": LinkID(l.ID), "key": LinkID(l.ID), "source": l.From, "target": l.To, "interaction": string(l.Type)}
		copyRow(d, edgeRows[i])
		doc.Elements.Edges = append(doc.Elements.Edges, element{Data: d})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
}

// copyRow adds the non-empty attributes, numbers as numbers.
func copyRow(d map[string]any, row map[string]string) {
	for k, v := range row {
		if v == "" {
			continue
		}
		if k == "confidence" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				d[k] = f
				continue
			}
		}
		d[k] = v
	}
}
