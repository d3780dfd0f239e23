package intel

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Thailand's caller-ID display markers. Since 2023 Thai operators prefix the
// number shown for some calls so that a victim sees at a glance that a
// "local" call is not what it seems. The markers are not country codes (no
// country has +697 or +698): they are recorded on the number as evidence of
// how the call arrived, and the Thai number behind them becomes the key.
const (
	// MarkerVoipFromAbroad is shown before a number when the call came from
	// abroad over VoIP, the usual route of call-centre gangs.
	MarkerVoipFromAbroad = "+697"
	// MarkerRoamingAbroad is shown before a Thai number that is roaming
	// abroad, as SIMs carried over the border to scam compounds are.
	MarkerRoamingAbroad = "+698"
)

// maxDialledDigits is the longest digit string worth handing to the parser:
// fifteen digits of E.164 number after a five-digit carrier IDD prefix.
const maxDialledDigits = 20

// iddCarrierDigits lists, per region, the third digit X of the international
// prefixes "00X" that carriers there publish (phonenumbers' metadata agrees:
// 00[1-9] for Thailand, 00[14-9] for Cambodia). Thai carriers also publish
// five-digit economy and VoIP-routed prefixes of the form 00X00 (00300,
// 00500, 00600 ...); those are read too, and doing so is safe for any X
// because no country calling code starts with 0.
var iddCarrierDigits = map[Region]string{
	RegionTH: "123456789",
	RegionKH: "1456789",
}

// extensionPattern finds an extension written after a number: "ext 12",
// "x12", "#12" or the Thai "ต่อ 12" that office numbers carry.
var extensionPattern = regexp.MustCompile(`(?i)^(.*?\d)[\s\-.,;]*(?:extension|ext\.?|x|#|ต่อ)[\s.:]*(\d{1,7})$`)

// NormalizePhone reads a phone number as a person or a feed wrote it and
// returns its E.164 key, with the reporting country as the default region.
// It accepts separators of every kind, "(0)", tel: URIs, 00 and carrier IDD
// prefixes of the region, digits of any script, and the +697/+698 display
// markers; it keeps the number type and the allocated carrier, and it rejects
// with a reason anything phonenumbers does not consider a valid number.
func NormalizePhone(input string, region Region) (Identifier, error) {
	id := newIdentifier(input, KindPhoneNumber)
	r, err := resolveRegion(region)
	if err != nil {
		return id.failField("region", "%s", ErrorMessage(err))
	}
	id.Region = r
	if err := checkSize(input, "phone number"); err != nil {
		return id.fail("%s", err)
	}
	text, ext, err := splitTelURI(foldDigits(strings.TrimSpace(input)))
	if err != nil {
		return id.fail("%s", err)
	}
	// Every way of writing an extension has one of these letters; most
	// numbers have none, and the pattern costs more than the test.
	if strings.ContainsAny(text, "eExX#ต") {
		if m := extensionPattern.FindStringSubmatch(text); m != nil {
			text, ext = m[1], m[2]
		}
	}
	d, err := scanDialled(text)
	if err != nil {
		return id.fail("%s", err)
	}
	withExt := func(id Identifier, err error) (Identifier, error) {
		if id.Valid && ext != "" {
			id.setAttr("extension", ext)
		}
		return id, err
	}
	if marker, rest, ok := splitMarker(d); ok {
		id.Markers = append(id.Markers, marker)
		return withExt(id.readBehindMarker(marker, rest))
	}
	var first *phoneFailure
	var valid []validReading
	for _, rd := range dialledReadings(d, r) {
		if rd.national {
			if num, t, ok := readNational(rd.text, r); ok {
				id.accept(num, t, "")
				return withExt(id, nil)
			}
		}
		num, perr := phonenumbers.Parse(rd.text, string(r))
		if t, ok := validType(num, perr); ok {
			valid = append(valid, validReading{reading: rd, num: num, typ: t})
			continue
		}
		if first == nil {
			first = &phoneFailure{reading: rd, num: num, err: perr}
		}
	}
	if len(valid) > 0 {
		best, others := likeliestReading(valid, d, r)
		id.accept(best.num, best.typ, best.reading.idd)
		id.Alternatives = others
		return withExt(id, nil)
	}
	if !d.plus && hasMarkerPrefix(d.digits) {
		// A call record may drop the plus: "697812345678" is no number
		// of either country, but behind the marker it is a Thai one.
		marked := id
		marked.Markers = []string{"+" + d.digits[:3]}
		if res, _ := marked.readBehindMarker(marked.Markers[0], d.digits[3:]); res.Valid {
			return withExt(res, nil)
		}
	}
	return id.fail("%s", first.reason(r, d, true))
}

// dialled is a phone number reduced to what was dialled: an optional leading
// plus, the digits, and where the writer put separators (the grouping is the
// only hint of where an IDD prefix ends).
type dialled struct {
	plus   bool
	digits string
	breaks map[int]bool // digit counts after which a separator stood
}

// scanDialled keeps digits and a leading '+', skips separators and invisible
// formatting characters, and rejects anything else with the offending text.
func scanDialled(s string) (dialled, error) {
	d := dialled{breaks: map[int]bool{}}
	var digits strings.Builder
	var letters []rune
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits.WriteRune(r)
		case r == '+':
			if d.plus && digits.Len() == 3 && hasMarkerPrefix(digits.String()) {
				continue // "+697 +66 81 ...": the number behind a marker, written in full
			}
			if d.plus || digits.Len() > 0 {
				return d, errors.New("a + sign can only start the number")
			}
			d.plus = true
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), strings.ContainsRune(".()/[]", r):
			if digits.Len() > 0 {
				d.breaks[digits.Len()] = true
			}
		case unicode.Is(unicode.Cf, r):
			// Zero-width spaces and direction marks come with pasted text.
		case unicode.IsLetter(r) || unicode.IsMark(r):
			letters = append(letters, r)
		default:
			return d, fmt.Errorf("unexpected character %q in a phone number", r)
		}
	}
	if len(letters) > 0 {
		return d, fmt.Errorf("letters are not part of a phone number (found %q)", string(letters))
	}
	d.digits = digits.String()
	switch {
	case d.digits == "":
		return d, errors.New("no digits: not a phone number")
	case len(d.digits) > maxDialledDigits:
		return d, fmt.Errorf("too long: %d digits, and no phone number with its international prefix has more than %d", len(d.digits), maxDialledDigits)
	}
	if d.plus && strings.HasPrefix(d.digits, "00") {
		// "+0066 ..." : the writer doubled up; no country code starts with 0.
		d.plus = false
	}
	return d, nil
}

// splitTelURI unwraps an RFC 3966 tel: URI: the number, a phone-context that
// completes a local number, and an ext parameter. Other parameters (isub,
// postd, ...) say nothing about which number it is and are dropped.
func splitTelURI(s string) (number, ext string, err error) {
	if len(s) < 4 || !strings.EqualFold(s[:4], "tel:") {
		return s, "", nil
	}
	parts := strings.Split(strings.TrimPrefix(s[4:], "//"), ";")
	number = strings.TrimSpace(parts[0])
	if number == "" {
		return "", "", errors.New("tel: URI without a number")
	}
	var context string
	for _, p := range parts[1:] {
		name, value, _ := strings.Cut(p, "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "phone-context":
			context = strings.TrimSpace(value)
		case "ext":
			ext = strings.TrimSpace(value)
		}
	}
	if !strings.HasPrefix(number, "+") && strings.HasPrefix(context, "+") {
		number = context + " " + number
	}
	if ext != "" && strings.Trim(ext, "0123456789-. ") != "" {
		return "", "", fmt.Errorf("tel: URI extension %q is not a number", ext)
	}
	return number, strings.Map(keepDigit, ext), nil
}

// keepDigit is a strings.Map function that drops everything but ASCII digits.
func keepDigit(r rune) rune {
	if '0' <= r && r <= '9' {
		return r
	}
	return -1
}

// hasMarkerPrefix reports whether digits start with a display marker.
func hasMarkerPrefix(digits string) bool {
	return strings.HasPrefix(digits, "697") || strings.HasPrefix(digits, "698")
}

// splitMarker recognises "+697 ..." and "+698 ...". Written with a plus, the
// reading is unambiguous because neither is an assigned country code.
func splitMarker(d dialled) (marker, rest string, ok bool) {
	if !d.plus || !hasMarkerPrefix(d.digits) {
		return "", "", false
	}
	return "+" + d.digits[:3], d.digits[3:], true
}

// readBehindMarker reads what follows a display marker. Operators put the
// marker before the Thai number as displayed, with or without its trunk 0,
// and some systems keep the +66 too; anything else behind a marker is an
// error, since a marker only ever stands before a Thai number.
func (id Identifier) readBehindMarker(marker, rest string) (Identifier, error) {
	what := "VoIP call from abroad"
	if marker == MarkerRoamingAbroad {
		what = "Thai number roaming abroad"
	}
	if rest == "" {
		return id.fail("the %s marker (%s) must be followed by the Thai number it was shown with", marker, what)
	}
	if strings.HasPrefix(rest, "00") {
		return id.fail("after the %s marker (%s) comes the Thai number, not an international prefix: %s", marker, what, rest)
	}
	num, err := phonenumbers.Parse(rest, string(RegionTH))
	if t, ok := validType(num, err); ok && num.GetCountryCode() == 66 {
		id.accept(num, t, "")
		return id, nil
	}
	f := phoneFailure{reading: reading{text: rest, national: true}, num: num, err: err}
	return id.fail("after the %s marker (%s): %s", marker, what, f.reason(RegionTH, dialled{digits: rest}, false))
}

// reading is one way to understand the dialled digits: the text handed to
// phonenumbers and the international prefix that reading stripped, if any.
type reading struct {
	text     string
	idd      string
	national bool
}

// dialledReadings lists the plausible readings of d, most likely first.
// A number starting 00 is ambiguous in both countries: "001 86 ..." is the
// IDD 001 then China, but "00 1 202 ..." is the plain 00 then the USA. Each
// reading is tried in turn and the first valid one wins; a separator right
// after the prefix ("00 1 ...", "001 86 ...") moves that reading to the front.
func dialledReadings(d dialled, region Region) []reading {
	if d.plus {
		return []reading{{text: "+" + d.digits}}
	}
	if !strings.HasPrefix(d.digits, "00") {
		return []reading{{text: d.digits, national: true}}
	}
	var all []reading
	x := iddCarrierDigits[region]
	if len(d.digits) > 5 && strings.IndexByte(x, d.digits[2]) >= 0 && d.digits[3:5] == "00" {
		all = append(all, reading{text: "+" + d.digits[5:], idd: d.digits[:5]})
	}
	if len(d.digits) > 3 && strings.IndexByte(x, d.digits[2]) >= 0 {
		all = append(all, reading{text: "+" + d.digits[3:], idd: d.digits[:3]})
	}
	all = append(all, reading{text: "+" + d.digits[2:], idd: "00"})
	for i, rd := range all {
		if d.breaks[len(rd.idd)] && i > 0 {
			return append([]reading{rd}, append(all[:i:i], all[i+1:]...)...)
		}
	}
	return all
}

// validReading is a reading of the dialled digits that phonenumbers takes
// as a valid number, with the number and its type.
type validReading struct {
	reading reading
	num     *phonenumbers.PhoneNumber
	typ     phonenumbers.PhoneNumberType
}

// likeliestReading chooses, among the valid readings of a number written
// with an international prefix, the one a person most likely meant, and
// returns the E.164 keys of the others that are just as likely (none, when
// the choice is clear). "0066610518337" reads both as the carrier prefix
// 006 and +66 10518337, a Bangkok-area fixed line, and as the plain 00 and
// the Thai mobile +66 61 051 8337; the second is what anyone means, because
// nobody dials a carrier's international prefix to reach their own
// country. The evidence, weighed by plausibility:
//
//   - the grouping as written: a separator right after the prefix, or right
//     after the country code, is where the writer saw a boundary, and one
//     inside either speaks against that reading;
//   - a carrier IDD (00X, 00X00) dialling the record's own country is
//     implausible;
//   - a mobile (or VoIP) range of the record's own country is far likelier
//     in these records than a fixed line, most of whose ranges scam
//     records never name.
//
// Equally likely readings are reported as alternatives, so that the record
// can say the number is ambiguous; the one stored is a mobile number of
// either country of the agreement if one is among them, and otherwise the
// first in the order dialledReadings gives (the carrier IDD first).
func likeliestReading(valid []validReading, d dialled, region Region) (validReading, []string) {
	own := int32(phonenumbers.GetCountryCodeForRegion(string(region)))
	score := func(v validReading) int {
		s := 0
		n := len(v.reading.idd)
		cc := len(strconv.Itoa(int(v.num.GetCountryCode())))
		if d.breaks[n] {
			s += 4
		}
		for i := 1; i < n; i++ {
			if d.breaks[i] {
				s -= 4
				break
			}
		}
		if d.breaks[n+cc] {
			s += 2
		}
		for i := n + 1; i < n+cc; i++ {
			if d.breaks[i] {
				s -= 2
				break
			}
		}
		if v.num.GetCountryCode() == own {
			if n > 2 {
				s -= 3
			}
			if mobileRange(v.typ) {
				s++
			}
		}
		return s
	}
	// Among equally likely readings, the one stored is a mobile of either
	// country of the agreement if there is one, else the first.
	preferred := func(v validReading) bool {
		cc := v.num.GetCountryCode()
		return (cc == 66 || cc == 855) && mobileRange(v.typ)
	}
	best, bestScore := 0, score(valid[0])
	scores := []int{bestScore}
	for i, v := range valid[1:] {
		sc := score(v)
		scores = append(scores, sc)
		if sc > bestScore || (sc == bestScore && preferred(v) && !preferred(valid[best])) {
			best, bestScore = i+1, sc
		}
	}
	key := phonenumbers.Format(valid[best].num, phonenumbers.E164)
	var others []string
	for i, v := range valid {
		if i == best || scores[i] != bestScore {
			continue
		}
		if k := phonenumbers.Format(v.num, phonenumbers.E164); k != key && !slices.Contains(others, k) {
			others = append(others, k)
		}
	}
	return valid[best], others
}

// mobileRange reports whether a number type is a mobile or VoIP range, the
// numbers scam calls come from and go to.
func mobileRange(t phonenumbers.PhoneNumberType) bool {
	return t == phonenumbers.MOBILE || t == phonenumbers.FIXED_LINE_OR_MOBILE || t == phonenumbers.VOIP
}

// iddOnly reports whether all that was dialled is an international prefix.
func iddOnly(d dialled, region Region) bool {
	x := iddCarrierDigits[region]
	switch ds := d.digits; {
	case d.plus || !strings.HasPrefix(ds, "00"):
		return false
	case len(ds) == 2:
		return true
	case len(ds) == 3:
		return strings.IndexByte(x, ds[2]) >= 0
	case len(ds) == 5:
		return strings.IndexByte(x, ds[2]) >= 0 && ds[3:] == "00"
	}
	return false
}

// readNational reads the commonest form in a bulk feed, a number of the
// reporting country written nationally with its trunk prefix ("0812345678"),
// without phonenumbers.Parse. Parse would drop the same 0 and take the
// region's calling code, but first it runs its general patterns (is it a
// number at all, an extension, an international prefix) over the text, and
// those cost more than everything else an import does to a call record.
// The number is still judged by phonenumbers, on the region's own patterns
// (validType), and only a valid one is taken: anything else, and every
// other form, goes the whole way through Parse.
// TestReadNationalAgreesWithParse holds the two to the same answers.
func readNational(digits string, r Region) (*phonenumbers.PhoneNumber, phonenumbers.PhoneNumberType, bool) {
	// Both countries' trunk prefix is 0; a second 0 starts an international
	// prefix, and past 17 digits no national number fits in a uint64 the
	// way Parse reads it.
	if len(digits) < 3 || len(digits) > 17 || digits[0] != '0' || digits[1] == '0' {
		return nil, phonenumbers.UNKNOWN, false
	}
	nsn, err := strconv.ParseUint(digits[1:], 10, 64)
	if err != nil {
		return nil, phonenumbers.UNKNOWN, false
	}
	cc := int32(phonenumbers.GetCountryCodeForRegion(string(r)))
	num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &nsn}
	t, ok := validType(num, nil)
	return num, t, ok
}

// validType returns the type of a parsed number and whether the number is
// valid. phonenumbers.IsValidNumber is exactly "the number's type is not
// UNKNOWN" (both match the national number against the same region's
// patterns), so asking for the type once answers both: matching those
// patterns is the costliest step after parsing, and a bulk import reads
// hundreds of thousands of numbers.
func validType(num *phonenumbers.PhoneNumber, parseErr error) (phonenumbers.PhoneNumberType, bool) {
	if parseErr != nil || num == nil {
		return phonenumbers.UNKNOWN, false
	}
	t := phonenumbers.GetNumberType(num)
	return t, t != phonenumbers.UNKNOWN
}

// accept fills in a valid number: its key, its type (validType's) and what
// else phonenumbers knows of it.
func (id *Identifier) accept(num *phonenumbers.PhoneNumber, t phonenumbers.PhoneNumberType, idd string) {
	id.Valid = true
	id.Key = phonenumbers.Format(num, phonenumbers.E164)
	id.NumberType = numberTypeName(t)
	if carrier, err := phonenumbers.GetCarrierForNumber(num, "en"); err == nil {
		id.Carrier = carrier
	}
	if rc := phonenumbers.GetRegionCodeForNumber(num); len(rc) == 2 && rc != "ZZ" {
		id.Country = rc
	}
	if idd != "" {
		id.setAttr("idd", idd)
	}
}

// numberTypeNames spell the phonenumbers types the way the API shows them.
var numberTypeNames = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "FIXED_LINE",
	phonenumbers.MOBILE:               "MOBILE",
	phonenumbers.FIXED_LINE_OR_MOBILE: "FIXED_LINE_OR_MOBILE",
	phonenumbers.TOLL_FREE:            "TOLL_FREE",
	phonenumbers.PREMIUM_RATE:         "PREMIUM_RATE",
	phonenumbers.SHARED_COST:          "SHARED_COST",
	phonenumbers.VOIP:                 "VOIP",
	phonenumbers.PERSONAL_NUMBER:      "PERSONAL_NUMBER",
	phonenumbers.PAGER:                "PAGER",
	phonenumbers.UAN:                  "UAN",
	phonenumbers.VOICEMAIL:            "VOICEMAIL",
}

// numberTypeName spells a phonenumbers type, UNKNOWN for anything else.
func numberTypeName(t phonenumbers.PhoneNumberType) string {
	if name, ok := numberTypeNames[t]; ok {
		return name
	}
	return "UNKNOWN"
}

// phoneFailure is why the preferred reading of a number was not valid.
type phoneFailure struct {
	reading reading
	num     *phonenumbers.PhoneNumber
	err     error
}

// reason turns a failure into a sentence an investigator can act on:
// too short or too long (and what length the range needs), an unassigned
// country code, a short code, or a well-formed number nobody was allocated.
// With hint set, a national number valid in the other country says so.
func (f *phoneFailure) reason(region Region, d dialled, hint bool) string {
	switch {
	case errors.Is(f.err, phonenumbers.ErrInvalidCountryCode):
		return fmt.Sprintf("invalid country code: %s does not start with an assigned country calling code", f.reading.text)
	case errors.Is(f.err, phonenumbers.ErrNumTooLong):
		return fmt.Sprintf("too long: %s are not a phone number", countDigits(len(d.digits)))
	case f.err != nil || f.num == nil:
		// Not a number, or too short to be one: say which part is missing.
		rest := strings.TrimPrefix(f.reading.text, "+")
		cc, _ := strconv.Atoi(rest)
		switch {
		case iddOnly(d, region):
			return fmt.Sprintf("only an international prefix (%s), no number after it", d.digits)
		case !f.reading.national && len(rest) <= 3 && phonenumbers.GetRegionCodeForCountryCode(cc) != "ZZ":
			return fmt.Sprintf("only a country code (+%s), no number after it", rest)
		}
		return fmt.Sprintf("too short: %s cannot be a phone number", countDigits(len(d.digits)))
	}
	if f.reading.national && phonenumbers.IsValidShortNumberForRegion(f.num, string(region)) {
		return fmt.Sprintf("%s is a short code (a service number dialled inside %s), not a subscriber number", d.digits, regionCountryName(region))
	}
	cc := int(f.num.GetCountryCode())
	nsn := phonenumbers.GetNationalSignificantNumber(f.num)
	if strings.HasPrefix(nsn, "0") && phonenumbers.GetNddPrefixForRegion(phonenumbers.GetRegionCodeForCountryCode(cc), true) == "0" {
		// phonenumbers keeps the trunk 0 when what follows is too short to
		// be a number; count the digits after it, as the message says.
		nsn = nsn[1:]
	}
	owner := numberOwner(cc)
	where := fmt.Sprintf("after the country code +%d", cc)
	if f.reading.national {
		where = "after the trunk prefix 0"
		if !strings.HasPrefix(d.digits, "0") {
			where = "in the national number"
		}
	}
	fit := lengthThatFits(cc, nsn)
	var msg string
	switch possible := phonenumbers.IsPossibleNumberWithReason(f.num); {
	case possible == phonenumbers.TOO_SHORT || fit > len(nsn):
		msg = fmt.Sprintf("too short for %s: %s %s", owner, countDigits(len(nsn)), where)
	case possible == phonenumbers.TOO_LONG || (fit > 0 && fit < len(nsn)):
		msg = fmt.Sprintf("too long for %s: %s %s", owner, countDigits(len(nsn)), where)
	case possible == phonenumbers.INVALID_LENGTH:
		msg = fmt.Sprintf("no %ss have %s %s", strings.TrimPrefix(owner, "a "), countDigits(len(nsn)), where)
	default:
		msg = fmt.Sprintf("not allocated: +%d %s has a possible length but is in no range allocated to %ss", cc, nsn, strings.TrimPrefix(owner, "a "))
	}
	if fit > 0 {
		msg += fmt.Sprintf(" (numbers in this range have %d)", fit)
	}
	if f.reading.national && hint {
		msg += otherRegionHint(d.digits, region)
	}
	return msg
}

// numberOwner names whose number a country calling code makes it.
func numberOwner(cc int) string {
	switch cc {
	case 66:
		return "a Thai number"
	case 855:
		return "a Cambodian number"
	}
	switch rc := phonenumbers.GetRegionCodeForCountryCode(cc); rc {
	case "001":
		return fmt.Sprintf("a +%d (non-geographic) number", cc)
	case "ZZ":
		return fmt.Sprintf("a +%d number", cc)
	default:
		return fmt.Sprintf("a +%d (%s) number", cc, rc)
	}
}

// lengthThatFits finds the length the number's range would need to be valid,
// by trying the same leading digits a little longer or a little shorter. It
// returns 0 when no nearby length makes a valid number.
func lengthThatFits(cc int, nsn string) int {
	valid := func(n string) bool {
		num, err := phonenumbers.Parse("+"+strconv.Itoa(cc)+n, "ZZ")
		return err == nil && phonenumbers.IsValidNumber(num)
	}
	for k := 1; k <= 3; k++ {
		for digit := byte('0'); digit <= '9'; digit++ {
			if valid(nsn + strings.Repeat(string(digit), k)) {
				return len(nsn) + k
			}
		}
	}
	for k := 1; k <= 3 && len(nsn)-k > 1; k++ {
		if valid(nsn[:len(nsn)-k]) {
			return len(nsn) - k
		}
	}
	return 0
}

// otherRegionHint says when a national number that is invalid where it was
// reported would be valid in the other country of the agreement: the usual
// cause is a Thai number entered by a Cambodian officer or the reverse.
func otherRegionHint(digits string, region Region) string {
	other := RegionKH
	if region == RegionKH {
		other = RegionTH
	}
	num, err := phonenumbers.Parse(digits, string(other))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return ""
	}
	return fmt.Sprintf("; read as a %s number it would be %s, so check the region (%s)",
		regionAdjective(other), phonenumbers.Format(num, phonenumbers.E164), other)
}

// countDigits writes "1 digit" or "n digits".
func countDigits(n int) string {
	if n == 1 {
		return "1 digit"
	}
	return strconv.Itoa(n) + " digits"
}
