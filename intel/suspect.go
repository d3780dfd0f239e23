package intel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSuspectKeyRunes bounds an agency's reference for a suspect; real ones
// (case numbers, warrant numbers) are far shorter.
const maxSuspectKeyRunes = 128

// NormalizeSuspectKey reads an agency's own reference for a suspect (a
// warrant or case number, an internal id). A suspect has no natural key in
// the world, so the reference is kept as written, case included, only
// trimmed and put in Unicode NFC: Thai and Khmer text typed on different
// keyboards can order the same vowel and tone marks differently, and NFC
// makes them one string. Control characters and the bidirectional controls
// that can make a reference display as something else are rejected; the
// zero-width space Khmer uses between words is kept.
func NormalizeSuspectKey(input string) (Identifier, error) {
	id := newIdentifier(input, KindSuspect)
	if !utf8.ValidString(input) {
		return id.fail("not valid UTF-8 text")
	}
	if err := checkSize(input, "suspect reference"); err != nil {
		return id.fail("%s", err)
	}
	key := strings.TrimSpace(norm.NFC.String(strings.TrimSpace(input)))
	n := 0
	for _, r := range key {
		n++
		switch {
		case unicode.IsControl(r):
			return id.fail("control character %U at position %d is not allowed in a suspect reference", r, n)
		case isBidiControl(r):
			return id.fail("bidirectional control %U at position %d could make the reference display as something else", r, n)
		}
	}
	if n > maxSuspectKeyRunes {
		return id.fail("too long: %d characters, a suspect reference has at most %d", n, maxSuspectKeyRunes)
	}
	id.Valid = true
	id.Key = key
	return id, nil
}

// isBidiControl reports the embedding, override and isolate controls
// (U+202A-U+202E, U+2066-U+2069) and the marks U+200E, U+200F, U+061C.
func isBidiControl(r rune) bool {
	return (0x202A <= r && r <= 0x202E) || (0x2066 <= r && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}
