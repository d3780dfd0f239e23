package intel

import (
	"testing"
	"unicode"
)

// TestDigitValue_TablePromise checks the assumption digitValue rests on:
// every range of decimal digits in Go's Unicode tables is a whole number of
// zero-to-nine runs. A future Unicode table that broke it would fail here,
// not silently misread a digit.
func TestDigitValue_TablePromise(t *testing.T) {
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("Nd range %#x-%#x stride %d is not whole runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("Nd range %#x-%#x stride %d is not whole runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
}

func TestFoldDigits(t *testing.T) {
	cases := map[string]string{
		"๐๑๒๓๔๕๖๗๘๙":           "0123456789", // Thai
		"០១២៣៤៥៦៧៨៩":           "0123456789", // Khmer
		"０１２３４５６７８９":           "0123456789", // full-width
		"٠١٢٣٤٥٦٧٨٩":           "0123456789", // Arabic-Indic
		"۰۱۲۳۴۵۶۷۸۹":           "0123456789", // extended Arabic-Indic (Persian)
		"໐໑໒໓໔໕໖໗໘໙":           "0123456789", // Lao
		"၀၁၂၃၄၅၆၇၈၉":           "0123456789", // Myanmar
		"＋６６":                  "+66",
		"﹢66":                  "+66",
		"abc-081":              "abc-081",
		"KBANK ๑๒๓":            "KBANK 123",
		"\U0001D7CE\U0001D7D9": "01", // mathematical bold digits, second run
	}
	for in, want := range cases {
		if got := foldDigits(in); got != want {
			t.Errorf("foldDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
