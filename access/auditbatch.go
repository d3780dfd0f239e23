package access

import (
	"context"
	"sync"
)

// maxAuditBatch bounds one group commit of audit entries.
const maxAuditBatch = 256

// maxAuditFlights is how many group commits may be in flight at once. The
// second one pipelines: while the first commits (on Neo4j, two round trips
// and a log flush, holding the lock of the sequence counter), the second
// is sent, planned and queued behind that lock, so an entry that arrives
// mid-commit waits for the rest of that commit and then only for the tail
// of its own, not for a whole commit begun from scratch. Sequence numbers
// stay gap-free, since each commit takes its range from the counter under
// the lock; they follow commit order, which is arrival order within a
// batch. More flights would only queue more transactions on the lock.
const maxAuditFlights = 2

// auditBatcher commits the audit entries of concurrent requests together:
// one transaction (one fsync on bbolt, one round trip and one lock of the
// sequence counter on Neo4j) for every entry waiting, instead of one each.
// Every cross-border read appends an entry, so without it the log would
// serialise readers on the counter. An append commits at once when a
// flight is free: it starts a flight, which takes every entry waiting and
// commits them, then the ones that arrived meanwhile, until none wait.
// Each caller returns only once its own entry is durable.
type auditBatcher struct {
	rec     Records
	mu      sync.Mutex
	pending []*pendingAudit
	flights int
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
	start := b.flights < maxAuditFlights
	if start {
		b.flights++
	}
	b.mu.Unlock()
	if start {
		// The entry must not be lost because the request that made it
		// ended: the read it records has already been answered.
		b.fly(context.WithoutCancel(ctx), p)
	}
	<-p.done
	return p.stored, p.err
}

// fly commits batches of waiting entries until none wait, then ends the
// flight. The caller that started it flies until its own entry is
// committed and hands the rest of the flight to a goroutine, so that its
// response is not held up by later requests' entries.
func (b *auditBatcher) fly(ctx context.Context, own *pendingAudit) {
	for {
		b.mu.Lock()
		n := min(len(b.pending), maxAuditBatch)
		if n == 0 {
			b.flights--
			b.mu.Unlock()
			return
		}
		batch := b.pending[:n:n]
		b.pending = append([]*pendingAudit(nil), b.pending[n:]...)
		b.mu.Unlock()
		b.commit(ctx, batch)
		if own != nil && isDone(own) {
			go b.fly(ctx, nil)
			return
		}
	}
}

// commit appends one batch in one transaction and answers its callers.
func (b *auditBatcher) commit(ctx context.Context, batch []*pendingAudit) {
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
}

func isDone(p *pendingAudit) bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
