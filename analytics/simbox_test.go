package analytics_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// boxLine writes a line's calls: calls to distinct numbers from cell and
// imei, answered of them answered (90 s), and incoming calls from others.
func (w *world) boxLine(line, cell, imei string, calls, answered, incoming int) {
	for k := 0; k < calls; k++ {
		attrs := map[string]string{"answered": "false", "durationSec": "0"}
		if k < answered {
			attrs = map[string]string{"answered": "true", "durationSec": "90"}
		}
		if cell != "" {
			attrs["cellId"] = cell
		}
		if imei != "" {
			attrs["imei"] = imei
		}
		callee := phone(fmt.Sprintf("+668100%02d%04d", len(w.n.Links)%100, k))
		w.add(link(intel.LinkCalled, line, callee, now.Add(-time.Duration(k+1)*time.Hour), fmt.Sprintf("%s-out-%d", line, k), attrs))
	}
	for k := 0; k < incoming; k++ {
		caller := phone(fmt.Sprintf("+668200%04d", k))
		w.add(link(intel.LinkCalled, caller, line, now.Add(-time.Duration(k+1)*time.Hour), fmt.Sprintf("%s-in-%d", line, k),
			map[string]string{"answered": "true", "durationSec": "120"}))
	}
}

// sites records what CallersAt would list for every cell and IMEI the
// world's calls name, as fetch does.
func (w *world) sites() {
	byAttr := map[intel.SiteAttr]map[string][]string{intel.SiteCell: {}, intel.SiteDevice: {}}
	for id, links := range w.n.Links {
		for _, l := range links {
			if l.Type != intel.LinkCalled || l.From != id {
				continue
			}
			for attr := range byAttr {
				if v := l.Attrs[string(attr)]; v != "" && !slices.Contains(byAttr[attr][v], id) {
					byAttr[attr][v] = append(byAttr[attr][v], id)
				}
			}
		}
	}
	for attr, sites := range byAttr {
		for v, ids := range sites {
			slices.Sort(ids)
			c := intel.SiteCallers{IDs: ids}
			if len(ids) > analytics.SiteCallersRead {
				c.IDs, c.HasMore = ids[:analytics.SiteCallersRead], true
			}
			w.n.AddSite(attr, v, c)
		}
	}
}

func simBoxOf(w *world, line string) *analytics.Finding {
	for _, f := range analytics.TelcoFindings(w.n, line) {
		if f.Kind == analytics.FindingSIMBox {
			return &f
		}
	}
	return nil
}

func rackLines(prefix string, k int) []string {
	var out []string
	for i := 0; i < k; i++ {
		out = append(out, phone(fmt.Sprintf("%s%06d", prefix, i)))
	}
	return out
}

func TestSIMBoxGroupsLinesSharingADevice(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66891", 4)
	for i, line := range rack {
		// Each line from its own cell: the handset alone ties them.
		w.boxLine(line, fmt.Sprintf("520-01-1000-1%04d", i), "350000000000017", 6, 1, 0)
	}
	w.sites()
	f := simBoxOf(w, rack[0])
	if f == nil {
		t.Fatalf("no SIM_BOX finding for a line sharing an IMEI with three others: %+v", analytics.TelcoFindings(w.n, rack[0]))
	}
	if f.Count != 4 || !slices.Equal(f.Entities, rack[1:]) {
		t.Errorf("count %d, members %v; want 4 lines, the other three", f.Count, f.Entities)
	}
	if !strings.Contains(f.Text, "a device (350000000000017) with 4 of them") || strings.Contains(f.Text, "holder") {
		t.Errorf("text %q, want it to name the shared IMEI and its 4 lines, and no holder", f.Text)
	}
	if len(f.Links) != 4 {
		t.Errorf("links %v, want each line's latest call from the handset", f.Links)
	}
}

func TestSIMBoxGroupsLinesSharingAQuietCell(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66892", 3)
	for i, line := range rack {
		w.boxLine(line, "520-02-1001-20001", fmt.Sprintf("3500000000001%02d", i), 5, 1, 0)
	}
	w.sites()
	f := simBoxOf(w, rack[1])
	if f == nil || f.Count != 3 || !strings.Contains(f.Text, "a cell (520-02-1001-20001) with 3 of them") {
		t.Fatalf("finding %+v, want three lines sharing the cell", f)
	}
	// A line of the cell that answers most of its calls is no rack line,
	// however few calls come in: nothing but the cell ties it.
	talker := phone("+66892999999")
	w.boxLine(talker, "520-02-1001-20001", "350000000009999", 5, 4, 0)
	w.sites()
	if f := simBoxOf(w, rack[0]); f == nil || slices.Contains(f.Entities, talker) {
		t.Errorf("finding %+v, want the rack without the line that answers most calls", f)
	}
	if f := simBoxOf(w, talker); f != nil {
		t.Errorf("a line answering 4 of 5 calls is in a SIM box by its cell: %+v", f)
	}
}

func TestBusyCellMakesNoSIMBox(t *testing.T) {
	w := newWorld()
	const cell = "520-03-1002-30001"
	// Thousands of people on one tower: each calls out, is called back and
	// answers, and a few call out only, now and then unanswered.
	for i := 0; i < 1500; i++ {
		line := phone(fmt.Sprintf("+6681%07d", i))
		if i%50 == 0 {
			w.boxLine(line, cell, fmt.Sprintf("35%013d", i), 4, 1, 0)
			continue
		}
		w.boxLine(line, cell, fmt.Sprintf("35%013d", i), 3, 2, 2)
	}
	w.sites()
	for i := 0; i < 1500; i += 50 {
		if f := simBoxOf(w, phone(fmt.Sprintf("+6681%07d", i))); f != nil {
			t.Fatalf("a line of a busy tower is in a SIM box: %+v", f)
		}
	}
	// A tower of a few dozen people with three outgoing-only lines that
	// answer: still no SIM box, since no line shows the whole signature.
	w = newWorld()
	for i := 0; i < 40; i++ {
		line := phone(fmt.Sprintf("+6682%07d", i))
		if i < 3 {
			w.boxLine(line, cell, fmt.Sprintf("35%013d", i), 4, 3, 0)
			continue
		}
		w.boxLine(line, cell, fmt.Sprintf("35%013d", i), 3, 2, 2)
	}
	w.sites()
	if f := simBoxOf(w, phone("+66820000000")); f != nil {
		t.Errorf("three outgoing-only lines answering most calls are a SIM box by their cell: %+v", f)
	}
}

func TestSIMBoxGroupsLinesSharingAnIP(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66893", 3)
	ip := id(intel.KindIPAddress, "203.0.113.9")
	for i, line := range rack {
		w.boxLine(line, "", "", 5, 0, 0)
		acct := id(intel.KindVoipAccount, fmt.Sprintf("sip:box%d@voip.example", i))
		w.add(link(intel.LinkPresentedAs, acct, line, now.Add(-30*24*time.Hour), "", nil),
			link(intel.LinkRegisteredFrom, acct, ip, now.Add(-10*24*time.Hour), fmt.Sprintf("reg-%d", i), nil))
	}
	w.sites()
	f := simBoxOf(w, rack[2])
	if f == nil || f.Count != 3 || !strings.Contains(f.Text, "an IP address (203.0.113.9) with 3 of them") {
		t.Fatalf("finding %+v, want three lines sharing the IP address", f)
	}
	if len(f.Links) != 6 {
		t.Errorf("links %v, want the three presentations and the three registrations", f.Links)
	}
	accounts, lines := analytics.BoxLines(w.n, rack[:1])
	if len(accounts) != 2 || !slices.Equal(lines, rack[1:]) {
		t.Errorf("BoxLines: accounts %v, lines %v; want the two other accounts and lines", accounts, lines)
	}
	if _, _, ips := analytics.BoxSites(w.n, rack[:1]); !slices.Equal(ips, []string{ip}) {
		t.Errorf("BoxSites: ips %v, want %s", ips, ip)
	}
	// Behind a carrier's NAT, where dozens of accounts register, the
	// address ties nobody.
	for i := 0; i < 25; i++ {
		w.add(link(intel.LinkRegisteredFrom, id(intel.KindVoipAccount, fmt.Sprintf("sip:user%d@voip.example", i)), ip,
			now.Add(-5*24*time.Hour), fmt.Sprintf("nat-%d", i), nil))
	}
	if f := simBoxOf(w, rack[2]); f != nil {
		t.Errorf("lines behind a crowded address are a SIM box: %+v", f)
	}
}

func TestSIMBoxNamesEverythingItsLinesShare(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66894", 3)
	card := id(intel.KindPerson, intel.PersonKey("TH", "NATIONAL_ID", "1-1037-00099-33-3"))
	for _, line := range rack {
		w.boxLine(line, "520-01-1000-10001", "350000000000025", 4, 0, 0)
		w.add(link(intel.LinkRegisteredTo, line, card, now.Add(-60*24*time.Hour), "", nil))
	}
	w.sites()
	f := simBoxOf(w, rack[0])
	if f == nil {
		t.Fatal("no SIM_BOX finding")
	}
	for _, want := range []string{"a device (350000000000025) with 3 of them", "a holder", "a cell (520-01-1000-10001) with 3 of them", "0 of their 12 calls answered"} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("text %q lacks %q", f.Text, want)
		}
	}
	if strings.Index(f.Text, "device") > strings.Index(f.Text, "holder") {
		t.Errorf("text %q, want the device named before the holder", f.Text)
	}
}

func TestNumbersSpoofedFromAbroadAreNoSIMBox(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66895", 3)
	ip := id(intel.KindIPAddress, "103.0.0.9")
	acct := id(intel.KindVoipAccount, "sip:agent@mekong.example")
	for _, line := range rack {
		w.boxLine(line, "", "", 5, 0, 0)
		w.add(link(intel.LinkPresentedAs, acct, line, now.Add(-30*24*time.Hour), "", nil))
	}
	w.add(link(intel.LinkRegisteredFrom, acct, ip, now.Add(-10*24*time.Hour), "reg", nil))
	e := w.n.Entities[ip]
	e.Attrs["geoCountry"] = "KH"
	w.n.Entities[ip] = e
	w.sites()
	if f := simBoxOf(w, rack[0]); f != nil {
		t.Errorf("numbers one account presents from Cambodia are a SIM box: %+v", f)
	}
	if _, _, ips := analytics.BoxSites(w.n, rack[:1]); len(ips) != 0 {
		t.Errorf("BoxSites: ips %v, want none read for an account abroad", ips)
	}
	e.Attrs["geoCountry"] = "TH"
	if f := simBoxOf(w, rack[0]); f == nil || !strings.Contains(f.Text, "a VoIP account (sip:agent@mekong.example) with 3 of them") {
		t.Errorf("numbers one account presents from Thailand: %+v, want a SIM box sharing the account", f)
	}
}

func TestFixedLinesAreNoSIMBox(t *testing.T) {
	w := newWorld()
	// Bangkok fixed lines calling out only, from one handset: whatever
	// they share, they are no SIMs.
	rack := rackLines("+6622", 3)
	for _, line := range rack {
		w.boxLine(line, "", "350000000000031", 5, 0, 0)
	}
	w.sites()
	if f := simBoxOf(w, rack[0]); f != nil {
		t.Errorf("fixed lines are a SIM box: %+v", f)
	}
	if cells, devices, _ := analytics.BoxSites(w.n, rack); len(cells)+len(devices) != 0 {
		t.Errorf("BoxSites asks about %v %v for fixed lines", cells, devices)
	}
}

func TestLinesDisplayedFromAbroadAreNoSIMBox(t *testing.T) {
	w := newWorld()
	rack := rackLines("+66896", 3)
	for _, line := range rack {
		w.boxLine(line, "", "350000000000041", 4, 0, 0)
	}
	// The first line's calls reach their callees marked +697: they come
	// over VoIP from abroad, not from a SIM in Thailand.
	for _, l := range w.n.Links[rack[0]] {
		l.Attrs["callerIdMarker"] = intel.MarkerVoipFromAbroad
	}
	w.sites()
	if f := simBoxOf(w, rack[0]); f != nil {
		t.Errorf("a line whose calls are marked +697 is in a SIM box: %+v", f)
	}
	if f := simBoxOf(w, rack[1]); f != nil {
		t.Errorf("two unmarked lines and a marked one are a SIM box: %+v", f)
	}
}
