package apitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// writersBatch is the batch every writer sends: n synthetic calls of the
// key's own agency, with the first tenth sent twice within the batch.
func writersBatch(n int) []ingest.Record {
	var recs []ingest.Record
	for i := range n + n/10 {
		r := ingest.SyntheticCall(i % n)
		r.Agency, r.Country = "", ""
		recs = append(recs, r)
	}
	return recs
}

// TestEightWritersSendingTheSameBatch has eight clients send the same batch
// at once, four through the ingest mutation and four through the streaming
// import, to each store: no request and no record fails, and the store
// then holds each call once. The calls are counted through the API, from
// each distinct caller's outgoing and each callee's incoming CALLED links,
// not with the store's own counters.
func TestEightWritersSendingTheSameBatch(t *testing.T) {
	const n = 120
	recs := writersBatch(n)
	emb, err := embeddedstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emb.Close() })
	for _, b := range []backend{{name: "embedded", store: emb}, {name: "neo4j", store: neo4jtest.Open(t)}} {
		t.Run(b.name, func(t *testing.T) {
			ts, _, _ := serveAs(t, b, "TH-CCIB", access.RoleEnricher, rulesOn)
			start := time.Now()
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			statuses := make(chan map[string]int, 8)
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var got map[string]int
					var err error
					if w%2 == 0 {
						got, err = ingestByMutation(ts.URL, recs)
					} else {
						got, err = ingestByStream(ts.URL, recs)
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d: %w", w, err)
						return
					}
					statuses <- got
				}()
			}
			wg.Wait()
			took := time.Since(start)
			close(errs)
			close(statuses)
			for err := range errs {
				t.Error(err)
			}
			all := map[string]int{}
			for s := range statuses {
				for k, v := range s {
					all[k] += v
				}
			}
			if all["REJECTED"] > 0 || all["ACCEPTED"]+all["DUPLICATE"] != 8*len(recs) {
				t.Errorf("record answers %v over %d records sent by 8 writers: want every one ACCEPTED or DUPLICATE", all, 8*len(recs))
			}
			if all["ACCEPTED"] < n {
				t.Errorf("%d records answered ACCEPTED, fewer than the %d distinct calls", all["ACCEPTED"], n)
			}
			out, in := countCalls(t, ts.URL, recs)
			if out != n || in != n {
				t.Errorf("the store holds %d calls counted from the callers and %d from the callees, want %d each: duplicates or losses", out, in, n)
			}
			t.Logf("%s: 8 writers × %d records in %s: %d ACCEPTED, %d DUPLICATE, 0 REJECTED; %d calls stored, 0 duplicates",
				b.name, len(recs), took.Round(time.Millisecond), all["ACCEPTED"], all["DUPLICATE"], out)
		})
	}
	if _, links := emb.Counts(); links != n {
		t.Errorf("embedded store counts %d links, want %d", links, n)
	}
}

func recordInputs(recs []ingest.Record) []map[string]any {
	var out []map[string]any
	for _, r := range recs {
		out = append(out, map[string]any{"type": "call", "recordId": r.RecordID, "caller": r.Caller,
			"callee": r.Callee, "start": r.Start, "durationSec": *r.DurationSec, "answered": *r.Answered,
			"evidenceRef": r.EvidenceRef, "legalBasis": r.LegalBasis, "visibility": r.Visibility})
	}
	return out
}

func ingestByMutation(url string, recs []ingest.Record) (map[string]int, error) {
	r, err := query(http.DefaultClient, url, `mutation($r: [RecordInput!]!) { ingest(records: $r) { results { status reason } } }`,
		map[string]any{"r": recordInputs(recs)})
	if err != nil {
		return nil, err
	}
	var data struct {
		Ingest struct {
			Results []struct{ Status, Reason string }
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		return nil, err
	}
	got := map[string]int{}
	for _, res := range data.Ingest.Results {
		got[res.Status]++
		if res.Status == "REJECTED" {
			return got, fmt.Errorf("a record was rejected: %s", res.Reason)
		}
	}
	return got, nil
}

func ingestByStream(url string, recs []ingest.Record) (map[string]int, error) {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return nil, err
		}
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/ingest", &body)
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", res.StatusCode)
	}
	got := map[string]int{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var line struct {
			Status string          `json:"status"`
			Reason string          `json:"reason"`
			Totals json.RawMessage `json:"totals"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return got, fmt.Errorf("answer line %q: %w", sc.Text(), err)
		}
		if line.Totals != nil {
			continue
		}
		got[line.Status]++
		if line.Status == "REJECTED" {
			return got, fmt.Errorf("a record was rejected: %s", line.Reason)
		}
	}
	return got, sc.Err()
}

// countCalls sums the CALLED links out of each distinct caller and into
// each distinct callee of recs, as a client reads them.
func countCalls(t *testing.T, url string, recs []ingest.Record) (out, in int) {
	t.Helper()
	count := func(numbers map[string]bool, dir string) int {
		total := 0
		for num := range numbers {
			r, err := query(http.DefaultClient, url, `query($q: String!, $d: Direction) { lookup(identifier: $q, kind: PhoneNumber) {
				entity { links(types: [CALLED], direction: $d, first: 1) { totalCount } } } }`, map[string]any{"q": num, "d": dir})
			if err != nil {
				t.Fatal(err)
			}
			var data struct {
				Lookup struct {
					Entity *struct {
						Links struct{ TotalCount int }
					}
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil || data.Lookup.Entity == nil {
				t.Fatalf("lookup of %s: %s, %v", num, r.Data, err)
			}
			total += data.Lookup.Entity.Links.TotalCount
		}
		return total
	}
	callers, callees := map[string]bool{}, map[string]bool{}
	for _, r := range recs {
		callers[r.Caller], callees[r.Callee] = true, true
	}
	return count(callers, "OUT"), count(callees, "IN")
}
