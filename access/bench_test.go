package access_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// BenchmarkAccessAuthenticate measures what every API request pays before
// it does anything: one lookup by key id and a constant-time compare.
func BenchmarkAccessAuthenticate(b *testing.B) {
	b.Run("Bolt", func(b *testing.B) {
		rec, err := embeddedstore.OpenAccessRecords(filepath.Join(b.TempDir(), "access.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer rec.Close()
		benchAuthenticate(b, rec)
	})
	b.Run("Neo4j", func(b *testing.B) {
		rec := neo4jtest.AccessRecords(b)
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

// BenchmarkAccessRequestCosts measures what the rules add to one request
// besides authentication, on each backend: reading the terms in force (the
// agreements and the reader's grants) and appending the audit entry of a
// cross-border read, the latter from 16 concurrent requests as a loaded
// server makes them.
func BenchmarkAccessRequestCosts(b *testing.B) {
	for _, backend := range []string{"Bolt", "Neo4j"} {
		var rec access.Records
		if backend == "Bolt" {
			r, err := embeddedstore.OpenAccessRecords(filepath.Join(b.TempDir(), "access.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			rec = r
		} else {
			rec = neo4jtest.AccessRecords(b)
		}
		ctx := context.Background()
		reg := access.New(rec, nil)
		b.Run(backend+"/terms", func(b *testing.B) {
			for b.Loop() {
				if _, err := reg.SharedCategories(ctx, intel.RegionKH, time.Now()); err != nil {
					b.Fatal(err)
				}
				if _, err := reg.GrantsFor(ctx, "KH-GDNP"); err != nil {
					b.Fatal(err)
				}
			}
		})
		// One appender at a time: what one durable audit write costs,
		// with nobody to share its commit.
		b.Run(backend+"/audit-append/serial", func(b *testing.B) {
			for b.Loop() {
				e := access.AuditEntry{Agency: "KH-GDNP", Country: intel.RegionKH, Role: access.RoleAnalyst, KeyID: "k",
					Operation: "query lookup", Kind: access.KindRead, Outcome: access.OutcomeOK,
					Entities: []string{"PhoneNumber:+66812345678"}, DataCountries: []intel.Region{intel.RegionTH}}
				if _, err := reg.AppendAudit(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend+"/audit-append/parallel=16", func(b *testing.B) {
			b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 appenders
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e := access.AuditEntry{Agency: "KH-GDNP", Country: intel.RegionKH, Role: access.RoleAnalyst, KeyID: "k",
						Operation: "query lookup", Kind: access.KindRead, Outcome: access.OutcomeOK,
						Entities: []string{"PhoneNumber:+66812345678"}, DataCountries: []intel.Region{intel.RegionTH}}
					if _, err := reg.AppendAudit(ctx, e); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
