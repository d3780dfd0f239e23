package intel_test

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// TestEncodeCursorFormat asserts that cursors keep their format (the
// base64 of "position|link id"), so that a cursor handed to a client
// before a release still pages after it, for link ids that fit the
// encoder's stack buffers and for those that do not.
func TestEncodeCursorFormat(t *testing.T) {
	for _, c := range []struct {
		at int64
		id string
	}{{0, "l"}, {-1, "link:abc"}, {1733000000000, "called:0812345678>0898765432@2024-12-01T10:00:00Z"},
		{1 << 62, strings.Repeat("x", 200)}, {-(1 << 62), strings.Repeat("ก", 40)}} {
		want := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.at, 10) + "|" + c.id))
		if got := intel.EncodeCursor(c.at, c.id); got != want {
			t.Errorf("EncodeCursor(%d, %q) = %q, want %q", c.at, c.id, got, want)
		}
		at, id, err := intel.DecodeCursor(intel.EncodeCursor(c.at, c.id))
		if err != nil || at != c.at || id != c.id {
			t.Errorf("DecodeCursor(EncodeCursor(%d, %q)) = %d, %q, %v", c.at, c.id, at, id, err)
		}
	}
}
