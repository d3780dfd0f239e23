package export

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
)

// writeGraphML writes the GraphML of c: every attribute declared once as a
// <key>, every element's non-empty attributes as <data>. Parallel links
// stay separate edges with their own ids; tools that fold them can.
func writeGraphML(w io.Writer, c Chart) error {
	b := bufio.NewWriter(w)
	nodeRows, edgeRows := rows(c)
	ncols, ecols := columns(nodeFixed, nodeRows), columns(edgeFixed, edgeRows)
	b.WriteString(xml.Header)
	b.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
		`xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	b.WriteString(`  <key id="g_title" for="graph" attr.name="title" attr.type="string"/>` + "\n")
	b.WriteString(`  <key id="g_reader" for="graph" attr.name="reader" attr.type="string"/>` + "\n")
	b.WriteString(`  <key id="g_generated" for="graph" attr.name="generated" attr.type="string"/>` + "\n")
	b.WriteString(`  <key id="g_truncated" for="graph" attr.name="truncated" attr.type="boolean"/>` + "\n")
	for i, col := range ncols {
		fmt.Fprintf(b, `  <key id="n%d" for="node" attr.name="%s" attr.type="%s"/>`+"\n", i, esc(col.name), graphmlType(col))
	}
	for i, col := range ecols {
		fmt.Fprintf(b, `  <key id="e%d" for="edge" attr.name="%s" attr.type="%s"/>`+"\n", i, esc(col.name), graphmlType(col))
	}
	b.WriteString(`  <graph id="G" edgedefault="directed">` + "\n")
	fmt.Fprintf(b, `    <data key="g_title">%s</data>`+"\n", esc(c.Title))
	fmt.Fprintf(b, `    <data key="g_reader">%s</data>`+"\n", esc(c.Reader))
	fmt.Fprintf(b, `    <data key="g_generated">%s</data>`+"\n", stamp(c.Generated))
	fmt.Fprintf(b, `    <data key="g_truncated">%t</data>`+"\n", c.Truncated)
	for i, e := range c.Nodes {
		fmt.Fprintf(b, `    <node id="%s">`, esc(e.ID))
		for j, col := range ncols {
			if v := nodeRows[i][col.name]; v != "" {
				fmt.Fprintf(b, `<data key="n%d">%s</data>`, j, esc(v))
			}
		}
		b.WriteString("</node>\n")
	}
	for i, l := range c.Links {
		fmt.Fprintf(b, `    <edge id="%s" source="%s" target="%s">`, esc(LinkID(l.ID)), esc(l.From), esc(l.To))
		for j, col := range ecols {
			if v := edgeRows[i][col.name]; v != "" {
				fmt.Fprintf(b, `<data key="e%d">%s</data>`, j, esc(v))
			}
		}
		b.WriteString("</edge>\n")
	}
	b.WriteString("  </graph>\n</graphml>\n")
	return b.Flush()
}

func graphmlType(c column) string {
	if c.numeric {
		return "double"
	}
	return "string"
}

// esc escapes text for XML content and attribute values alike. Characters
// XML 1.0 cannot carry at all are replaced: the stores refuse control
// characters, but an export must stay well-formed whatever it is given.
func esc(s string) string {
	var b xmlText
	xml.EscapeText(&b, []byte(s))
	return string(b)
}

type xmlText []byte

func (t *xmlText) Write(p []byte) (int, error) {
	*t = append(*t, p...)
	return len(p), nil
}
