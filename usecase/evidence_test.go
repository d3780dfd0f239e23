package usecase_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// openRequest files a KH request about entity to TH and has TH acknowledge it.
func openRequest(t *testing.T, e *env, entity string) access.EvidenceRequest {
	t.Helper()
	agreements, err := e.reg.ListAgreements(e.ctx)
	if err != nil || len(agreements) != 1 {
		t.Fatalf("agreements %v, %v", agreements, err)
	}
	kh := e.mustCaller(t, "KH-GDNP", access.RoleCoordinator, "CASE-KH-1")
	req, err := e.svc.RequestEvidence(e.ctx, kh, access.EvidenceRequest{AgreementID: agreements[0].ID, EntityID: entity,
		Categories: []intel.Category{intel.CategoryCallRecords}, Description: "calls of the number", LegalBasis: "MOU art. 3",
		DueAt: time.Now().Add(7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	th := e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")
	if _, err := e.svc.AcknowledgeEvidence(e.ctx, th, req.ID); err != nil {
		t.Fatal(err)
	}
	return req
}

func status(t *testing.T, e *env, id string) access.RequestStatus {
	t.Helper()
	th := e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")
	r, err := e.svc.EvidenceRequest(e.ctx, th, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

// TestFulfilIsAllOrNothing: one record that does not map, or is another
// agency's, refuses the whole answer and writes nothing; a good answer
// grants exactly its facts, and its audit entry names exactly the records'
// new entities (not the one already stored).
func TestFulfilIsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	mustIngest(t, e, th, call("", "", "EV-OLD", "0813330001", "0813330002"))
	req := openRequest(t, e, "PhoneNumber:+66813330001")
	coord := e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")
	before, beforeLinks := e.store.Counts()
	for name, bad := range map[string]ingest.Record{
		"malformed":      call("", "", "EV-BAD", "not a number", "0813330003"),
		"another agency": call("TH-NBTC", "", "EV-NBTC", "0813330001", "0813330004"),
	} {
		_, err := e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{Records: []ingest.Record{
			call("", "", "EV-NEW", "0813330001", "0813330005"), bad}})
		if err == nil || intel.ErrorField(err) == "" {
			t.Fatalf("%s: fulfil took a bad record: %v", name, err)
		}
		if n, l := e.store.Counts(); n != before || l != beforeLinks {
			t.Errorf("%s: a refused answer wrote %d entities and %d links", name, n-before, l-beforeLinks)
		}
		if s := status(t, e, req.ID); s != access.RequestAcknowledged {
			t.Errorf("%s: a refused answer left the request %s", name, s)
		}
	}
	coord = e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")
	done, err := e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{Records: []ingest.Record{
		call("", "", "EV-OLD", "0813330001", "0813330002"), call("", "", "EV-NEW", "0813330001", "0813330005")}})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != access.RequestFulfilled || len(done.Grant.LinkIDs) != 2 {
		t.Fatalf("fulfilled %+v, want both facts granted", done)
	}
	if _, _, err := e.svc.Finish(e.ctx, coord); err != nil {
		t.Fatal(err)
	}
	got := e.lastEntry(t, "TH-CCIB")
	want := []string{"PhoneNumber:+66813330001", "PhoneNumber:+66813330005"}
	if got.Operation != access.OpFulfilEvidence || !slices.Equal(got.Entities, want) {
		t.Errorf("audit entry %+v, want the fulfilment naming %v", got, want)
	}
	kh := e.mustCaller(t, "KH-GDNP", access.RoleAnalyst, "CASE-KH-1")
	links, err := e.svc.Reader(kh).Links(e.ctx, done.Grant.LinkIDs)
	if err != nil || len(links) != 2 {
		t.Errorf("the requester sees %d of the 2 granted facts (%v)", len(links), err)
	}
}

// TestFulfilByStoredFacts: a coordinator answers with facts already in the
// store, its own country's only.
func TestFulfilByStoredFacts(t *testing.T) {
	e := newEnv(t)
	th := e.mustCaller(t, "TH-CCIB", access.RoleEnricher, "")
	res := mustIngest(t, e, th, call("", "", "EV-STORED", "0814440001", "0814440002"))
	kh := e.mustCaller(t, "KH-GDNP", access.RoleEnricher, "")
	khRes := mustIngest(t, e, kh, call("", "", "EV-KH", "+66814440001", "+85512345678"))
	req := openRequest(t, e, "PhoneNumber:+66814440001")
	coord := e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")

	_, err := e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{LinkIDs: []string{"called-nope"}})
	wantCode(t, err, intel.ENOTFOUND, "linkIds[0]")
	if len(khRes.Results[0].Links) != 1 {
		t.Fatalf("KH record wrote %v: %+v", khRes.Results[0].Links, khRes.Results[0])
	}
	// A Cambodian fact, even one the Thai coordinator could see, is not
	// Thailand's to give.
	_, err = e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{LinkIDs: khRes.Results[0].Links})
	if c := intel.ErrorCode(err); c != intel.EFORBIDDEN && c != intel.ENOTFOUND {
		t.Errorf("giving the other country's fact: %v", err)
	}
	done, err := e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{LinkIDs: res.Results[0].Links})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done.Grant.LinkIDs, res.Results[0].Links) || done.Status != access.RequestFulfilled {
		t.Errorf("fulfilled %+v, want the stored fact %v granted", done, res.Results[0].Links)
	}
}

// failingStore is the real embedded store whose writes fail while down is
// set, as a database that went away would.
type failingStore struct {
	intel.Store
	down atomic.Bool
}

func (f *failingStore) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	if f.down.Load() {
		return intel.UpsertResult{}, errors.New("store went away")
	}
	return f.Store.Upsert(ctx, b)
}

// TestFulfilDeliveryLeftByAnOutageIsFinished: when the graph store fails
// after the answer was committed, the answer stands with its evidence in
// the registry, and the next pass delivers it, exactly once.
func TestFulfilDeliveryLeftByAnOutageIsFinished(t *testing.T) {
	e := newEnv(t)
	fs := &failingStore{Store: e.store}
	e.svc = usecase.New(fs, e.reg, usecase.Options{})
	req := openRequest(t, e, "PhoneNumber:+66815550001")
	coord := e.mustCaller(t, "TH-CCIB", access.RoleCoordinator, "")
	fs.down.Store(true)
	done, err := e.svc.FulfilEvidence(e.ctx, coord, req.ID, usecase.Fulfilment{Records: []ingest.Record{
		call("", "", "EV-OUTAGE", "0815550001", "0815550002")}})
	if err != nil {
		t.Fatalf("fulfil during an outage: %v (the answer is committed; only its delivery waits)", err)
	}
	if done.Status != access.RequestFulfilled {
		t.Fatalf("status %s", done.Status)
	}
	pending, err := e.reg.PendingDeliveries(e.ctx)
	if err != nil || len(pending) != 1 || pending[0].RequestID != req.ID {
		t.Fatalf("pending deliveries %+v, %v; want the answer's", pending, err)
	}
	if err := e.svc.DeliverPending(e.ctx, nil); err == nil {
		t.Fatal("delivery succeeded while the store was down")
	}
	fs.down.Store(false)
	if err := e.svc.DeliverPending(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if pending, _ := e.reg.PendingDeliveries(e.ctx); len(pending) != 0 {
		t.Errorf("deliveries still pending: %+v", pending)
	}
	found, err := e.store.GetLinks(e.ctx, done.Grant.LinkIDs)
	if err != nil || len(found) != 1 {
		t.Errorf("the delivered fact is stored %d times (%v), want once", len(found), err)
	}
	if err := e.svc.DeliverPending(e.ctx, nil); err != nil {
		t.Errorf("a second pass over done deliveries: %v", err)
	}
}
