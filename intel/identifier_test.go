package intel_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/intel"
)

// identifierCase is one row of the table: what was typed, in which region,
// as which kind ("" = detected), and what must come out.
type identifierCase struct {
	name    string
	input   string
	region  intel.Region
	kind    intel.Kind // given to ParseIdentifier; "" lets it detect
	want    intel.Kind // the kind the result must carry
	key     string     // "" for a failure
	markers []string   // nil means none
	err     string     // for a failure, a substring of the reason
	attrs   map[string]string
	numType string
	carrier string
	country string
}

const (
	th = intel.RegionTH
	kh = intel.RegionKH

	phone   = intel.KindPhoneNumber
	voip    = intel.KindVoipAccount
	ip      = intel.KindIPAddress
	bankAcc = intel.KindBankAccount
	suspect = intel.KindSuspect
)

// identifierCases is shared with the fuzz target as its seed corpus.
var identifierCases = []identifierCase{
	// Thai phone numbers in the forms they are reported in.
	{name: "ThaiMobile08", input: "081-234-5678", region: th, want: phone, key: "+66812345678", numType: "MOBILE", carrier: "True Move", country: "TH"},
	{name: "ThaiMobile09", input: "091 234 5678", region: th, want: phone, key: "+66912345678", numType: "MOBILE", carrier: "AIS"},
	{name: "ThaiMobile06", input: "061.234.5678", region: th, want: phone, key: "+66612345678", numType: "MOBILE"},
	{name: "ThaiVoip060", input: "060 123 4567", region: th, want: phone, key: "+66601234567", numType: "VOIP"},
	{name: "ThaiVoip068", input: "(068) 123-4567", region: th, want: phone, key: "+66681234567", numType: "VOIP"},
	{name: "BangkokFixed02", input: "02-123-4567", region: th, want: phone, key: "+6621234567", numType: "FIXED_LINE"},
	{name: "ProvincialFixed053", input: "053 123 456", region: th, want: phone, key: "+6653123456", numType: "FIXED_LINE"},
	{name: "ThaiTollFree", input: "1800 123 456", region: th, want: phone, key: "+661800123456", numType: "TOLL_FREE"},
	{name: "ThaiInternationalParenZero", input: "+66 (0)81 234 5678", region: th, want: phone, key: "+66812345678"},
	{name: "ThaiInternationalNoPlus", input: "66 81 234 5678", region: th, want: phone, key: "+66812345678"},
	{name: "ThaiNationalWithoutTrunk", input: "81 234 5678", region: th, want: phone, key: "+66812345678"},
	{name: "ThaiDigits", input: "๐๘๑-๒๓๔-๕๖๗๘", region: th, want: phone, key: "+66812345678"},
	{name: "FullwidthDigitsAndPlus", input: "＋６６ ８１ ２３４ ５６７８", region: th, want: phone, key: "+66812345678"},
	{name: "ArabicIndicDigits", input: "٠٨١٢٣٤٥٦٧٨", region: th, want: phone, key: "+66812345678"},
	{name: "ZeroWidthSpacePasted", input: "081\u200b234\u200b5678", region: th, want: phone, key: "+66812345678"},
	{name: "UnicodeDashes", input: "081–234—5678", region: th, want: phone, key: "+66812345678"},
	{name: "ThaiExtension", input: "02-123-4567 ต่อ 12", region: th, want: phone, key: "+6621234567", attrs: map[string]string{"extension": "12"}},
	{name: "EnglishExtension", input: "+66 2 123 4567 ext. 305", region: th, want: phone, key: "+6621234567", attrs: map[string]string{"extension": "305"}},

	// Thailand's caller-ID display markers.
	{name: "Marker697Without0", input: "+697 812345678", region: th, want: phone, key: "+66812345678", markers: []string{"+697"}, numType: "MOBILE"},
	{name: "Marker697With0", input: "+697 0812345678", region: th, want: phone, key: "+66812345678", markers: []string{"+697"}},
	{name: "Marker698Dashed", input: "+698-81-234-5678", region: th, want: phone, key: "+66812345678", markers: []string{"+698"}},
	{name: "Marker697Fixed", input: "+697 2 123 4567", region: th, want: phone, key: "+6621234567", markers: []string{"+697"}},
	{name: "Marker697WithCountryCode", input: "+697 66 81 234 5678", region: th, want: phone, key: "+66812345678", markers: []string{"+697"}},
	{name: "Marker697NoPlusInCallRecord", input: "697812345678", region: th, want: phone, key: "+66812345678", markers: []string{"+697"}},
	{name: "Marker697ReportedInCambodia", input: "+697 812345678", region: kh, want: phone, key: "+66812345678", markers: []string{"+697"}},
	{name: "Marker697ThenFullNumber", input: "+697 +66 81 234 5678", region: th, want: phone, key: "+66812345678", markers: []string{"+697"}},
	{name: "ErrMarkerAlone", input: "+697", region: th, want: phone, markers: []string{"+697"}, err: "must be followed by the Thai number"},
	{name: "ErrMarkerThenTooShort", input: "+697 81 234", region: th, want: phone, markers: []string{"+697"}, err: "after the +697 marker"},

	// International prefixes: plain 00 and the carriers' IDD codes.
	{name: "IDD001ToChina", input: "001 86 138 0013 8000", region: th, want: phone, key: "+8613800138000", country: "CN", attrs: map[string]string{"idd": "001"}},
	{name: "IDD007ToVietnam", input: "007-84-91-234-5678", region: th, want: phone, key: "+84912345678", country: "VN", attrs: map[string]string{"idd": "007"}},
	{name: "IDD009Unspaced", input: "00963917123 4567", region: th, want: phone, key: "+639171234567", attrs: map[string]string{"idd": "009"}},
	{name: "IDD00500ToPhilippines", input: "00500 63 917 123 4567", region: th, want: phone, key: "+639171234567", country: "PH", attrs: map[string]string{"idd": "00500"}},
	{name: "IDD00600ToChina", input: "0060086 138 0013 8000", region: th, want: phone, key: "+8613800138000", attrs: map[string]string{"idd": "00600"}},
	{name: "IDD00300ToCambodia", input: "00300 855 12 345 678", region: th, want: phone, key: "+85512345678", attrs: map[string]string{"idd": "00300"}},
	{name: "Plain00ToThailand", input: "0066 81 234 5678", region: th, want: phone, key: "+66812345678", attrs: map[string]string{"idd": "00"}},
	{name: "Plain00ToUSA", input: "00 1 415 555 2671", region: th, want: phone, key: "+14155552671", country: "US", attrs: map[string]string{"idd": "00"}},
	{name: "PlusAndDoubleZero", input: "+0066 81 234 5678", region: th, want: phone, key: "+66812345678"},
	{name: "CambodianIDD001ToThailand", input: "001 66 81 234 5678", region: kh, want: phone, key: "+66812345678", attrs: map[string]string{"idd": "001"}},
	{name: "CambodianIDD008ToChina", input: "008 86 138 0013 8000", region: kh, want: phone, key: "+8613800138000", attrs: map[string]string{"idd": "008"}},

	// tel: URIs.
	{name: "TelURIGlobal", input: "tel:+66-81-234-5678", region: kh, want: phone, key: "+66812345678"},
	{name: "TelURILocalWithContext", input: "tel:081-234-5678;phone-context=+66", region: kh, want: phone, key: "+66812345678"},
	{name: "TelURIExtension", input: "TEL:+66-2-123-4567;ext=12;isub=1", region: th, want: phone, key: "+6621234567", attrs: map[string]string{"extension": "12"}},

	// Foreign numbers: calls come from everywhere.
	{name: "ForeignChinaMobile", input: "+86 138 0013 8000", region: th, want: phone, key: "+8613800138000", numType: "MOBILE", carrier: "China Mobile", country: "CN"},
	{name: "ForeignVietnam", input: "+84 91 234 5678", region: kh, want: phone, key: "+84912345678", country: "VN"},
	{name: "ForeignPhilippines", input: "+63 917 123 4567", region: th, want: phone, key: "+639171234567", carrier: "Globe"},
	{name: "ForeignUSA", input: "+1 (415) 555-2671", region: th, want: phone, key: "+14155552671", numType: "FIXED_LINE_OR_MOBILE", country: "US"},

	// Phone numbers that must be rejected, with the reason.
	{name: "ErrThaiMobileTooShort", input: "081 234 567", region: th, want: phone, err: "too short for a Thai number: 8 digits after the trunk prefix 0 (numbers in this range have 9)"},
	{name: "ErrThaiTooShort7", input: "0812 3456", region: th, want: phone, err: "too short for a Thai number: 7 digits after the trunk prefix 0"},
	{name: "ErrThaiTooShortKeptTrunk", input: "081 2345", region: th, want: phone, err: "too short for a Thai number: 6 digits after the trunk prefix 0 (numbers in this range have 9)"},
	{name: "ErrThaiTooLong", input: "081 234 56789", region: th, want: phone, err: "too long for a Thai number: 10 digits"},
	{name: "ErrThaiNotAllocated", input: "+66 5 1234 5678", region: th, want: phone, err: "not allocated: +66 512345678 has a possible length but is in no range allocated to Thai numbers"},
	{name: "ErrLetters", input: "081-CALL-NOW", region: th, want: phone, err: "letters are not part of a phone number"},
	{name: "ErrEmpty", input: "", region: th, want: phone, err: "empty"},
	{name: "ErrBlank", input: "   ", region: th, kind: phone, want: phone, err: "empty"},
	{name: "ErrGarbage", input: "!!!", region: th, want: phone, err: "unexpected character"},
	{name: "ErrInvalidCountryCode", input: "+999 123 456 789", region: th, want: phone, err: "invalid country code"},
	{name: "ErrShortCode", input: "1155", region: th, want: phone, err: "1155 is a short code (a service number dialled inside Thailand)"},
	{name: "ErrOnlyCountryCode", input: "+66", region: th, want: phone, err: "only a country code (+66)"},
	{name: "ErrOnlyIDDPrefix", input: "00500", region: th, want: phone, err: "only an international prefix (00500)"},
	{name: "ErrOneDigit", input: "7", region: th, want: phone, err: "too short: 1 digit cannot be a phone number"},
	{name: "ErrPlusInMiddle", input: "081+2345678", region: th, want: phone, err: "a + sign can only start the number"},
	{name: "ErrTooManyDigits", input: "1234567890123456789012", region: th, want: phone, err: "too long: 22 digits"},
	{name: "ErrThaiNumberReportedInCambodia", input: "081 234 5678", region: kh, want: phone, err: "read as a Thai number it would be +66812345678"},
	{name: "ErrUnknownRegion", input: "081 234 5678", region: "VN", kind: phone, want: phone, err: "unknown region"},

	// Cambodian phone numbers.
	{name: "CambodianMobile012", input: "012 345 678", region: kh, want: phone, key: "+85512345678", numType: "MOBILE", carrier: "Cellcard", country: "KH"},
	{name: "CambodianMobile097", input: "097 123 4567", region: kh, want: phone, key: "+855971234567", carrier: "Metfone"},
	{name: "CambodianMobile010", input: "010-234-567", region: kh, want: phone, key: "+85510234567", carrier: "Smart"},
	{name: "CambodianMobile088", input: "088 234 5678", region: kh, want: phone, key: "+855882345678"},
	{name: "CambodianMobile071", input: "071 234 5678", region: kh, want: phone, key: "+855712345678"},
	{name: "CambodianMobile061", input: "061 234 567", region: kh, want: phone, key: "+85561234567"},
	{name: "CambodianFixed023", input: "023 234 567", region: kh, want: phone, key: "+85523234567", numType: "FIXED_LINE"},
	{name: "KhmerDigits", input: "០១២ ៣៤៥ ៦៧៨", region: kh, want: phone, key: "+85512345678"},
	{name: "CambodianInternationalParenZero", input: "+855 (0)12 345 678", region: th, want: phone, key: "+85512345678"},
	{name: "ErrCambodianTooShort", input: "012 345", region: kh, want: phone, err: "too short"},

	// Bank (mule) accounts.
	{name: "BankKeyForm", input: "TH:004:123-4-56789-0", region: th, want: bankAcc, key: "TH:004:1234567890", country: "TH", attrs: map[string]string{"bank": "KBANK", "bankName": "Kasikornbank"}},
	{name: "BankNameThenNumber", input: "KBANK 123-4-56789-0", region: th, want: bankAcc, key: "TH:004:1234567890"},
	{name: "BankNameColon", input: "kbank:1234567890", region: kh, want: bankAcc, key: "TH:004:1234567890"},
	{name: "BankKeyFormWithName", input: "TH:KBANK:1234567890", region: th, want: bankAcc, key: "TH:004:1234567890"},
	{name: "BankCodeDash", input: "004-1234567890", region: th, want: bankAcc, key: "TH:004:1234567890"},
	{name: "BankThaiName", input: "กสิกรไทย 123-4-56789-0", region: th, want: bankAcc, key: "TH:004:1234567890"},
	{name: "BankFullEnglishName", input: "Bangkok Bank 123-4-56789-0", region: th, want: bankAcc, key: "TH:002:1234567890"},
	{name: "BankKrungsri", input: "Krungsri 123 4 56789 0", region: th, want: bankAcc, key: "TH:025:1234567890"},
	{name: "BankGSB12Digits", input: "GSB 0200 1234 5678", region: th, want: bankAcc, key: "TH:030:020012345678"},
	{name: "BankBAACThaiAbbreviation", input: "ธ.ก.ส. 0200-1234-5678", region: th, want: bankAcc, key: "TH:034:020012345678"},
	{name: "BankThaiDigits", input: "TH:014:๑๒๓-๔-๕๖๗๘๙-๐", region: th, want: bankAcc, key: "TH:014:1234567890"},
	{name: "ErrBankWrongLength", input: "TH:034:1234567890", region: th, want: bankAcc, err: "BAAC account numbers have 12 digits"},
	{name: "ErrBankUnknownCode", input: "TH:099:1234567890", region: th, want: bankAcc, err: "unknown Thai bank code 099"},
	{name: "ErrBankUnknownName", input: "FOOBANK:1234567890", region: th, kind: bankAcc, want: bankAcc, err: "unknown bank"},
	{name: "ErrBankNoBank", input: "123-4-56789-0", region: th, kind: bankAcc, want: bankAcc, err: "no bank given for 123-4-56789-0"},
	{name: "ErrBankNoAccount", input: "KBANK", region: th, want: bankAcc, err: "no account number"},
	{name: "CambodianBankABA", input: "ABA 000 123 456", region: kh, want: bankAcc, key: "KH:ABA:000123456", country: "KH"},
	{name: "CambodianBankKeyForm", input: "kh:acleda:0001-01-123456-7-8", region: kh, want: bankAcc, key: "KH:ACLEDA:0001011234567" + "8"},
	{name: "CambodianBankAlias", input: "Huione Pay 012 345 6789", region: kh, want: bankAcc, key: "KH:HUIONE:0123456789"},
	{name: "ErrCambodianBankNumericCode", input: "KH:004:1234567890", region: kh, want: bankAcc, err: "Cambodian banks have no numeric codes"},
	{name: "ErrBankCountryMismatch", input: "KH:KBANK:1234567890", region: kh, want: bankAcc, err: "KBANK is a Thai bank, but the account is marked KH"},
	{name: "ErrCambodianBankTooShort", input: "KH:ABA:12345", region: kh, want: bankAcc, err: "6 to 20 digits"},
	{name: "ErrBankLettersInAccount", input: "TH:004:12345O7890", region: th, want: bankAcc, err: "only digits"},

	// VoIP accounts.
	{name: "SIPLowerCased", input: "SIP:User@Example.COM", region: th, want: voip, key: "sip:user@example.com", attrs: map[string]string{"provider": "example.com"}},
	{name: "SIPSecureDefaultPort", input: "sips:alice@voip.example.net:5061;transport=tls", region: th, want: voip, key: "sip:alice@voip.example.net", attrs: map[string]string{"secure": "true", "transport": "tls"}},
	{name: "SIPBareUserAtHost", input: "Agent007@sip.provider.cn", region: kh, want: voip, key: "sip:agent007@sip.provider.cn"},
	{name: "SIPParamsHeadersDefaultPort", input: "sip:6681234567@sip.provider.cn:5060;transport=udp?subject=hi", region: th, want: voip, key: "sip:6681234567@sip.provider.cn"},
	{name: "SIPOtherPortKept", input: "sip:bob@example.com:5080", region: th, want: voip, key: "sip:bob@example.com:5080"},
	{name: "SIPHeaderFormPasswordDropped", input: "<sip:Bob:secret@Example.com>", region: th, want: voip, key: "sip:bob@example.com"},
	{name: "SIPIPv6Host", input: "sip:bob@[2001:DB8::1]:5060", region: th, want: voip, key: "sip:bob@[2001:db8::1]"},
	{name: "ErrSIPEmptyUser", input: "sip:@example.com", region: th, want: voip, err: "empty user part"},
	{name: "ErrSIPEmptyHost", input: "sip:bob@", region: th, want: voip, err: "empty host"},
	{name: "ErrSIPBadHost", input: "sip:bob@exa_mple.com", region: th, want: voip, err: "bad host"},
	{name: "ErrSIPNoUser", input: "sip:example.com", region: th, want: voip, err: "no user part"},

	// IP addresses.
	{name: "IPv4Public", input: "49.231.10.5", region: th, want: ip, key: "49.231.10.5", attrs: map[string]string{"version": "4", "scope": "public"}},
	{name: "IPv4WithPort", input: "203.0.113.7:5060", region: th, want: ip, key: "203.0.113.7", attrs: map[string]string{"port": "5060", "scope": "documentation"}},
	{name: "IPv6Canonical", input: "2001:0DB8:0:0:0:0:0:1", region: th, want: ip, key: "2001:db8::1", attrs: map[string]string{"version": "6"}},
	{name: "IPv6BracketPort", input: "[2404:6800:4001::200e]:443", region: th, want: ip, key: "2404:6800:4001::200e", attrs: map[string]string{"port": "443", "scope": "public"}},
	{name: "IPv4MappedUnmapped", input: "::ffff:192.168.1.10", region: th, want: ip, key: "192.168.1.10", attrs: map[string]string{"version": "4", "scope": "private"}},
	{name: "IPv4CarrierGradeNAT", input: "100.64.1.2", region: th, want: ip, key: "100.64.1.2", attrs: map[string]string{"scope": "cgnat"}},
	{name: "IPv6Loopback", input: "::1", region: th, want: ip, key: "::1", attrs: map[string]string{"scope": "loopback"}},
	{name: "ErrIPLeadingZero", input: "010.1.2.3", region: th, want: ip, err: "leading zero"},
	{name: "ErrIPZone", input: "fe80::1%eth0", region: th, want: ip, err: "zone"},
	{name: "ErrIPOctetTooLarge", input: "256.1.1.1", region: th, want: ip, err: "larger than 255"},
	{name: "ErrIPNetwork", input: "10.0.0.0/8", region: th, kind: ip, want: ip, err: "network"},
	{name: "ErrIPBadPort", input: "1.2.3.4:99999", region: th, want: ip, err: "port"},

	// Suspect references: only when the kind is given.
	{name: "SuspectTrimmedCasePreserved", input: "  WANTED-2024/0012  ", region: th, kind: suspect, want: suspect, key: "WANTED-2024/0012"},
	{name: "SuspectNFC", input: "Nguye\u0302\u0303n Van A", region: kh, kind: suspect, want: suspect, key: "Nguy\u1ec5n Van A"},
	{name: "SuspectKhmerWithZeroWidthSpace", input: "សុខ\u200bសាន", region: kh, kind: suspect, want: suspect, key: "សុខ\u200bសាន"},
	{name: "ErrSuspectControlChar", input: "abc\a", region: th, kind: suspect, want: suspect, err: "control character"},
	{name: "ErrSuspectBidiOverride", input: "abc\u202edef", region: th, kind: suspect, want: suspect, err: "bidirectional control"},
	{name: "ErrSuspectEmpty", input: " \t ", region: th, kind: suspect, want: suspect, err: "empty"},
	{name: "ErrSuspectTooLong", input: strings.Repeat("ก", 129), region: th, kind: suspect, want: suspect, err: "too long: 129 characters"},
}

func TestParseIdentifier(t *testing.T) {
	for _, tc := range identifierCases {
		t.Run(tc.name, func(t *testing.T) {
			id := intel.ParseIdentifier(tc.input, tc.region, tc.kind)
			checkIdentifier(t, tc, id)
		})
	}
}

// checkIdentifier asserts everything a case says about a result.
func checkIdentifier(t *testing.T, tc identifierCase, id intel.Identifier) {
	t.Helper()
	if id.Input != tc.input {
		t.Errorf("Input = %q, want the raw input %q", id.Input, tc.input)
	}
	if id.Kind != tc.want {
		t.Errorf("Kind = %q, want %q", id.Kind, tc.want)
	}
	if id.Key != tc.key {
		t.Errorf("Key = %q, want %q (error %q)", id.Key, tc.key, id.Error)
	}
	if id.Valid != (tc.err == "") {
		t.Errorf("Valid = %v, want %v (error %q)", id.Valid, tc.err == "", id.Error)
	}
	wantMarkers := tc.markers
	if wantMarkers == nil {
		wantMarkers = []string{}
	}
	if id.Markers == nil || strings.Join(id.Markers, ",") != strings.Join(wantMarkers, ",") {
		t.Errorf("Markers = %#v, want %#v", id.Markers, wantMarkers)
	}
	if tc.err != "" {
		if !strings.Contains(id.Error, tc.err) {
			t.Errorf("Error = %q, want it to contain %q", id.Error, tc.err)
		}
		if intel.ErrorCode(id.Err) != intel.EINVALID {
			t.Errorf("Err = %v, want code %q", id.Err, intel.EINVALID)
		}
		if f := intel.ErrorField(id.Err); f != "identifier" && f != "region" && f != "kind" {
			t.Errorf("Err field = %q, want identifier", f)
		}
	} else if id.Error != "" || id.Err != nil {
		t.Errorf("valid result carries Error %q / Err %v", id.Error, id.Err)
	}
	if tc.numType != "" && id.NumberType != tc.numType {
		t.Errorf("NumberType = %q, want %q", id.NumberType, tc.numType)
	}
	if tc.carrier != "" && id.Carrier != tc.carrier {
		t.Errorf("Carrier = %q, want %q", id.Carrier, tc.carrier)
	}
	if tc.country != "" && id.Country != tc.country {
		t.Errorf("Country = %q, want %q", id.Country, tc.country)
	}
	for k, v := range tc.attrs {
		if id.Attrs[k] != v {
			t.Errorf("Attrs[%q] = %q, want %q (attrs %v)", k, id.Attrs[k], v, id.Attrs)
		}
	}
}

func TestParseIdentifier_ErrUnknownKind(t *testing.T) {
	id := intel.ParseIdentifier("081 234 5678", th, "Car")
	if id.Valid || intel.ErrorField(id.Err) != "kind" || !strings.Contains(id.Error, "unknown kind") {
		t.Fatalf("got %+v, want an invalid result about the kind", id)
	}
}

func TestParseIdentifier_DefaultRegionIsThailand(t *testing.T) {
	id := intel.ParseIdentifier("081 234 5678", "", "")
	if id.Key != "+66812345678" || id.Region != th {
		t.Fatalf("got key %q region %q, want +66812345678 read as TH", id.Key, id.Region)
	}
}

func TestIdentifier_MarshalsEmptyMarkers(t *testing.T) {
	b, err := json.Marshal(intel.ParseIdentifier("1.2.3.4", th, ""))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"markers":[]`) || strings.Contains(string(b), "Err") {
		t.Fatalf("JSON = %s, want markers as [] and no Err member", b)
	}
}

func TestNormalizeFunctions_ReturnErrOnlyWhenInvalid(t *testing.T) {
	if _, err := intel.NormalizePhone("081 234 5678", th); err != nil {
		t.Errorf("NormalizePhone: %v", err)
	}
	if _, err := intel.NormalizeSIP("sip:a@b.example"); err != nil {
		t.Errorf("NormalizeSIP: %v", err)
	}
	if _, err := intel.NormalizeIP("1.2.3.4"); err != nil {
		t.Errorf("NormalizeIP: %v", err)
	}
	if _, err := intel.NormalizeBankAccount("KBANK 1234567890", kh); err != nil {
		t.Errorf("NormalizeBankAccount: %v", err)
	}
	if _, err := intel.NormalizeSuspectKey("X-1"); err != nil {
		t.Errorf("NormalizeSuspectKey: %v", err)
	}
	id, err := intel.NormalizePhone("12", th)
	var e *intel.Error
	if err == nil || id.Err != err {
		t.Fatalf("NormalizePhone(12) err = %v, id.Err = %v: want the same *intel.Error", err, id.Err)
	}
	if e = err.(*intel.Error); e.Field != "identifier" || e.Code != intel.EINVALID {
		t.Fatalf("err = %#v, want EINVALID on field identifier", e)
	}
}

func TestDetectKind(t *testing.T) {
	cases := map[string]intel.Kind{
		"sip:a@b.example":      voip,
		"SIPS:a@b.example":     voip,
		"a@b.example":          voip,
		"<sip:a@b.example>":    voip,
		"1.2.3.4":              ip,
		"1.2.3.4:5060":         ip,
		"[::1]:5060":           ip,
		"2001:db8::1":          ip,
		"010.1.2.3":            ip,
		"TH:004:1234567890":    bankAcc,
		"KH:ABA:000123456":     bankAcc,
		"KBANK 123-4-56789-0":  bankAcc,
		"004-1234567890":       bankAcc,
		"025-123-4567":         phone, // a Bangkok-area number, not BAY's code
		"tel:+66812345678":     phone,
		"+66812345678":         phone,
		"081-CALL-NOW":         phone,
		"":                     phone,
		"WANTED-2024/0012":     phone, // suspects are never detected
		"๐๘๑๒๓๔๕๖๗๘":           phone,
		"ธ.ก.ส. 020012345678":  bankAcc,
		"TH:0812345678":        phone,
		"ABA 000 123 456":      bankAcc,
		"0066 81 234 5678":     phone,
		"+697 0812345678":      phone,
		"Bangkok Bank 1234567": bankAcc,
	}
	for in, want := range cases {
		if got := intel.DetectKind(in); got != want {
			t.Errorf("DetectKind(%q) = %q, want %q", in, got, want)
		}
	}
}
