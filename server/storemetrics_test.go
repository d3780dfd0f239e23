package server_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/conformance"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
)

// The metrics decorator is a Store like any other, so it runs the suite.
func TestInstrumentedStoreConformance(t *testing.T) {
	dirs := map[intel.Store]string{}
	open := func(t *testing.T, dir string) intel.Store {
		s, err := embeddedstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		w := server.Instrument(s, server.NewMetrics())
		dirs[w] = dir
		t.Cleanup(func() { w.Close() })
		return w
	}
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store { return open(t, t.TempDir()) },
		Reopen: func(t *testing.T, s intel.Store) intel.Store {
			s.Close()
			return open(t, dirs[s])
		},
	})
}
