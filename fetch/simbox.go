package fetch

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// boxes reads what the SIM-box finding of ids needs beyond the holders'
// lines, for those of ids that call like a rack's line (analytics.BoxSites
// says which): the callers at their cells and IMEIs (Store.CallersAt) and
// the evidence of the IP addresses their VoIP accounts register from;
// then the presentations of the accounts registering there and the calls
// of every line so reached. An ordinary number needs none of it, so its
// score costs no more round trips than before.
func (r *reader) boxes(ctx context.Context, ids []string, read []string) error {
	cells, devices, ips := analytics.BoxSites(r.n, ids)
	if len(cells)+len(devices)+len(ips) == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return r.sites(gctx, intel.SiteCell, cells) })
	g.Go(func() error { return r.sites(gctx, intel.SiteDevice, devices) })
	g.Go(func() error { return r.around(gctx, ips, nil) })
	if err := g.Wait(); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, id := range append(append([]string{}, ids...), read...) {
		done[id] = true
	}
	// Twice: the accounts at the addresses first, with the lines reached
	// so far; then the lines those accounts present.
	for range 2 {
		accounts, lines := analytics.BoxLines(r.n, ids)
		var todo []string
		for _, z := range lines {
			if !done[z] {
				done[z] = true
				todo = append(todo, z)
			}
		}
		if len(accounts)+len(todo) == 0 {
			return nil
		}
		g, gctx := errgroup.WithContext(ctx)
		g.Go(func() error { return r.around(gctx, accounts, nil) })
		// The lines' calls come from the memo when it holds them, as
		// around's do: only those it misses are read.
		if miss := r.fromMemo("calls", todo); len(miss) > 0 {
			g.Go(func() error { return r.readAround(gctx, "calls", miss, callTypes) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	return nil
}

// sites lists the callers at values of attr, SiteCallersRead a site,
// through the memo when there is one.
func (r *reader) sites(ctx context.Context, attr intel.SiteAttr, values []string) error {
	group := "site:" + string(attr)
	var miss []string
	for _, v := range values {
		p, ok := r.memo.get(group, v)
		if !ok {
			miss = append(miss, v)
			continue
		}
		if !p.absent {
			r.addSite(attr, v, p.callers)
		}
	}
	for start := 0; start < len(miss); start += intel.MaxSiteValues {
		chunk := miss[start:min(start+intel.MaxSiteValues, len(miss))]
		got, err := r.src.CallersAt(ctx, intel.SiteQuery{Attr: attr, Values: chunk, First: analytics.SiteCallersRead})
		if err != nil {
			return err
		}
		keep := make(map[string]memoPage, len(chunk))
		for _, v := range chunk {
			c, ok := got[v]
			if ok {
				r.addSite(attr, v, c)
			}
			keep[v] = memoPage{callers: c, absent: !ok}
		}
		r.memo.put(group, keep)
	}
	return nil
}

func (r *reader) addSite(attr intel.SiteAttr, v string, c intel.SiteCallers) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n.AddSite(attr, v, c)
}
