package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// serverSink imports through a running server's POST /ingest. Records are
// decoded here (so CSV and NDJSON behave alike and bad lines are caught
// early) and sent in chunks as NDJSON; each chunk's answer comes back only
// once it is durable, which is when the checkpoint moves on.
type serverSink struct {
	base   string
	key    string
	client http.Client
	// retryFor is how long one chunk is resent while the server answers
	// UNAVAILABLE or cannot be reached (--retry-for).
	retryFor time.Duration
}

// remoteChunk is how many records one request carries.
const remoteChunk = 5000

func (s *serverSink) run(ctx context.Context, dec ingest.Decoder, batchSize int, checkpoint func(int, int64, ingest.Totals) error,
	report func(ingest.Result) error) (ingest.Totals, error) {
	var totals ingest.Totals
	for {
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		var lines []int // original line of each record sent
		var local []ingest.Result
		var last ingest.Raw
		eof := false
		for len(lines)+len(local) < remoteChunk {
			raw, err := dec.Next()
			if errors.Is(err, io.EOF) {
				eof = true
				break
			}
			if err != nil {
				return totals, err
			}
			last = raw
			if raw.Err != nil {
				local = append(local, ingest.Result{Line: raw.Line, Status: ingest.StatusRejected, Type: raw.Record.Type,
					Code: "BAD_USER_INPUT", Field: intel.ErrorField(raw.Err), Reason: intel.ErrorMessage(raw.Err), Record: raw.Text})
				continue
			}
			if err := enc.Encode(raw.Record); err != nil {
				return totals, err
			}
			lines = append(lines, raw.Line)
		}
		for _, r := range local {
			totals.Records++
			totals.Rejected++
			if err := report(r); err != nil {
				return totals, err
			}
		}
		if len(lines) > 0 {
			if err := s.post(ctx, &body, batchSize, func(r ingest.Result) error {
				if r.Line < 1 || r.Line > len(lines) {
					return fmt.Errorf("server answered for line %d of a %d-record request", r.Line, len(lines))
				}
				r.Line = lines[r.Line-1]
				switch r.Status {
				case ingest.StatusAccepted:
					totals.Accepted++
				case ingest.StatusDuplicate:
					totals.Duplicate++
				default:
					totals.Rejected++
				}
				totals.Records++
				totals.Warnings += len(r.Warnings)
				if r.Status == ingest.StatusRejected || len(r.Warnings) > 0 {
					return report(r)
				}
				return nil
			}); err != nil {
				return totals, err
			}
		}
		if len(lines)+len(local) > 0 {
			totals.Batches++
			if err := checkpoint(last.Line, last.Offset, totals); err != nil {
				return totals, err
			}
		}
		if eof {
			return totals, nil
		}
	}
}

// post sends one chunk, resending it through intel.Retry while the server
// is unavailable (it answers 503, or cannot be reached) for at most
// retryFor; any other answer is final. A chunk is idempotent, so sending
// it again is safe.
func (s *serverSink) post(ctx context.Context, body *bytes.Buffer, batchSize int, each func(ingest.Result) error) error {
	payload := body.Bytes()
	return intel.Retry(ctx, s.retryFor, func() error { return s.postOnce(ctx, payload, each) }, nil)
}

// answerError is the error an answer of the server carries, in the
// service's vocabulary: the code and message of its GraphQL-over-HTTP
// error body; a gateway's 502/503/504 without one is the server being
// unavailable.
func answerError(status int, body []byte) error {
	var answer struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code, Field string }
		}
	}
	if json.Unmarshal(body, &answer) == nil && len(answer.Errors) > 0 && answer.Errors[0].Extensions.Code != "" {
		e := answer.Errors[0]
		msg := strings.TrimPrefix(e.Message, e.Extensions.Field+": ")
		return intel.ErrorFromClientCode(e.Extensions.Code, e.Extensions.Field, msg)
	}
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return intel.Errorf(intel.EUNAVAILABLE, "", "the server answered HTTP %d", status)
	}
	return fmt.Errorf("the server answered HTTP %d: %s", status, bytes.TrimSpace(body))
}

func (s *serverSink) postOnce(ctx context.Context, payload []byte, each func(ingest.Result) error) error {
	url := strings.TrimRight(s.base, "/") + "/ingest?format=ndjson&results=all"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+s.key)
	res, err := s.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return &intel.Error{Code: intel.EUNAVAILABLE, Message: "the server cannot be reached", Cause: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return answerError(res.StatusCode, msg)
	}
	// Results are applied only after the totals line arrives: a chunk cut
	// short by a server crash (or stopped by a store that does not answer)
	// is sent again whole.
	var results []ingest.Result
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		// A line is a record's result, or the last one: the totals, with
		// the error and its code (in the Result's code) when the run stopped.
		var line struct {
			ingest.Result
			Totals *ingest.Totals `json:"totals"`
			Error  string         `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return fmt.Errorf("unreadable answer from the server: %w", err)
		}
		if line.Error != "" {
			// The run stopped after the batches already answered were
			// made durable; the chunk is sent again whole if it may be.
			return intel.ErrorFromClientCode(line.Code, "", line.Error)
		}
		if line.Totals != nil {
			for _, r := range results {
				if err := each(r); err != nil {
					return err
				}
			}
			return nil
		}
		results = append(results, line.Result)
	}
	if err := sc.Err(); err != nil {
		return &intel.Error{Code: intel.EUNAVAILABLE, Message: "the server's answer was cut short", Cause: err}
	}
	return intel.Errorf(intel.EUNAVAILABLE, "", "the server's answer ended before its totals")
}
