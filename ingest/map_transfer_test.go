package ingest

import (
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

func transferRecord() Record {
	return Record{Type: TypeTransfer, Agency: "TH-AMLO", Country: "TH", FromAccount: "KBANK 123-4-56789-0",
		ToAccount: "SCB 409-2-71234-5", Time: "2024-03-11T10:40:12+07:00", Amount: "49,999.50", Currency: "thb",
		Channel: "mobile_banking"}
}

func TestMapTransfer(t *testing.T) {
	t.Run("Mapped", func(t *testing.T) {
		l := linkOf(t, MustMap(t, transferRecord()))
		if l.Type != intel.LinkTransferred || l.From != "BankAccount:TH:004:1234567890" || l.To != "BankAccount:TH:014:4092712345" {
			t.Fatalf("link %s %s → %s", l.Type, l.From, l.To)
		}
		if l.Attrs["amount"] != "49999.50" || l.Attrs["currency"] != "THB" || l.Attrs["channel"] != "mobile_banking" {
			t.Fatalf("attrs %v", l.Attrs)
		}
		if want := "transfer:TH-AMLO:TH:004:1234567890|TH:014:4092712345|1710128412000|49999.50|THB"; l.EventKey != want {
			t.Fatalf("event key %q; want %q", l.EventKey, want)
		}
	})
	t.Run("AmountIsPartOfTheEvent", func(t *testing.T) {
		r := transferRecord()
		r.Amount = "50000"
		if linkOf(t, MustMap(t, r)).ID == linkOf(t, MustMap(t, transferRecord())).ID {
			t.Fatal("two amounts at the same second are one transfer")
		}
	})
	runBadCases(t, transferRecord, []badCase{
		{"ErrFromAccountNoBank", func(r *Record) { r.FromAccount = "123-4-56789-0" }, "fromAccount", "no bank given"},
		{"ErrToAccountUnknownBank", func(r *Record) { r.ToAccount = "FOOBANK:1234567890" }, "toAccount", "unknown bank"},
		{"ErrSameAccount", func(r *Record) { r.ToAccount = "TH:004:1234567890" }, "toAccount", "same account"},
		{"ErrTimeRequired", func(r *Record) { r.Time = "" }, "time", "is required"},
		{"ErrAmountRequired", func(r *Record) { r.Amount = "" }, "amount", "is required"},
		{"ErrCurrencyRequired", func(r *Record) { r.Currency = "" }, "currency", "is required"},
		{"ErrCurrencyWord", func(r *Record) { r.Currency = "Baht" }, "currency", "write THB"},
		{"ErrCurrencyShape", func(r *Record) { r.Currency = "TH1" }, "currency", "ISO 4217"},
	})
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{
		"49999.50": "49999.50", "49,999.50": "49999.50", "0049999.50": "49999.50", "๔๙,๙๙๙.๕๐": "49999.50",
		"1,234,567": "1234567", "0.5": "0.5", " 120000 ": "120000", "2900.000000": "2900.000000",
	} {
		if got, err := parseAmount("amount", in, false); err != nil || got != want {
			t.Errorf("parseAmount(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, reason := range map[string]string{
		"49,99": "comma may only separate thousands", "1,2345": "comma", "-100": "negative", "12a": "is not an amount",
		"1.2.3": "is not an amount", "100.": "is not an amount", ".5": "is not an amount", "0": "greater than zero",
		"0.00": "greater than zero", "1e5": "is not an amount", "1234567890123456789": "out of range", "1.123456789": "out of range",
	} {
		_, err := parseAmount("amount", in, false)
		assertRejected(t, err, "amount", reason)
	}
	if got, err := parseAmount("loss", "0", true); err != nil || got != "0" {
		t.Errorf("a zero loss: %q, %v", got, err)
	}
}

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]string{"THB": "THB", "khr": "KHR", " usd ": "USD", "usdt": "USDT"} {
		if got, err := parseCurrency("currency", in); err != nil || got != want {
			t.Errorf("parseCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, reason := range map[string]string{"บาท": "write THB", "riel": "write KHR", "$": "write USD", "DOGE1": "ISO 4217", "": "ISO 4217"} {
		_, err := parseCurrency("currency", in)
		assertRejected(t, err, "currency", reason)
	}
}
