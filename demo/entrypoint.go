package demo

import "github.com/scamgraph/scamgraph/intel"

// EntryPoint is an artefact of the demo world worth starting from: the
// README sends newcomers to these, and tests and benchmarks use them, so
// their keys are fixed and present in every world whatever the seed.
type EntryPoint struct {
	// Name is a short handle for docs and benchmark names.
	Name string
	// Kind and Key name the entity; Key is canonical, and
	// intel.EntityID(Kind, Key) is the node id.
	Kind intel.Kind
	Key  string
	// LocalForm is how an analyst in Region would type it; it parses to Key.
	LocalForm string
	Region    intel.Region
	// Why says what the artefact shows.
	Why string
}

// ID is the entry point's entity id.
func (e EntryPoint) ID() string { return intel.EntityID(e.Kind, e.Key) }

// The entry points of the demo world.
var (
	// SIMBoxHub is a Thai SIM in a SIM box near the border that called more
	// than a thousand distinct victims in under three days: the "hub with
	// 1,000 neighbours" of the benchmarks.
	SIMBoxHub = EntryPoint{
		Name: "simbox-hub", Kind: intel.KindPhoneNumber, Key: "+66925550142",
		LocalForm: "092-555-0142", Region: intel.RegionTH,
		Why: "SIM-box hub: one Thai SIM calling 1,150 distinct victims in 60 hours (at scale 1), with no +697 marker",
	}
	// VoipAccount is a call centre's VoIP account, registered from Poipet and
	// presenting Thai numbers as its caller ID: the evidence the 2022
	// agreement lets Cambodia hand over.
	VoipAccount = EntryPoint{
		Name: "voip-account", Kind: intel.KindVoipAccount, Key: "sip:cs-agent07@mekongvoice.example",
		LocalForm: "sip:CS-Agent07@mekongvoice.example", Region: intel.RegionKH,
		Why: "VoIP account of the Poipet call centre, registered from Cambodian IPs and presenting Thai numbers",
	}
	// PresentedNumber is a Thai number the VoIP account shows to victims;
	// Thai operators flag its calls with the +697 marker.
	PresentedNumber = EntryPoint{
		Name: "presented-number", Kind: intel.KindPhoneNumber, Key: "+66627418350",
		LocalForm: "+697 062-741-8350", Region: intel.RegionTH,
		Why: "Thai caller ID presented by the VoIP account; victims saw it behind the +697 marker",
	}
	// RegistrationIP is the Poipet address the VoIP account registered from.
	RegistrationIP = EntryPoint{
		Name: "registration-ip", Kind: intel.KindIPAddress, Key: "175.100.37.18",
		LocalForm: "175.100.37.18:5060", Region: intel.RegionKH,
		Why: "Cambodian IP address in Poipet from which the call centre's VoIP accounts registered",
	}
	// VictimNumber is a Thai victim who was groomed over several calls from
	// the presented number and then paid into a mule account.
	VictimNumber = EntryPoint{
		Name: "victim-number", Kind: intel.KindPhoneNumber, Key: "+66869041377",
		LocalForm: "086-904-1377", Region: intel.RegionTH,
		Why: "Thai victim: ordinary calls with friends, then long calls from the presented number",
	}
	// VictimAccount is the victim's own bank account.
	VictimAccount = EntryPoint{
		Name: "victim-account", Kind: intel.KindBankAccount, Key: "TH:004:7730215864",
		LocalForm: "KBANK 773-0-21586-4", Region: intel.RegionTH,
		Why: "the victim's Kasikornbank account, which paid the first-layer mule three times",
	}
	// FirstLayerMule is a first-layer mule account: many victims pay into it
	// and it forwards the money within the hour.
	FirstLayerMule = EntryPoint{
		Name: "first-layer-mule", Kind: intel.KindBankAccount, Key: "TH:014:4071829305",
		LocalForm: "SCB 407-1-82930-5", Region: intel.RegionTH,
		Why: "first-layer mule: fan-in from well over a hundred victims' accounts, forwarded onward within the hour",
	}
	// CashOutAccount is the Cambodian account where the victim's money ends.
	CashOutAccount = EntryPoint{
		Name: "cash-out-account", Kind: intel.KindBankAccount, Key: "KH:HUIONE:00918273",
		LocalForm: "Huione Pay 0091 8273", Region: intel.RegionKH,
		Why: "Cambodian cash-out account at the end of the mule layers, emptied weekly into a Huione wallet",
	}
	// SuspectBoss is the Thai boss of the Poipet call centre, whose
	// extradition Thailand has requested.
	SuspectBoss = EntryPoint{
		Name: "suspect", Kind: intel.KindSuspect, Key: "TH-CIB:S-0001",
		LocalForm: "TH-CIB:S-0001", Region: intel.RegionTH,
		Why: "boss of the Poipet call centre, extradition requested; uses its VoIP account, IP and phones",
	}
	// VictimReport is the victim's report to the Thai cyber police, filed
	// after the last payment: it names the presented number that called,
	// the first-layer mule the money went to and the LINE account of the
	// Poipet centre the victim was moved to.
	VictimReport = EntryPoint{
		Name: "victim-report", Kind: intel.KindCase, Key: "TH-CCIB:2567-081997",
		LocalForm: "TH-CCIB:2567-081997", Region: intel.RegionTH,
		Why: "the victim's report to the Thai cyber police: names the presented number, the first-layer mule and the LINE account the victim was moved to",
	}
	// SIMFarmHolder is the person the entry SIM box's whole rack, hub
	// included, is registered to. A Person key is a digest of the identity
	// document, so it is typed as it is shown.
	SIMFarmHolder = EntryPoint{
		Name: "sim-farm-holder", Kind: intel.KindPerson, Key: simFarmHolderKey,
		LocalForm: simFarmHolderKey, Region: intel.RegionTH,
		Why: "one Thai ID card behind all 32 SIMs of the SIM box, hub included; Thailand makes anyone with more than five SIMs verify again",
	}
)

// simFarmHolderKey is SIMFarmHolder's key, from its ID card as a Thai
// operator's record gives it.
var simFarmHolderKey = intel.PersonKey(string(intel.RegionTH), docNationalID, simFarmDocument)

// EntryPoints lists every entry point in the order the README presents them;
// new ones are appended, so that an index into the list keeps its meaning.
func EntryPoints() []EntryPoint {
	return []EntryPoint{SIMBoxHub, VoipAccount, PresentedNumber, RegistrationIP,
		VictimNumber, VictimAccount, FirstLayerMule, CashOutAccount, SuspectBoss,
		VictimReport, SIMFarmHolder}
}

// PathPair is two entry points and the length of the shortest path between
// them over links of any type in either direction, for shortest-path demos
// and tests. The length is the same in every world, whatever the seed and
// scale, because the parts that own the entry points build it on purpose.
type PathPair struct {
	From, To EntryPoint
	// Links is the length of the shortest path, counted in links.
	Links int
	Why   string
}

// The path pairs of the demo world.
var (
	// EvidenceChain follows the evidence the agreement is about, from a
	// Cambodian IP to a Thai victim: IP ← REGISTERED_FROM – VoIP account –
	// PRESENTED_AS → Thai number – CALLED → victim.
	EvidenceChain = PathPair{
		From: RegistrationIP, To: VictimNumber, Links: 3,
		Why: "VoIP registration address, caller-ID presentation and call record join Poipet to the victim",
	}
	// MoneyTrail follows the victim's money: victim's account → first-layer
	// mule → second-layer mule → third-layer mule → Cambodian cash-out.
	MoneyTrail = PathPair{
		From: VictimAccount, To: CashOutAccount, Links: 4,
		Why: "three layers of Thai mule accounts between the victim's account and the Cambodian cash-out",
	}
)

// PathPairs lists the path pairs.
func PathPairs() []PathPair { return []PathPair{EvidenceChain, MoneyTrail} }

// reserveEntryPoints takes the entry points' keys out of the random draws,
// so that only the parts that own them place them in the world.
func (w *world) reserveEntryPoints() {
	for _, e := range EntryPoints() {
		w.numbers.reserve(e.Key)
	}
}
