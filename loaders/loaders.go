// Package loaders batches the reads of one GraphQL request: every
// relationship field asks its loader, and the loader turns the N reads a
// list would cause into one call of the caller's Source (the use-case
// layer's Reader) per kind of read. Loaders live for one request only, so
// they never serve one caller's data to another.
package loaders

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// wait is how long a loader collects the keys of a list before it
// fetches. Resolvers of one list run concurrently, so a short wait catches
// all of them; a field in no list does not wait (see Loader).
const wait = 2 * time.Millisecond

// Source is what the loaders batch: one caller's reads, each of a list of
// ids, answering only the ids it knows (mapped form, so a missing key is
// explicit).
type Source interface {
	Entities(ctx context.Context, ids []string) (map[string]intel.Entity, error)
	Links(ctx context.Context, ids []string) (map[string]intel.Link, error)
	Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error)
	Neighbours(ctx context.Context, ids []string, q intel.NeighbourQuery) (map[string]intel.NeighbourPage, error)
	Risks(ctx context.Context, ids []string) (map[string]analytics.Risk, error)
	// LegalStatus lists the legal-status steps of each suspect; a suspect
	// without steps the caller may see may be absent.
	LegalStatus(ctx context.Context, suspectIDs []string) (map[string][]access.StatusStep, error)
}

// Loaders are one request's batching loaders.
type Loaders struct {
	src     Source
	Entity  *Loader[string, intel.Entity]
	Link    *Loader[string, intel.Link]
	Summary *Loader[string, intel.Summary]
	// Risk batches the risk fields of a list into one scoring, whose
	// store round trips do not grow with the list.
	Risk *Loader[string, analytics.Risk]
	// LegalStatus loads the steps of suspects; a list of suspects with
	// their legal status is one registry read, not one per suspect.
	LegalStatus *Loader[string, []access.StatusStep]
	mu          sync.Mutex
	pageSets    map[string]*Loader[string, intel.NeighbourPage]
}

// New makes fresh loaders over src.
func New(src Source) *Loaders {
	return &Loaders{
		src:         src,
		Entity:      newLoader(src.Entities),
		Link:        newLoader(src.Links),
		Summary:     newLoader(src.Summaries),
		Risk:        newLoader(src.Risks),
		LegalStatus: newLoader(src.LegalStatus),
		pageSets:    map[string]*Loader[string, intel.NeighbourPage]{},
	}
}

// Neighbours loads one entity's page of links. Requests with the same
// filters share a loader, so `links(first: 5)` on every item of a list is
// one NeighboursOf call.
func (l *Loaders) Neighbours(ctx context.Context, q intel.NeighbourQuery) (intel.NeighbourPage, error) {
	id := q.ID
	q.ID = ""
	key := neighbourKey(q)
	l.mu.Lock()
	loader, ok := l.pageSets[key]
	if !ok {
		loader = newLoader(func(ctx context.Context, ids []string) (map[string]intel.NeighbourPage, error) {
			return l.src.Neighbours(ctx, ids, q)
		})
		l.pageSets[key] = loader
	}
	l.mu.Unlock()
	page, err := loader.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return intel.NeighbourPage{}, intel.Errorf(intel.ENOTFOUND, "id", "no entity with id %q", id)
	}
	return page, err
}

// neighbourKey identifies a set of filters; ids are left out on purpose.
func neighbourKey(q intel.NeighbourQuery) string {
	var b strings.Builder
	b.WriteString(string(q.Direction))
	b.WriteByte('|')
	b.WriteString(strings.Join(intel.LinkTypeStrings(q.LinkTypes), ","))
	b.WriteByte('|')
	b.WriteString(strings.Join(intel.KindStrings(q.Kinds), ","))
	b.WriteByte('|')
	b.WriteString(q.Window.Since.Format(time.RFC3339Nano))
	b.WriteByte('|')
	b.WriteString(q.Window.Until.Format(time.RFC3339Nano))
	b.WriteByte('|')
	b.WriteString(q.After)
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(q.First))
	return b.String()
}

type ctxKey struct{}

// For returns the request's loaders. It panics when none were attached
// (With), which is a wiring bug, never a client's doing.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// With returns ctx carrying loaders; tests and non-HTTP callers use it.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}
