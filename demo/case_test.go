package demo_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/intel"
)

// entities returns every entity of the world by id.
func entities(w generated) map[string]intel.Entity {
	out := map[string]intel.Entity{}
	for _, b := range w.batches {
		for _, e := range b.Entities {
			out[e.ID] = e
		}
	}
	return out
}

// linksOfType returns every link of type t, in stream order.
func linksOfType(w generated, t intel.LinkType) []intel.Link {
	var out []intel.Link
	for _, b := range w.batches {
		for _, l := range b.Links {
			if l.Type == t {
				out = append(out, l)
			}
		}
	}
	return out
}

func TestVictimReports(t *testing.T) {
	w := MustWorld(t)
	all := entities(w)
	mentions := map[string][]intel.Link{} // case id → REPORTED_IN links
	for _, l := range linksOfType(w, intel.LinkReportedIn) {
		mentions[l.To] = append(mentions[l.To], l)
	}

	t.Run("AFewHundredFromBothPolices", func(t *testing.T) {
		byAgency := map[string]int{}
		for _, e := range all {
			if e.Kind == intel.KindCase {
				agency, _, _ := strings.Cut(e.Key, ":")
				byAgency[agency]++
			}
		}
		total := byAgency["TH-CCIB"] + byAgency["KH-GDNP"]
		if total < 200 || total > 1000 || byAgency["KH-GDNP"] == 0 || len(byAgency) != 2 {
			t.Fatalf("reports by agency %v, want a few hundred from TH-CCIB and KH-GDNP only", byAgency)
		}
		t.Logf("reports by agency %v", byAgency)
	})

	t.Run("EachNamesCallerAndAccount", func(t *testing.T) {
		scamTypes := map[string]bool{"hybrid_investment": true, "romance": true, "impersonation": true,
			"parcel": true, "job": true, "loan": true, "call_centre": true}
		for id, e := range all {
			if e.Kind != intel.KindCase {
				continue
			}
			if !scamTypes[e.Attrs["scamType"]] || e.Attrs["currency"] != "THB" {
				t.Fatalf("%s: scamType %q currency %q", e.Key, e.Attrs["scamType"], e.Attrs["currency"])
			}
			if loss, err := strconv.ParseFloat(e.Attrs["loss"], 64); err != nil || loss <= 0 {
				t.Fatalf("%s: loss %q is not a positive amount", e.Key, e.Attrs["loss"])
			}
			reported, err := time.Parse(time.RFC3339Nano, e.Attrs["reportedAt"])
			if err != nil {
				t.Fatalf("%s: reportedAt %q: %v", e.Key, e.Attrs["reportedAt"], err)
			}
			roles := map[string]int{}
			for _, l := range mentions[id] {
				role := l.Attrs["role"]
				roles[role]++
				_, key, _ := intel.SplitEntityID(l.From)
				if want := "victim_report:" + e.Key + ":" + role + ":" + key; l.EventKey != want {
					t.Fatalf("event key %q, want %q", l.EventKey, want)
				}
				if !l.ObservedAt.Equal(reported) {
					t.Fatalf("%s: mention observed at %v, reported at %v", l.EventKey, l.ObservedAt, reported)
				}
				kind, _, _ := intel.SplitEntityID(l.From)
				want := map[string]intel.Kind{"caller": intel.KindPhoneNumber, "destination_account": intel.KindBankAccount,
					"line_id": intel.KindMessagingAccount, "telegram": intel.KindMessagingAccount}[role]
				if kind != want {
					t.Fatalf("%s: role %q on a %s", l.EventKey, role, kind)
				}
			}
			if roles["caller"] == 0 || roles["destination_account"] == 0 {
				t.Fatalf("%s names %v, want a caller and a destination account", e.Key, roles)
			}
		}
	})

	t.Run("EntryReportNamesTheStory", func(t *testing.T) {
		named := map[string]string{}
		for _, l := range mentions[demo.VictimReport.ID()] {
			named[l.From] = l.Attrs["role"]
		}
		if named[demo.PresentedNumber.ID()] != "caller" || named[demo.FirstLayerMule.ID()] != "destination_account" || len(named) != 3 {
			t.Fatalf("the entry report names %v, want the presented number, the first-layer mule and a LINE account", named)
		}
		for id, role := range named {
			if strings.HasPrefix(id, "MessagingAccount:line:") && role == "line_id" {
				return
			}
		}
		t.Fatalf("the entry report names no LINE account: %v", named)
	})

	t.Run("SuspectsUseChatAccounts", func(t *testing.T) {
		for _, l := range linksOfType(w, intel.LinkUses) {
			if strings.HasPrefix(l.To, "MessagingAccount:") {
				return
			}
		}
		t.Fatal("no suspect uses a chat account")
	})
}
