// Package scalars holds the GraphQL scalars of the schema that need more
// than gqlgen's built-ins: their input errors speak the domain's error
// vocabulary (EINVALID, naming what is wrong), so that a client who sends
// a malformed value gets BAD_USER_INPUT rather than an internal error.
package scalars

import (
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/scamgraph/scamgraph/intel"
)

// MarshalTime writes a time as gqlgen does: RFC 3339 with nanoseconds.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, `"`+t.Format(time.RFC3339Nano)+`"`)
	})
}

// UnmarshalTime reads a time in the forms gqlgen's built-in Time accepts
// (RFC 3339, with or without fractions, or "2006-01-02 15:04:05"); any
// other value is EINVALID. The field is left for the error presenter to
// fill in from the path, which ends in the argument's name.
func UnmarshalTime(v any) (time.Time, error) {
	if s, ok := v.(string); ok {
		t, err := graphql.UnmarshalTime(s)
		if err != nil {
			return time.Time{}, intel.Errorf(intel.EINVALID, "", "%q is not a time: want RFC 3339, e.g. 2024-05-01T10:00:00+07:00", s)
		}
		return t, nil
	}
	if v == nil {
		return time.Time{}, nil
	}
	return time.Time{}, intel.Errorf(intel.EINVALID, "", "is not a string: want an RFC 3339 time, e.g. 2024-05-01T10:00:00+07:00")
}
