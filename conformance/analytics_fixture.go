package conformance

import (
	"fmt"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/intel"
)

// The analytics fixture: a small scam world with known answers.
//
//   - scamLine (+66810000100) is named in three victim reports (cases 1-3)
//     and presented by spoofVoIP, which registers from a Cambodian IP.
//   - sisterLine (+66810000101) is presented by the same account: no
//     report of its own, yet one hop from a high-risk account.
//   - innocentLine (+66810000200) is named in one report only (case 4).
//   - hubLine (+66810000300) makes 101 calls on one Bangkok day.
//   - mule (TH:004:0000000001) is paid by three senders within a week and
//     passes each payment on within the hour; a Cambodian analyst without
//     a BANK_DATA agreement sees none of it.
var (
	scamLine     = phone("+66810000100")
	sisterLine   = phone("+66810000101")
	innocentLine = phone("+66810000200")
	hubLine      = phone("+66810000300")
	spoofVoIP    = voip("sip:desk01@mekongvoice.example")
	khIP         = ip("175.100.37.10")
	mule         = bank("TH:004:0000000001")
	muleNext     = bank("TH:004:0000000002")
)

func caseEntity(n int) intel.Entity {
	e := entity(intel.KindCase, fmt.Sprintf("TH-CCIB:2567-%06d", n))
	e.Attrs = map[string]string{"loss": "10000", "currency": "THB"}
	return e
}

// analyticsNow is the moment the fixture is scored at: a day after its
// last event, so decay barely matters.
var analyticsNow = at(24 * 40)

func fixtureParams() analytics.Params { return analytics.DefaultParams(analyticsNow) }

// reportLink is a victim report naming e in case n, filed by TH-CCIB.
func reportLink(e intel.Entity, n, hour int) intel.Link {
	l := intel.Link{Type: intel.LinkReportedIn, From: e.ID, To: caseEntity(n).ID,
		EventKey: fmt.Sprintf("victim_report:%d:caller:%s", n, e.Key), Provenance: provenance("TH-CCIB", intel.RegionTH),
		Attrs: map[string]string{"role": "caller"}}
	l.EvidenceRef = fmt.Sprintf("TH-CCIB/CASE/%d", n)
	l.Confidence = 0.8
	l.ObservedAt = at(hour)
	l.Normalize()
	return l
}

// analyticsFixture writes the fixture and returns nothing: its entities
// are the package variables above.
func analyticsFixture(t *testing.T, s intel.Store) {
	t.Helper()
	ipe := khIP
	ipe.Attrs = map[string]string{"geoCountry": "KH"}
	b := intel.Batch{Entities: []intel.Entity{ipe}}
	for n := 1; n <= 4; n++ {
		b.Entities = append(b.Entities, caseEntity(n))
	}
	for n := 1; n <= 3; n++ {
		b.Links = append(b.Links, reportLink(scamLine, n, 24*30+n))
	}
	b.Links = append(b.Links, reportLink(innocentLine, 4, 24*31))
	reg := event(intel.LinkRegisteredFrom, spoofVoIP, khIP, 24*20, "reg-1")
	reg.Agency, reg.Country = "KH-MPTC", intel.RegionKH
	reg.ID = ""
	reg.Normalize()
	b.Links = append(b.Links, reg,
		state(intel.LinkPresentedAs, spoofVoIP, scamLine, "TH-NBTC", 24*10, 0),
		state(intel.LinkPresentedAs, spoofVoIP, sisterLine, "TH-NBTC", 24*10, 0))
	// 101 calls on 2 April 2024 in Bangkok: 00:30 to 23:50 local time.
	day := time.Date(2024, 4, 1, 17, 30, 0, 0, time.UTC)
	for i := 0; i < 101; i++ {
		l := intel.Link{Type: intel.LinkCalled, From: hubLine.ID, To: pid(fmt.Sprintf("+6682%07d", i)),
			EventKey: fmt.Sprintf("hub-%d", i), Provenance: provenance("TH-NBTC", intel.RegionTH),
			Attrs: map[string]string{"durationSec": "0", "answered": "false", "callerIdMarker": intel.MarkerVoipFromAbroad}}
		l.ObservedAt = day.Add(time.Duration(i) * 13 * time.Minute)
		l.Normalize()
		b.Links = append(b.Links, l)
	}
	// Three senders pay the mule within a week; each payment leaves
	// within the hour. Bank data is the Thai AMLO's, DOMESTIC.
	for i := 0; i < 3; i++ {
		sender := bank(fmt.Sprintf("TH:014:10000000%02d", i))
		in := event(intel.LinkTransferred, sender, mule, 24*33+24*i, fmt.Sprintf("trx-in-%d", i))
		out := event(intel.LinkTransferred, mule, muleNext, 24*33+24*i, fmt.Sprintf("trx-out-%d", i))
		out.ObservedAt = out.ObservedAt.Add(30 * time.Minute)
		for _, l := range []*intel.Link{&in, &out} {
			l.Agency, l.Visibility, l.Attrs = "TH-AMLO", intel.VisibilityDomestic, map[string]string{"amount": "5000", "currency": "THB"}
			l.ID = ""
			l.Normalize()
		}
		b.Links = append(b.Links, in, out)
	}
	mustUpsert(t, s, b)
}

// cambodianAnalyst sees Thai SHAREABLE facts of every category but bank
// data: the agreement in force leaves BANK_DATA out.
var cambodianAnalyst = &intel.Access{Agency: "KH-GDNP", Country: intel.RegionKH, Shared: []intel.Category{
	intel.CategoryCallRecords, intel.CategoryVoipRegistration, intel.CategorySuspectIdentity,
	intel.CategorySubscriberData, intel.CategoryVictimReports}}
