package intel

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// NormalizeCaseRef reads a victim report's key: the reporting agency's own
// case reference, under the same rules as a suspect reference.
func NormalizeCaseRef(input string) (Identifier, error) {
	id, err := NormalizeSuspectKey(input)
	id.Kind = KindCase
	return id, err
}

// NormalizePersonKey reads a Person key as PersonKey made it; people type
// it only to look a person up again.
func NormalizePersonKey(input string) (Identifier, error) {
	id := newIdentifier(input, KindPerson)
	key := strings.TrimSpace(input)
	rest, ok := strings.CutPrefix(key, personKeyPrefix)
	if !ok || len(rest) != personDigestHex || strings.Trim(rest, "0123456789abcdef") != "" {
		return id.fail("a person key is %s followed by %d hex digits, as subscriber records produce it", personKeyPrefix, personDigestHex)
	}
	id.Valid = true
	id.Key = key
	return id, nil
}

const (
	personKeyPrefix = "doc-"
	personDigestHex = 32
)

// PersonKey derives the key of the person an identity document names: a
// digest of the issuing country, the document type and the document number
// with spaces, dashes and letter case removed. The same document reported by
// two agencies in two spellings lands on one Person, and the key itself
// reveals no document number.
func PersonKey(country, docType, docNumber string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' || r == '.' || r == '/' {
				return -1
			}
			return unicode.ToUpper(r)
		}, foldDigits(s))
	}
	h := sha256.Sum256([]byte(clean(country) + "\x00" + clean(docType) + "\x00" + clean(docNumber)))
	return personKeyPrefix + hex.EncodeToString(h[:personDigestHex/2])
}
