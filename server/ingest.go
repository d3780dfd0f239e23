package server

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/rs/zerolog/hlog"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/resolvers"
)

// ingestResultsAll and ingestResultsProblems choose which per-record results
// the streaming endpoint sends back: every one (the default), or only the
// duplicates and rejections, for large loads whose client needs only those.
const (
	ingestResultsAll      = "all"
	ingestResultsProblems = "problems"
)

// ingestStream is POST /ingest: a body of records (NDJSON, or CSV with
// ?format=csv&type=call) is imported as it arrives, and the answer streams
// back one JSON result per record, in input order, then one totals line.
// Results of a batch are sent only once the batch is durable.
func (s *Server) ingestStream(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeGraphQLError(w, http.StatusMethodNotAllowed, "BAD_USER_INPUT", "method", "POST records to /ingest")
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "ndjson"
		if strings.Contains(r.Header.Get("Content-Type"), "csv") {
			format = "csv"
		}
	}
	which := q.Get("results")
	if which == "" {
		which = ingestResultsAll
	}
	if which != ingestResultsAll && which != ingestResultsProblems {
		writeGraphQLError(w, http.StatusBadRequest, "BAD_USER_INPUT", "results", "must be all or problems")
		return
	}
	req := guard.RequestFrom(r.Context())
	if role := req.Principal.Key.Role; role != access.RoleEnricher && role != access.RoleAdmin {
		writeGraphQLError(w, http.StatusForbidden, resolvers.CodeForbidden, "Authorization",
			"importing needs the role ENRICHER or ADMIN; this key ("+req.Principal.Key.ID+") holds "+string(role))
		s.audit(r.Context(), req, access.AuditEntry{RequestID: requestID(r.Context()), Operation: "ingest stream",
			Kind: access.KindWrite, Purpose: req.Purpose, Outcome: access.OutcomeDenied, Detail: "role " + string(role)})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxIngestBytes)
	dec, err := ingest.NewDecoder(r.Body, format, ingest.RecordType(q.Get("type")))
	if err != nil {
		writeGraphQLError(w, http.StatusBadRequest, "BAD_USER_INPUT", "format", err.Error())
		return
	}
	p := req.Principal
	dec = ingest.AsContributor(dec, p.Agency.Code, p.Agency.Country)
	w.Header().Set("Content-Type", "application/x-ndjson")
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	flusher, _ := w.(http.Flusher)
	batchDone := func(int, int64, ingest.Totals) error {
		if err := out.Flush(); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	}
	totals, err := ingest.Run(r.Context(), s.store, dec, ingest.Options{Logger: *hlog.FromRequest(r), Checkpoint: batchDone},
		func(res ingest.Result) error {
			if which == ingestResultsProblems && res.Status == ingest.StatusAccepted {
				return nil
			}
			return enc.Encode(res)
		})
	final := map[string]any{"totals": totals}
	entry := access.AuditEntry{RequestID: requestID(r.Context()), Operation: "ingest stream", Kind: access.KindWrite,
		Purpose: req.Purpose, Outcome: access.OutcomeOK,
		Detail: fmt.Sprintf("%d records: %d accepted, %d duplicate, %d rejected", totals.Records, totals.Accepted, totals.Duplicate, totals.Rejected)}
	if err != nil {
		hlog.FromRequest(r).Error().Err(err).Msg("ingest stopped")
		final["error"] = "ingest stopped: " + publicError(err)
		entry.Outcome = access.OutcomeError
	}
	if err := s.audit(r.Context(), req, entry); err != nil {
		hlog.FromRequest(r).Error().Err(err).Msg("audit append failed")
		final["error"] = "internal error: the import could not be audited"
	}
	enc.Encode(final)
	out.Flush()
}

// publicError says what a client may know of an error that stopped a run.
func publicError(err error) string {
	if strings.Contains(err.Error(), "request body too large") {
		return "request body too large"
	}
	return "internal error (see the server log)"
}
