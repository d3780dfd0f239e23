package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
)

func gqlAs(t *testing.T, url, token, query string, vars map[string]any) (data map[string]any, errs []map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	_, raw := sendAs(t, req, token)
	var r struct {
		Data   map[string]any
		Errors []map[string]any
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return r.Data, r.Errors
}

func TestSearchThroughTheAPI(t *testing.T) {
	ts, _, keys := demoHandler(t)
	th := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	const q = `query($t: String!, $k: [EntityKind!], $n: Int) { search(text: $t, kinds: $k, first: $n) {
		entities { id kind label } endCursor } }`
	ids := func(data map[string]any) []string {
		var out []string
		for _, e := range data["search"].(map[string]any)["entities"].([]any) {
			out = append(out, e.(map[string]any)["id"].(string))
		}
		return out
	}
	// Thai digits, part of the number.
	data, errs := gqlAs(t, ts.URL, th, q, map[string]any{"t": "๕๕๕-๐๑๔๒"})
	if len(errs) > 0 || !strings.Contains(strings.Join(ids(data), " "), exportSeed) {
		t.Errorf("Thai digits: %v %v", data, errs)
	}
	// A page of one has a cursor; kinds narrow it.
	data, errs = gqlAs(t, ts.URL, th, q, map[string]any{"t": "66", "k": []string{"PhoneNumber"}, "n": 1})
	if len(errs) > 0 || len(ids(data)) != 1 || data["search"].(map[string]any)["endCursor"] == nil ||
		!strings.HasPrefix(ids(data)[0], "PhoneNumber:") {
		t.Errorf("first page: %v %v", data, errs)
	}
	// A mistake names the argument.
	for vars, field := range map[string]map[string]any{
		"text":  {"t": "x"},
		"first": {"t": "somchai", "n": 101},
	} {
		_, errs := gqlAs(t, ts.URL, th, q, field)
		if len(errs) != 1 || errs[0]["extensions"].(map[string]any)["code"] != "BAD_USER_INPUT" ||
			errs[0]["extensions"].(map[string]any)["field"] != vars {
			t.Errorf("%v: %v, want BAD_USER_INPUT naming %s", field, errs, vars)
		}
	}
}
