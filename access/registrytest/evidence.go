package registrytest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

const (
	phoneTH = "PhoneNumber:+66812345678"
	phoneKH = "PhoneNumber:+85512345678"
	sipKH   = "VoipAccount:sip:somchai@voip.example.kh"
)

var (
	callLink     = intel.LinkIdentity(intel.LinkCalled, phoneKH, phoneTH, "cdr-1", "", time.Time{})
	callLink2    = intel.LinkIdentity(intel.LinkCalled, phoneKH, phoneTH, "cdr-2", "", time.Time{})
	transferLink = intel.LinkIdentity(intel.LinkTransferred, "BankAccount:TH:004:1234567890", "BankAccount:TH:014:1234567890", "tx-1", "", time.Time{})
)

// validRequest is a request the TH coordinator may make under the world's agreement.
func validRequest(w world) access.EvidenceRequest {
	return access.EvidenceRequest{
		AgreementID: w.agreement.ID,
		EntityID:    phoneKH,
		Categories:  []intel.Category{intel.CategorySubscriberData, intel.CategoryCallRecords},
		Fields:      []string{"name", "documentNumber", "address", "name"},
		Period:      intel.TimeWindow{Since: start.AddDate(0, -3, 0), Until: start},
		Description: "Subscriber and call records of the number that called 40 victims in Bangkok.",
		LegalBasis:  "MOU TH-KH 2022, art. 3; case TH-CCIB:2567-000123",
		DueAt:       start.Add(14 * 24 * time.Hour),
	}
}

func testRequestValidation(t *testing.T, e *env) {
	w := e.world()
	for _, c := range []struct {
		name, field string
		edit        func(*access.EvidenceRequest)
	}{
		{"ErrAgreementID", "agreementId", func(r *access.EvidenceRequest) { r.AgreementID = "" }},
		{"ErrRequestingAgency", "requestingAgency", func(r *access.EvidenceRequest) { r.RequestingAgency = "TH-DSI" }},
		{"ErrRequestingCountry", "requestingCountry", func(r *access.EvidenceRequest) { r.RequestingCountry = intel.RegionKH }},
		{"ErrRespondingCountry", "respondingCountry", func(r *access.EvidenceRequest) { r.RespondingCountry = intel.RegionTH }},
		{"ErrEntityIDRequired", "entityId", func(r *access.EvidenceRequest) { r.EntityID = "" }},
		{"ErrEntityIDMalformed", "entityId", func(r *access.EvidenceRequest) { r.EntityID = "+85512345678" }},
		{"ErrEntityIDKind", "entityId", func(r *access.EvidenceRequest) { r.EntityID = "Planet:mars" }},
		{"ErrCategoriesEmpty", "categories", func(r *access.EvidenceRequest) { r.Categories = nil }},
		{"ErrCategoryUnknown", "categories[0]", func(r *access.EvidenceRequest) { r.Categories = []intel.Category{"RUMOURS"} }},
		{"ErrFieldName", "fields[1]", func(r *access.EvidenceRequest) { r.Fields = []string{"name", "home address"} }},
		{"ErrPeriod", "period.until", func(r *access.EvidenceRequest) { r.Period = intel.TimeWindow{Since: start, Until: start} }},
		{"ErrDescription", "description", func(r *access.EvidenceRequest) { r.Description = " " }},
		{"ErrLegalBasis", "legalBasis", func(r *access.EvidenceRequest) { r.LegalBasis = "" }},
		{"ErrDueAtRequired", "dueAt", func(r *access.EvidenceRequest) { r.DueAt = time.Time{} }},
		{"ErrDueAtPast", "dueAt", func(r *access.EvidenceRequest) { r.DueAt = start }},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := validRequest(w)
			c.edit(&r)
			_, err := e.reg.CreateRequest(e.ctx, w.thCoord, r)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	r := validRequest(w)
	r.AgreementID = "agr_0000000000000000"
	_, err := e.reg.CreateRequest(e.ctx, w.thCoord, r)
	wantErr(t, err, intel.ENOTFOUND, "agreementId")
	if got := must(e.reg.ListRequests(e.ctx, w.thCoord, access.RequestFilter{}, start))(t); len(got) != 0 {
		t.Fatalf("rejected requests were stored: %+v", got)
	}
	_, err = e.reg.GetRequest(e.ctx, w.thCoord, "nope")
	wantErr(t, err, intel.EINVALID, "id")
	_, err = e.reg.GetRequest(e.ctx, w.thCoord, "req_0000000000000000")
	wantErr(t, err, intel.ENOTFOUND, "id")
}

func testRequestFullPath(t *testing.T, e *env) {
	w := e.world()
	req, err := e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.ID, "req_") || req.Status != access.RequestOpen || req.RequestingAgency != "TH-CCIB" ||
		req.RequestingCountry != intel.RegionTH || req.RespondingCountry != intel.RegionKH ||
		req.CreatedBy != w.thCoord.Key.ID || !req.CreatedAt.Equal(start) {
		t.Errorf("created request = %+v", req)
	}
	if want := []string{"address", "documentNumber", "name"}; !reflect.DeepEqual(req.Fields, want) {
		t.Errorf("fields = %v, want sorted and distinct %v", req.Fields, want)
	}
	for _, p := range []access.Principal{w.thCoord, w.khCoord, w.thAnalyst} {
		if got := must(e.reg.GetRequest(e.ctx, p, req.ID))(t); !reflect.DeepEqual(got, req) {
			t.Errorf("GetRequest as %s = %+v, want %+v", p.Agency.Code, got, req)
		}
	}

	e.clock.Advance(time.Hour)
	ack := must(e.reg.AcknowledgeRequest(e.ctx, w.khCoord, req.ID))(t)
	if ack.Status != access.RequestAcknowledged || ack.AcknowledgedBy != w.khCoord.Key.ID || !ack.AcknowledgedAt.Equal(e.clock.Now()) {
		t.Errorf("acknowledged = %+v", ack)
	}
	_, err = e.reg.AcknowledgeRequest(e.ctx, w.khCoord, req.ID)
	wantErr(t, err, intel.ECONFLICT, "id")

	e.clock.Advance(24 * time.Hour)
	done, err := e.reg.FulfilRequest(e.ctx, w.khCoord, req.ID,
		[]string{callLink2, callLink, callLink2}, []string{phoneKH, sipKH}, []string{"name", "address"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := access.Grant{RequestID: req.ID, Subject: req.EntityID, Agency: "TH-CCIB", LinkIDs: sorted(callLink, callLink2),
		EntityIDs: sorted(phoneKH, sipKH), Fields: []string{"address", "name"}}
	if done.Status != access.RequestFulfilled || done.AnsweredBy != w.khCoord.Key.ID ||
		!done.AnsweredAt.Equal(e.clock.Now()) || !reflect.DeepEqual(done.Grant, want) {
		t.Errorf("fulfilled = %+v, want grant %+v", done, want)
	}
	if got := must(e.reg.GetRequest(e.ctx, w.thCoord, req.ID))(t); !reflect.DeepEqual(got, done) {
		t.Errorf("stored = %+v, want %+v", got, done)
	}
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); !reflect.DeepEqual(got, []access.Grant{want}) {
		t.Errorf("GrantsFor(TH-CCIB) = %+v, want [%+v]", got, want)
	}
}

func sorted(s ...string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func testRequestForbidden(t *testing.T, e *env) {
	w := e.world()
	// Which roles may request and answer is the use-case layer's rule
	// (usecase.roles, tested there); the registry checks the agencies.
	t.Run("ErrAgencyNotCoordinator", func(t *testing.T) {
		_, err := e.reg.CreateRequest(e.ctx, w.thOther, validRequest(w))
		wantErr(t, err, intel.EFORBIDDEN, "agreementId")
	})
	t.Run("ErrCategoryNotCovered", func(t *testing.T) {
		r := validRequest(w)
		r.Categories = []intel.Category{intel.CategoryCallRecords, intel.CategoryBankData}
		_, err := e.reg.CreateRequest(e.ctx, w.thCoord, r)
		wantErr(t, err, intel.EFORBIDDEN, "categories[1]")
	})
	t.Run("ErrAgreementNotYetInForce", func(t *testing.T) {
		b := validAgreement()
		b.ID = "LATER"
		b.ValidFrom, b.ValidUntil = start.AddDate(1, 0, 0), start.AddDate(2, 0, 0)
		must(e.reg.CreateAgreement(e.ctx, "cli", b))(t)
		r := validRequest(w)
		r.AgreementID = "LATER"
		_, err := e.reg.CreateRequest(e.ctx, w.thCoord, r)
		wantErr(t, err, intel.EFORBIDDEN, "agreementId")
	})

	req := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	for _, c := range []struct {
		name  string
		p     access.Principal
		field string
	}{
		{"ErrRequesterCannotAnswer", w.thCoord, "id"},
		{"ErrSameCountryOtherAgency", w.thOther, "id"},
		{"ErrRespondingAgencyNotCoordinator", w.khOther, "id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.reg.AcknowledgeRequest(e.ctx, c.p, req.ID)
			wantErr(t, err, intel.EFORBIDDEN, c.field)
			_, err = e.reg.FulfilRequest(e.ctx, c.p, req.ID, []string{callLink}, nil, nil, nil)
			wantErr(t, err, intel.EFORBIDDEN, c.field)
			_, err = e.reg.DeclineRequest(e.ctx, c.p, req.ID, "no")
			wantErr(t, err, intel.EFORBIDDEN, c.field)
		})
	}
	t.Run("ErrFulfilUnderSuspendedAgreement", func(t *testing.T) {
		must(e.reg.SuspendAgreement(e.ctx, "cli", w.agreement.ID, "review"))(t)
		defer e.reg.ResumeAgreement(e.ctx, "cli", w.agreement.ID, "")
		_, err := e.reg.FulfilRequest(e.ctx, w.khCoord, req.ID, []string{callLink}, nil, nil, nil)
		wantErr(t, err, intel.EFORBIDDEN, "id")
		_, err = e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w))
		wantErr(t, err, intel.EFORBIDDEN, "agreementId")
		// Acknowledging and declining hand nothing over, so they stay possible.
		must(e.reg.AcknowledgeRequest(e.ctx, w.khCoord, req.ID))(t)
	})
	if got := must(e.reg.GetRequest(e.ctx, w.thCoord, req.ID))(t); got.Status != access.RequestAcknowledged {
		t.Errorf("forbidden answers changed the request: %+v", got)
	}
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); len(got) != 0 {
		t.Errorf("forbidden answers granted: %+v", got)
	}
}

func testRequestFinalStates(t *testing.T, e *env) {
	w := e.world()
	// OPEN may go straight to FULFILLED or DECLINED.
	r1 := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	must(e.reg.FulfilRequest(e.ctx, w.khCoord, r1.ID, []string{callLink}, nil, nil, nil))(t)
	r2 := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	_, err := e.reg.DeclineRequest(e.ctx, w.khCoord, r2.ID, "")
	wantErr(t, err, intel.EINVALID, "reason")
	d := must(e.reg.DeclineRequest(e.ctx, w.khCoord, r2.ID, "outside our domestic law"))(t)
	if d.Status != access.RequestDeclined || d.DeclineReason != "outside our domestic law" || d.AnsweredBy != w.khCoord.Key.ID {
		t.Errorf("declined = %+v", d)
	}
	if !reflect.DeepEqual(d.Grant, access.Grant{LinkIDs: []string{}, EntityIDs: []string{}, Fields: []string{}}) {
		t.Errorf("a declined request has a grant: %+v", d.Grant)
	}
	for _, id := range []string{r1.ID, r2.ID} {
		_, err := e.reg.AcknowledgeRequest(e.ctx, w.khCoord, id)
		wantErr(t, err, intel.ECONFLICT, "id")
		_, err = e.reg.FulfilRequest(e.ctx, w.khCoord, id, []string{callLink}, nil, nil, nil)
		wantErr(t, err, intel.ECONFLICT, "id")
		_, err = e.reg.DeclineRequest(e.ctx, w.khCoord, id, "late")
		wantErr(t, err, intel.ECONFLICT, "id")
	}
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); len(got) != 1 || got[0].RequestID != r1.ID {
		t.Errorf("GrantsFor = %+v, want just %s", got, r1.ID)
	}
}

func testRequestListAndOverdue(t *testing.T, e *env) {
	w := e.world()
	sent := validRequest(w)
	sent.DueAt = start.Add(24 * time.Hour)
	thReq := must(e.reg.CreateRequest(e.ctx, w.thCoord, sent))(t)
	e.clock.Advance(time.Minute)
	khIn := validRequest(w)
	khIn.EntityID = phoneTH
	khReq := must(e.reg.CreateRequest(e.ctx, w.khCoord, khIn))(t)
	if khReq.RequestingCountry != intel.RegionKH || khReq.RespondingCountry != intel.RegionTH {
		t.Fatalf("KH request sides = %s -> %s", khReq.RequestingCountry, khReq.RespondingCountry)
	}
	ids := func(rs []access.EvidenceRequest) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	list := func(p access.Principal, f access.RequestFilter, now time.Time) []string {
		t.Helper()
		return ids(must(e.reg.ListRequests(e.ctx, p, f, now))(t))
	}
	later := start.Add(48 * time.Hour)
	for _, c := range []struct {
		name string
		p    access.Principal
		f    access.RequestFilter
		now  time.Time
		want []string
	}{
		{"All", w.thCoord, access.RequestFilter{}, start, []string{thReq.ID, khReq.ID}},
		{"Sent", w.thCoord, access.RequestFilter{Side: access.SideSent}, start, []string{thReq.ID}},
		{"Received", w.thCoord, access.RequestFilter{Side: access.SideReceived}, start, []string{khReq.ID}},
		{"ReceivedByKH", w.khOther, access.RequestFilter{Side: access.SideReceived}, start, []string{thReq.ID}},
		{"NotYetOverdue", w.thCoord, access.RequestFilter{Overdue: true}, start, []string{}},
		{"Overdue", w.thCoord, access.RequestFilter{Overdue: true}, later, []string{thReq.ID}},
		{"StatusOpen", w.thCoord, access.RequestFilter{Status: []access.RequestStatus{access.RequestOpen}}, start, []string{thReq.ID, khReq.ID}},
		{"StatusFulfilled", w.thCoord, access.RequestFilter{Status: []access.RequestStatus{access.RequestFulfilled}}, start, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := list(c.p, c.f, c.now); !reflect.DeepEqual(got, c.want) {
				t.Errorf("ListRequests = %v, want %v", got, c.want)
			}
		})
	}
	if !thReq.Overdue(later) || thReq.Overdue(start) {
		t.Errorf("Overdue: want false before and true after the due time")
	}
	done := must(e.reg.DeclineRequest(e.ctx, w.khCoord, thReq.ID, "no records kept"))(t)
	if done.Overdue(later) {
		t.Errorf("an answered request is never overdue")
	}
	_, err := e.reg.ListRequests(e.ctx, w.thCoord, access.RequestFilter{Side: "BOTH"}, start)
	wantErr(t, err, intel.EINVALID, "side")
	_, err = e.reg.ListRequests(e.ctx, w.thCoord, access.RequestFilter{Status: []access.RequestStatus{"CLOSED"}}, start)
	wantErr(t, err, intel.EINVALID, "status[0]")
}

func testFulfilValidation(t *testing.T, e *env) {
	w := e.world()
	req := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
	for _, c := range []struct {
		name, field string
		links       []string
		entities    []string
		fields      []string
	}{
		{"ErrNoLinks", "linkIds", nil, []string{phoneKH}, nil},
		{"ErrLinkMalformed", "linkIds[1]", []string{callLink, "not-a-link"}, nil, nil},
		{"ErrLinkOutsideRequest", "linkIds[1]", []string{callLink, transferLink}, nil, nil},
		{"ErrEntityMalformed", "entityIds[0]", []string{callLink}, []string{"+855"}, nil},
		{"ErrFieldName", "fields[0]", []string{callLink}, nil, []string{"home address"}},
		{"ErrFieldNotAskedFor", "fields[1]", []string{callLink}, nil, []string{"name", "photo"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.reg.FulfilRequest(e.ctx, w.khCoord, req.ID, c.links, c.entities, c.fields, nil)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	if got := must(e.reg.GetRequest(e.ctx, w.khCoord, req.ID))(t); got.Status != access.RequestOpen {
		t.Errorf("rejected fulfilments changed the request: %+v", got)
	}
}

func testGrantsFor(t *testing.T, e *env) {
	w := e.world()
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); len(got) != 0 {
		t.Fatalf("GrantsFor before any = %+v", got)
	}
	var want []access.Grant
	for i := 0; i < 3; i++ {
		r := must(e.reg.CreateRequest(e.ctx, w.thCoord, validRequest(w)))(t)
		d := must(e.reg.FulfilRequest(e.ctx, w.khCoord, r.ID, []string{callLink}, []string{phoneKH}, []string{"name"}, nil))(t)
		want = append(want, d.Grant)
	}
	khReq := validRequest(w)
	khReq.EntityID = phoneTH
	r := must(e.reg.CreateRequest(e.ctx, w.khCoord, khReq))(t)
	kh := must(e.reg.FulfilRequest(e.ctx, w.thCoord, r.ID, []string{callLink2}, nil, nil, nil))(t)
	want = sortGrants(want)
	if got := must(e.reg.GrantsFor(e.ctx, "TH-CCIB"))(t); !reflect.DeepEqual(got, want) {
		t.Errorf("GrantsFor(TH-CCIB) = %+v, want %+v", got, want)
	}
	if got := must(e.reg.GrantsFor(e.ctx, "KH-NPC"))(t); !reflect.DeepEqual(got, []access.Grant{kh.Grant}) {
		t.Errorf("GrantsFor(KH-NPC) = %+v, want [%+v]", got, kh.Grant)
	}
	if got := must(e.reg.GrantsFor(e.ctx, "TH-DSI"))(t); len(got) != 0 {
		t.Errorf("GrantsFor(TH-DSI) = %+v, want none", got)
	}
	_, err := e.reg.GrantsFor(e.ctx, "th")
	wantErr(t, err, intel.EINVALID, "agency")
}

func sortGrants(g []access.Grant) []access.Grant {
	for i := range g {
		for j := i + 1; j < len(g); j++ {
			if g[j].RequestID < g[i].RequestID {
				g[i], g[j] = g[j], g[i]
			}
		}
	}
	return g
}
