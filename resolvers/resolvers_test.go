package resolvers_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/graph"
	"github.com/scamgraph/scamgraph/loaders"
	"github.com/scamgraph/scamgraph/resolvers"
	"github.com/scamgraph/scamgraph/usecase"
)

// newClient runs the real executable schema over the use cases of an
// embedded store, every request made by the demo key of agency and role.
func newClient(t *testing.T, agency string, role access.Role) *client.Client {
	t.Helper()
	return newClientOver(t, openStore(t), agency, role)
}

// openStore opens an empty embedded store for one test.
func openStore(t *testing.T) *embeddedstore.Store {
	t.Helper()
	store, err := embeddedstore.Open(filepath.Join(t.TempDir(), "graph"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// newClientOver is newClient over a given store.
func newClientOver(t *testing.T, store *embeddedstore.Store, agency string, role access.Role) *client.Client {
	t.Helper()
	reg, keys := accesstest.Registry(t)
	svc := usecase.New(store, reg, usecase.Options{})
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolvers.Resolver{Service: svc}}))
	srv.AddTransport(transport.POST{})
	tok := demo.KeyFor(keys, agency, role)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := svc.Authenticate(r.Context(), usecase.Credentials{Token: tok})
		if err != nil {
			t.Errorf("authenticate: %v", err)
			return
		}
		ctx := loaders.With(usecase.WithCaller(r.Context(), c), loaders.New(svc.Reader(c)))
		srv.ServeHTTP(w, r.WithContext(ctx))
	})
	return client.New(h)
}

func TestLookupMapsTheParse(t *testing.T) {
	c := newClient(t, "TH-CCIB", access.RoleAnalyst)
	var resp struct {
		Lookup struct {
			Valid      bool
			Key        *string
			Kind       *string
			NumberType *string
			Region     string
			Error      *string
			Entity     *struct{ ID string }
		}
	}
	c.MustPost(`{ lookup(identifier: "081-234-5678") { valid key kind numberType region error entity { id } } }`, &resp)
	l := resp.Lookup
	if !l.Valid || l.Key == nil || *l.Key != "+66812345678" || l.Kind == nil || *l.Kind != "PhoneNumber" || l.Region != "TH" || l.Entity != nil {
		t.Errorf("lookup %+v", l)
	}
	c.MustPost(`{ lookup(identifier: "no such thing at all", kind: PhoneNumber) { valid key kind numberType region error entity { id } } }`, &resp)
	if resp.Lookup.Valid || resp.Lookup.Error == nil || *resp.Lookup.Error == "" {
		t.Errorf("an unreadable identifier: %+v, want valid false with the reason", resp.Lookup)
	}
}

func TestArgumentErrorsNameTheField(t *testing.T) {
	c := newClient(t, "TH-CCIB", access.RoleCoordinator)
	for _, tc := range []struct{ query, field string }{
		{`{ node(id: "nonsense") { id } }`, "id"},
		{`{ network(seeds: ["PhoneNumber:+66812345678"], limit: 0) { nodeCount } }`, "limit"},
		{`{ network(seeds: ["Link:called-x"]) { nodeCount } }`, "seeds[0]"},
		{`mutation { fulfilEvidenceRequest(id: "R-1", linkIds: ["PhoneNumber:+66812345678"]) { id } }`, "linkIds[0]"},
	} {
		var resp map[string]any
		err := c.Post(tc.query, &resp)
		if err == nil || !strings.Contains(err.Error(), `"field":"`+tc.field+`"`) && !strings.Contains(err.Error(), tc.field+":") {
			t.Errorf("%s: %v, want an error on %s", tc.query, err, tc.field)
		}
	}
}

func TestUpsertReportsEachItem(t *testing.T) {
	c := newClient(t, "TH-CCIB", access.RoleEnricher)
	var resp struct {
		Upsert struct {
			Accepted, Rejected int
			Entities           []struct {
				Index       int
				Status      string
				ID          *string
				Code, Field *string
			}
		}
	}
	c.MustPost(`mutation { upsert(input: { entities: [
		{ kind: PhoneNumber, identifier: "081-234-5678", label: "hub" },
		{ kind: PhoneNumber, identifier: "12" },
		{ kind: Suspect, identifier: "TH-CCIB:S-1" } ] }) { accepted rejected entities { index status id code field } } }`, &resp)
	u := resp.Upsert
	if u.Accepted != 1 || u.Rejected != 2 || len(u.Entities) != 3 {
		t.Fatalf("upsert %+v", u)
	}
	if e := u.Entities[0]; e.Status != "ACCEPTED" || e.ID == nil || *e.ID != "PhoneNumber:+66812345678" {
		t.Errorf("accepted item %+v", e)
	}
	if e := u.Entities[1]; e.Status != "REJECTED" || *e.Code != "BAD_USER_INPUT" || *e.Field != "entities[1].identifier" {
		t.Errorf("malformed item %+v", e)
	}
	if e := u.Entities[2]; e.Status != "REJECTED" || *e.Field != "entities[2].kind" {
		t.Errorf("suspect item %+v", e)
	}
}

func TestARoleNotAllowedIsForbidden(t *testing.T) {
	c := newClient(t, "TH-CCIB", access.RoleAnalyst)
	var resp map[string]any
	err := c.Post(`mutation { ingest(records: []) { totals { records } } }`, &resp)
	if err == nil || !strings.Contains(err.Error(), "needs the role ENRICHER or ADMIN") {
		t.Errorf("an analyst's ingest: %v", err)
	}
}
