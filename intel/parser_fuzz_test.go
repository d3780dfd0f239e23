package intel_test

import (
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// FuzzDecodeCursor asserts that any text given as a cursor (a client's
// "after" argument) decodes or fails with EINVALID naming "after", never
// panics, and that a cursor the API made decodes back to its position.
func FuzzDecodeCursor(f *testing.F) {
	f.Add("", int64(0), "link")
	f.Add("MTcwMDAwMDAwMHxs", int64(1700000000), "CALLED:a:b")
	f.Add("zzz", int64(-1), "|")
	f.Fuzz(func(t *testing.T, text string, at int64, linkID string) {
		if n, id, err := intel.DecodeCursor(text); err != nil {
			if intel.ErrorCode(err) != intel.EINVALID || intel.ErrorField(err) != "after" {
				t.Fatalf("cursor %q: error %v is not EINVALID on after", text, err)
			}
		} else if id == "" {
			t.Fatalf("cursor %q decodes to position %d with no link id", text, n)
		}
		if linkID == "" {
			return
		}
		n, id, err := intel.DecodeCursor(intel.EncodeCursor(at, linkID))
		if err != nil || n != at || id != linkID {
			t.Fatalf("EncodeCursor(%d, %q) decodes to %d, %q, %v", at, linkID, n, id, err)
		}
	})
}

// FuzzEntityID asserts that any text given as an entity id either splits
// into a known kind and a non-empty key that join back into the same id,
// or is refused by StubEntity with EINVALID naming "id"; and that kind and
// region names parse in any letter case or fail with EINVALID.
func FuzzEntityID(f *testing.F) {
	f.Add("PhoneNumber:+66812345678")
	f.Add("BankAccount:TH:014:4071829305")
	f.Add(":")
	f.Add("phonenumber:")
	f.Add("kh")
	f.Fuzz(func(t *testing.T, id string) {
		kind, key, ok := intel.SplitEntityID(id)
		e, err := intel.StubEntity(id)
		if ok {
			if key == "" || !kind.Valid() || intel.EntityID(kind, key) != id || err != nil || e.ID != id {
				t.Fatalf("%q splits into %q, %q but joins into %q (stub %v, %v)", id, kind, key, intel.EntityID(kind, key), e.ID, err)
			}
		} else if intel.ErrorCode(err) != intel.EINVALID || intel.ErrorField(err) != "id" {
			t.Fatalf("%q: stub error %v is not EINVALID on id", id, err)
		}
		if k, err := intel.ParseKind(id); err == nil {
			if !strings.EqualFold(string(k), id) {
				t.Fatalf("ParseKind(%q) = %q", id, k)
			}
		} else if intel.ErrorCode(err) != intel.EINVALID {
			t.Fatalf("ParseKind(%q): %v", id, err)
		}
		if r, err := intel.ParseRegion(id); err == nil {
			if !strings.EqualFold(string(r), id) {
				t.Fatalf("ParseRegion(%q) = %q", id, r)
			}
		} else if intel.ErrorCode(err) != intel.EINVALID {
			t.Fatalf("ParseRegion(%q): %v", id, err)
		}
	})
}
