package access_test

import (
	"path/filepath"
	"testing"

	"github.com/scamgraph/scamgraph/access"
)

// boltHarness gives each check its own file in a temporary directory.
func boltHarness() harness {
	paths := map[access.Records]string{}
	return harness{
		open: func(t *testing.T) access.Records {
			path := filepath.Join(t.TempDir(), "access.db")
			b, err := access.OpenBolt(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			paths[b] = path
			return b
		},
		reopen: func(t *testing.T, old access.Records) access.Records {
			path := paths[old]
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			b, err := access.OpenBolt(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			paths[b] = path
			return b
		},
	}
}

func TestAccessBoltFileIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "access.db")
	b, err := access.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := access.OpenBolt(path); err == nil {
		t.Fatal("a second OpenBolt of the same file succeeded; bbolt files are single-process")
	}
}
