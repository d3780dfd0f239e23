package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// csvDecoder reads one record per CSV row, by a header of Record field names.
type csvDecoder struct {
	cr      *csv.Reader
	setters []cellSetter // one per column, in header order
	typ     RecordType
	bom     int64
	err     error // the fatal error, returned again by every later call
}

// cellSetter stores one cell's text in its Record field.
type cellSetter func(rec *Record, cell string) error

// NewCSVDecoder reads CSV as spreadsheets and database exports write it:
// a header row of Record field names (the JSON names, in any letter case
// and order; unused columns may be left out), then one record per row.
// Quoted cells may span lines; Line is the line a row starts on.
//
// typ is the type of every row. The type column may then be left out, or
// left empty in a row; a row whose type column names another type is
// rejected. With typ "" the type column is required.
//
// Lists are written in one cell, items separated by '|': names and
// documents as "Somchai|สมชาย", involved and uses as
// "role=identifier|role=kind:identifier", where role= and kind: are
// optional (see examples/README.md). Numeric and true/false columns are
// checked here, so that "12s" in durationSec is reported against its
// column and line.
//
// A header naming an unknown or repeated column is an error of the whole
// file, returned here.
func NewCSVDecoder(r io.Reader, typ RecordType) (Decoder, error) {
	if err := checkFileType(typ); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&lineGuard{r: r}, 64<<10)
	d := &csvDecoder{typ: typ}
	if lead, _ := br.Peek(len(utf8BOM)); bytes.Equal(lead, []byte(utf8BOM)) {
		_, _ = br.Discard(len(utf8BOM))
		d.bom = int64(len(utf8BOM))
	}
	d.cr = csv.NewReader(br)
	d.cr.FieldsPerRecord = -1 // rows of the wrong width are reported per line, below
	d.cr.ReuseRecord = true
	header, err := d.cr.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return nil, lineErr("the input is empty: a CSV file starts with a header row of field names")
	case errors.As(err, &pe):
		return nil, lineErr("the header row is not valid CSV: %v", pe.Err)
	case err != nil:
		return nil, err
	}
	if err := d.readHeader(header); err != nil {
		return nil, err
	}
	return d, nil
}

// readHeader maps each column to the Record field it fills.
func (d *csvDecoder) readHeader(header []string) error {
	seen := map[string]bool{}
	for _, h := range header {
		name := strings.TrimSpace(h)
		field, ok := csvFieldNames[strings.ToLower(name)]
		switch {
		case name == "":
			return fieldErr("", "the header has an empty column name; every column needs a Record field name")
		case !ok:
			return unknownField(name, "column")
		case seen[field]:
			return fieldErr(field, "column %q appears twice in the header", name)
		}
		seen[field] = true
		d.setters = append(d.setters, csvSetters[field])
	}
	if d.typ == "" && !seen["type"] {
		return fieldErr("type", "the file has no type column: add one, or give the type of every row (e.g. --type call)")
	}
	return nil
}

// Next returns the next row's record.
func (d *csvDecoder) Next() (Raw, error) {
	if d.err != nil {
		return Raw{}, d.err
	}
	row, err := d.cr.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return Raw{}, io.EOF
	case errors.As(err, &pe):
		return Raw{Line: pe.StartLine, Offset: d.offset(),
			Err: lineErr("not valid CSV at line %d, column %d: %v", pe.Line, pe.Column, pe.Err)}, nil
	case err != nil:
		d.err = err
		return Raw{}, err
	}
	line, _ := d.cr.FieldPos(0)
	raw := Raw{Line: line, Offset: d.offset(), Text: csvText(row)}
	if len(row) != len(d.setters) {
		raw.Err = lineErr("has %d columns, but the header has %d", len(row), len(d.setters))
		return raw, nil
	}
	for i, cell := range row {
		if err := d.setters[i](&raw.Record, cell); err != nil {
			raw.Err = err
			return raw, nil
		}
	}
	raw.Err = applyType(&raw.Record, d.typ)
	return raw, nil
}

func (d *csvDecoder) offset() int64 { return d.cr.InputOffset() + d.bom }

// csvSetters holds the setter of every Record field, by JSON name, and
// csvFieldNames the JSON names by their lower-case form. They are derived
// from Record's tags, so that a field added to Record is a column at once.
var csvSetters, csvFieldNames = recordColumns()

func recordColumns() (map[string]cellSetter, map[string]string) {
	setters, names := map[string]cellSetter{}, map[string]string{}
	t := reflect.TypeFor[Record]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if set := columnSetter(i, name, f.Type); set != nil && name != "" && name != "-" {
			setters[name], names[strings.ToLower(name)] = set, name
		}
	}
	return setters, names
}

// columnSetter builds the setter of field i by its Go type; nil means the
// type has no CSV form (and the field is then no column).
func columnSetter(i int, name string, t reflect.Type) cellSetter {
	field := func(rec *Record) reflect.Value { return reflect.ValueOf(rec).Elem().Field(i) }
	switch t {
	case reflect.TypeFor[string](), reflect.TypeFor[RecordType]():
		return func(rec *Record, cell string) error { field(rec).SetString(cell); return nil }
	case reflect.TypeFor[*int]():
		return func(rec *Record, cell string) error {
			if cell = strings.TrimSpace(cell); cell == "" {
				return nil
			}
			n, err := strconv.Atoi(foldDecimal(cell))
			if err != nil {
				return fieldErr(name, "%q is not a whole number", cell)
			}
			field(rec).Set(reflect.ValueOf(&n))
			return nil
		}
	case reflect.TypeFor[*float64]():
		return func(rec *Record, cell string) error {
			if cell = strings.TrimSpace(cell); cell == "" {
				return nil
			}
			x, err := strconv.ParseFloat(foldDecimal(cell), 64)
			if err != nil {
				return fieldErr(name, "%q is not a number", cell)
			}
			field(rec).Set(reflect.ValueOf(&x))
			return nil
		}
	case reflect.TypeFor[*bool]():
		return func(rec *Record, cell string) error {
			b, ok, err := parseBoolCell(name, cell)
			if ok {
				field(rec).Set(reflect.ValueOf(&b))
			}
			return err
		}
	case reflect.TypeFor[[]string]():
		return func(rec *Record, cell string) error {
			field(rec).Set(reflect.ValueOf(splitList(cell)))
			return nil
		}
	case reflect.TypeFor[[]Involved]():
		return func(rec *Record, cell string) error {
			field(rec).Set(reflect.ValueOf(parseInvolvedCell(cell)))
			return nil
		}
	}
	return nil
}

// parseBoolCell reads the ways spreadsheets write a yes or no.
func parseBoolCell(name, cell string) (value, ok bool, err error) {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "":
		return false, false, nil
	case "true", "t", "yes", "y", "1":
		return true, true, nil
	case "false", "f", "no", "n", "0":
		return false, true, nil
	}
	return false, false, fieldErr(name, "%q is not true or false (also accepted: yes/no, y/n, 1/0)", cell)
}

// splitList reads a list cell: items separated by '|', blanks dropped.
func splitList(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, "|") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseInvolvedCell reads "role=identifier|role=kind:identifier". A role is
// the text before the first '=' unless that text holds ':', '@', ';' or
// '/', which put the '=' inside an identifier (a SIP URI parameter); a kind
// is the text before the first ':' when it names a kind ("BankAccount:"),
// since identifiers have colons of their own ("sip:", "TH:004:", "line:").
// What the items say is checked by Map, against "involved[i]" fields.
func parseInvolvedCell(cell string) []Involved {
	var out []Involved
	for _, s := range splitList(cell) {
		var inv Involved
		if role, rest, ok := strings.Cut(s, "="); ok && !strings.ContainsAny(role, ":@;/") {
			inv.Role, s = strings.TrimSpace(role), rest
		}
		if kind, rest, ok := strings.Cut(s, ":"); ok {
			if _, err := intel.ParseKind(strings.TrimSpace(kind)); err == nil {
				inv.Kind, s = strings.TrimSpace(kind), rest
			}
		}
		inv.Identifier = strings.TrimSpace(s)
		out = append(out, inv)
	}
	return out
}

// lineGuard fails the input when a line grows past maxLineBytes: a CSV
// reader would otherwise hold a whole corrupt file as one line. The error
// is fatal, since a CSV reader cannot find the next row in such input.
type lineGuard struct {
	r      io.Reader
	run    int   // bytes since the last newline
	offset int64 // bytes read so far
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for rest := p[:n]; ; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			g.run += len(rest)
			break
		}
		if g.run+i > maxLineBytes {
			g.run += i
			break
		}
		g.run, rest = 0, rest[i+1:]
	}
	if g.run > maxLineBytes {
		return 0, lineErr("a line after byte %d is longer than %d bytes: this does not look like a CSV file of records", g.offset, maxLineBytes)
	}
	g.offset += int64(n)
	return n, err
}

// csvText writes a row back as one CSV line, for rejects files.
func csvText(row []string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(row)
	w.Flush()
	return strings.TrimRight(b.String(), "\r\n")
}
