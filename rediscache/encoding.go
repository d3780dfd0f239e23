package rediscache

import (
	"encoding/json"
	"fmt"
)

// A cached value starts with one byte that says how the rest is encoded, so
// that a new encoding can be introduced while old values are still cached:
// a reader skips (treats as a miss) any tag it does not know. A lease (see
// lease.go) starts with its own tag and is never mistaken for a value.
const (
	tagJSONv1 = '1'
	tagLease  = '~'
)

// encode turns a value into its cached form: the version tag and its JSON.
// JSON of the intel types themselves (not of a copy with short field names)
// means a field added to intel.Entity is cached without a change here; the
// key prefix carries a version to bump if an encoding ever must change
// incompatibly.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("rediscache: encode %T: %w", v, err)
	}
	return string(tagJSONv1) + string(b), nil
}

// decode reads a cached value into v. ok is false for anything that is not a
// value in the current encoding (a lease, an unknown tag, damaged JSON): the
// caller treats it as a miss. Decoding allocates fresh memory, so every
// caller gets its own deep copy.
func decode(s string, v any) bool {
	if len(s) == 0 || s[0] != tagJSONv1 {
		return false
	}
	return json.Unmarshal([]byte(s[1:]), v) == nil
}
