package embeddedstore_test

import (
	"path/filepath"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/registrytest"
	"github.com/scamgraph/scamgraph/embeddedstore"
)

// TestAccessRecordsConformance runs the registry's suite over bbolt, each
// check in a file of its own; a restart closes the file and opens it again.
func TestAccessRecordsConformance(t *testing.T) {
	paths := map[access.Records]string{}
	open := func(t *testing.T, path string) access.Records {
		r, err := embeddedstore.OpenAccessRecords(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		paths[r] = path
		return r
	}
	registrytest.Run(t, registrytest.Harness{
		Open: func(t *testing.T) access.Records { return open(t, filepath.Join(t.TempDir(), "access.db")) },
		Reopen: func(t *testing.T, old access.Records) access.Records {
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, paths[old])
		},
	})
}

func TestAccessRecordsFileIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "access.db")
	r, err := embeddedstore.OpenAccessRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := embeddedstore.OpenAccessRecords(path); err == nil {
		t.Fatal("a second OpenAccessRecords of the same file succeeded; bbolt files are single-process")
	}
}
