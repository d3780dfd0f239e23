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
//
// Records are written as the caller's agency's: a record naming no agency
// gets the caller's, one naming another is rejected. The pipeline reads
// the whole store (not the caller's view) to find duplicates, and answers
// only with per-record outcomes, which show nothing of what is stored.
func ingestRecords(ctx context.Context, store intel.Store, in []*model.RecordInput) (*model.IngestPayload, error) {
	req, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if len(in) > MaxIngestRecords {
		return nil, intel.Errorf(intel.EINVALID, "records", "has %d records, at most %d allowed; stream larger loads to POST /ingest", len(in), MaxIngestRecords)
	}
	records, err := toRecords(in)
	if err != nil {
		return nil, err
	}
	p := req.Principal
	dec := ingest.AsContributor(ingest.NewSliceDecoder(records), p.Agency.Code, p.Agency.Country)
	out := &model.IngestPayload{Results: make([]*model.RecordResult, 0, len(in)), Totals: &model.IngestTotals{}}
	totals, err := ingest.Run(ctx, store, dec, ingest.Options{}, func(res ingest.Result) error {
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
	req.Wrote(writtenEntities(records, p.Agency.Code, p.Agency.Country)...)
	out.Totals = &model.IngestTotals{Records: totals.Records, Accepted: totals.Accepted, Duplicate: totals.Duplicate, Rejected: totals.Rejected}
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

// writtenEntities names the entities records touch, for the audit log;
// records that do not map wrote nothing and name nothing.
func writtenEntities(records []ingest.Record, agency string, country intel.Region) []string {
	var out []string
	for _, r := range records {
		if r.Agency == "" {
			r.Agency = agency
		}
		if r.Country == "" {
			r.Country = string(country)
		}
		b, err := ingest.Map(r)
		if err != nil {
			continue
		}
		for _, e := range b.Entities {
			out = append(out, e.ID)
		}
	}
	return out
}
