package access

import (
	"context"
	"sync"
)

// maxAuditBatch bounds one group commit of audit entries.
const maxAuditBatch = 256

// auditBatcher commits the audit entries of concurrent requests together:
// one durable write (one journal record and fdatasync on the embedded
// registry, one transaction, round trip and lock of the sequence counter
// on Neo4j) for every entry waiting, instead of one each.
// Every cross-border read appends an entry, so without it the log would
// serialise readers on the counter. A lone append commits at once: the
// first caller to find no commit in flight leads, takes every entry
// waiting, and commits; callers arriving meanwhile wait for the next
// commit, which a background drain runs as soon as the leader's is done.
// Each caller returns only once its own entry is durable.
type auditBatcher struct {
	rec      Records
	mu       sync.Mutex
	pending  []*pendingAudit
	flushing bool
}

type pendingAudit struct {
	entry  AuditEntry
	stored AuditEntry
	err    error
	done   chan struct{}
}

func (b *auditBatcher) append(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	p := &pendingAudit{entry: e, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	lead := !b.flushing
	b.flushing = true
	b.mu.Unlock()
	if lead {
		// The entry must not be lost because the request that made it
		// ended: the read it records has already been answered.
		if b.flushOnce(context.WithoutCancel(ctx)) {
			go b.drain(context.WithoutCancel(ctx))
		}
	}
	<-p.done
	return p.stored, p.err
}

// flushOnce commits one batch of waiting entries and reports whether more
// are waiting; when none are, it ends the flushing state.
func (b *auditBatcher) flushOnce(ctx context.Context) (more bool) {
	b.mu.Lock()
	n := min(len(b.pending), maxAuditBatch)
	batch := b.pending[:n:n]
	b.pending = append([]*pendingAudit(nil), b.pending[n:]...)
	b.mu.Unlock()
	entries := make([]AuditEntry, len(batch))
	for i, p := range batch {
		entries[i] = p.entry
	}
	stored, err := b.rec.AppendAudits(ctx, entries)
	for i, p := range batch {
		if err != nil {
			p.err = err
		} else {
			p.stored = stored[i]
		}
		close(p.done)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) == 0 {
		b.flushing = false
		return false
	}
	return true
}

func (b *auditBatcher) drain(ctx context.Context) {
	for b.flushOnce(ctx) {
	}
}
