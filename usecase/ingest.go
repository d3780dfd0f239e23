package usecase

import (
	"context"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// MaxIngestRecords bounds one ingest mutation; larger loads stream to
// POST /ingest.
const MaxIngestRecords = 5000

// IngestResult is every record's outcome, in input order, and the totals.
type IngestResult struct {
	Results []ingest.Result
	Totals  ingest.Totals
}

// Ingest runs a list of records (the mutation) through the ingest
// pipeline: the same mapping, duplicate detection and batching as file
// imports. Records are the caller's agency's own (ownFact). The pipeline
// reads the whole store (not the caller's view) to find duplicates, and
// answers only with per-record outcomes, which show nothing of what is
// stored.
func (s *Service) Ingest(ctx context.Context, c *Caller, records []ingest.Record) (out IngestResult, err error) {
	defer func() { c.finish(access.OpIngest, err) }()
	if err = c.allow(access.OpIngest); err != nil {
		return out, err
	}
	if len(records) > MaxIngestRecords {
		return out, intel.Errorf(intel.EINVALID, "records", "has %d records, at most %d allowed; stream larger loads to POST /ingest", len(records), MaxIngestRecords)
	}
	out.Results = make([]ingest.Result, 0, len(records))
	out.Totals, err = s.run(ctx, c, ingest.NewSliceDecoder(records), ingest.Options{}, func(r ingest.Result) error {
		out.Results = append(out.Results, r)
		return nil
	})
	return out, err
}

// IngestStream runs a stream of records (POST /ingest, `import --server`)
// through the same pipeline as Ingest, handing each result to emit in
// input order once its batch is durable. opts.Checkpoint is called after
// each durable batch.
func (s *Service) IngestStream(ctx context.Context, c *Caller, dec ingest.Decoder, opts ingest.Options, emit func(ingest.Result) error) (totals ingest.Totals, err error) {
	defer func() { c.finish(access.OpIngestStream, err) }()
	if err = c.allow(access.OpIngestStream); err != nil {
		return totals, err
	}
	return s.run(ctx, c, dec, opts, emit)
}

// run is the pipeline with the rules: every record is the caller's own,
// and the audit learns exactly what the accepted records wrote.
func (s *Service) run(ctx context.Context, c *Caller, dec ingest.Decoder, opts ingest.Options, emit func(ingest.Result) error) (ingest.Totals, error) {
	return ingest.Run(ctx, s.store, contributor{dec: dec, c: c}, opts, func(r ingest.Result) error {
		if r.Status == ingest.StatusAccepted {
			c.wrote(r.Entities...)
		}
		return emit(r)
	})
}

// contributor applies ownFact and ownFiling to every record of a stream: a
// record that names no agency or country gets the caller's, one that names
// another is refused (FORBIDDEN, on its agency or country field), like an
// upsert item of another agency, and one that describes a suspect or case
// another agency filed is refused (INVALID, on its reference).
type contributor struct {
	dec ingest.Decoder
	c   *Caller
}

func (d contributor) Next() (ingest.Raw, error) {
	raw, err := d.dec.Next()
	if err != nil || raw.Err != nil {
		return raw, err
	}
	if raw.Err = d.c.ownFact("", &raw.Record.Agency, &raw.Record.Country); raw.Err == nil {
		raw.Err = ownFiling(raw.Record)
	}
	return raw, nil
}

// MayIngestStream applies the role rule of IngestStream ahead of the
// stream, for an edge that must answer a refusal before it starts sending
// results; the refusal is recorded for the audit like any other.
func (s *Service) MayIngestStream(c *Caller) error {
	err := c.allow(access.OpIngestStream)
	if err != nil {
		c.finish(access.OpIngestStream, err)
	}
	return err
}
