package intel

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// bank is one bank whose accounts the service can key. Thai banks are keyed
// by the 3-digit code of the Thai interbank scheme; Cambodia has no such
// scheme, so Cambodian banks are keyed by an upper-case short name.
type bank struct {
	country Region
	code    string // Thai 3-digit code; "" in Cambodia
	short   string // upper-case short name, as investigators write it
	name    string // English name
	minLen  int    // account number length range, in digits
	maxLen  int
	aliases []string // other names people write, compared after normaliseBankName
}

// banks lists the known banks. Thai codes and short names follow the Thai
// interbank code list (002 BBL ... 073 LHB). Thai commercial banks use 10-digit
// account numbers; the state banks GSB, GHB and BAAC use 12. Cambodian
// account numbers vary by bank, so any 6 to 20 digits are accepted there.
var banks = []bank{
	{RegionTH, "002", "BBL", "Bangkok Bank", 10, 10, []string{"BANGKOKBANK", "BANGKOK", "กรุงเทพ"}},
	{RegionTH, "004", "KBANK", "Kasikornbank", 10, 10, []string{"KASIKORNBANK", "KASIKORN", "KASIKORNTHAI", "KBANK", "กสิกร", "กสิกรไทย"}},
	{RegionTH, "006", "KTB", "Krungthai Bank", 10, 10, []string{"KRUNGTHAI", "KRUNGTHAIBANK", "กรุงไทย"}},
	{RegionTH, "011", "TTB", "TMBThanachart Bank", 10, 10, []string{"TMB", "TMBTHANACHART", "ทหารไทย", "ทหารไทยธนชาต", "ทีทีบี"}},
	{RegionTH, "014", "SCB", "Siam Commercial Bank", 10, 10, []string{"SIAMCOMMERCIAL", "SIAMCOMMERCIALBANK", "ไทยพาณิชย์"}},
	{RegionTH, "022", "CIMBT", "CIMB Thai Bank", 10, 10, []string{"CIMB", "CIMBTHAI", "ซีไอเอ็มบี", "ซีไอเอ็มบีไทย"}},
	{RegionTH, "024", "UOBT", "United Overseas Bank (Thai)", 10, 10, []string{"UOB", "UOBTHAI", "ยูโอบี"}},
	{RegionTH, "025", "BAY", "Bank of Ayudhya (Krungsri)", 10, 10, []string{"KRUNGSRI", "AYUDHYA", "BANKOFAYUDHYA", "กรุงศรี", "กรุงศรีอยุธยา"}},
	{RegionTH, "030", "GSB", "Government Savings Bank", 12, 12, []string{"GOVERNMENTSAVINGS", "GOVERNMENTSAVINGSBANK", "ออมสิน"}},
	{RegionTH, "033", "GHB", "Government Housing Bank", 12, 12, []string{"GHBANK", "GOVERNMENTHOUSING", "GOVERNMENTHOUSINGBANK", "อาคารสงเคราะห์", "ธอส"}},
	{RegionTH, "034", "BAAC", "Bank for Agriculture and Agricultural Cooperatives", 12, 12, []string{"ธกส", "เพื่อการเกษตรและสหกรณ์การเกษตร"}},
	{RegionTH, "066", "ISBT", "Islamic Bank of Thailand", 10, 10, []string{"IBANK", "ISLAMICBANK", "ISLAMICBANKOFTHAILAND", "อิสลาม", "อิสลามแห่งประเทศไทย"}},
	{RegionTH, "067", "TISCO", "TISCO Bank", 10, 10, []string{"ทิสโก้"}},
	{RegionTH, "069", "KKP", "Kiatnakin Phatra Bank", 10, 10, []string{"KIATNAKIN", "KIATNAKINPHATRA", "เกียรตินาคิน", "เกียรตินาคินภัทร"}},
	{RegionTH, "070", "ICBC", "ICBC (Thai)", 10, 10, []string{"ICBCT", "ICBCTHAI", "ไอซีบีซี"}},
	{RegionTH, "071", "TCD", "Thai Credit Bank", 10, 10, []string{"THAICREDIT", "THAICREDITBANK", "ไทยเครดิต"}},
	{RegionTH, "073", "LHB", "Land and Houses Bank", 10, 10, []string{"LHBANK", "LHFG", "LANDANDHOUSES", "LANDANDHOUSESBANK", "แลนด์แอนด์เฮ้าส์"}},

	{RegionKH, "", "ABA", "ABA Bank (Advanced Bank of Asia)", 6, 20, []string{"ADVANCEDBANKOFASIA"}},
	{RegionKH, "", "ACLEDA", "ACLEDA Bank", 6, 20, nil},
	{RegionKH, "", "AMK", "AMK (Angkor Mikroheranhvatho Kampuchea)", 6, 20, nil},
	{RegionKH, "", "CANADIA", "Canadia Bank", 6, 20, nil},
	{RegionKH, "", "CHIPMONG", "Chip Mong Bank", 6, 20, nil},
	{RegionKH, "", "FTB", "Foreign Trade Bank of Cambodia", 6, 20, []string{"FOREIGNTRADEBANK", "FOREIGNTRADEBANKOFCAMBODIA"}},
	{RegionKH, "", "HATTHA", "Hattha Bank", 6, 20, nil},
	{RegionKH, "", "HUIONE", "Huione Pay", 6, 20, []string{"HUIONEPAY"}},
	{RegionKH, "", "PPCB", "Phnom Penh Commercial Bank", 6, 20, []string{"PHNOMPENHCOMMERCIAL", "PHNOMPENHCOMMERCIALBANK"}},
	{RegionKH, "", "PRASAC", "PRASAC", 6, 20, []string{"KBPRASAC"}},
	{RegionKH, "", "PRINCE", "Prince Bank", 6, 20, nil},
	{RegionKH, "", "SATHAPANA", "Sathapana Bank", 6, 20, nil},
	{RegionKH, "", "VATTANAC", "Vattanac Bank", 6, 20, nil},
	{RegionKH, "", "WING", "Wing Bank", 6, 20, nil},
}

// bankByCode and bankByName index the table; every short name is also a name.
var bankByCode, bankByName = indexBanks()

func indexBanks() (map[string]*bank, map[string]*bank) {
	byCode, byName := map[string]*bank{}, map[string]*bank{}
	for i := range banks {
		b := &banks[i]
		if b.code != "" {
			byCode[b.code] = b
		}
		byName[normaliseBankName(b.short)] = b
		for _, a := range b.aliases {
			byName[normaliseBankName(a)] = b
		}
	}
	return byCode, byName
}

// NormalizeBankAccount reads a bank (mule) account and returns its key,
// COUNTRY:bank:digits: TH:004:1234567890 for a Thai account (the bank by its
// 3-digit code), KH:ABA:000123456 for a Cambodian one (by its short name).
// It accepts the key form with a code or a name ("TH:KBANK:..."), a bank name
// then the number ("KBANK 123-4-56789-0", "kbank:1234567890", Thai names
// such as "กสิกร"), and a Thai code then the number ("004-1234567890", read
// with region, which must then be TH). Separators in the number are dropped
// and leading zeros kept; a length the bank does not use is rejected.
func NormalizeBankAccount(input string, region Region) (Identifier, error) {
	id := newIdentifier(input, KindBankAccount)
	r, err := resolveRegion(region)
	if err != nil {
		return id.failField("region", "%s", ErrorMessage(err))
	}
	id.Region = r
	if err := checkSize(input, "bank account"); err != nil {
		return id.fail("%s", err)
	}
	country, bankText, account, err := splitBankAccount(foldDigits(strings.TrimSpace(input)))
	if err != nil {
		return id.fail("%s", err)
	}
	b, err := findBank(country, bankText, r)
	if err != nil {
		return id.fail("%s", err)
	}
	digits, err := accountDigits(account)
	if err != nil {
		return id.fail("%s", err)
	}
	if n := len(digits); n < b.minLen || n > b.maxLen {
		want := fmt.Sprintf("%d", b.minLen)
		if b.maxLen != b.minLen {
			want = fmt.Sprintf("%d to %d", b.minLen, b.maxLen)
		}
		return id.fail("%s account numbers have %s digits, %s has %d", b.short, want, digits, n)
	}
	bankKey := b.code
	if bankKey == "" {
		bankKey = b.short
	}
	id.Valid = true
	id.Key = string(b.country) + ":" + bankKey + ":" + digits
	id.Country = string(b.country)
	id.setAttr("bank", b.short)
	id.setAttr("bankName", b.name)
	return id, nil
}

// keyFormHelp is appended to messages about a shape we cannot read.
const keyFormHelp = "write it as TH:004:1234567890, KBANK 123-4-56789-0 or KH:ABA:000123456"

// splitBankAccount cuts the text into an optional country, the bank (code or
// name) and the account number, in either the colon form or the written form.
func splitBankAccount(s string) (country, bankText, account string, err error) {
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		switch {
		case len(parts) == 3:
			return parts[0], parts[1], parts[2], nil
		case len(parts) == 2 && isCountryWord(parts[0]):
			return "", "", "", fmt.Errorf("no bank between the country and the account number: %s", keyFormHelp)
		case len(parts) == 2:
			return "", parts[0], parts[1], nil
		}
		return "", "", "", fmt.Errorf("%d colon-separated parts, want COUNTRY:bank:account: %s", len(parts), keyFormHelp)
	}
	i := strings.IndexFunc(s, func(r rune) bool { return '0' <= r && r <= '9' })
	if i < 0 {
		return "", "", "", fmt.Errorf("no account number: %s", keyFormHelp)
	}
	head, rest := strings.TrimFunc(s[:i], isAccountSeparator), s[i:]
	words := strings.FieldsFunc(head, isAccountSeparator)
	if len(words) > 0 && isCountryWord(words[0]) {
		country, words = words[0], words[1:]
	}
	if len(words) > 0 {
		return country, strings.Join(words, " "), rest, nil
	}
	j := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if _, known := bankByCode[rest[:min(3, len(rest))]]; j == 3 && known && isAccountSeparator(rune(rest[3])) {
		return country, rest[:3], rest[4:], nil
	}
	return "", "", "", fmt.Errorf("no bank given for %s: %s", rest, keyFormHelp)
}

// findBank resolves the bank text against the table, and checks it against
// the country when one was written.
func findBank(country, text string, region Region) (*bank, error) {
	var written Region
	if country != "" {
		r, err := ParseRegion(country)
		if err != nil {
			return nil, fmt.Errorf("country %q: only Thai (TH) and Cambodian (KH) accounts are known", country)
		}
		written = r
	}
	if text == "" {
		return nil, fmt.Errorf("no bank given: %s", keyFormHelp)
	}
	if strings.Trim(text, "0123456789") == "" {
		in := written
		if in == "" {
			in = region
		}
		switch b, ok := bankByCode[text]; {
		case in == RegionKH:
			return nil, fmt.Errorf("Cambodian banks have no numeric codes: name the bank, e.g. KH:ABA:000123456")
		case len(text) != 3:
			return nil, fmt.Errorf("a Thai bank code has 3 digits (004 is KBANK), %q has %d", text, len(text))
		case !ok:
			return nil, fmt.Errorf("unknown Thai bank code %s (known: %s)", text, knownBanks(RegionTH))
		default:
			return b, nil
		}
	}
	b, ok := lookupBankName(text)
	if !ok {
		return nil, fmt.Errorf("unknown bank %q (known in Thailand: %s; in Cambodia: %s)", text, knownBanks(RegionTH), knownBanks(RegionKH))
	}
	if written != "" && written != b.country {
		return nil, fmt.Errorf("%s is a %s bank, but the account is marked %s", b.short, regionAdjective(b.country), written)
	}
	return b, nil
}

// lookupBankName finds a bank by any of its names, also with the words
// "bank", "PCL", "PLC" or the Thai "ธนาคาร" (bank) around it.
func lookupBankName(text string) (*bank, bool) {
	n := normaliseBankName(text)
	tries := []string{n, strings.TrimPrefix(n, "ธนาคาร"), strings.TrimPrefix(n, "ธ"), strings.TrimPrefix(n, "BANK"),
		strings.TrimSuffix(n, "BANK"), strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "PCL"), "PLC"), "BANK")}
	for _, t := range tries {
		if b, ok := bankByName[t]; ok && t != "" {
			return b, true
		}
	}
	return nil, false
}

// normaliseBankName upper-cases a name and keeps only letters, marks (Thai
// vowels and tones are marks) and digits, so "Bangkok Bank", "BANGKOK-BANK"
// and "bangkokbank" compare equal, and so do "ธ.ก.ส." and "ธกส".
func normaliseBankName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// accountDigits keeps the digits of an account number written with the
// usual separators, and rejects anything else.
func accountDigits(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			b.WriteRune(r)
		case isAccountSeparator(r), unicode.Is(unicode.Cf, r):
		default:
			return "", fmt.Errorf("an account number has only digits and separators, found %q", r)
		}
	}
	if b.Len() == 0 {
		return "", errors.New("no account number after the bank")
	}
	return b.String(), nil
}

// isAccountSeparator reports the characters people put between digit groups.
func isAccountSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' || r == '/'
}

// isCountryWord reports whether a word is one of the two country codes.
func isCountryWord(w string) bool {
	_, err := ParseRegion(strings.TrimSpace(w))
	return err == nil
}

// knownBanks lists the short names of one country's banks, for messages.
func knownBanks(country Region) string {
	var names []string
	for _, b := range banks {
		if b.country == country {
			names = append(names, b.short)
		}
	}
	return strings.Join(names, ", ")
}

// looksLikeBankAccount is DetectKind's test: an explicit COUNTRY:bank:account,
// a known bank name with an account number (or alone), or a known Thai code
// followed by a number of a length that bank uses (which a phone number
// such as 025-123-4567 never has).
func looksLikeBankAccount(s string) bool {
	s = foldDigits(strings.TrimSpace(s))
	if _, ok := lookupBankName(s); ok && strings.IndexFunc(s, unicode.IsDigit) < 0 {
		return true
	}
	country, text, account, err := splitBankAccount(s)
	switch {
	case err != nil:
		return false
	case country != "" && strings.Contains(s, ":"):
		return true
	}
	digits, err := accountDigits(account)
	if err != nil {
		return false
	}
	if b, ok := bankByCode[text]; ok {
		return len(digits) >= b.minLen && len(digits) <= b.maxLen
	}
	_, ok := lookupBankName(text)
	return ok
}
