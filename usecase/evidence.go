package usecase

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// RequestEvidence files an evidence request to the other country.
func (s *Service) RequestEvidence(ctx context.Context, c *Caller, in access.EvidenceRequest) (out access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpRequestEvidence, err) }()
	if err = c.allow(access.OpRequestEvidence); err != nil {
		return out, err
	}
	return s.registry.CreateRequest(ctx, c.Principal, in)
}

// AcknowledgeEvidence records that the responding coordinator took a
// request up.
func (s *Service) AcknowledgeEvidence(ctx context.Context, c *Caller, id string) (out access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpAcknowledgeEvidence, err) }()
	if err = c.allow(access.OpAcknowledgeEvidence); err != nil {
		return out, err
	}
	return s.registry.AcknowledgeRequest(ctx, c.Principal, id)
}

// DeclineEvidence refuses a request, for a reason.
func (s *Service) DeclineEvidence(ctx context.Context, c *Caller, id, reason string) (out access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpDeclineEvidence, err) }()
	if err = c.allow(access.OpDeclineEvidence); err != nil {
		return out, err
	}
	return s.registry.DeclineRequest(ctx, c.Principal, id, reason)
}

// EvidenceRequests lists the requests the caller's side sent or received.
func (s *Service) EvidenceRequests(ctx context.Context, c *Caller, f access.RequestFilter, now time.Time) (out []access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpEvidenceRequests, err) }()
	if err = c.allow(access.OpEvidenceRequests); err != nil {
		return nil, err
	}
	return s.registry.ListRequests(ctx, c.Principal, f, now)
}

// EvidenceRequest reads one request; ENOTFOUND when the caller's side may
// not see it.
func (s *Service) EvidenceRequest(ctx context.Context, c *Caller, id string) (out access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpEvidenceRequests, err) }()
	if err = c.allow(access.OpEvidenceRequests); err != nil {
		return out, err
	}
	return s.registry.GetRequest(ctx, c.Principal, id)
}

// Fulfilment is how a coordinator answers: new records (the responding
// agency's own, as through ingest), facts already in the store (LinkIDs,
// each one the coordinator may see and of its own country), or both; and
// the personal-data fields the requester may now see.
type Fulfilment struct {
	Records []ingest.Record
	LinkIDs []string
	Fields  []string
}

// FulfilEvidence answers a request, all or nothing. Every record must map
// as a record of the responding agency, and every fact named must be one
// the responder may give, before anything is written; the registry then
// commits the status, the grant (exactly the facts the records produce and
// the facts named) and the records themselves in one transaction, and the
// records are delivered into the graph from there (see deliver). A failure
// before that commit changes nothing; one after it leaves a delivery that
// is finished at the next fulfilment or start, never a half answer.
func (s *Service) FulfilEvidence(ctx context.Context, c *Caller, id string, in Fulfilment) (out access.EvidenceRequest, err error) {
	defer func() { c.finish(access.OpFulfilEvidence, err) }()
	if err = c.allow(access.OpFulfilEvidence); err != nil {
		return out, err
	}
	if len(in.Records) == 0 && len(in.LinkIDs) == 0 {
		return out, intel.Errorf(intel.EINVALID, "records", "must hold the evidence that answers the request, or linkIds name it")
	}
	if len(in.Records) > MaxIngestRecords {
		return out, intel.Errorf(intel.EINVALID, "records", "has %d records, at most %d allowed", len(in.Records), MaxIngestRecords)
	}
	var linkIDs, entityIDs []string
	for i := range in.Records {
		field := fieldAt("records", i)
		r := in.Records[i]
		if err := c.ownFact("", &r.Agency, &r.Country); err != nil {
			return out, prefixed(field, err)
		}
		if err := ownFiling(r); err != nil {
			return out, prefixed(field, err)
		}
		in.Records[i] = r
		b, err := ingest.Map(r)
		if err != nil {
			return out, prefixed(field, err)
		}
		for _, l := range b.Links {
			linkIDs = append(linkIDs, l.ID)
			entityIDs = append(entityIDs, l.From, l.To)
		}
		for _, e := range b.Entities {
			entityIDs = append(entityIDs, e.ID)
		}
	}
	if len(in.Records) > 0 && len(linkIDs) == 0 {
		return out, intel.Errorf(intel.EINVALID, "records", "produce no facts to grant")
	}
	if len(in.LinkIDs) > 0 {
		found, err := c.view.GetLinks(ctx, in.LinkIDs)
		if err != nil {
			return out, err
		}
		for i, lid := range in.LinkIDs {
			l, ok := found[lid]
			if !ok {
				return out, intel.Errorf(intel.ENOTFOUND, fieldAt("linkIds", i), "no fact with id %q", lid)
			}
			if l.Country != c.Country() {
				return out, intel.Errorf(intel.EFORBIDDEN, fieldAt("linkIds", i),
					"is a fact of %s; a coordinator of %s answers with its own country's facts", l.Country, c.Country())
			}
			linkIDs = append(linkIDs, l.ID)
			entityIDs = append(entityIDs, l.From, l.To)
		}
	}
	slices.Sort(linkIDs)
	slices.Sort(entityIDs)
	linkIDs, entityIDs = slices.Compact(linkIDs), slices.Compact(entityIDs)
	var payload []byte
	if len(in.Records) > 0 {
		if payload, err = json.Marshal(in.Records); err != nil {
			return out, fmt.Errorf("encoding the evidence of request %s: %w", id, err)
		}
	}
	// Pending deliveries go first, so that no two answers' records land out
	// of order and a delivery left by a crash does not wait for a restart.
	if err := s.DeliverPending(ctx, c); err != nil {
		return out, err
	}
	out, err = s.registry.FulfilRequest(ctx, c.Principal, id, linkIDs, entityIDs, in.Fields, payload)
	if err != nil || payload == nil {
		return out, err
	}
	if err := s.deliver(ctx, c, access.Delivery{RequestID: id, Payload: payload}); err != nil {
		// The answer stands (committed with its evidence); the delivery
		// is finished by the next fulfilment or at the next start.
		s.logger.Warn().Err(err).Str("request", id).Msg("evidence delivery into the graph failed; it will be retried")
	}
	return out, nil
}

// DeliverPending finishes the deliveries a crash or an outage left. c
// receives the entities they write, for its audit entry; nil for the
// start-up pass, whose writes the fulfilments' own entries already name.
func (s *Service) DeliverPending(ctx context.Context, c *Caller) error {
	pending, err := s.registry.PendingDeliveries(ctx)
	if err != nil {
		return err
	}
	for _, d := range pending {
		if err := s.deliver(ctx, c, d); err != nil {
			return err
		}
	}
	return nil
}

// deliver writes one fulfilment's records into the graph through the
// ingest pipeline (idempotent: a record already stored answers DUPLICATE
// and writes nothing) and marks the delivery done.
func (s *Service) deliver(ctx context.Context, c *Caller, d access.Delivery) error {
	var records []ingest.Record
	if err := json.Unmarshal(d.Payload, &records); err != nil {
		return fmt.Errorf("decoding the evidence of request %s: %w", d.RequestID, err)
	}
	// A store that stays unavailable past its own retry budget is not
	// waited out here: the delivery stays pending and the next pass
	// finishes it.
	_, err := ingest.Run(ctx, s.store, ingest.NewSliceDecoder(records), ingest.Options{}, func(r ingest.Result) error {
		switch {
		case r.Status == ingest.StatusAccepted && c != nil:
			c.wrote(r.Entities...)
		case r.Status == ingest.StatusRejected:
			// Mapped before the commit, so only the store can refuse it now.
			return fmt.Errorf("evidence record %d of request %s refused by the store: %s: %s", r.Line, d.RequestID, r.Field, r.Reason)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.registry.DeliveryDone(ctx, d.RequestID)
}

// prefixed puts a record's position in front of an error's field.
func prefixed(prefix string, err error) error {
	code := intel.ErrorCode(err)
	if code == intel.EINTERNAL {
		return err
	}
	return intel.Errorf(code, join(prefix, intel.ErrorField(err)), "%s", intel.ErrorMessage(err))
}
