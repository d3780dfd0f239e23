package demo

import (
	"strconv"
	"strings"
)

// numbering hands out identifiers that no other artefact of the world holds,
// so that two artefacts meant to be different never land on one node by
// chance, and the fixed keys of the entry points are never drawn at random.
type numbering struct{ used map[string]bool }

func newNumbering() *numbering { return &numbering{used: map[string]bool{}} }

// reserve marks a key as taken.
func (n *numbering) reserve(key string) { n.used[key] = true }

// fresh draws keys from shape until one is free, and takes it. A shape
// whose keys can run out (a chat handle is a stem and two digits) names
// wider ones, drawn from in turn once crowded draws in a row were taken:
// a world large enough to fill the shape still gets keys, and a world
// that never filled it comes out as it always did.
func (n *numbering) fresh(d dice, shape func(dice) string, wider ...func(dice) string) string {
	for tries := 0; ; tries++ {
		if tries == crowded && len(wider) > 0 {
			shape, wider, tries = wider[0], wider[1:], 0
		}
		if k := shape(d); !n.used[k] {
			n.used[k] = true
			return k
		}
	}
}

// crowded is how many taken draws in a row make fresh go on to a wider
// shape: with even one key in a hundred still free, a thousand misses in
// a row happen once in some 20,000 fills.
const crowded = 1000

// Thai mobile prefixes after +66: the 8x and 9x blocks and 61-65. The VoIP
// blocks 60 and 68 are left out on purpose, so that every number drawn here
// is a MOBILE number to phonenumbers as well as to the reader.
var thaiMobilePrefixes = []string{
	"61", "62", "63", "64", "65",
	"80", "81", "82", "83", "84", "85", "86", "87", "88", "89",
	"90", "91", "92", "93", "94", "95", "96", "97", "98", "99",
}

// thaiMobile is the shape of a Thai mobile number: +66, a mobile prefix,
// seven digits (081-234-5678 at home).
func thaiMobile(d dice) string { return "+66" + pick(d, thaiMobilePrefixes) + d.digits(7) }

// bangkokFixed is the shape of a Bangkok fixed line: +66 2 and seven digits
// (02-123-4567 at home), the kind of number a scammer shows when posing as a
// police station or a bank's head office.
func bangkokFixed(d dice) string {
	return "+662" + strconv.Itoa(2+d.IntN(8)) + d.digits(6)
}

// cambodianBlock is one Cambodian mobile block: the prefix after +855 and how
// many digits follow it. Cellcard, Smart and Metfone blocks are mixed.
type cambodianBlock struct {
	prefix string
	rest   int
}

// cambodianMobileBlocks lists blocks phonenumbers knows as mobile: eight-digit
// national numbers (012 345 678) and the nine-digit Metfone and Smart ones
// (097 123 4567).
var cambodianMobileBlocks = []cambodianBlock{
	{"10", 6}, {"11", 6}, {"12", 6}, {"15", 6}, {"16", 6}, {"17", 6},
	{"69", 6}, {"70", 6}, {"77", 6}, {"81", 6}, {"85", 6}, {"89", 6},
	{"92", 6}, {"93", 6}, {"98", 6}, {"99", 6},
	{"88", 7}, {"96", 7}, {"97", 7}, {"31", 7},
}

// cambodianMobile is the shape of a Cambodian mobile number.
func cambodianMobile(d dice) string {
	b := pick(d, cambodianMobileBlocks)
	return "+855" + b.prefix + d.digits(b.rest)
}

// thaiBank is a Thai bank as its accounts are keyed and written: the
// interbank code, the short name on a slip, and the account length.
type thaiBank struct {
	code, short string
	digits      int
}

// thaiBanks are the banks ordinary Thai accounts are drawn from, the big
// retail banks more than once so that they hold more accounts, as they do.
var thaiBanks = []thaiBank{
	{"004", "KBANK", 10}, {"004", "KBANK", 10}, {"014", "SCB", 10}, {"014", "SCB", 10},
	{"006", "KTB", 10}, {"006", "KTB", 10}, {"002", "BBL", 10}, {"025", "BAY", 10},
	{"011", "TTB", 10}, {"030", "GSB", 12}, {"034", "BAAC", 12},
}

// thaiAccount is the shape of an account at bank b.
func thaiAccount(b thaiBank) func(dice) string {
	return func(d dice) string { return "TH:" + b.code + ":" + d.digits(b.digits) }
}

// cambodianAccount is the shape of an account at a Cambodian bank, which
// the key names by its short name.
func cambodianAccount(bank string) func(dice) string {
	return func(d dice) string { return "KH:" + bank + ":" + d.digits(cambodianAccountDigits[bank]) }
}

// cambodianAccountDigits is the account-number length the world uses at
// each Cambodian bank; real lengths vary by bank, and the parser accepts 6-20.
var cambodianAccountDigits = map[string]int{
	"ABA": 9, "ACLEDA": 12, "WING": 8, "HUIONE": 8, "CANADIA": 10, "PRASAC": 12,
}

// cambodianBanks are the banks ordinary Cambodian accounts are drawn from.
var cambodianBanks = []string{"ABA", "ABA", "ACLEDA", "ACLEDA", "WING", "CANADIA", "PRASAC"}

// hostIn is the shape of one address in a /24 network written as its first
// three octets; hosts 2-254 leave the gateway and broadcast alone.
func hostIn(net24 string) func(dice) string {
	return func(d dice) string { return net24 + "." + strconv.Itoa(d.between(2, 254)) }
}

// hostNear draws a host in the /16 around a /24, for a centre whose /24
// is full (a world scaled far up).
func hostNear(net24 string) func(dice) string {
	net16 := net24[:strings.LastIndexByte(net24, '.')]
	return func(d dice) string {
		return net16 + "." + strconv.Itoa(d.between(0, 255)) + "." + strconv.Itoa(d.between(2, 254))
	}
}

// thaiLocalForm writes an E.164 Thai number the way a Thai analyst types
// it: 081-234-5678 for a mobile, 02-123-4567 for a Bangkok line.
func thaiLocalForm(e164 string) string {
	nsn := strings.TrimPrefix(e164, "+66")
	if strings.HasPrefix(nsn, "2") && len(nsn) == 8 {
		return "02-" + nsn[1:4] + "-" + nsn[4:]
	}
	return "0" + nsn[:2] + "-" + nsn[2:5] + "-" + nsn[5:]
}

// cambodianLocalForm writes an E.164 Cambodian number as it is written in
// Cambodia: 012 345 678, or 097 123 4567 for the longer blocks.
func cambodianLocalForm(e164 string) string {
	nsn := strings.TrimPrefix(e164, "+855")
	return "0" + nsn[:2] + " " + nsn[2:5] + " " + nsn[5:]
}

// localForm writes any phone number of the world in its national form.
func localForm(e164 string) string {
	if strings.HasPrefix(e164, "+855") {
		return cambodianLocalForm(e164)
	}
	return thaiLocalForm(e164)
}

// thaiSlipForm writes a Thai account key as a transfer slip shows it:
// KBANK 123-4-56789-0 for ten digits, the digits grouped 3-1-5-1 (and the
// twelve-digit state-bank numbers 3-1-7-1).
func thaiSlipForm(short, key string) string {
	digits := key[strings.LastIndexByte(key, ':')+1:]
	n := len(digits)
	return short + " " + digits[:3] + "-" + digits[3:4] + "-" + digits[4:n-1] + "-" + digits[n-1:]
}
