package registrytest

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// readEntry is a typical entry of the HTTP layer: a TH analyst reading KH data.
func readEntry() access.AuditEntry {
	return access.AuditEntry{
		RequestID: "req-1", Agency: "TH-CCIB", Country: intel.RegionTH, KeyID: "0123456789abcdef",
		Role: access.RoleAnalyst, Operation: "entity", Kind: access.KindRead, Purpose: "case 2567-000123",
		Entities: []string{phoneKH}, DataCountries: []intel.Region{intel.RegionKH, intel.RegionTH, intel.RegionKH},
		Outcome: access.OutcomeOK,
	}
}

func testAuditValidation(t *testing.T, e *env) {
	for _, c := range []struct {
		name, field string
		edit        func(*access.AuditEntry)
	}{
		{"ErrAgency", "agency", func(a *access.AuditEntry) { a.Agency = "th ccib" }},
		{"ErrCountry", "country", func(a *access.AuditEntry) { a.Country = "VN" }},
		{"ErrRole", "role", func(a *access.AuditEntry) { a.Role = "ROOT" }},
		{"ErrKind", "kind", func(a *access.AuditEntry) { a.Kind = "" }},
		{"ErrOutcome", "outcome", func(a *access.AuditEntry) { a.Outcome = "MAYBE" }},
		{"ErrOperation", "operation", func(a *access.AuditEntry) { a.Operation = "" }},
		{"ErrPurposeTooLong", "purpose", func(a *access.AuditEntry) { a.Purpose = strings.Repeat("x", 4001) }},
		{"ErrEntity", "entities[0]", func(a *access.AuditEntry) { a.Entities = []string{""} }},
		{"ErrDataCountry", "dataCountries[1]", func(a *access.AuditEntry) { a.DataCountries = []intel.Region{"TH", "LA"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := readEntry()
			c.edit(&a)
			_, err := e.reg.AppendAudit(e.ctx, a)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	for _, c := range []struct {
		name, field string
		f           access.AuditFilter
	}{
		{"ErrFilterAgency", "agency", access.AuditFilter{Agency: "x"}},
		{"ErrFilterActorCountry", "actorCountry", access.AuditFilter{ActorCountry: "VN"}},
		{"ErrFilterDataCountry", "dataCountry", access.AuditFilter{DataCountry: "VN"}},
		{"ErrFilterAfterSeq", "afterSeq", access.AuditFilter{AfterSeq: -1}},
		{"ErrFilterLimitNegative", "limit", access.AuditFilter{Limit: -1}},
		{"ErrFilterLimitTooLarge", "limit", access.AuditFilter{Limit: access.MaxAuditLimit + 1}},
		{"ErrFilterWindow", "until", access.AuditFilter{Since: start, Until: start}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.reg.QueryAudit(e.ctx, c.f)
			wantErr(t, err, intel.EINVALID, c.field)
		})
	}
	if got := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{}))(t); len(got) != 0 {
		t.Fatalf("rejected entries were appended: %+v", got)
	}
}

func testAuditAppendAndFilters(t *testing.T, e *env) {
	first := must(e.reg.AppendAudit(e.ctx, readEntry()))(t)
	want := readEntry()
	want.Seq, want.At, want.DataCountries = first.Seq, start, []intel.Region{intel.RegionKH, intel.RegionTH}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("appended = %+v, want %+v", first, want)
	}
	if first.Seq < 1 {
		t.Fatalf("Seq = %d, want a positive sequence number", first.Seq)
	}
	// A KH coordinator's write, at a given time, with its request id in the context.
	khWrite := access.AuditEntry{At: start.Add(2 * time.Hour).Add(123456 * time.Nanosecond), Agency: "KH-NPC",
		Country: intel.RegionKH, Role: access.RoleCoordinator, Operation: "upsert", Kind: access.KindWrite,
		DataCountries: []intel.Region{intel.RegionKH}, Outcome: access.OutcomeOK}
	second := must(e.reg.AppendAudit(access.WithRequestID(e.ctx, "http-42"), khWrite))(t)
	if second.Seq <= first.Seq || second.RequestID != "http-42" || !second.At.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("second = %+v", second)
	}
	denied := readEntry()
	denied.Outcome, denied.DataCountries, denied.At = access.OutcomeDenied, nil, start.Add(3*time.Hour)
	third := must(e.reg.AppendAudit(e.ctx, denied))(t)

	seqs := func(f access.AuditFilter) []int64 {
		t.Helper()
		out := []int64{}
		for _, en := range must(e.reg.QueryAudit(e.ctx, f))(t) {
			out = append(out, en.Seq)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    access.AuditFilter
		want []int64
	}{
		{"All", access.AuditFilter{}, []int64{first.Seq, second.Seq, third.Seq}},
		{"Agency", access.AuditFilter{Agency: "KH-NPC"}, []int64{second.Seq}},
		{"ActorCountry", access.AuditFilter{ActorCountry: intel.RegionTH}, []int64{first.Seq, third.Seq}},
		{"DataCountryTH", access.AuditFilter{DataCountry: intel.RegionTH}, []int64{first.Seq}},
		{"DataCountryKH", access.AuditFilter{DataCountry: intel.RegionKH}, []int64{first.Seq, second.Seq}},
		{"CrossBorder", access.AuditFilter{ActorCountry: intel.RegionTH, DataCountry: intel.RegionKH}, []int64{first.Seq}},
		{"Operation", access.AuditFilter{Operation: "upsert"}, []int64{second.Seq}},
		{"SinceInclusive", access.AuditFilter{Since: start.Add(2 * time.Hour)}, []int64{second.Seq, third.Seq}},
		{"SinceSubMillisecond", access.AuditFilter{Since: start.Add(2 * time.Hour).Add(time.Nanosecond)}, []int64{third.Seq}},
		{"UntilExclusive", access.AuditFilter{Until: start.Add(2 * time.Hour)}, []int64{first.Seq}},
		{"Window", access.AuditFilter{Since: start.Add(time.Hour), Until: start.Add(3 * time.Hour)}, []int64{second.Seq}},
		{"AfterSeq", access.AuditFilter{AfterSeq: first.Seq}, []int64{second.Seq, third.Seq}},
		{"Limit", access.AuditFilter{Limit: 2}, []int64{first.Seq, second.Seq}},
		{"LimitAfterFilter", access.AuditFilter{ActorCountry: intel.RegionTH, Limit: 1, AfterSeq: first.Seq}, []int64{third.Seq}},
		{"NoMatch", access.AuditFilter{Agency: "TH-DSI"}, []int64{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := seqs(c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("QueryAudit(%+v) = %v, want %v", c.f, got, c.want)
			}
		})
	}
	t.Run("DefaultLimit", func(t *testing.T) {
		for i := 0; i < access.DefaultAuditLimit+5; i++ {
			must(e.reg.AppendAudit(e.ctx, readEntry()))(t)
		}
		if got := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{}))(t); len(got) != access.DefaultAuditLimit {
			t.Errorf("got %d entries, want the default limit %d", len(got), access.DefaultAuditLimit)
		}
	})
}

func testAuditConcurrentAppenders(t *testing.T, e *env) {
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	// Concurrent appends share commits: each caller must still get back
	// its own entry with the Seq it was stored under.
	var mu sync.Mutex
	returned := map[int64]string{}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				en := readEntry()
				en.Detail = fmt.Sprintf("writer %d entry %d", w, i)
				stored, err := e.reg.AppendAudit(e.ctx, en)
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				returned[stored.Seq] = stored.Detail
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	var all []access.AuditEntry
	for after := int64(0); ; {
		page := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{AfterSeq: after, Limit: 60}))(t)
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
	if len(all) != writers*each {
		t.Fatalf("%d entries, want %d", len(all), writers*each)
	}
	seen := map[string]bool{}
	for i, en := range all {
		if i > 0 && en.Seq != all[i-1].Seq+1 {
			t.Fatalf("seq %d follows %d: not strictly increasing without gaps", en.Seq, all[i-1].Seq)
		}
		seen[en.Detail] = true
		if returned[en.Seq] != en.Detail {
			t.Errorf("seq %d stores %q but its caller was told %q", en.Seq, en.Detail, returned[en.Seq])
		}
	}
	if all[0].Seq != 1 {
		t.Errorf("the first entry of an empty log has seq %d, want 1", all[0].Seq)
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct entries, want %d", len(seen), writers*each)
	}
}

func testAuditOfRegistryChanges(t *testing.T, e *env) {
	w := e.world()
	ctx := access.WithRequestID(e.ctx, "http-7")
	k, _ := must2(t)(e.reg.CreateKey(ctx, w.thCoord.Key.ID, "TH-CCIB", access.RoleAnalyst, "", 0))
	must(e.reg.RevokeKey(ctx, "cli", k.ID, "test over"))(t)
	req := must(e.reg.CreateRequest(ctx, w.thCoord, validRequest(w)))(t)
	must(e.reg.FulfilRequest(ctx, w.khCoord, req.ID, []string{callLink}, []string{sipKH}, []string{"name"}, nil))(t)

	entries := must(e.reg.QueryAudit(e.ctx, access.AuditFilter{Limit: access.MaxAuditLimit}))(t)
	byOp := map[string][]access.AuditEntry{}
	for _, en := range entries {
		byOp[en.Operation] = append(byOp[en.Operation], en)
	}
	if n := len(byOp["createAgency"]); n != 4 {
		t.Errorf("%d createAgency entries, want 4", n)
	}
	if n := len(byOp["createAgreement"]); n != 1 {
		t.Errorf("%d createAgreement entries, want 1", n)
	}
	last := func(op string) access.AuditEntry {
		t.Helper()
		list := byOp[op]
		if len(list) == 0 {
			t.Fatalf("no %s entry", op)
		}
		return list[len(list)-1]
	}
	ck := last("createKey")
	if ck.KeyID != w.thCoord.Key.ID || ck.Agency != "TH-CCIB" || ck.Country != intel.RegionTH || ck.Role != access.RoleCoordinator ||
		ck.Kind != access.KindAdmin || ck.RequestID != "http-7" || !strings.Contains(ck.Detail, k.ID) {
		t.Errorf("createKey entry = %+v", ck)
	}
	rk := last("revokeKey")
	if rk.KeyID != "cli" || rk.Agency != "" || !strings.Contains(rk.Detail, k.ID) || !strings.Contains(rk.Detail, "test over") {
		t.Errorf("revokeKey entry = %+v", rk)
	}
	cr := last("createRequest")
	if cr.Kind != access.KindWrite || cr.KeyID != w.thCoord.Key.ID || !reflect.DeepEqual(cr.Entities, []string{phoneKH}) ||
		!strings.Contains(cr.Detail, req.ID) {
		t.Errorf("createRequest entry = %+v", cr)
	}
	fr := last("fulfilRequest")
	if fr.Agency != "KH-NPC" || !reflect.DeepEqual(fr.DataCountries, []intel.Region{intel.RegionKH}) ||
		!reflect.DeepEqual(fr.Entities, sorted(phoneKH, sipKH)) || !strings.Contains(fr.Detail, req.ID) {
		t.Errorf("fulfilRequest entry = %+v", fr)
	}
	for i := 1; i < len(entries); i++ {
		if entries[i].Seq <= entries[i-1].Seq {
			t.Fatalf("entries out of order: %d after %d", entries[i].Seq, entries[i-1].Seq)
		}
	}
}

func testAuditRetention(t *testing.T, e *env) {
	for i := 0; i < 5; i++ {
		a := readEntry()
		a.RequestID = fmt.Sprintf("req-%d", i)
		if _, err := e.reg.AppendAudit(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	all := func() []access.AuditEntry {
		t.Helper()
		got, err := e.reg.QueryAudit(e.ctx, access.AuditFilter{Limit: access.MaxAuditLimit})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := all()
	if len(before) != 5 {
		t.Fatalf("%d entries, want 5", len(before))
	}
	old, err := e.reg.AuditBefore(e.ctx, start.Add(150*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 3 || !reflect.DeepEqual(old, before[:3]) {
		t.Fatalf("AuditBefore: %d entries, want the oldest 3: %+v", len(old), old)
	}

	t.Run("ErrEntryMissingFromExport", func(t *testing.T) {
		_, err := e.reg.PruneAudit(e.ctx, "cli", []access.AuditEntry{old[0], old[2]})
		wantErr(t, err, intel.EINVALID, "exported")
	})
	t.Run("ErrEntryChangedInExport", func(t *testing.T) {
		changed := append([]access.AuditEntry(nil), old...)
		changed[1].Purpose = "something else"
		_, err := e.reg.PruneAudit(e.ctx, "cli", changed)
		wantErr(t, err, intel.EINVALID, "exported")
	})
	t.Run("ErrEmptyExport", func(t *testing.T) {
		_, err := e.reg.PruneAudit(e.ctx, "cli", nil)
		wantErr(t, err, intel.EINVALID, "exported")
	})
	if got := all(); len(got) != 5 {
		t.Fatalf("a refused pruning removed entries: %d left", len(got))
	}

	n, err := e.reg.PruneAudit(e.ctx, "cli", old)
	if err != nil || n != 3 {
		t.Fatalf("PruneAudit: %d, %v; want 3", n, err)
	}
	e.reopen()
	got := all()
	if len(got) != 3 || got[0].Seq != before[3].Seq || got[1].Seq != before[4].Seq {
		t.Fatalf("after pruning: %+v", got)
	}
	p := got[2]
	if p.Operation != access.OpPruneAudit || p.Kind != access.KindAdmin || p.Seq != before[4].Seq+1 ||
		!strings.Contains(p.Detail, fmt.Sprintf("pruned 3 audit entries, seq %d to %d", before[0].Seq, before[2].Seq)) {
		t.Errorf("the pruning's own entry: %+v", p)
	}
	next, err := e.reg.AppendAudit(e.ctx, readEntry())
	if err != nil {
		t.Fatal(err)
	}
	if next.Seq != p.Seq+1 {
		t.Errorf("after pruning the next entry has seq %d, want %d (sequence numbers are never reused)", next.Seq, p.Seq+1)
	}
}
