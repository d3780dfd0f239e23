package access_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// BenchmarkAccessAuthenticate measures what every API request pays before
// it does anything: one lookup by key id and a constant-time compare.
func BenchmarkAccessAuthenticate(b *testing.B) {
	b.Run("Bolt", func(b *testing.B) {
		rec, err := access.OpenBolt(filepath.Join(b.TempDir(), "access.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer rec.Close()
		benchAuthenticate(b, rec)
	})
	b.Run("Neo4j", func(b *testing.B) {
		d := mustDriver(b)
		mustWipe(b, d)
		rec, err := access.NewNeo4jRecords(context.Background(), d, os.Getenv("NEO4J_DATABASE"))
		if err != nil {
			b.Fatal(err)
		}
		benchAuthenticate(b, rec)
	})
}

func benchAuthenticate(b *testing.B, rec access.Records) {
	ctx := context.Background()
	reg := access.New(rec, nil)
	if _, err := reg.CreateAgency(ctx, "bench", access.Agency{Code: "TH-CCIB", Name: "CCIB", Country: intel.RegionTH}); err != nil {
		b.Fatal(err)
	}
	// Other keys exist, as they would in service.
	for i := 0; i < 100; i++ {
		if _, _, err := reg.CreateKey(ctx, "bench", "TH-CCIB", access.RoleAnalyst, "", 0); err != nil {
			b.Fatal(err)
		}
	}
	_, tok, err := reg.CreateKey(ctx, "bench", "TH-CCIB", access.RoleAnalyst, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for b.Loop() {
		if _, err := reg.Authenticate(ctx, tok, now); err != nil {
			b.Fatal(err)
		}
	}
}
