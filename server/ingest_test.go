package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore/embeddedtest"
	"github.com/scamgraph/scamgraph/server"
)

const goodCall = `{"type":"call","agency":"TH-CCIB","country":"TH","recordId":"CDR-1","caller":"081-234-5678","callee":"+855 12 345 678","start":"2024-05-01T10:00:00+07:00","durationSec":95}`

func TestIngestStreamAnswersEveryRecordInOrder(t *testing.T) {
	s := embeddedtest.Open(t)
	ts := MustServer(t, s, server.DefaultConfig())
	body := strings.Join([]string{
		goodCall,
		`{"type":"call","agency":"TH-CCIB","country":"TH","recordId":"CDR-2","caller":"hello","callee":"0812345678","start":"2024-05-01T10:00:00Z"}`,
		`{not json`,
		goodCall,
	}, "\n")
	res, err := http.Post(ts.URL+"/ingest", "application/x-ndjson", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("answer line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 5 {
		t.Fatalf("%d answer lines, want 4 results and totals: %v", len(lines), lines)
	}
	want := []string{"ACCEPTED", "REJECTED", "REJECTED", "DUPLICATE"}
	for i, w := range want {
		if lines[i]["status"] != w || lines[i]["line"] != float64(i+1) {
			t.Errorf("line %d: %v, want %s", i+1, lines[i], w)
		}
	}
	if lines[1]["field"] != "caller" {
		t.Errorf("rejection names %v, want caller", lines[1]["field"])
	}
	totals, _ := lines[4]["totals"].(map[string]any)
	if totals["accepted"] != 1.0 || totals["rejected"] != 2.0 || totals["duplicate"] != 1.0 {
		t.Errorf("totals %v", totals)
	}
	if _, links := s.Counts(); links != 1 {
		t.Errorf("%d links stored, want 1", links)
	}
}

func TestIngestMutationReportsEachRecord(t *testing.T) {
	s := embeddedtest.Open(t)
	ts := MustServer(t, s, server.DefaultConfig())
	r := post(t, ts, `mutation($r: [RecordInput!]!) { ingest(records: $r) { totals { records accepted duplicate rejected }
		results { index status type code field reason } } }`, map[string]any{"r": []any{
		map[string]any{"type": "transfer", "agency": "TH-CCIB", "country": "TH", "fromAccount": "KBANK 123-4-56789-0",
			"toAccount": "SCB 409-2-71234-5", "amount": "49999.50", "currency": "THB", "time": "2024-05-01T10:00:00Z"},
		map[string]any{"type": "transfer", "agency": "TH-CCIB", "country": "TH", "fromAccount": "KBANK 123-4-56789-0",
			"toAccount": "SCB 409-2-71234-5", "amount": "-5", "currency": "THB", "time": "2024-05-01T10:00:00Z"},
		map[string]any{"type": "victim_report", "agency": "TH-CCIB", "country": "TH", "caseRef": "TH-CCIB:2567-000123",
			"reportedAt": "2024-05-02T09:00:00+07:00", "scamType": "hybrid_investment", "loss": "49999.50", "currency": "THB",
			"involved": []any{map[string]any{"role": "caller", "identifier": "081-234-5678"},
				map[string]any{"role": "line_id", "identifier": "line:invest.guru"}}},
	}})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", r.Raw)
	}
	res := dig(r.Data, "ingest", "results").([]any)
	if dig(res, 0, "status") != "ACCEPTED" || dig(res, 1, "status") != "REJECTED" || dig(res, 2, "status") != "ACCEPTED" {
		t.Fatalf("results %v", res)
	}
	if dig(res, 1, "field") != "amount" || dig(res, 1, "code") != "BAD_USER_INPUT" {
		t.Errorf("rejection %v", dig(res, 1))
	}
	if dig(r.Data, "ingest", "totals", "accepted") != 2.0 {
		t.Errorf("totals %v", dig(r.Data, "ingest", "totals"))
	}
	r = post(t, ts, `{ lookup(identifier: "line:invest.guru") { kind key entity { summary { linkCounts { type count } } } } }`, nil)
	if dig(r.Data, "lookup", "kind") != "MessagingAccount" || dig(r.Data, "lookup", "entity", "summary", "linkCounts", 0, "type") != "REPORTED_IN" {
		t.Errorf("the reported LINE account: %s", r.Raw)
	}
}

// TestIngestStreamOutlivesTheServersWriteTimeout: an enrichment job's stream
// runs as long as it runs; the server's write timeout (set for ordinary
// requests) must not cut it off mid-answer.
func TestIngestStreamOutlivesTheServersWriteTimeout(t *testing.T) {
	s := embeddedtest.Open(t)
	ts := MustServer(t, s, server.DefaultConfig())
	ts.Config.WriteTimeout = 300 * time.Millisecond
	ts.Config.ReadTimeout = 300 * time.Millisecond
	pr, pw := io.Pipe()
	go func() {
		// Records trickle in for longer than both timeouts.
		for i := 0; i < 6; i++ {
			fmt.Fprintf(pw, `{"type":"call","agency":"TH-CCIB","country":"TH","recordId":"SLOW-%d","caller":"081-234-5678","callee":"+855 12 345 678","start":"2024-05-01T10:00:00+07:00","durationSec":95}`+"\n", i)
			time.Sleep(150 * time.Millisecond)
		}
		pw.Close()
	}()
	res, err := http.Post(ts.URL+"/ingest", "application/x-ndjson", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("the stream was cut: %v after %q", err, body)
	}
	if n := strings.Count(string(body), `"status":"ACCEPTED"`); n != 6 || !strings.Contains(string(body), `"totals"`) {
		t.Errorf("%d of 6 records answered, totals line present: %v\n%s", n, strings.Contains(string(body), `"totals"`), body)
	}
}
