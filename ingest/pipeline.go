package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/scamgraph/scamgraph/intel"
)

// Options tune a run. The zero value is ready to use.
type Options struct {
	// BatchSize is how many records go into one store write (default
	// DefaultBatchSize). One batch is one transaction.
	BatchSize int
	// Workers is how many goroutines decode-side parse and map records
	// while the previous batch is being written (default GOMAXPROCS).
	Workers int
	// Reads, when set, is the store the duplicate check reads instead of
	// the one written to. The import command passes the store beneath the
	// Redis cache: the check reads thousands of ids per batch that no
	// lookup asks for again, so through the cache each read would cost a
	// Redis round trip first and fill the cache with entries nobody reads.
	// Writes still go through the cache, which drops the entries they
	// touch. Reads must see the same data as the written store.
	Reads intel.Store
	// Checkpoint, when set, is called after each batch is durable with the
	// line and byte offset of its last record and the totals so far; the
	// import command saves them to resume an interrupted run.
	Checkpoint func(line int, offset int64, totals Totals) error
}

// DefaultBatchSize was chosen by measurement (see the closing notes of the
// ingest issues): past about a thousand call records a batch costs Neo4j
// more per record, not less, and one transaction stays small.
const DefaultBatchSize = 1000

func (o Options) withDefaults(store intel.Store) Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Reads == nil {
		o.Reads = store
	}
	return o
}

// item is one record on its way through the pipeline.
type item struct {
	raw    Raw
	batch  intel.Batch
	result Result
}

type chunk struct {
	seq   int
	items []item
}

// Run reads records from dec, maps them concurrently, writes them in
// batches to store, and hands every record's Result to emit in input
// order. Reading and mapping run ahead of writing, with at most a few
// batches in memory, so input of any size streams through. A batch's
// duplicate check overlaps the writes of the batches before it, and two
// batches that share no entity or link are written at once; statuses and
// the stored graph are nonetheless exactly those of writing the records one
// by one. A rejected record never stops its batch; a store call that
// fails stops the run with its error, and every batch reported before it
// is durable. The run retries nothing itself: a store that does not answer
// retries each call within its own budget (intel.Retry) and only then
// fails with intel.EUNAVAILABLE, and any other error is permanent.
func Run(ctx context.Context, store intel.Store, dec Decoder, opts Options, emit func(Result) error) (Totals, error) {
	opts = opts.withDefaults(store)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	raws := make(chan chunk, opts.Workers)
	mapped := make(chan chunk, opts.Workers)
	readErr := make(chan error, 1)
	go func() {
		defer close(raws)
		readErr <- readChunks(ctx, dec, opts.BatchSize, raws)
	}()
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range raws {
				for i := range c.items {
					mapItem(&c.items[i])
				}
				select {
				case mapped <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(mapped) }()

	w := &writer{store: store, opts: opts}
	var totals Totals
	// report hands a durable batch's results to emit, in input order, and
	// checkpoints after it.
	report := func(items []item) error {
		for _, it := range items {
			if it.result.Status == StatusAccepted {
				it.result.Entities, it.result.Links = written(it.batch)
			}
			totals.add(it.result)
			if err := emit(it.result); err != nil {
				return err
			}
		}
		totals.Batches++
		if opts.Checkpoint != nil && len(items) > 0 {
			last := items[len(items)-1].raw
			return opts.Checkpoint(last.Line, last.Offset, totals)
		}
		return nil
	}

	// A batch is checked for duplicates while earlier ones are written, so
	// that the store is never idle while the writer waits for its reads;
	// and two batches are written at once when they share no entity or
	// link, so that the store works on one while the other travels. A
	// batch that shares anything with a batch being written waits for it,
	// so a later record always lands after an earlier one about the same
	// facts, as it would one by one.
	var flights []*flight
	defer func() {
		if len(flights) > 0 {
			cancel()
			for _, f := range flights {
				<-f.done
			}
		}
	}()
	// land waits for the oldest batch being written and reports it.
	land := func() (asPlanned bool, err error) {
		f := flights[0]
		flights = flights[1:]
		out := <-f.done
		if out.err != nil {
			return false, out.err
		}
		return out.asPlanned, report(f.plan.items)
	}
	landAll := func() (asPlanned bool, err error) {
		asPlanned = true
		for len(flights) > 0 {
			ok, err := land()
			if err != nil {
				return false, err
			}
			asPlanned = asPlanned && ok
		}
		return asPlanned, nil
	}
	pending := map[int]chunk{}
	next := 0
	for c := range mapped {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			var flying inFlight
			var plans []*plan
			for _, f := range flights {
				flying, plans = append(flying, f.plan.after), append(plans, f.plan)
			}
			p, err := w.prepare(ctx, c.items, flying)
			if err != nil && !errors.Is(err, errUnread) {
				if _, lerr := landAll(); lerr != nil {
					return totals, lerr
				}
				return totals, err
			}
			switch {
			case err != nil || !p.sharesNothingWith(plans):
				asPlanned, lerr := landAll()
				if lerr != nil {
					return totals, lerr
				}
				if err != nil || !asPlanned {
					// The check needs, or relied on, what the batches just
					// written left; now that they are durable, read it.
					if p, err = w.prepare(ctx, c.items, nil); err != nil {
						return totals, err
					}
				}
			case len(flights) == writesInFlight:
				if _, lerr := land(); lerr != nil {
					return totals, lerr
				}
			}
			f := &flight{plan: p, done: make(chan writeOutcome, 1)}
			flights = append(flights, f)
			go func() {
				asPlanned, err := w.commit(ctx, f.plan)
				f.done <- writeOutcome{asPlanned: asPlanned, err: err}
			}()
		}
	}
	if _, err := landAll(); err != nil {
		return totals, err
	}
	if err := ctx.Err(); err != nil {
		return totals, err
	}
	return totals, <-readErr
}

// writesInFlight is how many batches that share nothing are written at
// once: two keep the store busy while one batch's rows are built and sent
// and its commit acknowledged; more only queue up in the store.
const writesInFlight = 2

// flight is a batch being written.
type flight struct {
	plan *plan
	done chan writeOutcome
}

// writeOutcome is how the write of one batch ended (see writer.commit).
type writeOutcome struct {
	asPlanned bool
	err       error
}

// readChunks cuts the decoded stream into batches.
func readChunks(ctx context.Context, dec Decoder, size int, out chan<- chunk) error {
	seq := 0
	items := make([]item, 0, size)
	flush := func() bool {
		if len(items) == 0 {
			return true
		}
		select {
		case out <- chunk{seq: seq, items: items}:
			seq++
			items = make([]item, 0, size)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		raw, err := dec.Next()
		if errors.Is(err, io.EOF) {
			flush()
			return nil
		}
		if err != nil {
			flush()
			return err
		}
		items = append(items, item{raw: raw})
		if len(items) == size && !flush() {
			return ctx.Err()
		}
	}
}

// mapItem maps one record, or rejects it with the reason.
func mapItem(it *item) {
	it.result = Result{Line: it.raw.Line, Type: it.raw.Record.Type}
	err := it.raw.Err
	if err == nil {
		var m Mapped
		m, err = MapRecord(it.raw.Record)
		it.batch = m.Batch
		if err == nil && len(m.Warnings) > 0 {
			it.result.Warnings = m.Warnings
			it.result.Record = it.raw.Text
		}
	}
	if err != nil {
		it.result.Status = StatusRejected
		it.result.Code = intel.ClientCode(err)
		it.result.Field = intel.ErrorField(err)
		it.result.Reason = intel.ErrorMessage(err)
		it.result.Record = it.raw.Text
	}
}

// written names the entities and links of an accepted record's batch: a
// link's ends are written with it, so they count as written too.
func written(b intel.Batch) (entities, links []string) {
	entities = make([]string, 0, len(b.Entities)+2*len(b.Links))
	for _, e := range b.Entities {
		entities = append(entities, e.ID)
	}
	links = make([]string, 0, len(b.Links))
	for _, l := range b.Links {
		entities = append(entities, l.From, l.To)
		links = append(links, l.ID)
	}
	return entities, links
}
