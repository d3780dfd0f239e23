package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// exactRecord is one record of the generated batch with what the test
// knows of it independently of the mapper: the answer it must get, the
// warnings (as "CODE field"), and the entities and links it states, with
// ids built here from the input by the published key rules.
type exactRecord struct {
	rec      ingest.Record
	status   string
	warnings []string
	entities []string
	links    []exactLink
}

// exactLink is a link the store must hold: its id and ends.
type exactLink struct{ id, from, to string }

// exactPool are the numbers the generated calls ring among, as E.164 and
// as the nine national digits they are spelled from: Thai mobiles in the
// 06x ranges (the ones a careless "0066 6..." reading turns into fixed
// lines) and the 08x and 09x ranges.
var exactPool = []string{"610518337", "621234567", "812345678", "823456789", "912345678", "934567890", "651112222"}

// exactSpell writes nine national digits in spelling i: every form real
// feeds use for a Thai number, the ambiguous-looking 00 forms and a
// carrier IDD included, so that one number arrives with several prefixes.
func exactSpell(d string, i int) string {
	switch i % 7 {
	case 6:
		return "001 66 " + d
	case 1:
		return "+66 " + d[:2] + " " + d[2:5] + " " + d[5:]
	case 2:
		return "0066 " + d[:2] + " " + d[2:5] + " " + d[5:]
	case 3:
		return "0066" + d
	case 4:
		return "00 66 " + d
	case 5:
		return "+66 (0)" + d[:2] + "-" + d[2:5] + "-" + d[5:]
	}
	return "0" + d[:2] + "-" + d[2:5] + "-" + d[5:]
}

const exactAgency = "TH-CCIB"

// eventLinkID is the id of an event link as intel.LinkIdentity defines it.
func eventLinkID(t intel.LinkType, from, to, eventKey string) string {
	return intel.LinkIdentity(t, from, to, eventKey, exactAgency, time.Time{})
}

// digestKey is the person-key digest of the published rule: prefix and the
// first 16 bytes of SHA-256 over the parts joined by NUL, in hex.
func digestKey(prefix string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return prefix + hex.EncodeToString(h[:16])
}

// exactBatch generates the batch: calls among the pool in every spelling,
// resends, malformed rows, an ambiguous number, a call with a bad IMEI,
// subscriber data without and then with a document, a victim report with
// one bad identifier, a transfer and malformed ones.
func exactBatch() []exactRecord {
	var out []exactRecord
	start := time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC)
	phone := func(d string) string { return "PhoneNumber:+66" + d }
	for i := 0; i < 40; i++ {
		from, to := exactPool[i%len(exactPool)], exactPool[(i*3+1)%len(exactPool)]
		if from == to {
			to = exactPool[(i+2)%len(exactPool)]
		}
		id := fmt.Sprintf("EXACT-%03d", i)
		r := ingest.Record{Type: ingest.TypeCall, Agency: exactAgency, Country: "TH", RecordID: id,
			Caller: exactSpell(from, i), Callee: exactSpell(to, i+1), Start: start.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)}
		out = append(out, exactRecord{rec: r, status: "ACCEPTED", entities: []string{phone(from), phone(to)},
			links: []exactLink{{eventLinkID(intel.LinkCalled, phone(from), phone(to), "call:"+exactAgency+":"+id), phone(from), phone(to)}}})
	}
	// A resend of two of them, as sent: duplicates.
	for _, i := range []int{3, 17} {
		dup := out[i]
		dup.status, dup.entities, dup.links = "DUPLICATE", nil, nil
		out = append(out, dup)
	}
	call := func(id, caller, callee string) ingest.Record {
		return ingest.Record{Type: ingest.TypeCall, Agency: exactAgency, Country: "TH", RecordID: id, Caller: caller, Callee: callee,
			Start: "2026-05-02T18:00:00+07:00"}
	}
	// An ambiguous number: stored as its preferred reading, with a warning.
	amb := call("EXACT-AMB", "0033612345678", "081-234-5678")
	out = append(out, exactRecord{rec: amb, status: "ACCEPTED", warnings: []string{"AMBIGUOUS caller"},
		entities: []string{"PhoneNumber:+3612345678", phone("812345678")},
		links: []exactLink{{eventLinkID(intel.LinkCalled, "PhoneNumber:+3612345678", phone("812345678"), "call:"+exactAgency+":EXACT-AMB"),
			"PhoneNumber:+3612345678", phone("812345678")}}})
	// A bad IMEI is set aside; the call is stored.
	imei := call("EXACT-IMEI", "0066 62 123 4567", "0066934567890")
	imei.IMEI = "12345"
	out = append(out, exactRecord{rec: imei, status: "ACCEPTED", warnings: []string{"SET_ASIDE imei"},
		entities: []string{phone("621234567"), phone("934567890")},
		links: []exactLink{{eventLinkID(intel.LinkCalled, phone("621234567"), phone("934567890"), "call:"+exactAgency+":EXACT-IMEI"),
			phone("621234567"), phone("934567890")}}})
	// Malformed rows: rejected, nothing stored.
	noStart := call("EXACT-NOSTART", "081-234-5678", "082-345-6789")
	noStart.Start = ""
	out = append(out,
		exactRecord{rec: call("EXACT-BAD", "not a number", "082-345-6789"), status: "REJECTED"},
		exactRecord{rec: noStart, status: "REJECTED"},
		exactRecord{rec: ingest.Record{Type: ingest.TypeVictimReport, Agency: exactAgency, Country: "TH", ReportedAt: "2026-05-03",
			Involved: []ingest.Involved{{Role: "caller", Identifier: "081-234-5678"}}}, status: "REJECTED"},
		exactRecord{rec: ingest.Record{Type: ingest.TypeTransfer, Agency: exactAgency, Country: "TH", RecordID: "TX-BAD",
			FromAccount: "KBANK 123-4-56789-0", ToAccount: "SCB 409-2-71234-5", Time: "2026-05-02T11:00:00+07:00", Amount: "12,34", Currency: "THB"},
			status: "REJECTED"},
	)
	// Subscriber data without a document: the holder of the number is kept.
	name, since := "นางสาวทดสอบ ตัวอย่าง", time.Date(2026, 1, 14, 17, 0, 0, 0, time.UTC) // 2026-01-15 in Thailand
	holder := "Person:" + digestKey("holder-", "TH", "+66610518337", name)
	out = append(out, exactRecord{rec: ingest.Record{Type: ingest.TypeSubscriber, Agency: exactAgency, Country: "TH",
		Identifier: "0066 61 051 8337", Name: name, Address: "1 ถนนตัวอย่าง กรุงเทพฯ", RegisteredAt: "2026-01-15"},
		status: "ACCEPTED", entities: []string{phone("610518337"), holder},
		links: []exactLink{{intel.LinkIdentity(intel.LinkRegisteredTo, phone("610518337"), holder, "", exactAgency, since), phone("610518337"), holder}}})
	// The same holder with a document: a person of its own, not merged.
	doc := "Person:" + digestKey("doc-", "TH", "NATIONAL_ID", "3101200456789")
	out = append(out, exactRecord{rec: ingest.Record{Type: ingest.TypeSubscriber, Agency: exactAgency, Country: "TH",
		Identifier: "061-051-8337", Name: name, DocumentType: "NATIONAL_ID", DocumentNumber: "3-1012-00456-78-9", RegisteredAt: "2026-01-15"},
		status: "ACCEPTED", entities: []string{phone("610518337"), doc},
		links: []exactLink{{intel.LinkIdentity(intel.LinkRegisteredTo, phone("610518337"), doc, "", exactAgency, since), phone("610518337"), doc}}})
	// The same document opening another number, the name spelled in Latin
	// and another address: the same person, which neither record rewrites.
	out = append(out, exactRecord{rec: ingest.Record{Type: ingest.TypeSubscriber, Agency: exactAgency, Country: "TH",
		Identifier: "+66 93 456 7890", Name: "Ms Thotsop Tuayang", Address: "2 Example Road, Bangkok",
		DocumentType: "national id", DocumentNumber: "3101200456789", RegisteredAt: "2026-01-15"},
		status: "ACCEPTED", entities: []string{phone("934567890"), doc},
		links: []exactLink{{intel.LinkIdentity(intel.LinkRegisteredTo, phone("934567890"), doc, "", exactAgency, since), phone("934567890"), doc}}})
	// A victim report with one bad identifier: the case and the others kept.
	caseID, acct := "Case:"+exactAgency+":2569-000777", "BankAccount:TH:004:1234567890"
	mention := func(role, key string) string {
		return "victim_report:" + exactAgency + ":" + exactAgency + ":2569-000777|" + role + "|" + key
	}
	out = append(out, exactRecord{rec: ingest.Record{Type: ingest.TypeVictimReport, Agency: exactAgency, Country: "TH",
		CaseRef: exactAgency + ":2569-000777", ReportedAt: "2026-05-03", ScamType: "impersonation", Loss: "120000", Currency: "THB",
		Involved: []ingest.Involved{{Role: "caller", Identifier: "0066 82 345 6789"}, {Role: "destination_account", Identifier: "081-234-56"},
			{Role: "destination_account", Kind: "BankAccount", Identifier: "KBANK 123-4-56789-0"}}},
		status: "ACCEPTED", warnings: []string{"SET_ASIDE involved[1].identifier"},
		entities: []string{caseID, phone("823456789"), acct},
		links: []exactLink{
			{eventLinkID(intel.LinkReportedIn, phone("823456789"), caseID, mention("caller", "+66823456789")), phone("823456789"), caseID},
			{eventLinkID(intel.LinkReportedIn, acct, caseID, mention("destination_account", "TH:004:1234567890")), acct, caseID},
		}})
	// A transfer, and the same transfer resent.
	scb := "BankAccount:TH:014:4092712345"
	tx := exactRecord{rec: ingest.Record{Type: ingest.TypeTransfer, Agency: exactAgency, Country: "TH", RecordID: "TX-1",
		FromAccount: "KBANK 123-4-56789-0", ToAccount: "SCB 409-2-71234-5", Time: "2026-05-02T11:00:00+07:00", Amount: "49,999.50", Currency: "THB"},
		status: "ACCEPTED", entities: []string{acct, scb},
		links: []exactLink{{eventLinkID(intel.LinkTransferred, acct, scb, "transfer:"+exactAgency+":TX-1"), acct, scb}}}
	out = append(out, tx, exactRecord{rec: tx.rec, status: "DUPLICATE"})
	return out
}

// exactAnswer is a record's answer as one entry point gives it.
type exactAnswer struct {
	Status   string
	Warnings []string // "CODE field"
}

// TestExactCheckEveryEntryPointBothStores sends the generated batch by the
// ingest mutation, the NDJSON stream and `import --server`, into an empty
// embedded store and an empty Neo4j: every record gets the answer the test
// expects (its warnings included); the store then holds exactly the
// entities and links the accepted records imply, as the test computes them
// from the input, and nothing else; and a replay adds nothing and answers
// DUPLICATE for every record that was not rejected.
func TestExactCheckEveryEntryPointBothStores(t *testing.T) {
	batch := exactBatch()
	records := make([]ingest.Record, len(batch))
	wantEntities, wantLinks := map[string]bool{}, map[string]exactLink{}
	for i, r := range batch {
		records[i] = r.rec
		for _, e := range r.entities {
			wantEntities[e] = true
		}
		for _, l := range r.links {
			wantLinks[l.id] = l
		}
	}
	for _, backend := range []string{"embedded", "neo4j"} {
		for _, path := range []string{"mutation", "stream", "import --server"} {
			t.Run(backend+"/"+path, func(t *testing.T) {
				ts, _, store, key := emptyServer(t, backend)
				send := func(replay bool) []exactAnswer {
					switch path {
					case "mutation":
						return exactMutation(t, ts.URL, key, records)
					case "stream":
						return exactStream(t, ts.URL, key, records)
					}
					return exactImport(t, ts.URL, key, records, batch, replay)
				}
				got := send(false)
				if len(got) != len(batch) {
					t.Fatalf("%d answers for %d records", len(got), len(batch))
				}
				for i, r := range batch {
					want := r.warnings
					if r.status == "REJECTED" {
						want = nil
					}
					if got[i].Status != r.status || !slices.Equal(got[i].Warnings, want) {
						t.Errorf("record %d (%s %s): %+v, want %s with warnings %v", i, r.rec.Type, r.rec.RecordID, got[i], r.status, want)
					}
				}
				assertStoreHolds(t, store, wantEntities, wantLinks)

				again := send(true)
				for i, r := range batch {
					want := "DUPLICATE"
					if r.status == "REJECTED" {
						want = "REJECTED"
					}
					if again[i].Status != want {
						t.Errorf("replay of record %d (%s %s): %s, want %s", i, r.rec.Type, r.rec.RecordID, again[i].Status, want)
					}
				}
				assertStoreHolds(t, store, wantEntities, wantLinks)
			})
		}
	}
}

// assertStoreHolds checks that the store holds every expected entity and
// link (each link between its expected ends) and nothing else: its counts
// equal the expected ones.
func assertStoreHolds(t *testing.T, s intel.Store, entities map[string]bool, links map[string]exactLink) {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, 0, len(entities))
	for id := range entities {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	found, err := s.GetEntities(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, ok := found[id]; !ok {
			t.Errorf("entity %s is not stored", id)
		}
	}
	linkIDs := make([]string, 0, len(links))
	for id := range links {
		linkIDs = append(linkIDs, id)
	}
	stored, err := s.GetLinks(ctx, linkIDs)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range links {
		l, ok := stored[id]
		if !ok || l.From != want.from || l.To != want.to {
			t.Errorf("link %s (%s → %s) is not stored as expected: %+v", id, want.from, want.to, l)
		}
	}
	var ne, nl int
	switch c := s.(type) {
	case *embeddedstore.Store:
		ne, nl = c.Counts()
	case *neo4jstore.Store:
		var err error
		if ne, nl, _, err = c.Counts(ctx, intel.LinkCalled); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("%T cannot count what it holds", s)
	}
	if ne != len(entities) || nl != len(links) {
		t.Errorf("the store holds %d entities and %d links, want exactly %d and %d", ne, nl, len(entities), len(links))
	}
}

// warningsOf writes warnings as "CODE field", in order.
func warningsOf(ws []ingest.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, string(w.Code)+" "+w.Field)
	}
	return out
}

func exactMutation(t *testing.T, base, key string, records []ingest.Record) []exactAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($r: [RecordInput!]!) { ingest(records: $r) { results { index status warnings { code field reason candidates } } totals { warnings } } }`,
		"variables": map[string]any{"r": wire(t, records)}})
	var out struct {
		Data struct {
			Ingest struct {
				Results []struct {
					Index    int
					Status   string
					Warnings []ingest.Warning
				}
			}
		}
		Errors []struct{ Message string }
	}
	raw := postAs(t, base+"/graphql", key, "application/json", body)
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("ingest mutation: %v %s", err, raw)
	}
	var got []exactAnswer
	for i, r := range out.Data.Ingest.Results {
		if r.Index != i {
			t.Fatalf("result %d is for record %d", i, r.Index)
		}
		checkWarnings(t, r.Warnings)
		got = append(got, exactAnswer{Status: r.Status, Warnings: warningsOf(r.Warnings)})
	}
	return got
}

// checkWarnings holds every warning to its promise: a reason, and for an
// ambiguity at least two candidates.
func checkWarnings(t *testing.T, ws []ingest.Warning) {
	t.Helper()
	for _, w := range ws {
		if w.Reason == "" || (w.Code == ingest.WarningAmbiguous) != (len(w.Candidates) >= 2) {
			t.Errorf("warning %+v: want a reason, and candidates exactly for an ambiguity", w)
		}
	}
}

func exactStream(t *testing.T, base, key string, records []ingest.Record) []exactAnswer {
	t.Helper()
	raw := postAs(t, base+"/ingest", key, "application/x-ndjson", ndjson(t, records))
	var got []exactAnswer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
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
		if r.Line != len(got)+1 {
			t.Fatalf("stream answered line %d after %d lines", r.Line, len(got))
		}
		checkWarnings(t, r.Warnings)
		got = append(got, exactAnswer{Status: string(r.Status), Warnings: warningsOf(r.Warnings)})
	}
	return got
}

// exactImport runs `scamgraph import --server` on the batch as a file. The
// command reports rejected records and records with warnings in its
// rejects file, and the rest as counts: the answers of the others are read
// from the summary, which must count them as the test expects.
func exactImport(t *testing.T, base, key string, records []ingest.Record, batch []exactRecord, replay bool) []exactAnswer {
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
	reported := map[int]exactAnswer{}
	raw, _ := os.ReadFile(rejects)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	nwarnings := 0
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		checkWarnings(t, r.Warnings)
		nwarnings += len(r.Warnings)
		reported[r.Line-1] = exactAnswer{Status: string(r.Status), Warnings: warningsOf(r.Warnings)}
	}
	var accepted, duplicate, rejected int
	var got []exactAnswer
	for i := range records {
		a, ok := reported[i]
		if !ok {
			// Not in the rejects file: accepted or duplicate, without
			// warnings; which one, the summary's counts must confirm.
			a = exactAnswer{Status: batch[i].status}
			if replay {
				a.Status = "DUPLICATE"
			}
			if batch[i].status == "REJECTED" || len(batch[i].warnings) > 0 {
				a.Status = "missing from the rejects file"
			}
		}
		switch a.Status {
		case "ACCEPTED":
			accepted++
		case "DUPLICATE":
			duplicate++
		case "REJECTED":
			rejected++
		}
		got = append(got, a)
	}
	if want := fmt.Sprintf("%d accepted, %d duplicate, %d rejected; %d warnings", accepted, duplicate, rejected, nwarnings); !strings.Contains(summary, want) {
		t.Fatalf("import --server summary %q, want %q", summary, want)
	}
	return got
}

// TestStreamProblemsIncludeWarnings: POST /ingest?results=problems leaves
// out the records accepted cleanly and sends the rest, the records stored
// with warnings among them.
func TestStreamProblemsIncludeWarnings(t *testing.T) {
	batch := exactBatch()
	records := make([]ingest.Record, len(batch))
	var want []int
	for i, r := range batch {
		records[i] = r.rec
		if r.status != "ACCEPTED" || len(r.warnings) > 0 {
			want = append(want, i+1)
		}
	}
	ts, _, _, key := emptyServer(t, "embedded")
	raw := postAs(t, ts.URL+"/ingest?results=problems", key, "application/x-ndjson", ndjson(t, records))
	var got []int
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var r ingest.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("stream line %q: %v", sc.Text(), err)
		}
		if r.Status != "" {
			got = append(got, r.Line)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("problems answered for lines %v, want %v", got, want)
	}
}
