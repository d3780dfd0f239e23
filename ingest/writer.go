package ingest

import (
	"context"
	"reflect"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// writer writes one batch of mapped records at a time.
type writer struct {
	store intel.Store
	opts  Options
}

// write marks records whose facts are already stored exactly as sent as
// duplicates, writes the rest in one Upsert (retried while the store is
// unreachable), and sets every record's status.
func (w *writer) write(ctx context.Context, items []item) error {
	var linkIDs, entityIDs []string
	for _, it := range items {
		if it.result.Status == StatusRejected {
			continue
		}
		for _, l := range it.batch.Links {
			linkIDs = append(linkIDs, l.ID)
		}
		for _, e := range it.batch.Entities {
			entityIDs = append(entityIDs, e.ID)
		}
	}
	if len(linkIDs)+len(entityIDs) == 0 {
		return nil
	}
	var links map[string]intel.Link
	var entities map[string]intel.Entity
	err := w.retry(ctx, func() (err error) {
		if links, err = w.store.GetLinks(ctx, linkIDs); err != nil {
			return err
		}
		entities, err = w.store.GetEntities(ctx, entityIDs)
		return err
	})
	if err != nil {
		return err
	}

	// known holds what the store will hold once the records before this
	// one are written, so a record resent within one batch is a duplicate too.
	knownLinks, knownEntities := links, entities
	now := time.Now()
	var batch intel.Batch
	merged := map[string]int{} // entity id → index in batch.Entities
	for i := range items {
		it := &items[i]
		if it.result.Status == StatusRejected {
			continue
		}
		if isDuplicate(it.batch, knownLinks, knownEntities, now) {
			it.result.Status = StatusDuplicate
			continue
		}
		it.result.Status = StatusAccepted
		for _, e := range it.batch.Entities {
			// One entity per id per batch: repeated callers and mules merge
			// here, in order, exactly as consecutive upserts would.
			if j, ok := merged[e.ID]; ok {
				batch.Entities[j] = intel.MergeEntity(&batch.Entities[j], e, now)
			} else {
				merged[e.ID] = len(batch.Entities)
				batch.Entities = append(batch.Entities, e)
			}
			old := knownEntities[e.ID]
			var prev *intel.Entity
			if _, ok := knownEntities[e.ID]; ok {
				prev = &old
			}
			knownEntities[e.ID] = intel.MergeEntity(prev, e, now)
		}
		for _, l := range it.batch.Links {
			batch.Links = append(batch.Links, l)
			knownLinks[l.ID] = l
		}
	}
	if len(batch.Entities)+len(batch.Links) == 0 {
		return nil
	}
	for _, part := range splitBatch(batch, intel.MaxBatchItems) {
		err = w.retry(ctx, func() error {
			_, err := w.store.Upsert(ctx, part)
			return err
		})
		if err != nil {
			break
		}
	}
	if intel.ErrorCode(err) == intel.EINVALID {
		// Records were validated one by one, so this should not happen;
		// if it does, find the culprits by writing record by record.
		return w.writeOneByOne(ctx, items)
	}
	return err
}

// isDuplicate reports whether every fact of a record is stored as sent.
func isDuplicate(b intel.Batch, links map[string]intel.Link, entities map[string]intel.Entity, now time.Time) bool {
	for _, l := range b.Links {
		old, ok := links[l.ID]
		if !ok {
			return false
		}
		old.IngestedAt = l.IngestedAt
		if !reflect.DeepEqual(old, l) {
			return false
		}
	}
	for _, e := range b.Entities {
		old, ok := entities[e.ID]
		if !ok {
			return false
		}
		if !reflect.DeepEqual(intel.MergeEntity(&old, e, now), old) {
			return false
		}
	}
	return true
}

func (w *writer) writeOneByOne(ctx context.Context, items []item) error {
	for i := range items {
		it := &items[i]
		if it.result.Status != StatusAccepted {
			continue
		}
		err := w.retry(ctx, func() error {
			_, err := w.store.Upsert(ctx, it.batch)
			return err
		})
		if intel.ErrorCode(err) == intel.EINVALID {
			it.result.Status = StatusRejected
			it.result.Code, it.result.Field, it.result.Reason = codeOf(err), intel.ErrorField(err), intel.ErrorMessage(err)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// retry runs op until it succeeds, fails with the caller's own mistake, or
// RetryFor has passed, backing off from 100ms to 5s. Writes are idempotent,
// so repeating one that may have committed is safe.
func (w *writer) retry(ctx context.Context, op func() error) error {
	deadline := time.Now().Add(w.opts.RetryFor)
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || intel.ErrorCode(err) == intel.EINVALID || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		w.opts.Logger.Warn().Err(err).Int("attempt", attempt).Dur("retry_in", wait).Msg("store write failed; retrying")
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// splitBatch cuts a batch that exceeds the store's limit into parts: all
// entities first, so that every link's ends are written before it (or in
// its own part), then the links.
func splitBatch(b intel.Batch, max int) []intel.Batch {
	if len(b.Entities)+len(b.Links) <= max {
		return []intel.Batch{b}
	}
	var parts []intel.Batch
	var cur intel.Batch
	flush := func() {
		if len(cur.Entities)+len(cur.Links) > 0 {
			parts = append(parts, cur)
			cur = intel.Batch{}
		}
	}
	for _, e := range b.Entities {
		if len(cur.Entities)+len(cur.Links) == max {
			flush()
		}
		cur.Entities = append(cur.Entities, e)
	}
	for _, l := range b.Links {
		if len(cur.Entities)+len(cur.Links) == max {
			flush()
		}
		cur.Links = append(cur.Links, l)
	}
	flush()
	return parts
}
