package browsertest

import (
	"os"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/export/exporttest"
)

// pageVisit is what web/test/page.mjs reports.
type pageVisit struct {
	FirstLoadMs int    `json:"firstLoadMs"`
	Viewer      string `json:"viewer"`
	Found       view   `json:"found"`
	CardTitle   string `json:"cardTitle"`
	Provenance  bool   `json:"cardHasProvenance"`
	Expanded    view   `json:"expanded"`
	Since       string `json:"since"`
	Filtered    view   `json:"filtered"`
	Path        *struct {
		Length int      `json:"length"`
		Nodes  []string `json:"nodes"`
	} `json:"path"`
	Downloads []struct {
		Format string `json:"format"`
		Name   string `json:"name"`
		Path   string `json:"path"`
		Size   int    `json:"size"`
	} `json:"downloads"`
	TrailHops       int      `json:"trailHops"`
	TrailDownload   string   `json:"trailDownload"`
	Final           view     `json:"final"`
	ForeignRequests []string `json:"foreignRequests"`
	Failures        []string `json:"failures"`
	Refused         []string `json:"refused"`
	Error           string   `json:"error"`
}

type view struct {
	Drawn struct {
		Nodes int `json:"nodes"`
		Edges int `json:"edges"`
		Links int `json:"links"`
	} `json:"drawn"`
	Selected string   `json:"selected"`
	Seeds    []string `json:"seeds"`
	Card     *struct {
		ID      string  `json:"id"`
		Display string  `json:"display"`
		Risk    *string `json:"risk"`
		Reasons int     `json:"reasons"`
	} `json:"card"`
	Timeline *struct {
		Events int `json:"events"`
	} `json:"timeline"`
	Expanded int `json:"expanded"`
	Trail    *struct {
		Direction string `json:"direction"`
		Hops      int    `json:"hops"`
		Accounts  int    `json:"accounts"`
		Ordered   bool   `json:"ordered"`
		// HighlightedEdges are the drawn edges the trail lights up.
		HighlightedEdges int        `json:"highlightedEdges"`
		HopIDs           []string   `json:"hopIds"`
		EdgeIDs          [][]string `json:"edgeIds"`
	} `json:"trail"`
	Rings *int `json:"rings"`
	Ring  *struct {
		ID           string `json:"id"`
		Size         int    `json:"size"`
		DrawnMembers int    `json:"drawnMembers"`
	} `json:"ring"`
}

func TestAnalystFindsANumberTypedInThaiDigitsAndFollowsIt(t *testing.T) {
	mustBrowser(t)
	ts, _, keys := demoServer(t)
	key := demo.KeyFor(keys, "TH-CCIB", access.RoleAnalyst)
	var v pageVisit
	runScript(t, "page.mjs", &v, ts.URL, key, "๐๙๒-๕๕๕-๐๑๔๒", artefacts(t))
	if v.Error != "" {
		t.Fatalf("the visit failed: %s", v.Error)
	}
	if len(v.ForeignRequests) > 0 {
		t.Errorf("the page asked other hosts: %v", v.ForeignRequests)
	}
	if len(v.Failures) > 0 || len(v.Refused) > 0 {
		t.Errorf("the page logged errors %v, refused requests %v", v.Failures, v.Refused)
	}
	const seed = "PhoneNumber:+66925550142"
	if v.Found.Card == nil || v.Found.Card.ID != seed || v.CardTitle != "+66 92 555 0142" || !v.Provenance {
		t.Fatalf("the card: %+v titled %q (provenance shown: %v)", v.Found.Card, v.CardTitle, v.Provenance)
	}
	// The SIM-box hub's card says how risky it is and why.
	if c := v.Found.Card; c.Risk == nil || *c.Risk == "NONE" || c.Reasons == 0 {
		t.Errorf("the hub's card shows risk %v with %d reasons", c.Risk, c.Reasons)
	}
	// What is drawn is what the API answers this reader for the same
	// question, parallel links folded into one edge each.
	want := apiNetwork(t, ts.URL, key, seed, 2, 500)
	d := v.Found.Drawn
	if d.Nodes != want.nodes || d.Links != want.links {
		t.Errorf("drawn %d nodes from %d links; the API answers %d nodes and %d links", d.Nodes, d.Links, want.nodes, want.links)
	}
	if d.Edges != want.folded {
		t.Errorf("drawn %d edges, want %d (the links folded by ends and type)", d.Edges, want.folded)
	}
	if v.Found.Timeline == nil || v.Found.Timeline.Events == 0 {
		t.Errorf("no timeline of the events in view")
	}
	if v.Expanded.Expanded != 1 || v.Expanded.Drawn.Links < d.Links || v.Expanded.Selected == seed {
		t.Errorf("expanding a neighbour: %+v (before: %+v)", v.Expanded, d)
	}
	if v.Filtered.Drawn.Links >= v.Expanded.Drawn.Links || v.Filtered.Drawn.Links == 0 {
		t.Errorf("filtering from %s left %d of %d links", v.Since, v.Filtered.Drawn.Links, v.Expanded.Drawn.Links)
	}
	if v.Path == nil || v.Path.Length < 1 || v.Path.Nodes[len(v.Path.Nodes)-1] != seed {
		t.Errorf("shortest path back to the seed: %+v", v.Path)
	}
	// Every export downloads and reads back with NetworkX.
	files := map[export.Format][]byte{}
	for _, dl := range v.Downloads {
		f, err := export.ParseFormat("format", dl.Format)
		if err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(dl.Path)
		if err != nil || len(body) == 0 {
			t.Fatalf("download %s: %v", dl.Name, err)
		}
		files[f] = body
	}
	if len(files) != len(export.Formats) {
		t.Fatalf("%d formats downloaded, want %d", len(files), len(export.Formats))
	}
	for f, g := range exporttest.Read(t, files) {
		if len(g.Nodes) != want.nodes || len(g.Edges) != want.links {
			t.Errorf("the %s download holds %d nodes and %d links, the API %d and %d", f, len(g.Nodes), len(g.Edges), want.nodes, want.links)
		}
	}
	// The victim's money, followed forward, in time order.
	if tr := v.Final.Trail; tr == nil || tr.Direction != "FORWARD" || tr.Hops == 0 || !tr.Ordered || v.TrailHops != tr.Hops ||
		tr.HighlightedEdges == 0 {
		t.Errorf("money trail: %+v, %d hops listed", tr, v.TrailHops)
	}
	if !strings.HasPrefix(v.TrailDownload, "scamgraph-trail-") {
		t.Errorf("exporting while a trail is shown saved %q, want the trail", v.TrailDownload)
	}
	if v.Final.Rings == nil || *v.Final.Rings == 0 || v.Final.Ring == nil || v.Final.Ring.DrawnMembers == 0 {
		t.Errorf("rings: %v, ring shown: %+v", v.Final.Rings, v.Final.Ring)
	}
	t.Logf("first load %d ms; drawn %d nodes, %d edges from %d links", v.FirstLoadMs, d.Nodes, d.Edges, d.Links)
}
