package demo

// The quiet SIM box: a rack of prepaid SIMs bought pre-activated from a
// dealer, so that no subscriber record names anyone behind it, calling
// from one cell through its channels. Nothing but its site (the cell and
// the IMEIs its call records give) joins its lines: no holder, no VoIP
// account, no hub over the regulator's daily limit. A couple of its
// victims who paid a mule report the line that called them and the
// account they paid; the rest of the rack is found
// only by the site it shares with those lines.
const (
	quietRackSIMs  = 12
	quietCallsLo   = 4
	quietCallsHi   = 8
	quietReports   = 2
	quietSpanDays  = 14
	quietAnswering = 0.3
)

// buildQuietBox plants the quiet SIM box and the reports naming it. It
// rolls its own dice and runs after every other part, so a world loaded
// before it existed keeps every record it had.
func (w *world) buildQuietBox() {
	if len(w.victims) == 0 {
		return
	}
	d := w.dice("simbox/quiet")
	box := &simBox{centre: d.IntN(len(w.centres))}
	w.site(box, len(w.boxes))
	// In a cell of its own: two racks under one tower are told apart by
	// their IMEIs alone, and the truth's rings keep each box apart.
	for taken := true; taken; {
		taken = false
		for _, b := range w.boxes {
			taken = taken || b.cell == box.cell
		}
		if taken {
			box.cell = cellName(box.site.IntN(thaiCells))
		}
	}
	box.start = d.uniform(30, HistoryDays-quietSpanDays-20)
	box.until = box.start + quietSpanDays
	type victimCall struct {
		line   string
		victim int // index into victims
		day    float64
	}
	var answered []victimCall
	for s := w.scaled(quietRackSIMs, 6); s > 0; s-- {
		e := w.phone(w.numbers.fresh(d, thaiMobile), nil)
		w.out.entity(e)
		box.sims = append(box.sims, e.ID)
		w.simBoxSIMs[e.ID] = true
		day := d.uniform(box.start, box.until-1)
		for k := d.between(quietCallsLo, quietCallsHi); k > 0; k-- {
			n := d.IntN(len(w.victims))
			ok := d.chance(quietAnswering)
			when := day + d.Float64()
			w.boxCall(box, e.ID, w.people[w.victims[n]].phone, callRecord{srcSIMBoxCalls.fact(d, at(when)), duration(d, ok, 60), ok})
			if ok && n < len(w.mules.paid) && len(w.mules.paid[n]) > 0 {
				answered = append(answered, victimCall{e.ID, n, when})
			}
		}
	}
	w.boxes = append(w.boxes, box)
	for k := 0; k < quietReports && len(answered) > 0; k++ {
		c := answered[d.IntN(len(answered))]
		paid := w.mules.paid[c.victim]
		r := &report{person: w.victims[c.victim], src: srcThaiReport, day: c.day + 1 + d.ExpFloat64()*reportDelayDays,
			scamType: pick(d, simBoxScams), channel: pick(d, thaiReportChannels),
			named: []mention{{"caller", c.line}, {"destination_account", paid[0].mule}}}
		for _, p := range paid {
			r.loss += p.thb
		}
		if r.day >= HistoryDays {
			continue
		}
		year := at(r.day).Year()
		n := 1 + int(r.day*thaiReportsPerDay)
		for w.numbers.used[thaiCaseKey(year, n)] {
			n++
		}
		r.key = thaiCaseKey(year, n)
		w.numbers.reserve(r.key)
		w.fileReport(d, r)
		w.reporters = append(w.reporters, r.person)
	}
}
