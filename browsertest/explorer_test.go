package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
)

// explorerVisit is what web/test/explorer.mjs reports.
type explorerVisit struct {
	CallsBeforeKey      int               `json:"callsBeforeKey"`
	RevokedMessage      string            `json:"revokedMessage"`
	IntrospectionStatus int               `json:"introspectionStatus"`
	SchemaTypes         int               `json:"schemaTypes"`
	Tabs                int               `json:"tabs"`
	ProblemAfterGoodKey int               `json:"problemAfterGoodKey"`
	RunStatus           int               `json:"runStatus"`
	RunHeaders          map[string]string `json:"runHeaders"`
	RunKey              *string           `json:"runKey"`
	RunErrors           []any             `json:"runErrors"`
	SessionHasKey       bool              `json:"sessionHasKey"`
	LocalHasKey         bool              `json:"localHasKey"`
	ForeignRequests     []string          `json:"foreignRequests"`
	Failures            []string          `json:"failures"`
	Refused             []string          `json:"refused"`
	Error               string            `json:"error"`
}

// readmeExamples counts the README's example queries, which the explorer
// must open as tabs.
func readmeExamples(t *testing.T) int {
	readme, err := os.ReadFile(filepath.Join(webDir(t), "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	start := strings.Index(s, "\n## Example queries")
	if start < 0 {
		t.Fatal("README.md has no Example queries section")
	}
	s = s[start+1:]
	if end := strings.Index(s[3:], "\n## "); end >= 0 {
		s = s[:end+3]
	}
	return len(regexp.MustCompile("(?m)^```graphql$").FindAllString(s, -1))
}

func TestExplorerWorksOfflineWithAKeyFromTheForm(t *testing.T) {
	mustBrowser(t)
	ts, reg, keys := demoServer(t)
	good := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	// A second key of the same agency, revoked: the page must say so.
	k, revoked, err := reg.CreateKey(context.Background(), "test", "TH-CCIB", access.RoleAnalyst, "laptop", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RevokeKey(context.Background(), "test", k.ID, "laptop lost"); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artefacts(t), "explorer.png")
	var v explorerVisit
	runScript(t, "explorer.mjs", &v, ts.URL, good, revoked, shot)
	if v.Error != "" {
		t.Fatalf("the visit failed: %s", v.Error)
	}
	if len(v.ForeignRequests) > 0 {
		t.Errorf("the page asked other hosts: %v", v.ForeignRequests)
	}
	if len(v.Failures) > 0 {
		t.Errorf("the page logged errors: %v", v.Failures)
	}
	// The revoked key's calls are the only ones refused.
	for _, r := range v.Refused {
		if r != "401 /graphql" {
			t.Errorf("the page got %s", r)
		}
	}
	if len(v.Refused) == 0 {
		t.Errorf("the revoked key was never refused")
	}
	if v.CallsBeforeKey != 0 {
		t.Errorf("%d calls to /graphql before a key was entered, want 0", v.CallsBeforeKey)
	}
	if !strings.Contains(v.RevokedMessage, "revoked") {
		t.Errorf("a revoked key's message is %q, want one that says it is revoked", v.RevokedMessage)
	}
	if v.IntrospectionStatus != 200 || v.SchemaTypes < 20 {
		t.Errorf("schema load: status %d, %d types", v.IntrospectionStatus, v.SchemaTypes)
	}
	if want := readmeExamples(t); v.Tabs != want {
		t.Errorf("%d tabs, want the README's %d example queries", v.Tabs, want)
	}
	if v.ProblemAfterGoodKey != 0 {
		t.Errorf("the key problem stayed on screen after a good key was entered")
	}
	if v.RunStatus != 200 || v.RunKey == nil || *v.RunKey == "" || len(v.RunErrors) > 0 {
		t.Errorf("running the first example: status %d, key %v, errors %v", v.RunStatus, v.RunKey, v.RunErrors)
	}
	if got := v.RunHeaders["authorization"]; got != "Bearer "+good {
		t.Errorf("the query went out with Authorization %q, want the entered key", got)
	}
	if got := v.RunHeaders["x-purpose"]; got != "CASE-2026-0001" {
		t.Errorf("the query went out with X-Purpose %q", got)
	}
	if !v.SessionHasKey || v.LocalHasKey {
		t.Errorf("key in session storage: %v, in local storage: %v; want only session", v.SessionHasKey, v.LocalHasKey)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Errorf("no screenshot at %s: %v", shot, err)
	}
}
