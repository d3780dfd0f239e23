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

// post sends one chunk, retrying while the server cannot be reached; a
// chunk is idempotent, so sending it again is safe.
func (s *serverSink) post(ctx context.Context, body *bytes.Buffer, batchSize int, each func(ingest.Result) error) error {
	payload := body.Bytes()
	wait := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.postOnce(ctx, payload, each)
		var status statusError
		if err == nil || errors.As(err, &status) && status < 500 || ctx.Err() != nil || attempt == 10 {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(wait*2, 10*time.Second)
	}
}

type statusError int

func (e statusError) Error() string { return fmt.Sprintf("server answered HTTP %d", int(e)) }

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
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return fmt.Errorf("%w: %s", statusError(res.StatusCode), bytes.TrimSpace(msg))
	}
	// Results are applied only after the totals line arrives: a chunk cut
	// short by a server crash is sent again whole.
	var results []ingest.Result
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var line struct {
			ingest.Result
			Totals *ingest.Totals `json:"totals"`
			Error  string         `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return fmt.Errorf("unreadable answer from the server: %w", err)
		}
		if line.Error != "" {
			return fmt.Errorf("server: %s", line.Error)
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
		return err
	}
	return errors.New("the server's answer ended before its totals")
}
