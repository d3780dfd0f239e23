package intel

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Display is how a person reads an entity's identity: a number as it is
// dialled internationally ("+66 92 555 0142"), a bank account by its bank's
// name and number ("KBANK (Kasikornbank) 1234567890"), anything else by its
// label. The key stays the identity; this is for pages and charts.
func Display(e Entity) string {
	switch e.Kind {
	case KindPhoneNumber:
		if num, err := phonenumbers.Parse(e.Key, ""); err == nil {
			return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
		}
	case KindBankAccount:
		if country, code, account, ok := splitAccountKey(e.Key); ok {
			b := bankByCode[code]
			if country != string(RegionTH) || b == nil {
				b = bankByName[normaliseBankName(code)]
			}
			if b != nil {
				return b.short + " (" + b.name + ") " + account
			}
			return code + " " + account
		}
	}
	if e.Label != "" {
		return e.Label
	}
	return e.Key
}

// splitAccountKey reads COUNTRY:bank:digits.
func splitAccountKey(key string) (country, bank, account string, ok bool) {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
