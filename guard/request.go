package guard

import (
	"context"
	"sync"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// Request is who makes one API request and under what terms: the key's
// principal, the Access worked out for it at the start of the request, the
// purpose it gave, and the record of what it was shown and what it wrote.
type Request struct {
	Principal access.Principal
	Access    *intel.Access
	// Purpose is the caller's X-Purpose header: a case reference or the
	// reason for the request, kept in the audit log.
	Purpose string
	// Store is the request's view of the graph.
	Store  *Store
	Report *Report

	mu      sync.Mutex
	written map[string]bool
}

// Wrote notes entities a write touched, for the audit log.
func (r *Request) Wrote(ids ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written == nil {
		r.written = map[string]bool{}
	}
	for _, id := range ids {
		r.written[id] = true
	}
}

// Written returns what Wrote noted.
func (r *Request) Written() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.written))
	for id := range r.written {
		out = append(out, id)
	}
	return out
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request's identity, or nil outside an
// authenticated request.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}
