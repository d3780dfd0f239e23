package intel

import (
	"strings"
	"unicode"
)

// foldDigits rewrites every decimal digit of any script to its ASCII form,
// and the full-width and small plus signs to '+'. Reports arrive typed on
// Thai and Khmer keyboards (๐-๙, ០-៩), pasted from East Asian input methods
// (０-９, ＋) or from Arabic-script documents (٠-٩, ۰-۹); after folding, the
// parsers see one alphabet and the same number lands on the same key.
func foldDigits(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if d, ok := digitValue(r); ok {
			b.WriteByte('0' + d)
			continue
		}
		switch r {
		case '＋', '﹢':
			b.WriteByte('+')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digitValue returns the value of a decimal digit (Unicode category Nd) of
// any script. Unicode promises that such digits are encoded in unbroken runs
// of ten, zero first, and the tables list each run (or adjacent runs) as one
// range starting at a zero; digits_test.go checks that promise against the
// tables Go ships, so the value is the offset from the range start modulo 10.
func digitValue(r rune) (byte, bool) {
	if '0' <= r && r <= '9' {
		return byte(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	return 0, false
}
