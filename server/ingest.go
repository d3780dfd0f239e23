package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"time"

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
	// A stream lasts as long as the job sending it: the server's read and
	// write timeouts are for ordinary requests and would cut it off.
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Time{}); err != nil {
		hlog.FromRequest(r).Warn().Err(err).Msg("ingest: cannot lift the read deadline")
	}
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		hlog.FromRequest(r).Warn().Err(err).Msg("ingest: cannot lift the write deadline")
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
	// started says whether the answer has begun: a result encoded, or a
	// batch made durable (which flushes the headers out).
	started := false
	batchDone := func(int, int64, ingest.Totals) error {
		started = true
		if err := out.Flush(); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	}
	totals, err := s.service.IngestStream(r.Context(), c, dec, ingest.Options{Checkpoint: batchDone},
		func(res ingest.Result) error {
			if which == ingestResultsProblems && res.Status == ingest.StatusAccepted && len(res.Warnings) == 0 {
				return nil
			}
			started = true
			return enc.Encode(res)
		})
	auditErr := s.finish(r.Context(), c)
	failure := err
	if auditErr != nil {
		failure = auditErr
	}
	if failure != nil && !started && intel.ErrorCode(failure) != intel.EINTERNAL {
		// Nothing has been sent yet, so the failure is answered as any
		// other endpoint answers it: its status (503 with Retry-After for
		// an unavailable store) and the GraphQL-over-HTTP error body the
		// mutation's response would carry.
		s.writeError(w, r, failure)
		return
	}
	final := map[string]any{"totals": totals}
	if err != nil {
		// The same message and code as the mutation's error, so that a
		// client reads one failure one way whichever entry it used.
		final["error"], final["code"] = publicError(err), intel.ClientCode(err)
		log := hlog.FromRequest(r)
		switch final["code"] {
		case intel.CodeInternal:
			log.Error().Err(err).Msg("ingest stopped")
		case intel.CodeUnavailable:
			logUnavailable(log.Warn(), err).Msg("ingest stopped: store unavailable")
		default:
			log.Info().Err(err).Msg("ingest stopped")
		}
	}
	if auditErr != nil {
		hlog.FromRequest(r).Error().Err(auditErr).Msg("audit append failed")
		final["error"], final["code"] = "internal error: the import could not be audited", intel.CodeInternal
		if intel.ErrorCode(auditErr) == intel.EUNAVAILABLE {
			final["error"], final["code"] = publicError(auditErr), intel.CodeUnavailable
		}
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
