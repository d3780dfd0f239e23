package intel

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeCaseRef reads a victim report's key: the reporting agency's own
// case reference, under the same rules as a suspect reference.
func NormalizeCaseRef(input string) (Identifier, error) {
	id, err := NormalizeSuspectKey(input)
	id.Kind = KindCase
	return id, err
}

// NormalizePersonKey reads a Person key as PersonKey or HolderKey made it;
// people type it only to look a person up again.
func NormalizePersonKey(input string) (Identifier, error) {
	id := newIdentifier(input, KindPerson)
	key := strings.TrimSpace(input)
	rest, ok := strings.CutPrefix(key, personKeyPrefix)
	if !ok {
		rest, ok = strings.CutPrefix(key, holderKeyPrefix)
	}
	if !ok || len(rest) != personDigestHex || strings.Trim(rest, "0123456789abcdef") != "" {
		return id.fail("a person key is %s or %s followed by %d hex digits, as subscriber records produce it", personKeyPrefix, holderKeyPrefix, personDigestHex)
	}
	id.Valid = true
	id.Key = key
	return id, nil
}

const (
	personKeyPrefix = "doc-"
	holderKeyPrefix = "holder-"
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

// HolderKey derives the key of a person known only as the holder of one
// artefact: subscriber data without an identity document, as VoIP
// providers keep it, names who registered the account but not which
// document proves it. The key is a digest of the reporting country, the
// artefact's key and the holder's name (in Unicode NFKC, letter case and
// runs of spaces folded), so that the same record resent, or another
// record naming the same holder for the same artefact, lands on one
// Person, while two holders of one name elsewhere stay two people. Nothing
// is merged on a guess: a record that does carry a document is keyed by
// its document (PersonKey) and names this key as its candidate.
func HolderKey(country, artefactKey, name string) string {
	name = strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(foldDigits(name)))), " ")
	h := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(country)) + "\x00" + artefactKey + "\x00" + name))
	return holderKeyPrefix + hex.EncodeToString(h[:personDigestHex/2])
}
