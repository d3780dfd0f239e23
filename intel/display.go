package intel

import (
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Display is how a person reads an entity's identity: a number as it is
// dialled internationally ("+66 92 555 0142"), a bank account by its bank's
// name and number ("KBANK (Kasikornbank) 1234567890"), anything else by its
// label. The key stays the identity; this is for pages and charts.
func Display(e Entity) string {
	switch e.Kind {
	case KindPhoneNumber:
		if d, ok := phoneDisplay(e.Key); ok {
			return d
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

// phoneDisplays remembers how numbers are written for people. Parsing a
// number runs several regular expressions (microseconds each), and a
// network of a few hundred numbers names each of them once per node and
// once per link end, so the same numbers are formatted thousands of times
// per request. The cache is emptied when it reaches phoneDisplayCap
// entries, which bounds its memory whatever the graph holds.
var phoneDisplays = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

const phoneDisplayCap = 1 << 16

// phoneDisplay formats an E.164 key internationally ("+66 92 555 0142");
// ok is false when the key does not parse.
func phoneDisplay(key string) (string, bool) {
	phoneDisplays.RLock()
	d, ok := phoneDisplays.m[key]
	phoneDisplays.RUnlock()
	if ok {
		return d, d != ""
	}
	if num, err := phonenumbers.Parse(key, ""); err == nil {
		d = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	}
	phoneDisplays.Lock()
	if len(phoneDisplays.m) >= phoneDisplayCap {
		clear(phoneDisplays.m)
	}
	phoneDisplays.m[key] = d
	phoneDisplays.Unlock()
	return d, d != ""
}

// splitAccountKey reads COUNTRY:bank:digits.
func splitAccountKey(key string) (country, bank, account string, ok bool) {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
