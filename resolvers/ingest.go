package resolvers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// MaxIngestRecords bounds one ingest mutation; larger loads stream to
// POST /ingest.
const MaxIngestRecords = 5000

// ingestRecords runs the mutation's records through the ingest pipeline:
// the same mapping, duplicate detection and batching as file imports.
func ingestRecords(ctx context.Context, store intel.Store, in []*model.RecordInput) (*model.IngestPayload, error) {
	if len(in) > MaxIngestRecords {
		return nil, intel.Errorf(intel.EINVALID, "records", "has %d records, at most %d allowed; stream larger loads to POST /ingest", len(in), MaxIngestRecords)
	}
	records := make([]ingest.Record, len(in))
	for i, r := range in {
		// The GraphQL input and the wire record share their field names, so
		// JSON carries one into the other field for field.
		raw, err := json.Marshal(r)
		if err == nil {
			err = json.Unmarshal(raw, &records[i])
		}
		if err != nil {
			return nil, fmt.Errorf("converting record %d: %w", i, err)
		}
	}
	out := &model.IngestPayload{Results: make([]*model.RecordResult, 0, len(in)), Totals: &model.IngestTotals{}}
	totals, err := ingest.Run(ctx, store, ingest.NewSliceDecoder(records), ingest.Options{}, func(res ingest.Result) error {
		rr := &model.RecordResult{Index: res.Line, Status: model.RecordStatus(res.Status),
			Code: optional(res.Code), Field: optional(res.Field), Reason: optional(res.Reason)}
		if res.Type != "" {
			t := model.RecordType(res.Type)
			rr.Type = &t
		}
		out.Results = append(out.Results, rr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Totals = &model.IngestTotals{Records: totals.Records, Accepted: totals.Accepted, Duplicate: totals.Duplicate, Rejected: totals.Rejected}
	return out, nil
}
