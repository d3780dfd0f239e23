package access

import (
	"context"
	"sync"
	"time"
)

// maxAuditBatch bounds one group commit of audit entries.
const maxAuditBatch = 256

// maxAuditGather bounds how long a group commit waits for entries still
// being made before it commits the ones it has (see auditBatcher.gather).
const maxAuditGather = 2 * time.Millisecond

// auditBatcher commits the audit entries of concurrent requests together:
// one durable write (one journal record and fdatasync on the embedded
// registry, one transaction, round trip and lock of the sequence counter
// on Neo4j) for every entry waiting, instead of one each.
// Every cross-border read appends an entry, so without it the log would
// serialise readers on the counter. The first caller to find no commit in
// flight leads, takes every entry waiting, and commits; callers arriving
// meanwhile wait for the next commit, which a background drain runs as
// soon as the leader's is done. Each caller returns only once its own entry
// is durable.
//
// A durable write costs far more than the entry it carries: on a small
// virtual machine one fdatasync takes about as much CPU from the machine
// as a whole lookup, whatever it writes. Committing each entry the moment
// no commit is in flight gave groups of under two entries under load, so
// before committing, a group waits for the entries of requests still in
// flight (gather): long enough to take about half of the entries they are
// expected to bring, never longer than maxAuditGather. Not every request
// leaves an entry (an analyst reading only their own country's facts
// leaves none), so what they bring is estimated from the share of recent
// requests that did. A lone request, or one of two, commits at once, and
// so does a cross-border read among domestic ones.
type auditBatcher struct {
	rec      Records
	mu       sync.Mutex
	pending  []*pendingAudit
	flushing bool
	// inflight counts the requests that may still append an entry (see
	// Registry.ExpectAudit), the ones waiting in pending included.
	inflight int
	// share is the moving share of ended requests that appended an entry.
	share float64
	// kick wakes a gathering leader when an entry arrives or a request
	// ends, so that it looks again whether its group is large enough.
	kick chan struct{}
	// gatherWait starts the bound on a gather; tests replace it.
	gatherWait func(time.Duration) (<-chan time.Time, func() bool)
}

func newAuditBatcher(rec Records) *auditBatcher {
	return &auditBatcher{rec: rec, share: 1, kick: make(chan struct{}, 1), gatherWait: func(d time.Duration) (<-chan time.Time, func() bool) {
		t := time.NewTimer(d)
		return t.C, t.Stop
	}}
}

type pendingAudit struct {
	entry  AuditEntry
	stored AuditEntry
	err    error
	done   chan struct{}
}

// shareWindow is about how many ended requests the share remembers.
const shareWindow = 32

// expect counts one more request that may append an entry; the function
// it returns uncounts it, once, saying whether it appended one.
func (b *auditBatcher) expect() (done func(appended bool)) {
	b.mu.Lock()
	b.inflight++
	b.mu.Unlock()
	var once sync.Once
	return func(appended bool) {
		once.Do(func() {
			x := 0.0
			if appended {
				x = 1
			}
			b.mu.Lock()
			b.inflight--
			b.share += (x - b.share) / shareWindow
			b.mu.Unlock()
			b.wake()
		})
	}
}

func (b *auditBatcher) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

func (b *auditBatcher) append(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	p := &pendingAudit{entry: e, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	lead := !b.flushing
	b.flushing = true
	b.mu.Unlock()
	b.wake()
	if lead {
		// The entry must not be lost because the request that made it
		// ended: the read it records has already been answered.
		b.gather()
		if b.flushOnce(context.WithoutCancel(ctx)) {
			go b.drain(context.WithoutCancel(ctx))
		}
	}
	<-p.done
	return p.stored, p.err
}

// enough reports whether the waiting group may commit: it holds at least
// half of the entries expected from the requests in flight (its own and,
// for each of the others, the share that leave one), or a full batch.
func (b *auditBatcher) enough() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.pending)
	others := max(b.inflight-n, 0)
	return n >= maxAuditBatch || float64(n) >= float64(others)*b.share
}

// gather waits, at most maxAuditGather, until the group is large enough.
func (b *auditBatcher) gather() {
	if b.enough() {
		return
	}
	expired, stop := b.gatherWait(maxAuditGather)
	defer stop()
	for !b.enough() {
		select {
		case <-b.kick:
		case <-expired:
			return
		}
	}
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
	for {
		b.gather()
		if !b.flushOnce(ctx) {
			return
		}
	}
}
