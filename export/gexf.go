package export

import (
	"bufio"
	"fmt"
	"io"
)

// writeGEXF writes GEXF 1.2 (the version Gephi and NetworkX both read):
// attributes declared per class, each element's non-empty values as
// <attvalue>, edges labelled with their link type.
func writeGEXF(w io.Writer, c Chart) error {
	b := bufio.NewWriter(w)
	nodeRows, edgeRows := rows(c)
	ncols, ecols := columns(nodeFixed, nodeRows), columns(edgeFixed, edgeRows)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">` + "\n")
	fmt.Fprintf(b, `  <meta lastmodifieddate="%s"><creator>ScamGraph</creator><description>%s</description></meta>`+"\n",
		c.Generated.UTC().Format("2006-01-02"), esc(fmt.Sprintf("%s, for %s at %s%s", c.Title, c.Reader, stamp(c.Generated), truncNote(c.Truncated))))
	b.WriteString(`  <graph defaultedgetype="directed" mode="static">` + "\n")
	declare := func(class string, cols []column) {
		fmt.Fprintf(b, `    <attributes class="%s">`+"\n", class)
		for i, col := range cols {
			typ := "string"
			if col.numeric {
				typ = "double"
			}
			fmt.Fprintf(b, `      <attribute id="%d" title="%s" type="%s"/>`+"\n", i, esc(col.name), typ)
		}
		b.WriteString("    </attributes>\n")
	}
	declare("node", ncols)
	declare("edge", ecols)
	b.WriteString("    <nodes>\n")
	for i, e := range c.Nodes {
		fmt.Fprintf(b, `      <node id="%s" label="%s"><attvalues>`, esc(e.ID), esc(label(e)))
		attvalues(b, ncols, nodeRows[i])
		b.WriteString("</attvalues></node>\n")
	}
	b.WriteString("    </nodes>\n    <edges>\n")
	for i, l := range c.Links {
		fmt.Fprintf(b, `      <edge id="%s" source="%s" target="%s" label="%s"><attvalues>`,
			esc(LinkID(l.ID)), esc(l.From), esc(l.To), esc(string(l.Type)))
		attvalues(b, ecols, edgeRows[i])
		b.WriteString("</attvalues></edge>\n")
	}
	b.WriteString("    </edges>\n  </graph>\n</gexf>\n")
	return b.Flush()
}

func attvalues(b *bufio.Writer, cols []column, row map[string]string) {
	for i, col := range cols {
		if v := row[col.name]; v != "" {
			fmt.Fprintf(b, `<attvalue for="%d" value="%s"/>`, i, esc(v))
		}
	}
}

func truncNote(t bool) string {
	if t {
		return " (truncated by a cap)"
	}
	return ""
}
