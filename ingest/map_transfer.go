package ingest

import (
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// mapTransfer maps one bank transfer: fromAccount TRANSFERRED toAccount,
// one event per transaction, with the amount kept as exact decimal text so
// that no float rounding ever changes a sum that goes into a court file.
func mapTransfer(b *builder, r *Record) error {
	from, err := b.artefact("fromAccount", r.FromAccount, intel.KindBankAccount)
	if err != nil {
		return err
	}
	to, err := b.artefact("toAccount", r.ToAccount, intel.KindBankAccount)
	if err != nil {
		return err
	}
	if from.ID == to.ID {
		return fieldErr("toAccount", "is the same account as fromAccount (%s)", to.Key)
	}
	at, err := requiredTime("time", r.Time, b.prov.Country, "when the money moved")
	if err != nil {
		return err
	}
	if strings.TrimSpace(r.Amount) == "" {
		return missingErr("amount", "the amount transferred, e.g. 49999.50")
	}
	amount, err := parseAmount("amount", r.Amount, false)
	if err != nil {
		return err
	}
	if strings.TrimSpace(r.Currency) == "" {
		return missingErr("currency", "the ISO 4217 code of the amount, e.g. THB")
	}
	currency, err := parseCurrency("currency", r.Currency)
	if err != nil {
		return err
	}
	l := intel.Link{Type: intel.LinkTransferred, Attrs: map[string]string{"amount": amount, "currency": currency}}
	l.ObservedAt = at
	if ch := strings.TrimSpace(r.Channel); ch != "" {
		l.Attrs["channel"] = ch
	}
	l.From = b.addEntity(from, origin{field: "fromAccount"})
	l.To = b.addEntity(to, origin{field: "toAccount"})
	l.EventKey = b.eventKey(from.Key, to.Key, millis(at), amount, currency)
	b.addLink(l, origin{field: "time"})
	return nil
}

// Bounds on an amount: eighteen integer digits is beyond any sum of money,
// and eight decimals is the finest any currency or token here uses.
const (
	maxAmountDigits   = 18
	maxAmountDecimals = 8
)

// parseAmount reads a decimal amount as people write it ("49,999.50",
// "๔๙๙๙๙.๕๐", "0049999.50") and returns it normalised ("49999.50"):
// ASCII digits, no grouping, no leading zeros, and the decimals as written,
// since "49999.50" and "49999.5" may come from different ledgers and
// neither should be rewritten. Commas are read only as thousands groups,
// so "49,99" (a decimal comma) is rejected rather than misread.
func parseAmount(field, s string, allowZero bool) (string, error) {
	raw := strings.TrimSpace(s)
	text := foldDecimal(raw)
	if strings.HasPrefix(text, "-") {
		return "", fieldErr(field, "%q is negative; give the amount moved, without a sign", raw)
	}
	whole, frac, hasPoint := strings.Cut(text, ".")
	whole, grouped := ungroup(whole)
	switch {
	case !grouped:
		return "", fieldErr(field, "%q is not an amount: a comma may only separate thousands (49,999.50); use a point for decimals", raw)
	case whole == "" || (hasPoint && frac == "") || !allDigits(whole) || !allDigits(frac):
		return "", fieldErr(field, "%q is not an amount: write digits with an optional decimal point, e.g. 49999.50", raw)
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if len(whole) > maxAmountDigits || len(frac) > maxAmountDecimals {
		return "", fieldErr(field, "%q is out of range: at most %d digits before the point and %d after", raw, maxAmountDigits, maxAmountDecimals)
	}
	if !allowZero && whole == "0" && strings.Trim(frac, "0") == "" {
		return "", fieldErr(field, "must be greater than zero")
	}
	if frac != "" {
		return whole + "." + frac, nil
	}
	return whole, nil
}

// ungroup removes thousands separators; ok is false when a comma does not
// separate a group of three digits.
func ungroup(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, true
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tokenCurrencies are the stablecoins scam money leaves in, which have no
// ISO 4217 code but are named the same way everywhere.
var tokenCurrencies = map[string]bool{"USDT": true, "USDC": true}

// currencyWords are what people write instead of a code; they are not
// accepted, because a code is evidence and should be what the source says,
// but the message names the code to write.
var currencyWords = map[string]string{
	"BAHT": "THB", "บาท": "THB", "฿": "THB", "RIEL": "KHR", "RIELS": "KHR", "៛": "KHR", "เรียล": "KHR",
	"$": "USD", "US$": "USD", "DOLLAR": "USD", "DOLLARS": "USD", "TETHER": "USDT",
}

// parseCurrency reads an ISO 4217 code (THB, KHR, USD) in any letter case,
// or one of the stablecoins, and returns it upper-case.
func parseCurrency(field, s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if tokenCurrencies[c] || (len(c) == 3 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "") {
		return c, nil
	}
	if code, ok := currencyWords[c]; ok {
		return "", fieldErr(field, "%q is not a currency code: write %s", s, code)
	}
	return "", fieldErr(field, "%q is not a currency code: write ISO 4217 (THB, KHR, USD, ...) or USDT", s)
}
