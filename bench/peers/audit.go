package peers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

// AuditGrowth is what a bounded read mix did to the embedded store's
// files: the data file should not grow at all, the registry only by the
// audit entries of the reads that showed the other country's data.
type AuditGrowth struct {
	// Calls is how many requests the mix made, Audited how many audit
	// entries they left, Failed how many were not answered.
	Calls, Audited, Failed int
	// The files' sizes before the server started and after it stopped.
	DataBefore, DataAfter, RegistryBefore, RegistryAfter int64
	Elapsed                                              time.Duration
}

// PerAudited is the registry's growth per audit entry.
func (a AuditGrowth) PerAudited() float64 {
	if a.Audited == 0 {
		return 0
	}
	return float64(a.RegistryAfter-a.RegistryBefore) / float64(a.Audited)
}

// PerCall is the growth of both files per call.
func (a AuditGrowth) PerCall() float64 {
	if a.Calls == 0 {
		return 0
	}
	return float64(a.DataAfter-a.DataBefore+a.RegistryAfter-a.RegistryBefore) / float64(a.Calls)
}

// auditMixWorkers is the read mix's concurrency.
const auditMixWorkers = 16

// MeasureAudit loads the demo world into a fresh embedded data directory,
// serves it with bin (scamgraph) on port, and sends calls requests as the
// TH-CCIB analyst: lookups of Thai and Cambodian phone numbers in turn,
// and one 1-link network in twenty. It measures the data file and the
// registry before the server starts and after it stops, and counts the
// audit entries the mix left.
func MeasureAudit(ctx context.Context, bin, dir string, calls, port int) (AuditGrowth, error) {
	var a AuditGrowth
	s, err := embeddedstore.Open(dir)
	if err != nil {
		return a, err
	}
	var smp sampler
	_, err = demo.Generate(demo.Config{}, func(b intel.Batch) error {
		smp.emit(b)
		_, err := s.Upsert(ctx, b)
		return err
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return a, err
	}
	regPath := filepath.Join(dir, "access.db")
	rec, err := embeddedstore.OpenAccessRecords(regPath)
	if err != nil {
		return a, err
	}
	keys, err := setUpRegistry(ctx, access.New(rec, time.Now))
	if err != nil {
		rec.Close()
		return a, err
	}
	before, err := countAudit(ctx, rec)
	if cerr := rec.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return a, err
	}
	dataPath := filepath.Join(dir, embeddedstore.FileName)
	if a.DataBefore, a.RegistryBefore, err = fileSizes(dataPath, regPath); err != nil {
		return a, err
	}

	addr := "127.0.0.1:" + strconv.Itoa(port)
	t := Target{Name: "A", Port: port, Ready: "/readyz",
		Cmd: []string{bin, "serve", "--store", "embedded", "--data-dir", dir, "--addr", addr, "--log-level", "warn", "--log-format", "json"}}
	p, err := t.Start(ctx, filepath.Join(filepath.Dir(dir), "audit-serve.log"))
	if err != nil {
		return a, err
	}
	proto := scamGraphProtocol{token: keys.Analyst}
	client := NewClient(auditMixWorkers)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range auditMixWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= calls || ctx.Err() != nil {
					return
				}
				if !auditCall(ctx, client, t.Base(), proto, smp.ids, i) {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	a.Elapsed = time.Since(t0)
	p.Stop()
	a.Calls, a.Failed = calls, int(failed.Load())
	if a.DataAfter, a.RegistryAfter, err = fileSizes(dataPath, regPath); err != nil {
		return a, err
	}
	rec, err = embeddedstore.OpenAccessRecords(regPath)
	if err != nil {
		return a, err
	}
	defer rec.Close()
	after, err := countAudit(ctx, rec)
	a.Audited = after - before
	if a.Failed > 0 {
		return a, fmt.Errorf("%d of %d calls of the read mix failed", a.Failed, calls)
	}
	return a, err
}

// auditCall sends the i-th call of the read mix and says whether it was
// answered without error.
func auditCall(ctx context.Context, client *http.Client, base string, proto scamGraphProtocol, ids []string, i int) bool {
	id := ids[(i*31)%len(ids)]
	var q any
	if i%20 == 19 {
		q = NetworkQ{Seed: id, Depth: 1, Limit: 100}
	} else {
		kind, key, _ := strings.Cut(id, ":")
		q = LookupQ{ID: id, Kind: kind, Key: key}
	}
	r, err := proto.request(q)
	if err != nil {
		return false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+r.Path, bytes.NewReader(r.Body))
	if err != nil {
		return false
	}
	req.Header = r.Header
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return false
	}
	var data any
	return graphQLData(resp.StatusCode, body, &data) == nil
}

// countAudit counts the audit entries held in rec.
func countAudit(ctx context.Context, rec access.Records) (int, error) {
	n := 0
	var after int64
	for {
		es, err := rec.QueryAudit(ctx, access.AuditFilter{AfterSeq: after, Limit: access.MaxAuditLimit})
		if err != nil {
			return 0, err
		}
		n += len(es)
		if len(es) < access.MaxAuditLimit {
			return n, nil
		}
		after = es[len(es)-1].Seq
	}
}

func fileSizes(paths ...string) (int64, int64, error) {
	var out [2]int64
	for i, p := range paths[:2] {
		fi, err := os.Stat(p)
		if err != nil {
			return 0, 0, err
		}
		out[i] = fi.Size()
	}
	return out[0], out[1], nil
}
