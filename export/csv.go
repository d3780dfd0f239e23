package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"time"
)

// writeCSVZip writes nodes.csv and edges.csv in one zip archive: the two
// tables every spreadsheet and most graph tools import, one download.
func writeCSVZip(w io.Writer, c Chart) error {
	nodeRows, edgeRows := rows(c)
	z := zip.NewWriter(w)
	// A fixed time in the archive keeps the same network's export the same
	// file; the generation time is in the rows' provenance and the title.
	header := func(name string) (io.Writer, error) {
		return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: c.Generated.UTC().Truncate(time.Second)})
	}
	nw, err := header("nodes.csv")
	if err != nil {
		return err
	}
	ncols := columns(nodeFixed, nodeRows)
	if err := table(nw, []string{"id"}, ncols, len(c.Nodes), func(i int) []string { return []string{c.Nodes[i].ID} }, nodeRows); err != nil {
		return err
	}
	ew, err := header("edges.csv")
	if err != nil {
		return err
	}
	ecols := columns(edgeFixed, edgeRows)
	if err := table(ew, []string{"id", "source", "target"}, ecols, len(c.Links), func(i int) []string {
		l := c.Links[i]
		return []string{LinkID(l.ID), l.From, l.To}
	}, edgeRows); err != nil {
		return err
	}
	return z.Close()
}

// table writes a header of lead names and columns, then one row per element.
func table(w io.Writer, lead []string, cols []column, n int, leadOf func(int) []string, rows []map[string]string) error {
	cw := csv.NewWriter(w)
	head := append([]string(nil), lead...)
	for _, c := range cols {
		head = append(head, c.name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		rec := leadOf(i)
		for _, c := range cols {
			rec = append(rec, rows[i][c.name])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
