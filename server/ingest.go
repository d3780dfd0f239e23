package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/rs/zerolog/hlog"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// ingestResultsAll and ingestResultsProblems choose which per-record results
// the streaming endpoint sends back: every one (the default), or only the
// duplicates, the rejections and the records with warnings, for large loads
// whose client needs only those.
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
	c, err := usecase.CallerFrom(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxIngestBytes)
	dec, err := ingest.NewDecoder(r.Body, format, ingest.RecordType(q.Get("type")))
	if err != nil {
		writeGraphQLError(w, http.StatusBadRequest, "BAD_USER_INPUT", "format", err.Error())
		return
	}
	// The role is checked before the answer starts streaming, so that a key
	// that may not import gets a plain 403 rather than a stream that stops.
	if err := s.service.MayIngestStream(c); err != nil {
		s.writeError(w, r, err)
		s.finish(r.Context(), c)
		return
	}
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
	totals, err := s.service.IngestStream(r.Context(), c, dec, ingest.Options{Logger: *hlog.FromRequest(r), Checkpoint: batchDone},
		func(res ingest.Result) error {
			if which == ingestResultsProblems && res.Status == ingest.StatusAccepted && len(res.Warnings) == 0 {
				return nil
			}
			return enc.Encode(res)
		})
	final := map[string]any{"totals": totals}
	if err != nil {
		hlog.FromRequest(r).Error().Err(err).Msg("ingest stopped")
		final["error"] = "ingest stopped: " + publicError(err)
		final["code"] = intel.ClientCode(err)
	}
	if err := s.finish(r.Context(), c); err != nil {
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
	if intel.ErrorCode(err) != intel.EINTERNAL {
		return clientMessage(err)
	}
	return "internal error (see the server log)"
}
