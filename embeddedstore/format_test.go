package embeddedstore_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

// format1Fixture is a data file written by format 1's code (JSON records
// under the public ids; commit 155da05): the first 40 entities and links
// of each batch of demo.Generate at scale 0.0003, a phone number with raw
// forms, markers, attributes and personal data, a call whose confidence
// has nine decimals, and a retracted call.
const format1Fixture = "testdata/format1.db.gz"

// format1JSON reads the records of a format 1 file as format 1's code
// wrote them.
func format1JSON(t *testing.T, path string) (map[string]intel.Entity, map[string]intel.Link, string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entities, links := map[string]intel.Entity{}, map[string]intel.Link{}
	var instance string
	err = db.View(func(tx *bolt.Tx) error {
		instance = string(tx.Bucket([]byte("meta")).Get([]byte("instance")))
		if err := tx.Bucket([]byte("entities")).ForEach(func(k, v []byte) error {
			var e intel.Entity
			err := json.Unmarshal(v, &e)
			entities[string(k)] = e
			return err
		}); err != nil {
			return err
		}
		return tx.Bucket([]byte("links")).ForEach(func(k, v []byte) error {
			var l intel.Link
			err := json.Unmarshal(v, &l)
			links[string(k)] = l
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return entities, links, instance
}

// unpackFixture writes the format 1 fixture into a fresh data directory.
func unpackFixture(t *testing.T) string {
	t.Helper()
	f, err := os.Open(format1Fixture)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, embeddedstore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOpenRewritesFormat1 opens a file written by format 1's code and
// checks that every entity and link reads back exactly as format 1 stored
// it, before and after a reopen, that the file no longer holds format 1's
// buckets, and that the store takes writes afterwards.
func TestOpenRewritesFormat1(t *testing.T) {
	ctx := context.Background()
	dir := unpackFixture(t)
	path := filepath.Join(dir, embeddedstore.FileName)
	wantEntities, wantLinks, instance := format1JSON(t, path)
	retracted := 0
	for _, l := range wantLinks {
		if l.Retraction != nil {
			retracted++
		}
	}
	if len(wantEntities) < 100 || len(wantLinks) < 100 || retracted == 0 {
		t.Fatalf("fixture holds %d entities, %d links, %d retracted: not the fixture this test was written for",
			len(wantEntities), len(wantLinks), retracted)
	}

	check := func(s *embeddedstore.Store) {
		t.Helper()
		gotEntities, err := s.GetEntities(ctx, slices.Collect(maps.Keys(wantEntities)))
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range wantEntities {
			if got := gotEntities[id]; !reflect.DeepEqual(got, want) {
				t.Fatalf("entity %s:\n got %#v\nwant %#v", id, got, want)
			}
		}
		gotLinks, err := s.GetLinks(ctx, slices.Collect(maps.Keys(wantLinks)))
		if err != nil {
			t.Fatal(err)
		}
		for id, want := range wantLinks {
			if got := gotLinks[id]; !reflect.DeepEqual(got, want) {
				t.Fatalf("link %s:\n got %#v\nwant %#v", id, got, want)
			}
		}
		if e, l := s.Counts(); e != len(wantEntities) || l != len(wantLinks) {
			t.Fatalf("counts %d entities, %d links; want %d, %d", e, l, len(wantEntities), len(wantLinks))
		}
		if got, _ := s.InstanceID(ctx); got != instance {
			t.Fatalf("instance %q after the rewrite, want %q", got, instance)
		}
		// The adjacency is rebuilt from the rewritten links: the fixture
		// phone's neighbours are its one call that is not retracted.
		page, err := s.Neighbours(ctx, intel.NeighbourQuery{ID: "PhoneNumber:+66811111111", First: 10})
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 1 || page.Items[0].Link.EventKey != "fixture-call-1" {
			t.Fatalf("fixture phone's neighbours: %+v", page)
		}
	}
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"entities", "links"} {
			if tx.Bucket([]byte(name)) != nil {
				t.Errorf("format 1's bucket %q is still in the file", name)
			}
		}
		if v := tx.Bucket([]byte("meta")).Get([]byte("format")); string(v) != "2" {
			t.Errorf("format %q, want 2", v)
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = MustOpen(t, dir)
	check(s)
	l := intel.Link{Type: intel.LinkCalled, From: "PhoneNumber:+66811111111", To: "PhoneNumber:+66822222222",
		EventKey: "after-rewrite", Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 1,
			ObservedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}}
	l.Normalize()
	if _, err := s.Upsert(ctx, intel.Batch{Links: []intel.Link{l}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = MustOpen(t, dir)
	got, err := s.GetLinks(ctx, []string{l.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got[l.ID].EventKey != "after-rewrite" || got[l.ID].To != l.To {
		t.Fatalf("link written after the rewrite reads back as %+v", got[l.ID])
	}
}
