package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/access/accesstest"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// answer is one record's outcome as a client reads it, whatever the entry
// point: its position in the batch (0-based), status, code, field, reason.
type answer struct {
	Pos                         int
	Status, Code, Field, Reason string
}

// mixedCall is a call record of the batch below.
func mixedCall(agency, id, caller, callee string) ingest.Record {
	return ingest.Record{Type: ingest.TypeCall, Agency: agency, RecordID: id, Caller: caller, Callee: callee,
		Start: "2026-05-01T09:00:00+07:00", Visibility: "DOMESTIC"}
}

// mixedBatch is a batch of the Thai cyber police's enricher: a record
// already stored, two new ones, one of them resent within the batch, a
// malformed one, records of another agency and another country, and
// records describing a suspect and a case another agency filed.
var mixedBatch = []ingest.Record{
	mixedCall("", "MIX-OLD", "0816660009", "0816660010"),
	mixedCall("", "MIX-NEW-1", "0816660001", "0816660002"),
	mixedCall("TH-CCIB", "MIX-NEW-2", "0816660003", "0816660004"),
	mixedCall("", "MIX-BAD", "not a number", "0816660005"),
	mixedCall("TH-NBTC", "MIX-NBTC", "0816660006", "0816660007"),
	{Type: ingest.TypeCall, Agency: "TH-CCIB", Country: "KH", RecordID: "MIX-KH", Caller: "0816660008", Callee: "0816660002",
		Start: "2026-05-01T09:00:00+07:00", Visibility: "DOMESTIC"},
	mixedCall("", "MIX-NEW-1", "0816660001", "0816660002"),
	{Type: ingest.TypeSuspectRecord, SuspectRef: "KH-GDNP:W-MIX", Names: []string{"Somchai"},
		Uses: []ingest.Involved{{Role: "phone", Identifier: "0816660011"}}},
	{Type: ingest.TypeVictimReport, CaseRef: "KH-GDNP:2569-MIX", ReportedAt: "2026-05-03",
		Involved: []ingest.Involved{{Role: "caller", Identifier: "0816660012"}}},
}

// mixedWant is what every entry point must answer, written out by hand.
var mixedWant = []answer{
	{0, "DUPLICATE", "", "", ""},
	{1, "ACCEPTED", "", "", ""},
	{2, "ACCEPTED", "", "", ""},
	{3, "REJECTED", intel.CodeBadUserInput, "caller", ""},
	{4, "REJECTED", intel.CodeForbidden, "agency", ""},
	{5, "REJECTED", intel.CodeForbidden, "country", ""},
	{6, "DUPLICATE", "", "", ""},
	{7, "REJECTED", intel.CodeBadUserInput, "suspectRef", ""},
	{8, "REJECTED", intel.CodeBadUserInput, "caseRef", ""},
}

// mixedWritten are the entities of the two new records: all the audit may name.
var mixedWritten = []string{"PhoneNumber:+66816660001", "PhoneNumber:+66816660002", "PhoneNumber:+66816660003", "PhoneNumber:+66816660004"}

// TestMixedBatchAnswersAlikeEverywhere sends one mixed batch by the
// mutation, by the NDJSON stream and by `import --server`, on both stores:
// every record gets the same answer (code, field and reason) through each,
// and each request's audit entry names exactly the new records' entities.
func TestMixedBatchAnswersAlikeEverywhere(t *testing.T) {
	for _, backend := range []string{"embedded", "neo4j"} {
		var reasons map[int]string
		for _, path := range []string{"mutation", "stream", "import --server"} {
			t.Run(backend+"/"+path, func(t *testing.T) {
				ts, reg, key := mixedServer(t, backend)
				ingestMutationAs(t, ts.URL, key, mixedBatch[:1])
				var got []answer
				switch path {
				case "mutation":
					got = ingestMutationAs(t, ts.URL, key, mixedBatch)
				case "stream":
					got = ingestStreamAs(t, ts.URL, key, mixedBatch)
				default:
					got = importServerAs(t, ts.URL, key, mixedBatch)
				}
				for i, w := range mixedWant {
					if i >= len(got) {
						t.Fatalf("only %d answers: %+v", len(got), got)
					}
					g := got[i]
					if g.Pos != w.Pos || g.Status != w.Status || g.Code != w.Code || g.Field != w.Field {
						t.Errorf("record %d: %+v, want %+v", i, g, w)
					}
				}
				// The reasons are the same words whichever way the batch came.
				mine := map[int]string{}
				for _, g := range got {
					if g.Status == "REJECTED" {
						mine[g.Pos] = g.Reason
					}
				}
				if reasons == nil {
					reasons = mine
				} else if fmt.Sprint(mine) != fmt.Sprint(reasons) {
					t.Errorf("reasons %v, want those of the mutation %v", mine, reasons)
				}
				entry := lastWrite(t, reg)
				if !slices.Equal(entry.Entities, mixedWritten) || entry.Outcome != access.OutcomeOK {
					t.Errorf("audit entry %+v, want one naming exactly %v", entry, mixedWritten)
				}
			})
		}
	}
}

// mixedServer serves an empty store of the backend with the demo registry
// and returns the Thai enricher's key.
func mixedServer(t *testing.T, backend string) (*httptest.Server, *access.Registry, string) {
	t.Helper()
	ts, reg, _, key := emptyServer(t, backend)
	return ts, reg, key
}

// emptyServer is mixedServer with the store it serves, for a test that
// counts what the store holds.
func emptyServer(t *testing.T, backend string) (*httptest.Server, *access.Registry, intel.Store, string) {
	t.Helper()
	var store intel.Store
	var reg *access.Registry
	var keys []demo.Key
	if backend == "neo4j" {
		s := neo4jtest.Open(t)
		store = s
		reg, keys = accesstest.Neo4jRegistry(t, s)
	} else {
		s, err := embeddedstore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		store = s
		reg, keys = accesstest.Registry(t)
	}
	ts := httptest.NewServer(server.New(server.DefaultConfig(), usecase.New(store, reg, usecase.Options{}), nil, zerolog.Nop(), server.NewMetrics()).Handler())
	t.Cleanup(ts.Close)
	return ts, reg, store, demo.KeyFor(keys, "TH-CCIB", access.RoleEnricher)
}

// lastWrite is the newest WRITE entry of the Thai cyber police. The log is
// read page by page to its end: a Neo4j kept from earlier runs holds more
// entries than one page.
func lastWrite(t *testing.T, reg *access.Registry) access.AuditEntry {
	t.Helper()
	var last access.AuditEntry
	f := access.AuditFilter{Agency: "TH-CCIB", Limit: access.MaxAuditLimit}
	for {
		entries, err := reg.QueryAudit(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Kind == access.KindWrite {
				last = e
			}
		}
		if len(entries) < f.Limit {
			break
		}
		f.AfterSeq = entries[len(entries)-1].Seq
	}
	if last.Seq == 0 {
		t.Fatal("no write entry in the audit log")
	}
	return last
}

func postAs(t *testing.T, url, key, contentType string, body []byte) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s: %s", url, resp.Status, raw)
	}
	return raw
}

func ingestMutationAs(t *testing.T, base, key string, records []ingest.Record) []answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($r: [RecordInput!]!) { ingest(records: $r) { results { index status code field reason } } }`,
		"variables": map[string]any{"r": wire(t, records)}})
	var out struct {
		Data struct {
			Ingest struct {
				Results []struct {
					Index               int
					Status              string
					Code, Field, Reason *string
				}
			}
		}
		Errors []struct{ Message string }
	}
	raw := postAs(t, base+"/graphql", key, "application/json", body)
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("ingest mutation: %v %s", err, raw)
	}
	var got []answer
	for _, r := range out.Data.Ingest.Results {
		got = append(got, answer{Pos: r.Index, Status: r.Status, Code: str(r.Code), Field: str(r.Field), Reason: str(r.Reason)})
	}
	return got
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ndjson(t *testing.T, records []ingest.Record) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range wire(t, records) {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}

func ingestStreamAs(t *testing.T, base, key string, records []ingest.Record) []answer {
	t.Helper()
	raw := postAs(t, base+"/ingest", key, "application/x-ndjson", ndjson(t, records))
	var got []answer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stream line %q: %v", sc.Text(), err)
		}
		if r.Status == "" {
			if strings.Contains(sc.Text(), `"error"`) {
				t.Fatalf("stream stopped: %s", sc.Text())
			}
			continue // the totals line
		}
		got = append(got, answer{Pos: r.Line - 1, Status: string(r.Status), Code: r.Code, Field: r.Field, Reason: r.Reason})
	}
	return got
}

// importServerAs runs `scamgraph import --server` on the batch as a file
// and reads every record's answer back: the rejected ones from the rejects
// file, the others from the order of the file and the summary's counts.
func importServerAs(t *testing.T, base, key string, records []ingest.Record) []answer {
	t.Helper()
	dir := t.TempDir()
	input := filepath.Join(dir, "batch.ndjson")
	if err := os.WriteFile(input, ndjson(t, records), 0o600); err != nil {
		t.Fatal(err)
	}
	rejects := filepath.Join(dir, "rejects.ndjson")
	var out, errOut bytes.Buffer
	importMain(context.Background(), []string{"--server", base, "--key", key, "--progress", "never", "--resume=false",
		"--rejects", rejects, "--format", "ndjson", input}, &out, &errOut)
	summary := out.String() + errOut.String()
	rejected := map[int]answer{}
	raw, _ := os.ReadFile(rejects)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		rejected[r.Line-1] = answer{Pos: r.Line - 1, Status: string(r.Status), Code: r.Code, Field: r.Field, Reason: r.Reason}
	}
	// The command reports duplicates only as a count; it must match.
	var accepted, duplicate, nrejected int
	for _, w := range mixedWant {
		switch w.Status {
		case "ACCEPTED":
			accepted++
		case "DUPLICATE":
			duplicate++
		default:
			nrejected++
		}
	}
	if want := fmt.Sprintf("%d accepted, %d duplicate, %d rejected", accepted, duplicate, nrejected); !strings.Contains(summary, want) {
		t.Fatalf("import --server summary %q, want %q", summary, want)
	}
	var got []answer
	for i := range records {
		if a, ok := rejected[i]; ok {
			got = append(got, a)
		} else {
			got = append(got, answer{Pos: i, Status: mixedWant[i].Status})
		}
	}
	return got
}

// wire is records as a client sends them: a field left empty is left out
// (an empty country is no country, not an invalid one).
func wire(t *testing.T, records []ingest.Record) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(records))
	for i, r := range records {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			if v == "" {
				delete(m, k)
			}
		}
		out[i] = m
	}
	return out
}

// TestFulfilmentAnswersAndAuditsAlikeOnBothStores: an answer holding a
// malformed record is refused whole and writes nothing; one mixing a stored
// record and a new one is granted both facts, and its audit entry names the
// new record's entities only.
func TestFulfilmentAnswersAndAuditsAlikeOnBothStores(t *testing.T) {
	for _, backend := range []string{"embedded", "neo4j"} {
		t.Run(backend, func(t *testing.T) {
			ts, reg, key := mixedServer(t, backend)
			ctx := context.Background()
			ingestMutationAs(t, ts.URL, key, mixedBatch[:1])
			keys := map[access.Role]string{}
			for _, role := range []access.Role{access.RoleCoordinator} {
				for _, agency := range []string{"TH-CCIB", "KH-GDNP"} {
					_, tok, err := reg.CreateKey(ctx, "test", agency, role, "fulfilment test", time.Hour)
					if err != nil {
						t.Fatal(err)
					}
					keys[access.Role(agency+string(role))] = tok
				}
			}
			thCoord, khCoord := keys["TH-CCIBCOORDINATOR"], keys["KH-GDNPCOORDINATOR"]
			// The Neo4j registry outlives a test: pick the demo agreement
			// both coordinators serve, not whichever another test left first.
			agreements, err := reg.ListAgreements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			agreements = slices.DeleteFunc(agreements, func(a access.Agreement) bool {
				return !a.ActiveAt(time.Now()) || !a.IsCoordinator("TH-CCIB") || !a.IsCoordinator("KH-GDNP") || !a.Covers(intel.CategoryCallRecords)
			})
			if len(agreements) == 0 {
				t.Fatal("no active agreement that TH-CCIB and KH-GDNP coordinate")
			}
			created := graphQLAs(t, ts.URL, khCoord, `mutation($in: EvidenceRequestInput!) { requestEvidence(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"agreementId": agreements[0].ID, "entityId": "PhoneNumber:+66816660009",
					"categories": []string{"CALL_RECORDS"}, "description": "calls", "legalBasis": "MOU art. 3",
					"dueAt": time.Now().Add(72 * time.Hour).Format(time.RFC3339)}})
			id := created["requestEvidence"].(map[string]any)["id"].(string)
			graphQLAs(t, ts.URL, thCoord, `mutation($id: ID!) { acknowledgeEvidenceRequest(id: $id) { status } }`, map[string]any{"id": id})
			const fulfil = `mutation($id: ID!, $r: [RecordInput!]) { fulfilEvidenceRequest(id: $id, records: $r) { status grant { linkIds } } }`
			bad := wire(t, []ingest.Record{mixedBatch[1], mixedBatch[3]})
			if raw := graphQLRaw(t, ts.URL, thCoord, fulfil, map[string]any{"id": id, "r": bad}); !strings.Contains(raw, `"field":"records[1].caller"`) {
				t.Errorf("a malformed answer: %s, want BAD_USER_INPUT on records[1].caller", raw)
			}
			if ans := ingestMutationAs(t, ts.URL, key, mixedBatch[1:2]); ans[0].Status != "ACCEPTED" {
				t.Errorf("the refused answer stored its good record after all: %+v", ans)
			}
			// MIX-NEW-1 is now stored, MIX-NEW-2 is new.
			done := graphQLAs(t, ts.URL, thCoord, fulfil, map[string]any{"id": id, "r": wire(t, mixedBatch[1:3])})
			answer := done["fulfilEvidenceRequest"].(map[string]any)
			if answer["status"] != "FULFILLED" || len(answer["grant"].(map[string]any)["linkIds"].([]any)) != 2 {
				t.Fatalf("fulfilment %v, want both facts granted", answer)
			}
			entry := lastWrite(t, reg)
			if want := mixedWritten[2:]; entry.Operation != access.OpFulfilEvidence || !slices.Equal(entry.Entities, want) {
				t.Errorf("audit entry %+v, want the fulfilment naming %v", entry, want)
			}
		})
	}
}

func graphQLRaw(t *testing.T, base, key, query string, vars map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(postAs(t, base+"/graphql", key, "application/json", body))
}

func graphQLAs(t *testing.T, base, key, query string, vars map[string]any) map[string]any {
	t.Helper()
	raw := graphQLRaw(t, base, key, query, vars)
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("%s: %s", query, raw)
	}
	return out.Data
}

// malformedLines are NDJSON lines that are no record: cut short, not an
// object, a field of the wrong type, an unknown field. Only the stream
// and import --server can carry them (a GraphQL body is typed whole).
var malformedLines = []string{
	`{"type": "call", "caller": "0816660001", "callee": `,
	`["call", "0816660001", "0816660002"]`,
	`{"type": "call", "caller": 816660001, "callee": "0816660002", "start": "2026-05-01T09:00:00+07:00"}`,
	`{"type": "call", "calle": "0816660002"}`,
}

// TestMalformedLinesAnswerAlikeByStreamAndImport: each malformed line is
// that record's REJECTED answer, with the same code, field and reason
// whether the line went to POST /ingest or through import --server (which
// decodes it on the client's side), and a good line beside them is taken.
func TestMalformedLinesAnswerAlikeByStreamAndImport(t *testing.T) {
	ts, _, key := mixedServer(t, "embedded")
	good, err := json.Marshal(wire(t, mixedBatch[1:2])[0])
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(strings.Join(append(malformedLines, string(good)), "\n") + "\n")

	// The stream.
	raw := postAs(t, ts.URL+"/ingest", key, "application/x-ndjson", body)
	stream := map[int]answer{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stream line %q: %v", sc.Text(), err)
		}
		if r.Status != "" {
			stream[r.Line-1] = answer{Pos: r.Line - 1, Status: string(r.Status), Code: r.Code, Field: r.Field, Reason: r.Reason}
		}
	}

	// import --server.
	dir := t.TempDir()
	input, rejects := filepath.Join(dir, "malformed.ndjson"), filepath.Join(dir, "rejects.ndjson")
	if err := os.WriteFile(input, body, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	importMain(context.Background(), []string{"--server", ts.URL, "--key", key, "--progress", "never", "--resume=false",
		"--rejects", rejects, input}, &out, &errOut)
	imported := map[int]answer{}
	rej, _ := os.ReadFile(rejects)
	sc = bufio.NewScanner(bytes.NewReader(rej))
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		imported[r.Line-1] = answer{Pos: r.Line - 1, Status: string(r.Status), Code: r.Code, Field: r.Field, Reason: r.Reason}
	}

	for i := range malformedLines {
		s, m := stream[i], imported[i]
		if s.Status != "REJECTED" || s.Code != intel.CodeBadUserInput || s.Reason == "" {
			t.Errorf("line %d by stream: %+v, want REJECTED BAD_USER_INPUT with a reason", i+1, s)
		}
		if s != m {
			t.Errorf("line %d: stream answers %+v, import --server %+v", i+1, s, m)
		}
	}
	if s := stream[len(malformedLines)]; s.Status != "ACCEPTED" {
		t.Errorf("the good line beside them: %+v", s)
	}
	// The stream stored the good line; import --server finds it stored.
	if !strings.Contains(errOut.String(), "0 accepted, 1 duplicate, 4 rejected") {
		t.Errorf("import --server summary: %s", errOut.String())
	}
}
