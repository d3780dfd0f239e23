package intel

// LinkType names a typed, directed relationship between two entities.
type LinkType string

// The link types. Event types record one thing that happened (one call, one
// registration, one transfer) and carry an event key; the others record a
// state that holds over a validity window.
const (
	LinkCalled         LinkType = "CALLED"
	LinkRegisteredFrom LinkType = "REGISTERED_FROM"
	LinkPresentedAs    LinkType = "PRESENTED_AS"
	LinkTransferred    LinkType = "TRANSFERRED"
	LinkUses           LinkType = "USES"
	// LinkReportedIn joins an artefact named in a victim report to the case.
	LinkReportedIn LinkType = "REPORTED_IN"
	// LinkRegisteredTo joins a number, SIP account or bank account to the
	// person it is registered to, per subscriber record.
	LinkRegisteredTo LinkType = "REGISTERED_TO"
)

// Category is the class of evidence a link belongs to. The agreement between
// the two countries shares evidence by category, so every link type has one.
type Category string

// The evidence categories named by the 2022 agreement and its annexes.
const (
	CategoryCallRecords      Category = "CALL_RECORDS"
	CategoryVoipRegistration Category = "VOIP_REGISTRATION"
	CategoryBankData         Category = "BANK_DATA"
	CategorySuspectIdentity  Category = "SUSPECT_IDENTITY"
	CategorySubscriberData   Category = "SUBSCRIBER_DATA"
	CategoryVictimReports    Category = "VICTIM_REPORTS"
)

// LinkSpec describes what a link type joins and how it is keyed.
type LinkSpec struct {
	Type LinkType
	// Event is true for links that record one occurrence: they need an event
	// key and an observed-at time.
	Event bool
	// From and To list the entity kinds allowed at each end; nil means any.
	From, To []Kind
	// Category is the evidence category the link falls under.
	Category Category
}

// LinkSpecs is the registry of link types, in a fixed order. The stores build
// their per-type statements from it, so a new type needs only a line here.
var LinkSpecs = []LinkSpec{
	{Type: LinkCalled, Event: true, From: []Kind{KindPhoneNumber, KindVoipAccount}, To: []Kind{KindPhoneNumber}, Category: CategoryCallRecords},
	{Type: LinkRegisteredFrom, Event: true, From: []Kind{KindVoipAccount}, To: []Kind{KindIPAddress}, Category: CategoryVoipRegistration},
	{Type: LinkPresentedAs, From: []Kind{KindVoipAccount}, To: []Kind{KindPhoneNumber}, Category: CategoryVoipRegistration},
	{Type: LinkTransferred, Event: true, From: []Kind{KindBankAccount}, To: []Kind{KindBankAccount}, Category: CategoryBankData},
	{Type: LinkUses, From: []Kind{KindSuspect}, To: []Kind{KindPhoneNumber, KindVoipAccount, KindIPAddress, KindBankAccount, KindMessagingAccount}, Category: CategorySuspectIdentity},
	{Type: LinkReportedIn, Event: true, From: []Kind{KindPhoneNumber, KindVoipAccount, KindIPAddress, KindBankAccount, KindMessagingAccount}, To: []Kind{KindCase}, Category: CategoryVictimReports},
	{Type: LinkRegisteredTo, From: []Kind{KindPhoneNumber, KindVoipAccount, KindBankAccount, KindMessagingAccount}, To: []Kind{KindPerson}, Category: CategorySubscriberData},
}

// Spec returns the registry entry of t.
func (t LinkType) Spec() (LinkSpec, bool) {
	for _, s := range LinkSpecs {
		if s.Type == t {
			return s, true
		}
	}
	return LinkSpec{}, false
}

// Valid reports whether t is a registered link type.
func (t LinkType) Valid() bool {
	_, ok := t.Spec()
	return ok
}

func (s LinkSpec) allows(kinds []Kind, k Kind) bool {
	if kinds == nil {
		return true
	}
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
