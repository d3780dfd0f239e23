package demo

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// holder is a Person while the world is built: whoever an identity document
// names, as subscriber records describe them. The document, name and address
// are personal data and live only in the Sensitive maps; the key is a digest
// of the document and the label shows the end of it, as ingest makes them.
type holder struct {
	id        string // entity id
	docType   string
	sensitive map[string]string // name, documentNumber, address
}

// The identity documents subscriber records name.
const (
	docNationalID = "NATIONAL_ID"
	docPassport   = "PASSPORT"
)

// Who a holder is: a citizen with a national ID card, or a foreigner with a
// passport, registered in the country of the record.
const (
	thaiCitizen    = "TH"
	khmerCitizen   = "KH"
	chineseCitizen = "CN"
)

// simFarmDocument is the national ID card the entry SIM box's rack was
// registered with; its check digit is wrong (a valid card ends in 2), as for
// every Thai ID in the world.
const simFarmDocument = "3100600742195"

// newHolder draws a person of a nationality, registered in country, and
// emits their Person entity. The key follows intel.PersonKey with the
// record's country, as ingest keys subscribers, so that a document seen by
// two agencies of one country is one Person; a fresh document is drawn
// until its key is new, so that two holders never merge by chance.
func (w *world) newHolder(d dice, country intel.Region, nationality, town string) *holder {
	docType, shape := docNationalID, thaiNationalID
	switch {
	case nationality == khmerCitizen && country == intel.RegionKH:
		shape = func(d dice) string { return d.digits(9) }
	case nationality == khmerCitizen:
		docType, shape = docPassport, func(d dice) string { return "N" + d.digits(8) }
	case nationality == chineseCitizen:
		docType, shape = docPassport, func(d dice) string { return "E" + d.digits(8) }
	}
	var number string
	w.numbers.fresh(d, func(d dice) string {
		number = shape(d)
		return intel.PersonKey(string(country), docType, number)
	})
	name := holderName(d, nationality, docType)
	address := thaiAddress(d)
	if country == intel.RegionKH {
		address = cambodianAddress(d, nationality, town)
	}
	return w.emitHolder(country, docType, number, name, address)
}

// emitHolder emits the Person a document names.
func (w *world) emitHolder(country intel.Region, docType, number, name, address string) *holder {
	key := intel.PersonKey(string(country), docType, number)
	e := w.artefact(intel.KindPerson, key, country)
	e.Label = "Subscriber " + key[len(key)-4:]
	e.Attrs["documentType"] = docType
	e.Attrs[intel.AttrDocumentCountry] = string(country)
	e.Sensitive = map[string]string{"name": name, "documentNumber": number, "address": address}
	w.out.entity(e)
	return &holder{id: e.ID, docType: docType, sensitive: e.Sensitive}
}

// simFarmHolder emits SIMFarmHolder: a Thai woman from the border district
// whose ID card registered a whole rack of SIMs.
func (w *world) simFarmHolder() *holder {
	return w.emitHolder(intel.RegionTH, docNationalID, simFarmDocument, "สุดา บุญมี", "112/7 หมู่ 3 ต.ป่าไร่ อ.อรัญประเทศ จ.สระแก้ว")
}

// holderName writes a name as the record has it: a national ID card in the
// script of its country, a passport in capital Latin letters.
func holderName(d dice, nationality, docType string) string {
	pool := thaiNames
	switch nationality {
	case khmerCitizen:
		pool = khmerNames
	case chineseCitizen:
		pool = chineseNames
	}
	n := pool.draw(d)
	if docType == docPassport {
		return strings.ToUpper(n.latin)
	}
	return n.native
}

// thaiNationalID draws a 13-digit Thai ID number whose last digit is never
// the check digit (11 minus the weighted sum of the first twelve, modulo 11,
// modulo 10), so that it cannot be a real card's. The first digit is the
// category a card shows: 1 born after 1984, 3 registered earlier, 5 added
// later, 8 naturalised.
func thaiNationalID(d dice) string {
	digits := make([]byte, 13)
	digits[0] = pick(d, []byte{1, 1, 1, 3, 3, 5, 8})
	sum := int(digits[0]) * 13
	for i := 1; i < 12; i++ {
		digits[i] = byte(d.IntN(10))
		sum += int(digits[i]) * (13 - i)
	}
	check := (11 - sum%11) % 10
	digits[12] = byte((check + 1 + d.IntN(9)) % 10)
	for i := range digits {
		digits[i] += '0'
	}
	return string(digits)
}

// thaiPlace is a district and province in Thai script.
type thaiPlace struct{ amphoe, changwat string }

// thaiPlaces lean to the border provinces and the big cities, where the
// world's people live.
var (
	thaiPlaces = []thaiPlace{
		{"อรัญประเทศ", "สระแก้ว"}, {"เมืองสระแก้ว", "สระแก้ว"}, {"เมืองขอนแก่น", "ขอนแก่น"},
		{"หาดใหญ่", "สงขลา"}, {"เมืองเชียงใหม่", "เชียงใหม่"}, {"เมืองอุดรธานี", "อุดรธานี"},
		{"บางพลี", "สมุทรปราการ"}, {"เมืองบุรีรัมย์", "บุรีรัมย์"}, {"กันทรลักษ์", "ศรีสะเกษ"},
		{"เมืองนครราชสีมา", "นครราชสีมา"}, {"ปากเกร็ด", "นนทบุรี"},
	}
	bangkokDistricts = []string{"บางกะปิ", "จตุจักร", "ห้วยขวาง", "บางนา", "ดินแดง", "บางเขน"}
)

// thaiAddress draws an address as Thai operators and banks record it, in
// Thai script: house number, village (moo) and district, or a Bangkok
// district.
func thaiAddress(d dice) string {
	house := strconv.Itoa(d.between(1, 299)) + "/" + strconv.Itoa(d.between(1, 99))
	if d.chance(0.3) {
		return house + " เขต" + pick(d, bangkokDistricts) + " กรุงเทพมหานคร"
	}
	p := pick(d, thaiPlaces)
	return fmt.Sprintf("%s หมู่ %d อ.%s จ.%s", house, d.between(1, 15), p.amphoe, p.changwat)
}

// khmerPlace is a town and province in Khmer script.
type khmerPlace struct{ town, province string }

var khmerPlaces = []khmerPlace{
	{"ក្រុងប៉ោយប៉ែត", "ខេត្តបន្ទាយមានជ័យ"}, {"ក្រុងបាវិត", "ខេត្តស្វាយរៀង"}, {"ក្រុងព្រះសីហនុ", "ខេត្តព្រះសីហនុ"},
	{"ខណ្ឌចំការមន", "រាជធានីភ្នំពេញ"}, {"ក្រុងសៀមរាប", "ខេត្តសៀមរាប"}, {"ក្រុងបាត់ដំបង", "ខេត្តបាត់ដំបង"},
	{"ក្រុងកំពង់ចាម", "ខេត្តកំពង់ចាម"},
}

// cambodianAddress draws an address as Cambodian records have it: a
// village in Khmer script for citizens, and for foreigners a room in one of
// the compounds' towers, in Latin letters, in town or else a centre's town.
func cambodianAddress(d dice, nationality, town string) string {
	if nationality == khmerCitizen {
		p := pick(d, khmerPlaces)
		return "ភូមិ " + khmerDigits(d.between(1, 12)) + " " + p.town + " " + p.province
	}
	if town == "" {
		town = pick(d, sites).town
	}
	return fmt.Sprintf("Room %d%02d, Block %c, %s", d.between(2, 24), d.between(1, 30), 'A'+rune(d.IntN(6)), town)
}

// khmerDigits writes n in Khmer numerals.
func khmerDigits(n int) string {
	return strings.Map(func(r rune) rune { return r - '0' + '០' }, strconv.Itoa(n))
}
