package demo

import (
	"strings"
	"testing"
)

// A shape whose keys run out goes on to the wider shapes it names, and
// draws from it stay apart; a shape with room to spare draws as before.
func TestFreshWidensAFullShape(t *testing.T) {
	n, d := newNumbering(), newDice(1, "numbering")
	narrow := func(d dice) string { return "line:scam" + d.digits(2) }
	wide := func(d dice) string { return "line:scam" + d.digits(4) }
	seen := map[string]bool{}
	for range 150 {
		k := n.fresh(d, narrow, wide)
		if seen[k] {
			t.Fatalf("%s handed out twice", k)
		}
		seen[k] = true
	}
	var narrowKeys, wideKeys int
	for k := range seen {
		switch len(strings.TrimPrefix(k, "line:scam")) {
		case 2:
			narrowKeys++
		case 4:
			wideKeys++
		}
	}
	if narrowKeys != 100 || wideKeys != 50 {
		t.Errorf("keys drawn: %d of two digits, %d of four; want all 100 two-digit keys first, then 50 wider", narrowKeys, wideKeys)
	}
	// Where the narrow shape has room, the wider one is never used.
	n2, d2 := newNumbering(), newDice(1, "numbering")
	for range 20 {
		if k := n2.fresh(d2, func(d dice) string { return "ip:10.0.0." + d.digits(3) }, wide); !strings.HasPrefix(k, "ip:") {
			t.Fatalf("a shape with room went wider: %s", k)
		}
	}
}
