package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// agency is a contributing agency of the world and its country.
type agency struct {
	code    string
	country intel.Region
}

// The agencies that contribute facts to the demo world, with the codes the
// service uses for them.
var (
	// Thai Central Investigation Bureau: suspects and case files.
	agencyCIB = agency{"TH-CIB", intel.RegionTH}
	// Thai Cyber Crime Investigation Bureau: victims' reports, scam call records.
	agencyCCIB = agency{"TH-CCIB", intel.RegionTH}
	// Thai Anti-Money Laundering Office: transfers between accounts.
	agencyAMLO = agency{"TH-AMLO", intel.RegionTH}
	// Thai telecom regulator: call records and caller-ID markers from operators.
	agencyNBTC = agency{"TH-NBTC", intel.RegionTH}
	// Thai Department of Special Investigation: organised-crime suspects.
	agencyDSI = agency{"TH-DSI", intel.RegionTH}
	// Cambodian General Department of National Police: suspects in Cambodia.
	agencyGDNP = agency{"KH-GDNP", intel.RegionKH}
	// Cambodian Ministry of Posts and Telecommunications: VoIP subscribers
	// and registrations, Cambodian call records.
	agencyMPTC = agency{"KH-MPTC", intel.RegionKH}
	// Cambodian Financial Intelligence Unit: transfers in Cambodia.
	agencyCAFIU = agency{"KH-CAFIU", intel.RegionKH}
)

// The legal bases facts are obtained under: the 2022 agreement for what
// crosses the border, each country's own law for the rest.
const (
	basisMOU         = "TH-KH MOU 2022 (DES–MPTC)"
	basisTechCrime   = "Emergency Decree on Technology Crime B.E. 2566 (2023)"
	basisComputer    = "Computer-Related Crime Act B.E. 2550 (2007), s.18"
	basisAMLA        = "Anti-Money Laundering Act B.E. 2542 (1999)"
	basisThaiCPC     = "Criminal Procedure Code (TH)"
	basisKHTelecom   = "Law on Telecommunications (KH, 2015)"
	basisKHAML       = "Law on AML/CFT (KH, 2020)"
	basisKHCPC       = "Code of Criminal Procedure (KH, 2007)"
	basisExtradition = "TH-KH Extradition Treaty (1998)"
)

// visibilityMix is how often an agency marks a kind of fact DOMESTIC or
// RESTRICTED; the rest is SHAREABLE. Most of the world is shareable, since
// sharing is what the agreement is for.
type visibilityMix struct{ domestic, restricted float64 }

func (m visibilityMix) draw(d dice) intel.Visibility {
	x := d.Float64()
	switch {
	case x < m.restricted:
		return intel.VisibilityRestricted
	case x < m.restricted+m.domestic:
		return intel.VisibilityDomestic
	}
	return intel.VisibilityShareable
}

// The visibility mixes of the world's kinds of fact.
var (
	mixRecords  = visibilityMix{domestic: 0.12, restricted: 0.01} // call records, statements
	mixScam     = visibilityMix{domestic: 0.08, restricted: 0.02} // evidence in scam cases
	mixSuspects = visibilityMix{domestic: 0.25, restricted: 0.12} // who uses what
	alwaysShare = visibilityMix{}
)

// source describes who reports a kind of fact and on what terms; fact turns
// it into the provenance of one link.
type source struct {
	agency     agency
	basis      string
	mix        visibilityMix
	confidence [2]float64 // range to draw from
	evidence   string     // document family, e.g. "CDR"
}

// fact returns the provenance of one event reported by src at the given
// moment.
func (src source) fact(d dice, observed time.Time) intel.Provenance {
	p := src.provenance(d, observed)
	p.ObservedAt = observed
	return p
}

// state returns the provenance of a state that held over [from, until);
// a zero until means it still holds.
func (src source) state(d dice, from, until time.Time) intel.Provenance {
	p := src.provenance(d, from)
	p.ValidFrom, p.ValidUntil = from, until
	return p
}

// provenance fills in what every fact from src carries. The evidence
// reference names the monthly batch or case file the record came in, so
// that an analyst knows what to ask the contributing agency for.
func (src source) provenance(d dice, month time.Time) intel.Provenance {
	conf := src.confidence[0]
	if src.confidence[1] > src.confidence[0] {
		conf = d.uniform(src.confidence[0], src.confidence[1])
	}
	return intel.Provenance{
		Agency:      src.agency.code,
		Country:     src.agency.country,
		EvidenceRef: fmt.Sprintf("%s/%s/%s", src.agency.code, src.evidence, month.Format("2006-01")),
		Confidence:  math.Round(conf*100) / 100,
		LegalBasis:  src.basis,
		Visibility:  src.mix.draw(d),
	}
}

// eventKey returns the next stable record id of a family ("CDR-TH", ...),
// so that a resent record is the same link and no two records collide.
func (w *world) eventKey(family string) string {
	w.events[family]++
	return fmt.Sprintf("%s-%08d", family, w.events[family])
}
