package ingest

import (
	"context"
	"errors"
	"reflect"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// writer checks batches of mapped records for duplicates and writes them.
// Run overlaps the two: a batch is checked while the batches before it are
// written, and up to writesInFlight batches that share nothing are written
// at once.
type writer struct {
	store intel.Store
	opts  Options
}

// plan is a batch whose records have their status: what the accepted ones
// add goes in batch, and after is what the store holds once it is written.
type plan struct {
	items []item
	batch intel.Batch
	after *afterWrite
	// touches holds every entity and link id the records name.
	touches map[string]bool
}

// sharesNothingWith reports whether p names no entity or link that any of
// the others names. Such a plan's duplicate check cannot depend on their
// writes, and its write commutes with theirs, so it may be written
// alongside them.
func (p *plan) sharesNothingWith(others []*plan) bool {
	for _, o := range others {
		for id := range o.touches {
			if p.touches[id] {
				return false
			}
		}
	}
	return true
}

// afterWrite is what the store holds, once a batch is durable, for the ids
// the batch writes: every link as sent, and each entity's merged state when
// the writer knows it exactly, that is when it read the entity before
// merging the batch in. The duplicate check of a batch runs while earlier
// ones are written, so it may read the store before or after they land; it
// takes these states instead of what it read.
type afterWrite struct {
	links    map[string]intel.Link
	entities map[string]intel.Entity
	// unread holds the entities written without being read. Their state is
	// known only once the write is durable.
	unread map[string]bool
}

// errUnread says that the duplicate check needs an entity that a batch
// being written writes without having read it, so it must wait for that
// write and read again.
var errUnread = errors.New("ingest: duplicate check needs an entity that a batch being written writes unread")

// inFlight is what the batches being written leave behind, oldest first.
type inFlight []*afterWrite

// link returns the link as the newest batch in flight writes it.
func (f inFlight) link(id string) (intel.Link, bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if l, ok := f[i].links[id]; ok {
			return l, true
		}
	}
	return intel.Link{}, false
}

// entity returns the state the newest batch in flight that writes the
// entity leaves it in; exact is false if that batch wrote it unread.
func (f inFlight) entity(id string) (state intel.Entity, written, exact bool) {
	for i := len(f) - 1; i >= 0; i-- {
		if e, ok := f[i].entities[id]; ok {
			return e, true, true
		}
		if f[i].unread[id] {
			return intel.Entity{}, true, false
		}
	}
	return intel.Entity{}, false, false
}

// prepare marks records whose facts are already stored exactly as sent as
// duplicates and the others as accepted, and merges what the accepted ones
// add into one batch. flying is what the batches written meanwhile leave
// behind.
//
// A record is a duplicate only if each of its links is stored (or comes
// from an earlier record of this batch), so links are read first and only
// the entities of records that pass are read: a batch of new records costs
// one read, not two.
func (w *writer) prepare(ctx context.Context, items []item, flying inFlight) (*plan, error) {
	p := &plan{items: items, touches: map[string]bool{}, after: &afterWrite{links: map[string]intel.Link{},
		entities: map[string]intel.Entity{}, unread: map[string]bool{}}}
	var linkIDs []string
	for _, it := range items {
		if it.result.Status == StatusRejected {
			continue
		}
		for _, l := range it.batch.Links {
			linkIDs = append(linkIDs, l.ID)
			p.touches[l.ID], p.touches[l.From], p.touches[l.To] = true, true, true
		}
		for _, e := range it.batch.Entities {
			p.touches[e.ID] = true
		}
	}
	knownLinks := map[string]intel.Link{}
	if len(linkIDs) > 0 {
		var err error
		knownLinks, err = w.opts.Reads.GetLinks(ctx, linkIDs)
		if err != nil {
			return nil, err
		}
		if knownLinks == nil {
			knownLinks = map[string]intel.Link{}
		}
	}
	for _, id := range linkIDs {
		if l, ok := flying.link(id); ok {
			knownLinks[id] = l
		}
	}

	// exact holds the entities whose stored state is known: read, or left
	// by a batch in flight; knownEntities holds those that are stored.
	knownEntities := map[string]intel.Entity{}
	exact := map[string]bool{}
	var read []string
	seen := map[string]bool{}
	for _, it := range items {
		if it.result.Status == StatusRejected {
			continue
		}
		candidate := true
		for _, l := range it.batch.Links {
			_, stored := knownLinks[l.ID]
			candidate = candidate && (stored || seen[l.ID])
		}
		for _, l := range it.batch.Links {
			seen[l.ID] = true
		}
		for _, e := range it.batch.Entities {
			if exact[e.ID] {
				continue
			}
			switch state, written, known := flying.entity(e.ID); {
			case known:
				knownEntities[e.ID], exact[e.ID] = state, true
				continue
			case written && candidate:
				return nil, errUnread
			}
			if candidate {
				read = append(read, e.ID)
				exact[e.ID] = true
			}
		}
	}
	if len(read) > 0 {
		stored, err := w.opts.Reads.GetEntities(ctx, read)
		if err != nil {
			return nil, err
		}
		for id, e := range stored {
			knownEntities[id] = e
		}
	}

	// knownLinks and knownEntities now grow into what the store will hold
	// once the records before the current one are written, so a record
	// resent within one batch is a duplicate too.
	now := time.Now()
	merged := map[string]int{} // entity id → index in p.batch.Entities
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
				p.batch.Entities[j] = intel.MergeEntity(&p.batch.Entities[j], e, now)
			} else {
				merged[e.ID] = len(p.batch.Entities)
				p.batch.Entities = append(p.batch.Entities, e)
			}
			if !exact[e.ID] {
				// No later record of the batch can be checked against it
				// (it would have been read), so it is left unmerged.
				continue
			}
			old, ok := knownEntities[e.ID]
			var prevState *intel.Entity
			if ok {
				prevState = &old
			}
			knownEntities[e.ID] = intel.MergeEntity(prevState, e, now)
		}
		for _, l := range it.batch.Links {
			p.batch.Links = append(p.batch.Links, l)
			knownLinks[l.ID] = l
			p.after.links[l.ID] = l
		}
	}
	for id := range merged {
		if exact[id] {
			p.after.entities[id] = knownEntities[id]
		} else {
			p.after.unread[id] = true
		}
	}
	return p, nil
}

// isDuplicate reports whether every fact of a record is stored as sent.
// Links come first: a record with a new link is no duplicate, whatever
// its entities, and prepare relies on that to read only what it needs.
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

// commit writes a plan's batch in one Upsert (split if over the store's
// limit). A store that does not answer retries on its own, within its
// budget (intel.Retry); what it then reports, the run reports. asPlanned is false when
// the store refused the batch and records were written one by one instead,
// some of them possibly rejected: then p.after may not be what the store
// holds.
func (w *writer) commit(ctx context.Context, p *plan) (asPlanned bool, err error) {
	if len(p.batch.Entities)+len(p.batch.Links) == 0 {
		return true, nil
	}
	for _, part := range splitBatch(p.batch, intel.MaxBatchItems) {
		_, err = w.store.Upsert(ctx, part)
		if err != nil {
			break
		}
	}
	if intel.ErrorCode(err) == intel.EINVALID {
		// Records were validated one by one, so this should not happen;
		// if it does, find the culprits by writing record by record.
		return false, w.writeOneByOne(ctx, p.items)
	}
	return err == nil, err
}

func (w *writer) writeOneByOne(ctx context.Context, items []item) error {
	for i := range items {
		it := &items[i]
		if it.result.Status != StatusAccepted {
			continue
		}
		_, err := w.store.Upsert(ctx, it.batch)
		if intel.ErrorCode(err) == intel.EINVALID {
			it.result.Status = StatusRejected
			it.result.Code, it.result.Field, it.result.Reason = intel.ClientCode(err), intel.ErrorField(err), intel.ErrorMessage(err)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
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
