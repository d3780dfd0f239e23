package demo

import (
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// A caller rarely finishes the job on the phone: the victim is asked to add
// a LINE account (an "officer", an "investment adviser", a "parcel desk") or
// a Telegram one, and the money is talked out of them there. These chat
// accounts are what victims' reports name most often after the number and
// the account, and a gang runs a few dozen of them, some shared between
// centres that buy their scripts and accounts from the same supplier.
const (
	centreChats = 5 // each centre's own accounts at scale 1
	sharedChats = 6 // accounts used by two or three centres at scale 1
)

// chat is one scammers' chat account while the world is built.
type chat struct {
	id       string // entity id
	service  string // "line" or "telegram"
	scamType string // the story it fronts, one of scamTypes
}

// chatTheme is a story a chat account fronts and the handles it goes by.
type chatTheme struct {
	scamType string
	stems    []string
	telegram float64 // share of Telegram accounts; the rest are LINE
}

// chatThemes follow the scams Thai police list; impersonators pose as the
// police, the DSI, the electricity authority or a bank's security desk.
var chatThemes = []chatTheme{
	{"hybrid_investment", []string{"gold.invest", "set.profit", "crypto.vip", "wealth.club", "daily.profit"}, 0.4},
	{"romance", []string{"nong.ploy", "sweet.mali", "dr.james", "capt.david", "lonely.lin"}, 0.1},
	{"impersonation", []string{"dsi.officer", "cyber.police", "pea.refund", "revenue.refund", "amlo.case"}, 0.05},
	{"parcel", []string{"parcel.customs", "post.tracking", "express.help", "customs.desk"}, 0.05},
	{"job", []string{"shop.task", "like.earn", "review.job", "online.work"}, 0.5},
	{"loan", []string{"easy.loan", "fast.cash", "quick.credit", "loan.approve"}, 0.2},
	{"call_centre", []string{"bank.support", "card.security", "account.verify", "cs.help"}, 0.1},
}

// buildChats opens each centre's chat accounts and the shared ones. The
// Poipet centre's first account is a LINE "investment adviser": the one
// the entry victim was moved to.
func (w *world) buildChats() {
	d := w.dice("chats")
	for _, c := range w.centres {
		for j := 0; j < w.scaled(centreChats, 1); j++ {
			theme, service := pick(d, chatThemes), ""
			if c.index == 0 && j == 0 {
				theme, service = chatThemes[0], "line"
			}
			c.chats = append(c.chats, w.newChat(d, theme, service))
		}
	}
	for j := 0; j < w.scaled(sharedChats, 1); j++ {
		ch := w.newChat(d, pick(d, chatThemes), "")
		for _, i := range d.Perm(len(w.centres))[:min(d.between(2, 3), len(w.centres))] {
			w.centres[i].chats = append(w.centres[i].chats, ch)
		}
	}
}

// newChat draws and emits one chat account; service "" lets the theme decide.
func (w *world) newChat(d dice, theme chatTheme, service string) *chat {
	if service == "" {
		service = "line"
		if d.chance(theme.telegram) {
			service = "telegram"
		}
	}
	stem := pick(d, theme.stems)
	if service == "telegram" {
		stem = strings.ReplaceAll(stem, ".", "_") // Telegram user names have no dots
	}
	key := w.numbers.fresh(d, func(d dice) string { return service + ":" + stem + d.digits(2) },
		func(d dice) string { return service + ":" + stem + d.digits(4) },
		func(d dice) string { return service + ":" + stem + d.digits(6) })
	handle := strings.TrimPrefix(key, service+":")
	// As victims write them in reports and screenshots show them.
	raw := "LINE ID: " + handle
	if service == "telegram" {
		raw = "TG: @" + handle
	}
	e := w.artefact(intel.KindMessagingAccount, key, intel.RegionTH)
	e.RawForms = []string{raw}
	w.out.entity(e)
	ch := &chat{id: e.ID, service: service, scamType: theme.scamType}
	w.chats = append(w.chats, ch)
	return ch
}

// useChats links the call centres' people to some of their centre's chat
// accounts: managers run several, callers and bosses one now and then.
func (w *world) useChats(d dice) {
	for _, s := range w.suspects {
		if s.centre == nil || len(s.centre.chats) == 0 {
			continue
		}
		p, most := 0.5, 1
		switch s.role {
		case "call-centre manager":
			p, most = 0.8, 3
		case "caller":
			p, most = 0.6, 2
		}
		if !d.chance(p) {
			continue
		}
		var ids []string
		for k := d.between(1, most); k > 0; k-- {
			ids = append(ids, pick(d, s.centre.chats).id)
		}
		w.uses(d, s, s.from, ids...)
	}
}

// chatRole is the role a victim report gives a chat account of a service.
func chatRole(service string) string {
	if service == "telegram" {
		return "telegram"
	}
	return "line_id"
}
