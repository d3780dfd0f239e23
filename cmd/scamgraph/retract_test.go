package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

// storedCall writes one call of agency into the embedded store in dir and
// returns its link id.
func storedCall(t *testing.T, dir, agency string) string {
	t.Helper()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := intel.Link{Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, "+66812345678"),
		To: intel.EntityID(intel.KindPhoneNumber, "+85512345678"), EventKey: "CDR-1",
		Provenance: intel.Provenance{Agency: agency, Country: intel.RegionTH, ObservedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
			EvidenceRef: "CDR-BATCH-1", Confidence: 0.9, LegalBasis: "CCA 2017", Visibility: intel.VisibilityDomestic}}
	l.Normalize()
	if _, err := s.Upsert(context.Background(), intel.Batch{Links: []intel.Link{l}}); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

func runRetractTest(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"retract", "--store", "embedded", "--data-dir", dir}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRetractCommand(t *testing.T) {
	dir := t.TempDir()
	for _, a := range []string{"TH-CCIB", "TH-DSI"} {
		if code, _, errOut := runKeysTest(t, dir, "agency", "--code", a, "--name", a, "--country", "TH"); code != 0 {
			t.Fatalf("agency %s: %s", a, errOut)
		}
	}
	id := storedCall(t, dir, "TH-CCIB")

	t.Run("ReasonRequired", func(t *testing.T) {
		if code, _, errOut := runRetractTest(t, dir, "--agency", "TH-CCIB", id); code != 2 || !strings.Contains(errOut, "--reason is required") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("AnotherAgencyIsRefused", func(t *testing.T) {
		code, _, errOut := runRetractTest(t, dir, "--agency", "TH-DSI", "--reason", "not ours", id)
		if code != 1 || !strings.Contains(errOut, "only the contributing agency can retract a fact") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("UnknownLink", func(t *testing.T) {
		code, _, errOut := runRetractTest(t, dir, "--agency", "TH-CCIB", "--reason", "x", "called-000000000000000000000000")
		if code != 1 || !strings.Contains(errOut, "no link with id") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})

	code, out, errOut := runRetractTest(t, dir, "--agency", "TH-CCIB", "--reason", "wrong subscriber", "Link:"+id)
	if code != 0 || !strings.Contains(out, "link "+id+" retracted by TH-CCIB") {
		t.Fatalf("retract: exit %d, out %q, err %q", code, out, errOut)
	}
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	links, _ := s.GetLinks(context.Background(), []string{id})
	p, _ := s.Neighbours(context.Background(), intel.NeighbourQuery{ID: intel.EntityID(intel.KindPhoneNumber, "+66812345678")})
	s.Close()
	if r := links[id].Retraction; r == nil || r.Reason != "wrong subscriber" || r.Agency != "TH-CCIB" {
		t.Errorf("stored retraction: %+v", r)
	}
	if p.TotalCount != 0 {
		t.Errorf("the retracted call is still listed: %d links", p.TotalCount)
	}

	rec, err := embeddedstore.OpenAccessRecords(filepath.Join(dir, accessFileName))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	entries, err := access.New(rec, time.Now).QueryAudit(context.Background(), access.AuditFilter{Operation: access.OpRetractFact})
	if err != nil {
		t.Fatal(err)
	}
	var ok, refused bool
	for _, e := range entries {
		ok = ok || (e.Outcome == access.OutcomeOK && e.Agency == "TH-CCIB" && strings.Contains(e.Detail, "wrong subscriber"))
		refused = refused || (e.Outcome == access.OutcomeDenied && e.Agency == "TH-DSI")
	}
	if !ok || !refused {
		t.Errorf("audit of retractions (want the retraction and the refusal): %+v", entries)
	}
}

func TestUnknownCommandSuggestsTheClosest(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"retrakt"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), `did you mean "retract"?`) {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
	if code := run([]string{"--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "retract ") {
		t.Errorf("--help: exit %d", code)
	}
	errOut.Reset()
	if code := run([]string{"compact", "--dta-dir", "x"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "did you mean --data-dir?") {
		t.Errorf("a mistyped flag: exit %d, %q", code, errOut.String())
	}
}
