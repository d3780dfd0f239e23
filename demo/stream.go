package demo

import "github.com/scamgraph/scamgraph/intel"

// stream collects items into batches and hands each full batch to the
// caller's emit function. Like bufio.Writer it keeps the first error and
// ignores everything after it, so that the parts of the world can add
// items without checking an error at every line; Generate checks once per part.
type stream struct {
	emit  func(intel.Batch) error
	size  int
	cur   intel.Batch
	stats Stats
	err   error
}

func newStream(emit func(intel.Batch) error, size int) *stream {
	return &stream{
		emit:  emit,
		size:  size,
		stats: newStats(),
	}
}

// entity queues one entity.
func (s *stream) entity(e intel.Entity) {
	if s.err != nil {
		return
	}
	s.cur.Entities = append(s.cur.Entities, e)
	s.maybeFlush()
}

// link queues one link, filling in its id and normal form first so that
// what the caller receives is exactly what a store will keep.
func (s *stream) link(l intel.Link) {
	if s.err != nil {
		return
	}
	l.Normalize()
	s.cur.Links = append(s.cur.Links, l)
	s.maybeFlush()
}

func (s *stream) maybeFlush() {
	if len(s.cur.Entities)+len(s.cur.Links) >= s.size {
		s.flush()
	}
}

// flush hands the pending items, if any, to emit, and counts them once
// emit has taken them.
func (s *stream) flush() {
	if s.err != nil || len(s.cur.Entities)+len(s.cur.Links) == 0 {
		return
	}
	b := s.cur
	s.cur = intel.Batch{}
	if s.err = s.emit(b); s.err != nil {
		return
	}
	s.stats.count(b)
}
