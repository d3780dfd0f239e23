package demo_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// TestTruth: the truth names what the world holds, the same for the same
// Config, and the planted money paths and the falsely reported number are
// what they claim to be.
func TestTruth(t *testing.T) {
	var links []intel.Link
	cfg := demo.Config{Scale: 0.1}
	_, truth, err := demo.GenerateWithTruth(cfg, func(b intel.Batch) error {
		links = append(links, b.Links...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, again, _ := demo.GenerateWithTruth(cfg, func(intel.Batch) error { return nil })
	if !reflect.DeepEqual(truth, again) {
		t.Fatal("the same Config gave two truths")
	}
	t.Run("MoneyPathsStartAtVictimsAndCrossTheBorder", func(t *testing.T) {
		paid := map[string]bool{}
		for _, l := range links {
			if l.Type == intel.LinkTransferred && slices.Contains(truth.Mules, l.To) && !slices.Contains(truth.Mules, l.From) {
				paid[l.From] = true
			}
		}
		if len(truth.MoneyPaths) == 0 {
			t.Fatal("no money path planted")
		}
		for _, p := range truth.MoneyPaths {
			if !paid[p.Victim] || !strings.HasPrefix(p.Exit, "BankAccount:KH:") || !p.Paid.Before(p.Exited) {
				t.Fatalf("path %+v: want a paying victim's account, a Cambodian exit, paid before it exited", p)
			}
		}
	})
	t.Run("InnocentNamedOnceAndNothingElse", func(t *testing.T) {
		if truth.IsPlanted(truth.Innocent) {
			t.Fatalf("the innocent number %s is among the planted scam artefacts", truth.Innocent)
		}
		reports := 0
		for _, l := range links {
			if l.From == truth.Innocent && l.Type == intel.LinkReportedIn {
				reports++
			}
		}
		if reports != 1 {
			t.Fatalf("the innocent number is named in %d reports, want 1", reports)
		}
	})
	t.Run("RingsHoldTheirGangs", func(t *testing.T) {
		names := map[string]bool{}
		for _, r := range truth.Rings {
			names[r.Name] = true
		}
		if !names["Poipet"] || !names["mule network"] || !names["SIM box 1"] {
			t.Fatalf("rings %v", names)
		}
		for _, r := range truth.Rings {
			if r.Name == "Poipet" && (!slices.Contains(r.Members, demo.VoipAccount.ID()) || !slices.Contains(r.Members, demo.SuspectBoss.ID())) {
				t.Fatal("the Poipet ring misses its VoIP account or its boss")
			}
			if r.Name == "SIM box 1" && !slices.Contains(r.Members, demo.SIMFarmHolder.ID()) {
				t.Fatal("the entry SIM box's ring misses the ID card behind it")
			}
		}
	})
}
