package access

import (
	"context"
	"encoding/json"

	"github.com/scamgraph/scamgraph/intel"
)

// collDeliveries holds the evidence of fulfilled requests on its way into
// the graph: one document per request, written in the same commit as the
// request's status and grant.
const collDeliveries = "deliveries"

// Delivery is the evidence a fulfilment carries into the graph store. The
// registry and the graph are two stores (two files on the embedded
// backend), so one transaction cannot span both; instead the fulfilment
// commits the status, the grant and the evidence itself (Payload, opaque
// here: the use case's records) together, and the use case then writes the
// evidence into the graph, idempotently, and marks the delivery done. A
// crash or a store outage between the two leaves a pending delivery, which
// the use case finishes at the next start or fulfilment: the answer is
// never half given.
type Delivery struct {
	RequestID string          `json:"requestId"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	Done      bool            `json:"done"`
}

// PendingDeliveries lists the deliveries not yet marked done, by request id.
func (r *Registry) PendingDeliveries(ctx context.Context) ([]Delivery, error) {
	docs, err := r.rec.List(ctx, collDeliveries)
	if err != nil {
		return nil, err
	}
	list, err := decodeDocs[Delivery](collDeliveries, docs)
	if err != nil {
		return nil, err
	}
	out := []Delivery{}
	for _, d := range list {
		if !d.Done {
			out = append(out, d)
		}
	}
	return out, nil
}

// DeliveryDone marks the delivery of request id done and drops its
// payload, which the graph now holds. Marking a done delivery again is a
// no-op, so two replicas finishing the same delivery both succeed.
func (r *Registry) DeliveryDone(ctx context.Context, id string) error {
	_, err := retry(ctx, func() (struct{}, error) {
		docs, err := r.rec.Get(ctx, collDeliveries, []string{id})
		if err != nil {
			return struct{}{}, err
		}
		if len(docs) == 0 {
			return struct{}{}, intel.Errorf(intel.ENOTFOUND, "id", "no delivery for evidence request %q", id)
		}
		d, err := decodeOne[Delivery](collDeliveries, docs[0])
		if err != nil || d.Done {
			return struct{}{}, err
		}
		p, err := put(collDeliveries, id, docs[0].Version, Delivery{RequestID: id, Done: true})
		if err != nil {
			return struct{}{}, err
		}
		_, err = r.rec.Commit(ctx, []Put{p}, nil)
		return struct{}{}, err
	})
	return err
}
