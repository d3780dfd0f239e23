package intel

import (
	"testing"
)

func TestAccessRule(t *testing.T) {
	th := &Access{Agency: "TH-CCIB", Country: RegionTH}
	kh := &Access{Agency: "KH-GDNP", Country: RegionKH, Shared: []Category{CategoryCallRecords}}
	khNone := &Access{Agency: "KH-GDNP", Country: RegionKH}
	cases := []struct {
		name    string
		a       *Access
		t       LinkType
		country Region
		v       Visibility
		agency  string
		want    bool
	}{
		{"nil sees all", nil, LinkCalled, RegionKH, VisibilityRestricted, "KH-GDNP", true},
		{"all sees all", &Access{All: true}, LinkCalled, RegionKH, VisibilityRestricted, "KH-GDNP", true},
		{"own restricted", th, LinkCalled, RegionTH, VisibilityRestricted, "TH-CCIB", true},
		{"same country, other agency's restricted", th, LinkCalled, RegionTH, VisibilityRestricted, "TH-DSI", false},
		{"same country domestic", th, LinkCalled, RegionTH, VisibilityDomestic, "TH-DSI", true},
		{"same country shareable", th, LinkTransferred, RegionTH, VisibilityShareable, "TH-AMLO", true},
		{"other country domestic", kh, LinkCalled, RegionTH, VisibilityDomestic, "TH-CCIB", false},
		{"other country restricted, category shared", kh, LinkCalled, RegionTH, VisibilityRestricted, "TH-CCIB", false},
		{"other country shareable, category shared", kh, LinkCalled, RegionTH, VisibilityShareable, "TH-CCIB", true},
		{"other country shareable, other category", kh, LinkRegisteredTo, RegionTH, VisibilityShareable, "TH-CCIB", false},
		{"other country shareable, no agreement", khNone, LinkCalled, RegionTH, VisibilityShareable, "TH-CCIB", false},
	}
	for _, c := range cases {
		if got := c.a.AllowsClass(c.t, c.country, c.v, c.agency); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	granted := &Access{Agency: "KH-GDNP", Country: RegionKH, Granted: []string{"called-b", "called-a"}}
	granted.Normalize()
	hidden := Link{ID: "called-a", Type: LinkCalled, Provenance: Provenance{Agency: "TH-CCIB", Country: RegionTH, Visibility: VisibilityRestricted}}
	if !granted.Allows(&hidden) {
		t.Error("a granted fact is hidden")
	}
	hidden.ID = "called-c"
	if granted.Allows(&hidden) {
		t.Error("a fact outside the grant is shown")
	}
	if granted.SharedTypes() == nil || len(kh.SharedTypes()) != 1 || kh.SharedTypes()[0] != string(LinkCalled) {
		t.Errorf("shared types %v", kh.SharedTypes())
	}
}

func TestHomeCountry(t *testing.T) {
	for _, c := range []struct {
		e    Entity
		want Region
	}{
		{Entity{Kind: KindPhoneNumber, Key: "+66812345678"}, RegionTH},
		{Entity{Kind: KindPhoneNumber, Key: "+85512345678"}, RegionKH},
		{Entity{Kind: KindPhoneNumber, Key: "+8613800000000"}, ""},
		{Entity{Kind: KindBankAccount, Key: "KH:ABA:000123"}, RegionKH},
		{Entity{Kind: KindPerson, Key: "doc-x", Attrs: map[string]string{"documentCountry": "TH"}}, RegionTH},
		{Entity{Kind: KindSuspect, Key: "KH-GDNP:W-1"}, RegionKH},
		{Entity{Kind: KindSuspect, Key: "W-1", Attrs: map[string]string{"recordCountry": "KH"}}, ""},
		{Entity{Kind: KindVoipAccount, Key: "sip:a@b"}, ""},
	} {
		if got := HomeCountry(&c.e); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.e.Kind, c.e.Key, got, c.want)
		}
	}
}

// TestShowsPersonalData pins the redaction rule: a reader sees personal
// data of its own country only, and none whose home is unknown.
func TestShowsPersonalData(t *testing.T) {
	th := &Access{Agency: "TH-CCIB", Country: RegionTH}
	cases := []struct {
		name   string
		reader *Access
		home   Region
		want   bool
	}{
		{"OwnCountry", th, RegionTH, true},
		{"OtherCountry", th, RegionKH, false},
		{"UnknownHome", th, "", false},
		{"Unrestricted", nil, RegionKH, true},
		{"UnrestrictedUnknownHome", &Access{All: true}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.reader.ShowsPersonalData(c.home); got != c.want {
				t.Errorf("ShowsPersonalData(%q) = %v, want %v", c.home, got, c.want)
			}
			if got := c.reader.Foreign(c.home); c.home != "" && got == c.want {
				t.Errorf("Foreign(%q) = %v, want %v", c.home, got, !c.want)
			}
		})
	}
}

// TestOwnedByOther pins the owner rule: a suspect or case filed by another
// agency is another's; the filer's own, an unrestricted reader's and an
// entity without an owner are not.
func TestOwnedByOther(t *testing.T) {
	th := &Access{Agency: "TH-CCIB", Country: RegionTH}
	suspect := func(key string) *Entity {
		return &Entity{ID: EntityID(KindSuspect, key), Kind: KindSuspect, Key: key}
	}
	phone := &Entity{ID: "PhoneNumber:+66812345678", Kind: KindPhoneNumber, Key: "+66812345678"}
	cases := []struct {
		name   string
		reader *Access
		e      *Entity
		owner  string
		other  bool
	}{
		{"AnotherAgencys", th, suspect("KH-GDNP:W-2024-0042"), "KH-GDNP", true},
		{"SameCountryOtherAgency", th, suspect("TH-CIB:S-1"), "TH-CIB", true},
		{"Own", th, suspect("TH-CCIB:S-1"), "TH-CCIB", false},
		{"Unrestricted", nil, suspect("KH-GDNP:W-2024-0042"), "KH-GDNP", false},
		{"NoOwner", th, phone, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			owner, other := c.reader.OwnedByOther(c.e)
			if owner != c.owner || other != c.other {
				t.Errorf("OwnedByOther = %q, %v; want %q, %v", owner, other, c.owner, c.other)
			}
		})
	}
}
