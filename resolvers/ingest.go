package resolvers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/usecase"
)

func (r *Resolver) ingestRecords(ctx context.Context, in []*model.RecordInput) (*model.IngestPayload, error) {
	c, err := usecase.CallerFrom(ctx)
	if err != nil {
		return nil, err
	}
	records, err := toRecords(in)
	if err != nil {
		return nil, err
	}
	res, err := r.Service.Ingest(ctx, c, records)
	if err != nil {
		return nil, err
	}
	out := &model.IngestPayload{Results: make([]*model.RecordResult, 0, len(res.Results)),
		Totals: &model.IngestTotals{Records: res.Totals.Records, Accepted: res.Totals.Accepted,
			Duplicate: res.Totals.Duplicate, Rejected: res.Totals.Rejected, Warnings: res.Totals.Warnings}}
	for _, r := range res.Results {
		rr := &model.RecordResult{Index: r.Line, Status: model.RecordStatus(r.Status),
			Code: optional(r.Code), Field: optional(r.Field), Reason: optional(r.Reason),
			Warnings: make([]*model.RecordWarning, len(r.Warnings))}
		for i, w := range r.Warnings {
			rr.Warnings[i] = &model.RecordWarning{Code: model.WarningCode(w.Code), Field: w.Field, Reason: w.Reason,
				Candidates: append([]string{}, w.Candidates...)}
		}
		if r.Type != "" {
			t := model.RecordType(r.Type)
			rr.Type = &t
		}
		out.Results = append(out.Results, rr)
	}
	return out, nil
}

// toRecords turns GraphQL record inputs into wire records. The two share
// their field names, so JSON carries one into the other field for field.
func toRecords(in []*model.RecordInput) ([]ingest.Record, error) {
	records := make([]ingest.Record, len(in))
	for i, r := range in {
		raw, err := json.Marshal(r)
		if err == nil {
			err = json.Unmarshal(raw, &records[i])
		}
		if err != nil {
			return nil, fmt.Errorf("converting record %d: %w", i, err)
		}
	}
	return records, nil
}
