package access

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// RequestStatus is where an evidence request stands.
type RequestStatus string

// The statuses. OPEN may be acknowledged; OPEN or ACKNOWLEDGED may be
// fulfilled or declined, which is final.
const (
	RequestOpen         RequestStatus = "OPEN"
	RequestAcknowledged RequestStatus = "ACKNOWLEDGED"
	RequestFulfilled    RequestStatus = "FULFILLED"
	RequestDeclined     RequestStatus = "DECLINED"
)

// Valid reports whether s is a known status.
func (s RequestStatus) Valid() bool {
	switch s {
	case RequestOpen, RequestAcknowledged, RequestFulfilled, RequestDeclined:
		return true
	}
	return false
}

// answered reports whether the request has had its final answer.
func (s RequestStatus) answered() bool { return s == RequestFulfilled || s == RequestDeclined }

// EvidenceRequest is a coordinator's request, under an agreement, for the
// other country's evidence about one entity: the MOU's coordinators "help
// the agencies of both countries find evidence". The responding country's
// coordinator acknowledges it and then fulfils it with a Grant, or
// declines it with a reason.
type EvidenceRequest struct {
	ID          string
	AgreementID string
	// RequestingAgency and RequestingCountry are the caller's; the
	// RespondingCountry is the other one.
	RequestingAgency  string
	RequestingCountry intel.Region
	RespondingCountry intel.Region
	// EntityID is the intel entity the request is about.
	EntityID string
	// Categories are the evidence categories asked for, sorted and
	// distinct; the agreement must cover each.
	Categories []intel.Category
	// Fields are the sensitive fields asked for ("name", "documentNumber",
	// "address"), sorted and distinct.
	Fields      []string
	Period      intel.TimeWindow
	Description string
	LegalBasis  string
	DueAt       time.Time
	Status      RequestStatus
	CreatedAt   time.Time
	// CreatedBy, AcknowledgedBy and AnsweredBy are key ids.
	CreatedBy      string
	AcknowledgedAt time.Time
	AcknowledgedBy string
	AnsweredAt     time.Time
	AnsweredBy     string
	DeclineReason  string
	// Grant is what a FULFILLED request gave; zero otherwise.
	Grant Grant
}

// Overdue reports whether the request is still unanswered after its due time.
func (r EvidenceRequest) Overdue(now time.Time) bool {
	return (r.Status == RequestOpen || r.Status == RequestAcknowledged) && now.After(r.DueAt)
}

// visibleTo reports whether country sent or received the request.
func (r EvidenceRequest) visibleTo(country intel.Region) bool {
	return country == r.RequestingCountry || country == r.RespondingCountry
}

// The sides of a RequestFilter.
const (
	SideSent     = "SENT"
	SideReceived = "RECEIVED"
)

// RequestFilter selects evidence requests; zero fields match everything.
type RequestFilter struct {
	// Status keeps requests in any of these statuses.
	Status []RequestStatus
	// Overdue keeps only overdue requests.
	Overdue bool
	// Side is SENT (the principal's country asked), RECEIVED (its country
	// is asked) or "" for both.
	Side string
}

// Limits of a request's lists.
const (
	maxRequestFields = 50
	maxFieldName     = 64
)

// checkFieldNames validates sensitive field names and returns them sorted
// and distinct. Names are identifiers because they name keys of an
// entity's or link's Sensitive map.
func checkFieldNames(field string, names []string) ([]string, error) {
	if len(names) > maxRequestFields {
		return nil, intel.Errorf(intel.EINVALID, field, "has %d entries, at most %d allowed", len(names), maxRequestFields)
	}
	seen := map[string]bool{}
	out := []string{}
	for i, n := range names {
		if !validFieldName(n) {
			return nil, intel.Errorf(intel.EINVALID, fmt.Sprintf("%s[%d]", field, i),
				"%q is not a field name (1-%d letters, digits or '_')", n, maxFieldName)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func validFieldName(n string) bool {
	if n == "" || len(n) > maxFieldName {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkEntityID accepts an intel entity id.
func checkEntityID(field, id string) error {
	if id == "" {
		return intel.Errorf(intel.EINVALID, field, "is required")
	}
	if err := checkText(field, id, maxLongText, true); err != nil {
		return err
	}
	if _, _, ok := intel.SplitEntityID(id); !ok {
		return intel.Errorf(intel.EINVALID, field, "%q is not an entity id (want Kind:key, e.g. PhoneNumber:+66812345678)", id)
	}
	return nil
}

// validRequestID reports whether id has the shape of a request id.
func validRequestID(id string) bool {
	return len(id) == len("req_")+keyIDLen && id[:4] == "req_" && validKeyID(id[4:])
}

func checkRequestID(id string) error {
	if !validRequestID(id) {
		return intel.Errorf(intel.EINVALID, "id", "%q is not an evidence request id (req_ and 16 hex digits)", id)
	}
	return nil
}

// CreateRequest files an evidence request from p's agency to the other
// country under in.AgreementID. p must hold a COORDINATOR key of one of the
// agreement's coordinators; the agreement must be active now and cover
// every category asked for; DueAt must be in the future. The registry sets
// the id, the requesting side, the status and the creation stamps.
func (r *Registry) CreateRequest(ctx context.Context, p Principal, in EvidenceRequest) (EvidenceRequest, error) {
	now := r.clock()
	req, err := r.normalizeRequest(p, in, now)
	if err != nil {
		return EvidenceRequest{}, err
	}
	var ag Agreement
	if _, err := r.getDoc(ctx, collAgreements, req.AgreementID, "agreementId", "agreement", &ag); err != nil {
		return EvidenceRequest{}, err
	}
	if !ag.IsCoordinator(p.Agency.Code) {
		return EvidenceRequest{}, intel.Errorf(intel.EFORBIDDEN, "agreementId", "agency %s is not a coordinator of agreement %s", p.Agency.Code, ag.ID)
	}
	if !ag.ActiveAt(now) {
		return EvidenceRequest{}, intel.Errorf(intel.EFORBIDDEN, "agreementId", "agreement %s is not in force (%s, %s to %s)",
			ag.ID, ag.Status, ag.ValidFrom.Format(time.RFC3339), ag.ValidUntil.Format(time.RFC3339))
	}
	for i, c := range in.Categories {
		if !ag.Covers(c) {
			return EvidenceRequest{}, intel.Errorf(intel.EFORBIDDEN, fmt.Sprintf("categories[%d]", i),
				"agreement %s does not cover %s (it covers %v)", ag.ID, c, ag.Categories)
		}
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if req.ID, err = newID("req_"); err != nil {
			return EvidenceRequest{}, err
		}
		pt, err := put(collRequests, req.ID, 0, req)
		if err != nil {
			return EvidenceRequest{}, err
		}
		audit := r.auditFor(ctx, principalActor(p), OpRequestEvidence, KindWrite, []string{req.EntityID},
			fmt.Sprintf("evidence request %s to %s under agreement %s, categories %v, due %s",
				req.ID, req.RespondingCountry, ag.ID, req.Categories, req.DueAt.Format(time.RFC3339)))
		_, err = r.rec.Commit(ctx, []Put{pt}, audit)
		if errors.Is(err, ErrVersionMismatch) {
			continue
		}
		if err != nil {
			return EvidenceRequest{}, err
		}
		return req, nil
	}
	return EvidenceRequest{}, fmt.Errorf("access: no free request id after %d attempts", maxAttempts)
}

// normalizeRequest validates a new request's input and returns it in
// stored form, stamped for p at now.
func (r *Registry) normalizeRequest(p Principal, in EvidenceRequest, now time.Time) (EvidenceRequest, error) {
	if !validAgreementID(in.AgreementID) {
		return in, intel.Errorf(intel.EINVALID, "agreementId", "%q is not an agreement id", in.AgreementID)
	}
	if in.RequestingAgency != "" && in.RequestingAgency != p.Agency.Code {
		return in, intel.Errorf(intel.EINVALID, "requestingAgency", "is %s, the caller's agency; got %s", p.Agency.Code, in.RequestingAgency)
	}
	if in.RequestingCountry != "" && in.RequestingCountry != p.Agency.Country {
		return in, intel.Errorf(intel.EINVALID, "requestingCountry", "is %s, the caller's country; got %s", p.Agency.Country, in.RequestingCountry)
	}
	responding := otherCountry(p.Agency.Country)
	if in.RespondingCountry != "" && in.RespondingCountry != responding {
		return in, intel.Errorf(intel.EINVALID, "respondingCountry", "must be %s: a request goes to the other country", responding)
	}
	if err := checkEntityID("entityId", in.EntityID); err != nil {
		return in, err
	}
	cats, err := checkCategories("categories", in.Categories)
	if err != nil {
		return in, err
	}
	fields, err := checkFieldNames("fields", in.Fields)
	if err != nil {
		return in, err
	}
	period := intel.TimeWindow{Since: normTime(in.Period.Since), Until: normTime(in.Period.Until)}
	if err := period.Validate("period"); err != nil {
		return in, err
	}
	if err := checkText("description", in.Description, maxLongText, true); err != nil {
		return in, err
	}
	if err := checkText("legalBasis", in.LegalBasis, maxLongText, true); err != nil {
		return in, err
	}
	due := normTime(in.DueAt)
	if due.IsZero() {
		return in, intel.Errorf(intel.EINVALID, "dueAt", "is required")
	}
	if !due.After(now) {
		return in, intel.Errorf(intel.EINVALID, "dueAt", "must be in the future, got %s", due.Format(time.RFC3339))
	}
	return EvidenceRequest{
		AgreementID: in.AgreementID, RequestingAgency: p.Agency.Code, RequestingCountry: p.Agency.Country,
		RespondingCountry: responding, EntityID: in.EntityID, Categories: cats, Fields: fields,
		Period: period, Description: in.Description, LegalBasis: in.LegalBasis, DueAt: due,
		Status: RequestOpen, CreatedAt: now, CreatedBy: p.Key.ID,
		Grant: Grant{LinkIDs: []string{}, EntityIDs: []string{}, Fields: []string{}},
	}, nil
}

// GetRequest returns request id if p's country sent or received it; any
// other request is ENOTFOUND, as if it did not exist.
func (r *Registry) GetRequest(ctx context.Context, p Principal, id string) (EvidenceRequest, error) {
	if err := checkRequestID(id); err != nil {
		return EvidenceRequest{}, err
	}
	var req EvidenceRequest
	if _, err := r.getDoc(ctx, collRequests, id, "id", "evidence request", &req); err != nil {
		return EvidenceRequest{}, err
	}
	if !req.visibleTo(p.Agency.Country) {
		return EvidenceRequest{}, intel.Errorf(intel.ENOTFOUND, "id", "no evidence request with id %q", id)
	}
	return req, nil
}

// ListRequests returns the requests p's country sent or received that pass
// f at now, oldest first.
func (r *Registry) ListRequests(ctx context.Context, p Principal, f RequestFilter, now time.Time) ([]EvidenceRequest, error) {
	if f.Side != "" && f.Side != SideSent && f.Side != SideReceived {
		return nil, intel.Errorf(intel.EINVALID, "side", "must be SENT, RECEIVED or empty, got %q", f.Side)
	}
	for i, s := range f.Status {
		if !s.Valid() {
			return nil, intel.Errorf(intel.EINVALID, fmt.Sprintf("status[%d]", i), "unknown request status %q", s)
		}
	}
	all, err := listDocs[EvidenceRequest](ctx, r.rec, collRequests)
	if err != nil {
		return nil, err
	}
	country := p.Agency.Country
	out := []EvidenceRequest{}
	for _, req := range all {
		switch {
		case !req.visibleTo(country),
			f.Side == SideSent && req.RequestingCountry != country,
			f.Side == SideReceived && req.RespondingCountry != country,
			f.Overdue && !req.Overdue(now),
			len(f.Status) > 0 && !hasStatus(f.Status, req.Status):
			continue
		}
		out = append(out, req)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func hasStatus(list []RequestStatus, s RequestStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
