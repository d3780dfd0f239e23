package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Some victims report: to the Thai cyber police through the 1441 hotline or
// thaipoliceonline.go.th, or, having crossed to the border towns to look for
// their money, to the Cambodian police. A report is a Case, and each
// artefact it names (the number that called, the account the money went to,
// the chat account the victim was moved to) is a REPORTED_IN event from the
// artefact to the case, so that an artefact named in many reports shows how
// many victims it touched. Only victims who paid report, a few days after
// the last payment, when the money has long gone on.
const (
	reportingShare  = 0.22 // paying victims who report
	cambodianShare  = 0.12 // reports taken by the Cambodian police
	secondCaller    = 0.25 // reports naming a second number that called
	chatNamed       = 0.75 // reports naming a chat account
	secondChat      = 0.2  // of those, reports naming two
	reportDelayDays = 4    // mean days from the last payment to the report
	// thaiReportsPerDay is how fast the Thai case numbers run: the reports
	// of the world are a few among the thousands filed nationwide.
	thaiReportsPerDay = 950
	// entryReportDay is when the entry victim reported: 27 March 2024 at
	// 14:30 in Bangkok, at least a day and a half after the last payment
	// whatever the seed. Its fixed reference is the running number of that
	// moment, as any other report's would be.
	entryReportDay = 86.3125
)

// scamTypes are the kinds of scam the world's reports name, as Thai police
// classify them.
var scamTypes = []string{"hybrid_investment", "romance", "impersonation", "parcel", "job", "loan", "call_centre"}

// How victims say they were scammed, by the number that called them:
// a Bangkok line poses as the police, a bank or a parcel desk; a SIM-box
// number as a parcel desk, a lender or the bank's call centre; other
// numbers run every script, investment most of all.
var (
	fixedLineScams = []string{"impersonation", "impersonation", "parcel"}
	simBoxScams    = []string{"parcel", "impersonation", "loan", "call_centre"}
	mobileScams    = []string{"hybrid_investment", "hybrid_investment", "hybrid_investment", "romance", "romance",
		"job", "job", "loan", "call_centre", "impersonation"}
	thaiReportChannels = []string{"HOTLINE_1441", "THAIPOLICEONLINE", "THAIPOLICEONLINE", "POLICE_STATION"}
)

// The sources of victim reports: what a victim says is a claim, so the
// confidence is lower than that of an operator's record.
var (
	srcThaiReport      = source{agencyCCIB, basisTechCrime, mixScam, [2]float64{0.6, 0.9}, "CASE"}
	srcCambodianReport = source{agencyGDNP, basisKHCPC, mixScam, [2]float64{0.6, 0.9}, "CASE"}
)

// report is one victim report while the world is built.
type report struct {
	person   int // index into people
	src      source
	key      string
	day      float64
	scamType string
	channel  string
	loss     float64
	named    []mention
}

// mention is one artefact a report names, with the role the report gives it.
type mention struct{ role, id string }

// buildVictimReports drafts the reports of the victims who report, numbers
// them in the order they were filed, and emits them.
func (w *world) buildVictimReports() {
	d := w.dice("victim-reports")
	var reports []*report
	for n, paid := range w.mules.paid {
		if len(paid) == 0 || (n > 0 && !d.chance(reportingShare)) {
			continue
		}
		if r := w.draftReport(d, w.victims[n], paid, n == 0); r != nil {
			reports = append(reports, r)
		}
	}
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].day < reports[j].day })
	w.numberReports(d, reports)
	for _, r := range reports {
		w.fileReport(d, r)
		w.reporters = append(w.reporters, r.person)
	}
}

// draftReport writes what victim p says: who called before the first
// payment, where the money went, the chat accounts of the gang behind the
// call. A victim no scammer called has no number to name and files nothing,
// nor does one whose last payment falls after the history ends.
func (w *world) draftReport(d dice, p int, paid []payment, entry bool) *report {
	first, last := paid[0].day, paid[len(paid)-1].day
	r := &report{person: p, src: srcThaiReport, day: last + 0.1 + d.ExpFloat64()*reportDelayDays}
	if !entry && d.chance(cambodianShare) {
		r.src = srcCambodianReport
	}
	calls := w.approaches[p]
	caller, ok := lastCallBefore(calls, first)
	if entry {
		caller, ok, r.day = approach{caller: PresentedNumber.ID(), centre: 0}, true, entryReportDay
	}
	if !ok || r.day >= HistoryDays {
		return nil
	}
	r.named = append(r.named, mention{"caller", caller.caller})
	if !entry && d.chance(secondCaller) {
		if other := pick(d, calls); other.caller != caller.caller {
			r.named = append(r.named, mention{"caller", other.caller})
		}
	}
	r.scamType = w.scamTypeOf(d, caller.caller)
	if entry {
		r.scamType = "hybrid_investment"
	}
	seen := map[string]bool{}
	for _, pay := range paid {
		r.loss += pay.thb
		if !seen[pay.mule] {
			seen[pay.mule] = true
			r.named = append(r.named, mention{"destination_account", pay.mule})
		}
	}
	chats := w.centres[caller.centre].chats
	switch {
	case entry:
		r.named = append(r.named, mention{chatRole(chats[0].service), chats[0].id})
	case d.chance(chatNamed):
		for k := 1 + b2i(d.chance(secondChat)); k > 0; k-- {
			ch := pickChat(d, chats, r.scamType)
			if !seen[ch.id] {
				seen[ch.id] = true
				r.named = append(r.named, mention{chatRole(ch.service), ch.id})
			}
		}
	}
	r.channel = "POLICE_STATION"
	if r.src.agency.country == intel.RegionTH {
		r.channel = pick(d, thaiReportChannels)
	}
	return r
}

// lastCallBefore returns the last answered scam call before day, or failing
// that the last unanswered one, or failing that the first call after it.
func lastCallBefore(calls []approach, day float64) (approach, bool) {
	var best, unanswered, after approach
	var okBest, okUnanswered, okAfter bool
	for _, c := range calls {
		switch {
		case c.day < day && c.answered && (!okBest || c.day > best.day):
			best, okBest = c, true
		case c.day < day && !c.answered && (!okUnanswered || c.day > unanswered.day):
			unanswered, okUnanswered = c, true
		case c.day >= day && (!okAfter || c.day < after.day):
			after, okAfter = c, true
		}
	}
	switch {
	case okBest:
		return best, true
	case okUnanswered:
		return unanswered, true
	}
	return after, okAfter
}

// scamTypeOf draws the scam a victim called from number says it was.
func (w *world) scamTypeOf(d dice, number string) string {
	switch {
	case isBangkokLine(number):
		return pick(d, fixedLineScams)
	case w.simBoxSIMs[number]:
		return pick(d, simBoxScams)
	}
	return pick(d, mobileScams)
}

// pickChat picks a chat account, one fronting the same scam if there is one.
func pickChat(d dice, chats []*chat, scamType string) *chat {
	var same []*chat
	for _, c := range chats {
		if c.scamType == scamType {
			same = append(same, c)
		}
	}
	if len(same) > 0 && d.chance(0.8) {
		return pick(d, same)
	}
	return pick(d, chats)
}

// numberReports gives each report its agency's case reference, in the order
// they were filed. Thai references run with the nationwide flow of reports
// and the Buddhist-era year, 2567 for 2024; Cambodian ones count the cyber
// crime department's cases of the year. The entry victim's reference is
// fixed and reserved, and no other report takes it.
func (w *world) numberReports(d dice, reports []*report) {
	lastTH, lastKH := 0, 0
	for _, r := range reports {
		year := at(r.day).Year()
		switch {
		case r.person == 0:
			r.key = VictimReport.Key
		case r.src.agency.country == intel.RegionTH:
			n := max(lastTH+1, 1+int(r.day*thaiReportsPerDay))
			for w.numbers.used[thaiCaseKey(year, n)] {
				n++
			}
			r.key, lastTH = thaiCaseKey(year, n), n
			w.numbers.reserve(r.key)
		default:
			lastKH += d.between(1, 6)
			r.key = fmt.Sprintf("%s:%d-ACD-%04d", agencyGDNP.code, year, lastKH)
			w.numbers.reserve(r.key)
		}
	}
}

// thaiCaseKey is a Thai cyber police case reference: Buddhist-era year and
// a six-digit running number.
func thaiCaseKey(year, n int) string {
	return fmt.Sprintf("%s:%d-%06d", agencyCCIB.code, year+543, n)
}

// fileReport emits the case and one REPORTED_IN event per artefact it
// names. One report is one decision on visibility and one confidence, so
// every mention in it shares the provenance; the evidence reference is the
// case file itself. The entry victim's report is shareable, so that both
// countries see it.
func (w *world) fileReport(d dice, r *report) {
	when := at(r.day)
	e := w.artefact(intel.KindCase, r.key, r.src.agency.country)
	e.Attrs["scamType"] = r.scamType
	e.Attrs["loss"] = money(r.loss)
	e.Attrs["currency"] = "THB"
	e.Attrs["reportedAt"] = when.UTC().Format(time.RFC3339Nano)
	e.Attrs["channel"] = r.channel
	w.out.entity(e)
	prov := r.src.fact(d, when)
	prov.EvidenceRef = r.src.agency.code + "/CASE/" + strings.TrimPrefix(r.key, r.src.agency.code+":")
	if r.person == 0 {
		prov.Visibility = intel.VisibilityShareable
	}
	for _, m := range r.named {
		_, key, _ := intel.SplitEntityID(m.id)
		w.out.link(intel.Link{
			Type: intel.LinkReportedIn, From: m.id, To: e.ID, Provenance: prov,
			EventKey: "victim_report:" + r.key + ":" + m.role + ":" + key,
			Attrs:    map[string]string{"role": m.role},
		})
	}
}
