package ingest

import "io"

// SliceDecoder serves records already in memory (the GraphQL mutation's
// list) through the same pipeline as files; Line is the 0-based index.
type SliceDecoder struct {
	records []Record
	next    int
}

// NewSliceDecoder decodes records in order.
func NewSliceDecoder(records []Record) *SliceDecoder { return &SliceDecoder{records: records} }

// Next returns the next record, or io.EOF.
func (d *SliceDecoder) Next() (Raw, error) {
	if d.next >= len(d.records) {
		return Raw{}, io.EOF
	}
	i := d.next
	d.next++
	return Raw{Line: i, Offset: int64(i + 1), Record: d.records[i]}, nil
}
