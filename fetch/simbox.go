package fetch

import (
	"context"

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
	// What the memo holds is taken in this goroutine; only the reads it
	// misses run (see run).
	reads := append(r.siteReads(intel.SiteCell, cells), r.siteReads(intel.SiteDevice, devices)...)
	if err := run(ctx, append(reads, r.aroundReads(ips, nil)...)); err != nil {
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
		reads := r.aroundReads(accounts, nil)
		// The lines' calls come from the memo when it holds them, as
		// around's do: only those it misses are read.
		if miss := r.fromMemo("calls", todo); len(miss) > 0 {
			reads = append(reads, func(ctx context.Context) error { return r.readAround(ctx, "calls", miss, callTypes) })
		}
		if err := run(ctx, reads); err != nil {
			return err
		}
	}
	return nil
}

// siteReads records what the memo holds of the callers at values of
// attr, and returns the read of the others (SiteCallersRead a site), if
// any.
func (r *reader) siteReads(attr intel.SiteAttr, values []string) []func(context.Context) error {
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
	if len(miss) == 0 {
		return nil
	}
	return []func(context.Context) error{func(ctx context.Context) error { return r.readSites(ctx, attr, miss) }}
}

// readSites lists the callers at values of attr, which the memo does not
// hold, and keeps them there.
func (r *reader) readSites(ctx context.Context, attr intel.SiteAttr, values []string) error {
	group := "site:" + string(attr)
	gen := r.memo.gen()
	for start := 0; start < len(values); start += intel.MaxSiteValues {
		chunk := values[start:min(start+intel.MaxSiteValues, len(values))]
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
			// A site's callers change with the calls made there.
			keep[v] = memoPage{self: analytics.SiteKey(attr, v), callers: c, absent: !ok}
		}
		r.memo.put(group, gen, keep)
	}
	return nil
}

func (r *reader) addSite(attr intel.SiteAttr, v string, c intel.SiteCallers) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n.AddSite(attr, v, c)
}
