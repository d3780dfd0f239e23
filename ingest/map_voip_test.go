package ingest

import (
	"reflect"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

func registrationRecord() Record {
	return Record{Type: TypeRegistration, Agency: "KH-MPTC", Country: "KH", RecordID: "SUNRISE-REG-5512001",
		Account: "sip:kh7781@voip.sunrise.example", SourceIP: "203.0.113.45", Port: ptr(5060),
		Time: "2024-03-14T08:59:30+07:00", ExpirySec: ptr(3600), UserAgent: "MicroSIP/3.21.3"}
}

func callerIDRecord() Record {
	return Record{Type: TypeCallerID, Agency: "KH-MPTC", Country: "KH", Account: "sip:kh7781@voip.sunrise.example",
		PresentedNumber: "+66 2-123-4567", ValidFrom: "2024-03-01", ValidUntil: "2024-03-20"}
}

func TestMapRegistration(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		b := MustMap(t, registrationRecord())
		l := linkOf(t, b)
		if l.Type != intel.LinkRegisteredFrom || l.From != "VoipAccount:sip:kh7781@voip.sunrise.example" || l.To != "IPAddress:203.0.113.45" {
			t.Fatalf("link %s %s → %s", l.Type, l.From, l.To)
		}
		want := map[string]string{"port": "5060", "expirySec": "3600", "userAgent": "MicroSIP/3.21.3"}
		if !reflect.DeepEqual(l.Attrs, want) {
			t.Fatalf("attrs %v; want %v", l.Attrs, want)
		}
		if l.EventKey != "voip_registration:KH-MPTC:SUNRISE-REG-5512001" {
			t.Fatalf("event key %q", l.EventKey)
		}
	})
	t.Run("PortWrittenWithAddress", func(t *testing.T) {
		r := registrationRecord()
		r.SourceIP, r.Port = "203.0.113.45:5060", nil
		b := MustMap(t, r)
		if got, want := linkOf(t, b), linkOf(t, MustMap(t, registrationRecord())); !reflect.DeepEqual(got, want) {
			t.Fatalf("port in the address maps differently:\n%+v\n%+v", got, want)
		}
		if _, ok := entityOf(t, b, "IPAddress:203.0.113.45").Attrs["port"]; ok {
			t.Fatal("the port of one registration was kept on the address")
		}
	})
	t.Run("NaturalKey", func(t *testing.T) {
		r := registrationRecord()
		r.RecordID, r.SourceIP = "", "[2001:db8:4f::17]:5062"
		r.Port = nil
		l := linkOf(t, MustMap(t, r))
		if l.EventKey != "voip_registration:KH-MPTC:sip:kh7781@voip.sunrise.example|2001:db8:4f::17|1710381570000" {
			t.Fatalf("event key %q", l.EventKey)
		}
	})
	runBadCases(t, registrationRecord, []badCase{
		{"ErrAccountRequired", func(r *Record) { r.Account = "" }, "account", "is required"},
		{"ErrAccountNoUser", func(r *Record) { r.Account = "sip:voip.sunrise.example" }, "account", "no user part"},
		{"ErrSourceIPGarbage", func(r *Record) { r.SourceIP = "203.0.113.300" }, "sourceIp", ""},
		{"ErrTimeRequired", func(r *Record) { r.Time = "" }, "time", "is required"},
	})
	// The port, expiry and user agent describe the registration but do
	// not make it one: an unusable one is set aside, the rest stored.
	runWarnCases(t, registrationRecord, []badCase{
		{"WarnPortRange", func(r *Record) { r.Port = ptr(70000) }, "port", "between 1 and 65535"},
		{"WarnPortContradicts", func(r *Record) { r.SourceIP = "203.0.113.45:5062" }, "port", "written with port 5062"},
		{"WarnExpiryNegative", func(r *Record) { r.ExpirySec = ptr(-5) }, "expirySec", "between 0"},
	})
}

func TestMapCallerID(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		l := linkOf(t, MustMap(t, callerIDRecord()))
		if l.Type != intel.LinkPresentedAs || l.To != "PhoneNumber:+6621234567" || l.EventKey != "" {
			t.Fatalf("link %+v", l)
		}
		from, until := time.Date(2024, 2, 29, 17, 0, 0, 0, time.UTC), time.Date(2024, 3, 19, 17, 0, 0, 0, time.UTC)
		if !l.ValidFrom.Equal(from) || !l.ValidUntil.Equal(until) {
			t.Fatalf("valid [%v, %v); want [%v, %v)", l.ValidFrom, l.ValidUntil, from, until)
		}
	})
	t.Run("OpenPeriod", func(t *testing.T) {
		r := callerIDRecord()
		r.ValidUntil = ""
		if l := linkOf(t, MustMap(t, r)); !l.ValidUntil.IsZero() {
			t.Fatalf("validUntil %v", l.ValidUntil)
		}
	})
	t.Run("RecordIDKeptOnStateLink", func(t *testing.T) {
		r := callerIDRecord()
		r.RecordID = "MPTC-CID-77"
		if l := linkOf(t, MustMap(t, r)); l.Attrs["recordId"] != "MPTC-CID-77" {
			t.Fatalf("attrs %v", l.Attrs)
		}
	})
	runBadCases(t, callerIDRecord, []badCase{
		{"ErrPresentedNumberNational", func(r *Record) { r.PresentedNumber = "02-123-4567" }, "presentedNumber", "check the region (TH)"},
		{"ErrPresentedNumberSIP", func(r *Record) { r.PresentedNumber = "sip:a@b.example" }, "presentedNumber", "is a VoIP account"},
		{"ErrValidFromRequired", func(r *Record) { r.ValidFrom = "" }, "validFrom", "is required"},
	})
	// An unusable end is set aside: the period is stored open, as if the
	// end were not known.
	runWarnCases(t, callerIDRecord, []badCase{
		{"WarnValidUntilBeforeFrom", func(r *Record) { r.ValidUntil = "2024-02-01" }, "validUntil", "must be after validFrom"},
		{"WarnValidUntilUnreadable", func(r *Record) { r.ValidUntil = "next week" }, "validUntil", "is not a time"},
	})
}
