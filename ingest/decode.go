package ingest

import (
	"io"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// Raw is one input record and where it came from, so that a rejection can
// be reported against the line a person can open, and an interrupted import
// can resume just past the last record it wrote.
type Raw struct {
	// Line is the 1-based line the record starts on (for CSV the physical
	// line, the header being line 1).
	Line int
	// Offset is the byte offset just past this record: where reading
	// resumes to continue after it.
	Offset int64
	// Record is the decoded record. When Err is set it may be incomplete
	// and is kept only for reporting (its Type and RecordID).
	Record Record
	// Err, when set, is why this line could not be decoded: an *intel.Error
	// of code EINVALID whose Field names the column or JSON field at fault
	// ("" when the line as a whole is unreadable). The record is rejected;
	// the stream goes on.
	Err error
	// Text is the record as it stood in the input (a CSV row re-quoted),
	// so that a rejects file can show exactly what was refused.
	Text string
}

// Decoder reads records one at a time, so that input of any size streams
// through in constant memory.
type Decoder interface {
	// Next returns the next record, io.EOF at the end of the input, or
	// another error when the input itself fails (an I/O error), after which
	// the decoder is unusable. A malformed line is not an error of Next: it
	// comes back as a Raw with Err set.
	Next() (Raw, error)
}

// The input formats NewDecoder reads.
const (
	FormatNDJSON = "ndjson"
	FormatCSV    = "csv"
)

// maxLineBytes bounds one input line (one NDJSON record, one CSV line), so
// that a corrupt or hostile file cannot make a decoder hold unbounded data.
// Real records are a few hundred bytes.
const maxLineBytes = 1 << 20

// utf8BOM is what spreadsheet programs put before a UTF-8 file.
const utf8BOM = "\ufeff"

// NewDecoder returns the decoder for format ("ndjson" or "csv"). typ, when
// not "", is the type of every record: records that do not say their type
// get it, and records that name another type are rejected (a file of call
// records with a transfer in it is a mistake worth reporting). For CSV, typ
// "" means the file must have a type column.
func NewDecoder(r io.Reader, format string, typ RecordType) (Decoder, error) {
	if err := checkFileType(typ); err != nil {
		return nil, err
	}
	switch strings.ToLower(strings.TrimSpace(format)) {
	case FormatNDJSON, "jsonl", "json":
		d := NewNDJSONDecoder(r)
		if typ == "" {
			return d, nil
		}
		return typedDecoder{d, typ}, nil
	case FormatCSV:
		return NewCSVDecoder(r, typ)
	}
	return nil, fieldErr("format", "unknown input format %q (want ndjson or csv)", format)
}

// checkFileType accepts "" or a known record type.
func checkFileType(typ RecordType) error {
	if typ == "" {
		return nil
	}
	if _, ok := mappers[typ]; !ok {
		return fieldErr("type", "unknown record type %q (want one of %s)", typ, typeList())
	}
	return nil
}

// typedDecoder applies a file's record type to every record of an NDJSON stream.
type typedDecoder struct {
	Decoder
	typ RecordType
}

func (d typedDecoder) Next() (Raw, error) {
	raw, err := d.Decoder.Next()
	if err == nil && raw.Err == nil {
		raw.Err = applyType(&raw.Record, d.typ)
	}
	return raw, err
}

// applyType gives rec the file's type, or rejects it when it names another.
func applyType(rec *Record, typ RecordType) error {
	got := RecordType(strings.ToLower(strings.TrimSpace(string(rec.Type))))
	switch {
	case typ == "":
	case got == "":
		rec.Type = typ
	case got != typ:
		return fieldErr("type", "is %q, but this input was read as %s records", rec.Type, typ)
	}
	return nil
}

// lineErr is a reason a whole line cannot be read, with no one field at fault.
func lineErr(format string, args ...any) error {
	return intel.Errorf(intel.EINVALID, "", format, args...)
}

// unknownField rejects a field or column Record does not have, naming the
// closest field when the name looks like a typo of one ("calle").
func unknownField(name, what string) error {
	best, bestDist := "", 3 // suggest only within two edits
	for _, known := range csvFieldNames {
		if d := intel.EditDistance(strings.ToLower(name), strings.ToLower(known)); d < bestDist || (d == bestDist && known < best) {
			best, bestDist = known, d
		}
	}
	if best != "" {
		return fieldErr(name, "unknown %s %q: did you mean %q? (see examples/README.md for the fields of each record type)", what, name, best)
	}
	return fieldErr(name, "unknown %s %q: see examples/README.md for the fields of each record type", what, name)
}
