package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rs/zerolog"

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
	// RetryFor is how long a failing write is retried before the run gives
	// up (default 5 minutes): long enough to ride out a database restart.
	RetryFor time.Duration
	// Logger receives retry notices.
	Logger zerolog.Logger
	// Checkpoint, when set, is called after each batch is durable with the
	// line and byte offset of its last record and the totals so far; the
	// import command saves them to resume an interrupted run.
	Checkpoint func(line int, offset int64, totals Totals) error
}

// DefaultBatchSize was chosen by measurement (see the closing notes of the
// ingest issue): larger batches stop paying off on Neo4j past about a
// thousand call records, and one transaction stays small.
const DefaultBatchSize = 1000

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.RetryFor <= 0 {
		o.RetryFor = 5 * time.Minute
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
// batches in memory, so input of any size streams through. A rejected
// record never stops its batch; a write that keeps failing past RetryFor
// stops the run with an error, and every batch reported before it is durable.
func Run(ctx context.Context, store intel.Store, dec Decoder, opts Options, emit func(Result) error) (Totals, error) {
	opts = opts.withDefaults()
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
			if err := w.write(ctx, c.items); err != nil {
				return totals, err
			}
			for _, it := range c.items {
				totals.add(it.result)
				if err := emit(it.result); err != nil {
					return totals, err
				}
			}
			totals.Batches++
			if opts.Checkpoint != nil && len(c.items) > 0 {
				last := c.items[len(c.items)-1].raw
				if err := opts.Checkpoint(last.Line, last.Offset, totals); err != nil {
					return totals, err
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return totals, err
	}
	return totals, <-readErr
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
		it.batch, err = Map(it.raw.Record)
	}
	if err != nil {
		it.result.Status = StatusRejected
		it.result.Code = codeOf(err)
		it.result.Field = intel.ErrorField(err)
		it.result.Reason = intel.ErrorMessage(err)
		it.result.Record = it.raw.Text
	}
}

// codeOf names a rejection the way the API does (resolvers.ClientCode, which
// this package cannot import, applies the same rule).
func codeOf(err error) string {
	if intel.ErrorCode(err) == intel.EINVALID {
		return "BAD_USER_INPUT"
	}
	return "INTERNAL"
}
