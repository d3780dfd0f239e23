package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
)

// ndjsonDecoder reads one JSON object per line.
type ndjsonDecoder struct {
	r      *bufio.Reader
	line   int
	offset int64
	buf    []byte
	err    error // the fatal error, returned again by every later call
}

// NewNDJSONDecoder reads newline-delimited JSON: one Record object per line,
// as jq -c and most export tools write it. Blank lines are skipped; a line
// longer than 1 MiB, a line that is not one JSON object, and a field the
// Record does not have are per-line errors, so that a typo in a field name
// is reported instead of silently dropping the field's value.
func NewNDJSONDecoder(r io.Reader) Decoder {
	return &ndjsonDecoder{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next non-blank line's record.
func (d *ndjsonDecoder) Next() (Raw, error) {
	if d.err != nil {
		return Raw{}, d.err
	}
	for {
		line, n, tooLong, err := d.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			d.err = err
			return Raw{}, err
		}
		if n == 0 {
			return Raw{}, io.EOF
		}
		d.line++
		d.offset += n
		raw := Raw{Line: d.line, Offset: d.offset}
		if tooLong {
			raw.Err = lineErr("the line is longer than %d bytes; one record is a few hundred", maxLineBytes)
			return raw, nil
		}
		if d.line == 1 {
			line = bytes.TrimPrefix(line, []byte(utf8BOM))
		}
		if line = bytes.TrimSpace(line); len(line) == 0 {
			continue
		}
		raw.Record, raw.Err = decodeJSONRecord(line)
		raw.Text = string(line)
		return raw, nil
	}
}

// readLine returns the next line with its line end, the number of bytes it
// took in the input, and whether it was cut for being too long; the rest
// of a long line is skipped without being kept.
func (d *ndjsonDecoder) readLine() (line []byte, n int64, tooLong bool, err error) {
	d.buf = d.buf[:0]
	for {
		chunk, err := d.r.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong {
			if len(d.buf)+len(chunk) > maxLineBytes+2 { // room for "\r\n"
				tooLong, d.buf = true, d.buf[:0]
			} else {
				d.buf = append(d.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return d.buf, n, tooLong, err
	}
}

// decodeJSONRecord decodes one line into a Record.
func decodeJSONRecord(line []byte) (Record, error) {
	var rec Record
	if line[0] != '{' {
		return rec, lineErr("not a JSON object: each line must hold one {...} record")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return partialRecord(line), jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return partialRecord(line), lineErr("text after the JSON object; put each record on its own line")
	}
	return rec, nil
}

// partialRecord reads what it can of a line that failed, for reporting.
func partialRecord(line []byte) Record {
	var rec Record
	_ = json.Unmarshal(line, &rec) // best effort: the line's own error has been reported
	return Record{Type: rec.Type, RecordID: rec.RecordID}
}

// jsonError turns an encoding/json error into a per-line error naming the
// field, in words that do not assume the reader knows Go.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return lineErr("not valid JSON: %s (at byte %d)", strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset)
	case errors.As(err, &typeErr):
		return fieldErr(typeErr.Field, "is a JSON %s; want %s", typeErr.Value, jsonTypeName(typeErr.Type))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return lineErr("not valid JSON: the object is not closed")
	}
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		return unknownField(name, "field")
	}
	return lineErr("not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonTypeName says what a Record field holds.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list of {\"role\", \"kind\", \"identifier\"} objects"
	case reflect.Struct:
		return "a {\"role\", \"kind\", \"identifier\"} object"
	}
	return t.String()
}
