package demo

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// Thai operators' call records name the cell that served the caller. An
// ordinary Thai mobile is mostly used around home, so the world gives each
// Thai mobile one home cell out of thaiCells, drawn from its number: many
// people share a cell, and sharing one is no evidence by itself. A SIM box
// sits in one place, so every SIM of its rack calls from the box's cell
// (one of the same cells, shared with the people living there), through
// the box's few GSM channels, each with its IMEI.
const thaiCells = 400

// homeCell is the cell a Thai mobile usually calls from, as a cell global
// identity (MCC 520, network, area, cell); "" for other numbers, whose
// records the world gives without a cell.
func homeCell(id string) string {
	key := strings.TrimPrefix(id, "PhoneNumber:")
	if key == id || !strings.HasPrefix(key, "+66") || strings.HasPrefix(key, "+662") {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return cellName(int(h.Sum32() % thaiCells))
}

// cellName writes the cell numbered i as a cell global identity.
func cellName(i int) string {
	return fmt.Sprintf("520-%02d-%04d-%05d", 1+i%3, 1000+i/40, 10000+i)
}

// boxChannelsLo and boxChannelsHi bound the GSM channels (each with its
// IMEI) a SIM box rotates its rack's SIMs through.
const (
	boxChannelsLo = 4
	boxChannelsHi = 8
)

// site places a SIM box: its cell, and the IMEIs of its channels. Its own
// dice keep every other part of the world's draws as they were.
func (w *world) site(box *simBox, h int) {
	box.site = w.dice(fmt.Sprintf("simbox/site/%d", h))
	box.cell = cellName(box.site.IntN(thaiCells))
	for k := box.site.between(boxChannelsLo, boxChannelsHi); k > 0; k-- {
		box.imeis = append(box.imeis, "35"+box.site.digits(13))
	}
}

// boxCall records a call of one of a box's SIMs: from the box's cell, on
// whichever channel the SIM bank had put the SIM in at the time.
func (w *world) boxCall(box *simBox, from, to string, c callRecord) {
	w.callFrom(from, to, c.prov, c.seconds, c.answered, "", box.cell, pick(box.site, box.imeis))
}

// callRecord is what a call record says besides its two ends, its cell and
// its device.
type callRecord struct {
	prov     intel.Provenance
	seconds  int
	answered bool
}
