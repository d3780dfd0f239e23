package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/export/exporttest"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/intel"
)

var at = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)

// sampleChart is a small network with what trips writers up: Thai and
// Khmer text, XML's special characters, two parallel transfers, a node
// without links, a masked field on a node and on a link.
func sampleChart() export.Chart {
	victim := intel.Entity{ID: "BankAccount:TH:004:7730215864", Kind: intel.KindBankAccount, Key: "TH:004:7730215864",
		Label: "KBANK 773-0-21586-4", Attrs: map[string]string{"bank": "KBANK"}, Sensitive: map[string]string{}}
	mule := intel.Entity{ID: "BankAccount:KH:HUIONE:00918273", Kind: intel.KindBankAccount, Key: "KH:HUIONE:00918273",
		Label: "ហួយវ៉ាន់ 00918273", Attrs: map[string]string{"note": `<a href="x">"quoted" & more</a>`}}
	phone := intel.Entity{ID: "PhoneNumber:+66925550142", Kind: intel.KindPhoneNumber, Key: "+66925550142",
		Label: "092-555-0142", Markers: []string{"+697"}, RawForms: []string{"๐๙๒๕๕๕๐๑๔๒", "092-555-0142"}}
	callee := intel.Entity{ID: "PhoneNumber:+66812345678", Kind: intel.KindPhoneNumber, Key: "+66812345678", Label: "081-234-5678"}
	lone := intel.Entity{ID: "IPAddress:175.100.37.18", Kind: intel.KindIPAddress, Key: "175.100.37.18", Label: "175.100.37.18"}
	transfer := func(id, amount string, day int) intel.Link {
		return intel.Link{ID: id, Type: intel.LinkTransferred, From: victim.ID, To: mule.ID,
			Provenance: intel.Provenance{Agency: "TH-CCIB", Country: intel.RegionTH, ObservedAt: at.AddDate(0, 0, -day),
				Confidence: 0.9, Visibility: intel.VisibilityShareable, LegalBasis: "MOU art. 3"},
			Attrs: map[string]string{"amount": amount, "currency": "THB"}}
	}
	call := intel.Link{ID: "called-1", Type: intel.LinkCalled, From: phone.ID, To: "PhoneNumber:+66812345678",
		Provenance: intel.Provenance{Agency: "TH-PCT", Country: intel.RegionTH, ObservedAt: at, Confidence: 0.4},
		Attrs:      map[string]string{"durationSec": "95"}}
	g := intel.Subgraph{Nodes: []intel.Entity{victim, mule, phone, callee, lone}, Links: []intel.Link{transfer("transferred-1", "49999.50", 2),
		transfer("transferred-2", "120000", 1), call}}
	return export.NewChart("network around "+victim.ID, "KH-GDNP", at, g, []guard.Redaction{
		{ID: victim.ID, Field: "holderName", Reason: "personal data of TH is masked for KH readers"},
		{ID: "transferred-1", Field: "payerName", Reason: "personal data of TH is masked for KH readers"},
	})
}

func TestExportsReadWithNetworkX(t *testing.T) {
	c := sampleChart()
	exporttest.Check(t, c, exporttest.Read(t, exporttest.Files(t, c)))
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"graphml", "GEXF", " cytoscape ", "csv", "I2"} {
		if _, err := export.ParseFormat("format", s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	_, err := export.ParseFormat("format", "pdf")
	if intel.ErrorCode(err) != intel.EINVALID || intel.ErrorField(err) != "format" || !strings.Contains(err.Error(), "pdf") {
		t.Errorf("pdf: %v, want EINVALID naming the format", err)
	}
}

func TestI2RowsNameBothEndsAndTheMoney(t *testing.T) {
	var b bytes.Buffer
	if err := export.Write(&b, export.I2, sampleChart()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// A header, one row per link, one for the node without links.
	if len(lines) != 1+3+1 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), b.String())
	}
	if !strings.Contains(b.String(), "TRANSFERRED 49999.50 THB") || !strings.Contains(b.String(), "CALLED 95s") {
		t.Errorf("link labels lack the amount or the duration:\n%s", b.String())
	}
	if !strings.Contains(b.String(), ",Tentative,") || !strings.Contains(b.String(), ",Confirmed,") {
		t.Errorf("link strengths missing:\n%s", b.String())
	}
}
