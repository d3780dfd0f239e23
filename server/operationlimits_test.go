package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/server"
)

// aliased is a query asking for __typename under n aliases.
func aliased(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	return b.String() + " }"
}

// directed is a query with n @include directives.
func directed(n int) string {
	return "{" + strings.Repeat(" __typename @include(if: true)", n) + " }"
}

// tokens is a query of exactly n lexical tokens: { and } and n-2 names.
func tokens(n int) string {
	return "{" + strings.Repeat(" __typename", n-2) + " }"
}

// fragmentFan is a document whose fragments spread the next one twice,
// levels deep, with one alias at the bottom: 2^levels aliases in all,
// from a document of a few dozen tokens.
func fragmentFan(levels int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { t: __typename }\n", levels)
	return b.String()
}

// TestOperationLimitsNameTheLimit checks each limit of one operation at its
// default (GraphQL Armor's: 15 aliases, 50 directives, 1000 tokens) and one
// past it: at the limit the query runs, past it the answer is
// BAD_USER_INPUT naming the limit and the allowance, never a 5xx.
func TestOperationLimitsNameTheLimit(t *testing.T) {
	cfg := server.DefaultConfig()
	if cfg.AliasLimit != 15 || cfg.DirectiveLimit != 50 || cfg.TokenLimit != 1000 || cfg.ComplexityLimit != 5000 {
		t.Fatalf("defaults moved from GraphQL Armor's: %+v", cfg)
	}
	ts := MustServer(t, embeddedtest.Open(t), cfg)
	cases := []struct {
		name     string
		ok, over string
		inMsg    string
	}{
		{"Aliases", aliased(15), aliased(16), "16 aliases, at most 15 allowed"},
		{"Directives", directed(50), directed(51), "51 directives, at most 50 allowed"},
		{"Tokens", tokens(1000), tokens(1001), "more than 1000 tokens, at most 1000 allowed"},
		{"AliasesThroughFragments", fragmentFan(3), fragmentFan(4), "16 aliases, at most 15 allowed"},
		{"AliasesThroughAFragmentFanOfAMillion", fragmentFan(3), fragmentFan(20), "1048576 aliases"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := post(t, ts, c.ok, nil); r.Status != http.StatusOK || len(r.Errors) > 0 {
				t.Errorf("at the limit: status %d body %.300s", r.Status, r.Raw)
			}
			r := post(t, ts, c.over, nil)
			if r.Status >= 500 || len(r.Errors) == 0 {
				t.Fatalf("past the limit: status %d body %.300s", r.Status, r.Raw)
			}
			if r.code(0) != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, c.inMsg) {
				t.Errorf("past the limit: code %q message %q, want BAD_USER_INPUT with %q", r.code(0), r.Errors[0].Message, c.inMsg)
			}
			if _, ok := r.Data["__typename"]; ok {
				t.Errorf("past the limit the query ran: %.300s", r.Raw)
			}
		})
	}
	t.Run("Configurable", func(t *testing.T) {
		cfg := server.DefaultConfig()
		cfg.AliasLimit, cfg.DirectiveLimit, cfg.TokenLimit = 2, 1, 0
		ts := MustServer(t, embeddedtest.Open(t), cfg)
		if r := post(t, ts, aliased(3), nil); !strings.Contains(r.Raw, "at most 2 allowed") {
			t.Errorf("alias limit 2: %.300s", r.Raw)
		}
		if r := post(t, ts, directed(2), nil); !strings.Contains(r.Raw, "at most 1 allowed") {
			t.Errorf("directive limit 1: %.300s", r.Raw)
		}
		if r := post(t, ts, tokens(1200), nil); len(r.Errors) > 0 {
			t.Errorf("token limit 0 is no limit: %.300s", r.Raw)
		}
	})
}

// TestOversizedBodyIs413 sends a body over the limit with its length
// announced and, chunked, without: both answer 413 with BAD_USER_INPUT.
func TestOversizedBodyIs413(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxBodyBytes = 4096
	ts := MustServer(t, embeddedtest.Open(t), cfg)
	big := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 8192) + `"}}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("Chunked=%v", chunked), func(t *testing.T) {
			var body io.Reader = strings.NewReader(big)
			if chunked {
				// A reader of unknown length makes the client send chunks.
				body = io.MultiReader(strings.NewReader(big))
			}
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", body)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r := readResponse(t, res)
			if r.Status != http.StatusRequestEntityTooLarge || r.code(0) != "BAD_USER_INPUT" ||
				!strings.Contains(r.Errors[0].Message, "4096") {
				t.Errorf("status %d body %.300s", r.Status, r.Raw)
			}
		})
	}
}
