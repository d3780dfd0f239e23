package peers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/neo4jstore"
)

// IngestConfig is one run of the ingest workloads: Records synthetic call
// records into Neo4j by every path, each into an emptied database.
type IngestConfig struct {
	Repo, Bin, Neo4jURI string
	Records             int
	// ImportDir is Neo4j's import directory, where LOAD CSV reads.
	ImportDir string
	// Port is where ScamGraph on Neo4j listens for the mutation and stream.
	Port      int
	Out, Work string
	Log       io.Writer
}

// IngestResult is one ingest path's rate, and its replay's when it has one:
// the same records sent again must add nothing.
type IngestResult struct {
	Method      string
	Records     int
	Took        time.Duration
	Replay      time.Duration
	Links       int
	ReplayAdded int
}

// Rate is records per second of the first load.
func (r IngestResult) Rate() float64 { return float64(r.Records) / r.Took.Seconds() }

// ReplayRate is records per second of the replay (0 without one).
func (r IngestResult) ReplayRate() float64 {
	if r.Replay == 0 {
		return 0
	}
	return float64(r.Records) / r.Replay.Seconds()
}

// mutationBatch is how many records one ingest mutation carries: well
// under the request body limit.
const mutationBatch = 1000

// RunIngest loads the same call records through `scamgraph import`
// (straight into the store), POST /ingest (the stream), the ingest
// mutation, and Neo4j's own LOAD CSV … CALL { … } IN TRANSACTIONS, each
// into a database emptied first; the ScamGraph paths are then replayed.
func RunIngest(ctx context.Context, c IngestConfig) ([]IngestResult, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(c.Log, format+"\n", args...) }
	file := filepath.Join(c.Work, "calls.csv")
	if err := writeCallsCSV(file, c.Records); err != nil {
		return nil, err
	}
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: c.Neo4jURI})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	d, err := neo4j.NewDriverWithContext(c.Neo4jURI, neo4j.NoAuth())
	if err != nil {
		return nil, err
	}
	defer d.Close(ctx)
	fresh := func() (Keys, error) {
		if err := store.DeleteAll(ctx); err != nil {
			return Keys{}, err
		}
		// DeleteAll drops the schema's data, not its indexes; the registry
		// is set up anew for the keys.
		return setUpRegistry(ctx, access.New(store.AccessRecords(), time.Now))
	}
	count := func() (int, error) {
		res, err := neo4j.ExecuteQuery(ctx, d, `MATCH ()-[r:CALLED]->() RETURN count(r) AS n`, nil, neo4j.EagerResultTransformer)
		if err != nil {
			return 0, err
		}
		n, _ := res.Records[0].Get("n")
		return int(n.(int64)), nil
	}
	var out []IngestResult
	// measure runs load, then (when replay) load again, counting links.
	measure := func(method string, load func(Keys) error, replay bool) error {
		keys, err := fresh()
		if err != nil {
			return err
		}
		r := IngestResult{Method: method, Records: c.Records}
		t0 := time.Now()
		if err := load(keys); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		r.Took = time.Since(t0)
		if r.Links, err = count(); err != nil {
			return err
		}
		if r.Links != c.Records {
			return fmt.Errorf("%s: %d records made %d calls, want one each", method, c.Records, r.Links)
		}
		if replay {
			t0 = time.Now()
			if err := load(keys); err != nil {
				return fmt.Errorf("%s replay: %w", method, err)
			}
			r.Replay = time.Since(t0)
			after, err := count()
			if err != nil {
				return err
			}
			r.ReplayAdded = after - r.Links
		}
		logf("peers:   ingest %-9s %7.0f records/s  replay %7.0f records/s (added %d)", method, r.Rate(), r.ReplayRate(), r.ReplayAdded)
		out = append(out, r)
		return nil
	}

	logf("peers: ingest of %d call records into Neo4j", c.Records)
	importCmd := func(Keys) error {
		cmd := exec.CommandContext(ctx, c.Bin, "import", "--store", "neo4j", "--neo4j-uri", c.Neo4jURI, "--format", "csv",
			"--type", "call", "--progress", "never", "--resume=false", "--log-format", "json", file)
		cmd.Env = childEnv()
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%w\n%s", err, b)
		}
		return nil
	}
	if err := measure("import", importCmd, true); err != nil {
		return nil, err
	}

	sg := Target{Name: "B", Port: c.Port, Ready: "/readyz",
		Cmd: []string{c.Bin, "serve", "--store", "neo4j", "--neo4j-uri", c.Neo4jURI, "--log-level", "warn", "--log-format", "json",
			"--addr", "127.0.0.1:" + strconv.Itoa(c.Port)}}
	p, err := sg.Start(ctx, filepath.Join(c.Out, "logs", "B-ingest.log"))
	if err != nil {
		return nil, err
	}
	defer p.Stop()
	client := NewClient(8)
	if err := measure("stream", func(k Keys) error { return streamCSV(ctx, client, sg.Base(), k.Enricher, c.Records) }, true); err != nil {
		return nil, err
	}
	if err := measure("mutation", func(k Keys) error { return mutate(ctx, client, sg.Base(), k.Enricher, c.Records) }, true); err != nil {
		return nil, err
	}
	p.Stop()

	ref := filepath.Join(c.ImportDir, "peerbench_calls.csv")
	if err := WriteSameGraphCSV(ref, c.Records); err != nil {
		return nil, fmt.Errorf("writing the LOAD CSV file into Neo4j's import directory %s: %w", c.ImportDir, err)
	}
	defer os.Remove(ref)
	// CALL { … } IN TRANSACTIONS runs only in an auto-commit transaction.
	loadCSV := func(Keys) error {
		sess := d.NewSession(ctx, neo4j.SessionConfig{})
		defer sess.Close(ctx)
		res, err := sess.Run(ctx, LoadCSVSameGraph, map[string]any{"url": "file:///peerbench_calls.csv"})
		if err != nil {
			return err
		}
		_, err = res.Consume(ctx)
		return err
	}
	if err := measure("load-csv", loadCSV, false); err != nil {
		return nil, err
	}
	return out, nil
}

// streamChunk is how many records one POST /ingest carries, as
// `import --server` sends a long file in chunks: the server's write
// timeout (request timeout + 5 s) would otherwise cut a long stream off,
// since POST /ingest does not lift the connection's write deadline.
const streamChunk = 2000

// streamCSV posts the records to POST /ingest as CSV, streamChunk at a
// time, and checks each totals line.
func streamCSV(ctx context.Context, client *http.Client, base, key string, n int) error {
	for start := 0; start < n; start += streamChunk {
		var body bytes.Buffer
		if err := writeCalls(&body, start, min(start+streamChunk, n)); err != nil {
			return err
		}
		if err := streamChunkCSV(ctx, client, base, key, &body, min(streamChunk, n-start)); err != nil {
			return fmt.Errorf("records %d on: %w", start, err)
		}
	}
	return nil
}

func streamChunkCSV(ctx context.Context, client *http.Client, base, key string, body io.Reader, n int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/ingest?format=csv&type=call&results=problems", body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := (&http.Client{Transport: client.Transport}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var last []byte
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		last = append(last[:0], sc.Bytes()...)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var t struct {
		Totals *ingest.Totals `json:"totals"`
	}
	if err := json.Unmarshal(last, &t); err != nil || t.Totals == nil {
		return fmt.Errorf("status %d, no totals line: %.300s", resp.StatusCode, last)
	}
	if t.Totals.Records != n || t.Totals.Rejected != 0 {
		return fmt.Errorf("totals %+v for %d records", *t.Totals, n)
	}
	return nil
}

// mutate sends the records through the ingest mutation, mutationBatch at a
// time from four clients.
func mutate(ctx context.Context, client *http.Client, base, key string, n int) error {
	const q = `mutation($r:[RecordInput!]!){ingest(records:$r){totals{records accepted duplicate rejected}}}`
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	batches := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range batches {
				var recs []map[string]any
				for i := start; i < min(start+mutationBatch, n); i++ {
					r := ingest.SyntheticCall(i)
					recs = append(recs, map[string]any{"type": "call", "agency": r.Agency, "country": r.Country,
						"evidenceRef": r.EvidenceRef, "legalBasis": r.LegalBasis, "visibility": r.Visibility, "recordId": r.RecordID,
						"caller": r.Caller, "callee": r.Callee, "start": r.Start, "durationSec": *r.DurationSec, "answered": *r.Answered})
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(graphQLBody(q, map[string]any{"r": recs})))
				req.Header.Set("Authorization", "Bearer "+key)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				var d struct {
					Ingest struct{ Totals ingest.Totals } `json:"ingest"`
				}
				if err == nil {
					err = graphQLData(resp.StatusCode, body, &d)
				}
				if err == nil && (d.Ingest.Totals.Records != len(recs) || d.Ingest.Totals.Rejected != 0) {
					err = fmt.Errorf("totals %+v for %d records", d.Ingest.Totals, len(recs))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
feed:
	for start := 0; start < n; start += mutationBatch {
		select {
		case batches <- start:
		case err := <-errs:
			errs <- err
			break feed
		}
	}
	close(batches)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// writeCallsCSV writes n synthetic call records as `import` reads them.
func writeCallsCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := writeCalls(f, 0, n); err != nil {
		return err
	}
	return f.Close()
}

// writeCalls writes synthetic call records from to to as CSV with its
// header.
func writeCalls(out io.Writer, from, to int) error {
	w := csv.NewWriter(out)
	w.Write([]string{"agency", "country", "evidenceRef", "legalBasis", "visibility", "recordId", "caller", "callee", "start", "durationSec", "answered"})
	for i := from; i < to; i++ {
		r := ingest.SyntheticCall(i)
		w.Write([]string{r.Agency, r.Country, r.EvidenceRef, r.LegalBasis, r.Visibility, r.RecordID, r.Caller, r.Callee, r.Start,
			strconv.Itoa(*r.DurationSec), strconv.FormatBool(*r.Answered)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return nil
}

// WriteSameGraphCSV writes n synthetic calls already mapped as the import
// maps them, with every field it stores, so that LoadCSVSameGraph builds
// the very graph the import builds and a comparison is of like with like.
// The synthetic calls all have one shape, which it checks rather than
// assumes. The peer benchmark and the import benchmark (ingest) both
// measure against it.
func WriteSameGraphCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"id", "eventKey", "t", "agency", "country", "evidenceRef", "confidence", "legalBasis", "visibility", "dur", "ans",
		"fromId", "fromKey", "fromRaw", "fromCarrier", "fromCountry", "fromNumberType",
		"toId", "toKey", "toRaw", "toCarrier", "toCountry", "toNumberType"})
	for i := range n {
		b, err := ingest.Map(ingest.SyntheticCall(i))
		if err != nil {
			return err
		}
		if len(b.Links) != 1 || len(b.Entities) != 2 {
			return fmt.Errorf("call %d does not map to one link and its two ends", i)
		}
		l := b.Links[0]
		if len(l.Attrs) != 2 || len(l.Sensitive) != 0 {
			return fmt.Errorf("call %d: link %+v does not have the shape this reference writes", i, l)
		}
		from, to := b.Entities[0], b.Entities[1]
		if from.ID != l.From {
			from, to = to, from
		}
		row := []string{l.ID, l.EventKey, strconv.FormatInt(l.ObservedAt.UnixMilli(), 10), l.Agency, string(l.Country),
			l.EvidenceRef, strconv.FormatFloat(l.Confidence, 'g', -1, 64), l.LegalBasis, string(l.Visibility),
			l.Attrs["durationSec"], l.Attrs["answered"]}
		for _, e := range []intel.Entity{from, to} {
			// An attribute a number lacks (its carrier, say) goes as an
			// empty field, which LOAD CSV reads as null and SET then skips.
			shaped := e.Kind == intel.KindPhoneNumber && len(e.RawForms) == 1 && len(e.Markers) == 0 && len(e.Sensitive) == 0 && e.Label == ""
			for k, v := range e.Attrs {
				shaped = shaped && v != "" && (k == "carrier" || k == "country" || k == "numberType")
			}
			if !shaped {
				return fmt.Errorf("call %d: entity %+v does not have the shape this reference writes", i, e)
			}
			row = append(row, e.ID, e.Key, e.RawForms[0], e.Attrs["carrier"], e.Attrs["country"], e.Attrs["numberType"])
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return f.Close()
}

// LoadCSVSameGraph is Neo4j's own bulk path for the rows WriteSameGraphCSV
// writes into the import directory ($url: file:///NAME), writing the nodes
// and relationships the import writes, property for property, merging an
// entity seen before the way the import does, each end's fact classes
// included (see neo4jstore's factclass.go): the database's share of the
// import's work, in full.
const LoadCSVSameGraph = `
LOAD CSV WITH HEADERS FROM $url AS row
CALL {
  WITH row
  MERGE (a:Entity {id: row.fromId})
    ON CREATE SET a.kind = 'PhoneNumber', a.key = row.fromKey, a.label = row.fromKey,
                  a.firstIngested = timestamp(), a.rawForms = [row.fromRaw], a.markers = [], a.factClasses = [],
                  a.attr_carrier = row.fromCarrier, a.attr_country = row.fromCountry, a.attr_numberType = row.fromNumberType
    ON MATCH SET a.rawForms = [row.fromRaw] + [x IN a.rawForms WHERE x <> row.fromRaw],
                 a.attr_carrier = row.fromCarrier, a.attr_country = row.fromCountry, a.attr_numberType = row.fromNumberType
  MERGE (b:Entity {id: row.toId})
    ON CREATE SET b.kind = 'PhoneNumber', b.key = row.toKey, b.label = row.toKey,
                  b.firstIngested = timestamp(), b.rawForms = [row.toRaw], b.markers = [], b.factClasses = [],
                  b.attr_carrier = row.toCarrier, b.attr_country = row.toCountry, b.attr_numberType = row.toNumberType
    ON MATCH SET b.rawForms = [row.toRaw] + [x IN b.rawForms WHERE x <> row.toRaw],
                 b.attr_carrier = row.toCarrier, b.attr_country = row.toCountry, b.attr_numberType = row.toNumberType
  MERGE (a)-[r:CALLED {id: row.id}]->(b)
    ON CREATE SET r.ingestedAt = timestamp()
  SET r.eventKey = row.eventKey, r.agency = row.agency, r.country = row.country,
      r.observedAt = toInteger(row.t), r.tStart = toInteger(row.t), r.tEnd = toInteger(row.t),
      r.evidenceRef = row.evidenceRef, r.confidence = toFloat(row.confidence), r.legalBasis = row.legalBasis,
      r.visibility = row.visibility, r.attr_durationSec = row.dur, r.attr_answered = row.ans
  WITH a, b, 'CALLED|' + row.country + '|' + row.visibility + '|' + row.agency AS cls
  FOREACH (n IN [x IN [a, b] WHERE NOT cls IN coalesce(x.factClasses, [cls])] |
    SET n.factClasses = CASE WHEN cls IN n.factClasses THEN n.factClasses ELSE n.factClasses + cls END)
} IN TRANSACTIONS OF 1000 ROWS`
