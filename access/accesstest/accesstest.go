// Package accesstest gives tests a real registry (bbolt in a temporary
// directory) holding the demo world's agencies, its agreement and a fresh
// set of demo keys, and a way to send a key with every request.
package accesstest

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// Registry opens a registry with the demo agencies, the 2022 MOU (active)
// and one demo key per agency and role, on bbolt as the embedded store
// keeps it.
func Registry(t testing.TB) (*access.Registry, []demo.Key) {
	t.Helper()
	rec, err := embeddedstore.OpenAccessRecords(filepath.Join(t.TempDir(), "access.db"))
	if err != nil {
		t.Fatal(err)
	}
	return setUp(t, rec)
}

// Neo4jRegistry is Registry kept in the Neo4j of store, sharing its
// driver as the service does. Registry nodes of earlier tests stay: the
// audit log is append-only, so tests look for what they wrote themselves.
func Neo4jRegistry(t testing.TB, store *neo4jstore.Store) (*access.Registry, []demo.Key) {
	t.Helper()
	return setUp(t, store.AccessRecords())
}

func setUp(t testing.TB, rec access.Records) (*access.Registry, []demo.Key) {
	reg := access.New(rec, time.Now)
	t.Cleanup(func() { reg.Close() })
	keys, err := demo.SetUpAccess(context.Background(), reg, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return reg, keys
}

// WithKey sends token as the bearer key of every request that carries no
// Authorization header of its own, so that tests about something else
// than keys go through the real authentication.
func WithKey(h http.Handler, token string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(w, r)
	})
}
