package demo

// personName is a made-up person's name in Latin letters and in the script
// of their own country, as a case file records both.
type personName struct{ latin, native string }

// namePool is where the names of one nationality come from: given names and
// family names, each in Latin letters and in the native script. Thai order
// is given name first; Khmer and Chinese put the family name first.
type namePool struct {
	given, family []personName
	familyFirst   bool
	script        string // attribute name of the native-script name
}

var thaiNames = namePool{
	given: []personName{
		{"Somchai", "สมชาย"}, {"Somsak", "สมศักดิ์"}, {"Anan", "อนันต์"}, {"Kittisak", "กิตติศักดิ์"},
		{"Wichai", "วิชัย"}, {"Prasert", "ประเสริฐ"}, {"Suda", "สุดา"}, {"Nattaya", "ณัฐยา"},
		{"Pornthip", "พรทิพย์"}, {"Siriporn", "ศิริพร"}, {"Thanawat", "ธนวัฒน์"}, {"Chaiwat", "ชัยวัฒน์"},
		{"Apinya", "อภิญญา"}, {"Kanokwan", "กนกวรรณ"}, {"Jirawat", "จิรวัฒน์"}, {"Wanida", "วนิดา"},
	},
	family: []personName{
		{"Saetang", "แซ่ตั้ง"}, {"Srisuk", "ศรีสุข"}, {"Kaewmanee", "แก้วมณี"}, {"Boonmee", "บุญมี"},
		{"Thongdee", "ทองดี"}, {"Rattanakorn", "รัตนากร"}, {"Wongsawat", "วงศ์สวัสดิ์"}, {"Phromma", "พรหมมา"},
		{"Sukjai", "สุขใจ"}, {"Chaiyaporn", "ชัยพร"},
	},
	script: "nameTh",
}

var khmerNames = namePool{
	given: []personName{
		{"Sokha", "សុខា"}, {"Dara", "ដារ៉ា"}, {"Vuthy", "វុទ្ធី"}, {"Sophea", "សោភា"},
		{"Rithy", "រិទ្ធី"}, {"Sreymom", "ស្រីមុំ"}, {"Kimhong", "គីមហុង"}, {"Sovann", "សុវណ្ណ"},
		{"Bopha", "បុប្ផា"}, {"Chanthou", "ចាន់ធូ"},
	},
	family: []personName{
		{"Chea", "ជា"}, {"Sok", "សុខ"}, {"Heng", "ហេង"}, {"Kim", "គីម"}, {"Meas", "មាស"},
		{"Ly", "លី"}, {"Pich", "ពេជ្រ"}, {"Chhun", "ឈុន"}, {"Touch", "ទូច"},
	},
	familyFirst: true,
	script:      "nameKm",
}

var chineseNames = namePool{
	given: []personName{
		{"Wei", "伟"}, {"Hao", "浩"}, {"Qiang", "强"}, {"Jun", "军"}, {"Yang", "洋"}, {"Lei", "磊"}, {"Ming", "明"},
	},
	family: []personName{
		{"Chen", "陈"}, {"Zhang", "张"}, {"Li", "李"}, {"Wang", "王"}, {"Liu", "刘"}, {"Huang", "黄"},
	},
	familyFirst: true,
	script:      "nameZh",
}

// nickNames are the handles call-centre staff are known by in chats.
var nickNames = []string{"Boss Tong", "A-Hui", "Big Brother", "Lek", "Nong Bee", "Uncle Sam", "Ah Long", "Mr. K", "Jack", "Tiger"}

// draw makes a name; the native form joins the parts as the script does
// (Chinese without a space).
func (p namePool) draw(d dice) personName {
	g, f := pick(d, p.given), pick(d, p.family)
	if !p.familyFirst {
		return personName{g.latin + " " + f.latin, g.native + " " + f.native}
	}
	sep := " "
	if p.script == "nameZh" {
		sep = ""
	}
	return personName{f.latin + " " + g.latin, f.native + sep + g.native}
}
