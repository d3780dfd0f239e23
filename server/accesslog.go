package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog/hlog"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// requestRecord is what the access log learns about a request while it is
// served: who made it (filled by authenticate) and, for a refusal before
// a caller exists, the error code. The log line is written after the
// answer, from this record and the status; it never holds the token, the
// purpose, the query or any field of the graph.
type requestRecord struct {
	mu     sync.Mutex
	caller *usecase.Caller
	code   string
}

type requestRecordKey struct{}

func recordFrom(ctx context.Context) *requestRecord {
	r, _ := ctx.Value(requestRecordKey{}).(*requestRecord)
	return r
}

// noteCaller records the request's caller for its log line.
func noteCaller(ctx context.Context, c *usecase.Caller) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		r.caller = c
		r.mu.Unlock()
	}
}

// noteRefusal records the code of an error answered before a caller existed.
func noteRefusal(ctx context.Context, err error) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		r.code = intel.ClientCode(err)
		r.mu.Unlock()
	}
}

// accessLog writes one line per request: method, path, status, bytes,
// duration, and for an API request the agency, the key id, the operations
// it ran and the error code it was given.
func accessLog(next http.Handler) http.Handler {
	logged := hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			return
		}
		ev := hlog.FromRequest(r).Info().Str("method", r.Method).Str("path", r.URL.Path).Int("status", status).
			Int("bytes", size).Dur("duration", d)
		if rec := recordFrom(r.Context()); rec != nil {
			rec.mu.Lock()
			c, code := rec.caller, rec.code
			rec.mu.Unlock()
			if c != nil {
				ops, callerCode := c.Operations()
				ev = ev.Str("agency", c.Agency()).Str("key_id", c.KeyID()).Str("operation", strings.Join(ops, ","))
				if code == "" {
					code = callerCode
				}
			}
			if code != "" {
				ev = ev.Str("code", code)
			}
		}
		ev.Msg("request")
	})(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logged.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestRecordKey{}, &requestRecord{})))
	})
}
