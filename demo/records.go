package demo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
)

// The files a written world consists of.
const (
	// RecordsFile holds the world's facts as source records, one JSON
	// object a line, as `scamgraph import` and POST /ingest take them.
	RecordsFile = "records.ndjson"
	// TruthFile holds what was planted (Truth), as JSON.
	TruthFile = "truth.json"
)

// WriteWorld generates the world of cfg and writes it to dir as source
// records (RecordsFile) with its truth (TruthFile), so that an evaluation
// loads it through the ingest path like any agency's data, and a person
// can read what the service should find. dir is created if needed.
func WriteWorld(dir string, cfg Config) (Stats, Truth, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, Truth{}, err
	}
	f, err := os.Create(filepath.Join(dir, RecordsFile))
	if err != nil {
		return Stats{}, Truth{}, err
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(buf)
	conv := newRecordConverter()
	stats, truth, err := GenerateWithTruth(cfg, func(b intel.Batch) error {
		for _, r := range conv.batch(b) {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return stats, truth, err
	}
	if err := buf.Flush(); err != nil {
		return stats, truth, err
	}
	if err := f.Close(); err != nil {
		return stats, truth, err
	}
	data, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return stats, truth, err
	}
	return stats, truth, os.WriteFile(filepath.Join(dir, TruthFile), append(data, '\n'), 0o644)
}

// ReadTruth reads the truth file of a world written by WriteWorld.
func ReadTruth(dir string) (Truth, error) {
	var t Truth
	data, err := os.ReadFile(filepath.Join(dir, TruthFile))
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("%s: %w", TruthFile, err)
	}
	return t, nil
}

// recordConverter turns the world's links back into the source records an
// agency would have sent: one record per fact, with the fact's provenance,
// so that ingesting them stores the same artefacts under the same ids.
// Entities come before the links that need them, so it remembers the
// entities whose attributes a record carries (suspects, cases).
type recordConverter struct {
	entities map[string]intel.Entity
}

func newRecordConverter() *recordConverter {
	return &recordConverter{entities: map[string]intel.Entity{}}
}

func (c *recordConverter) batch(b intel.Batch) []ingest.Record {
	for _, e := range b.Entities {
		if e.Kind == intel.KindSuspect || e.Kind == intel.KindCase {
			c.entities[e.ID] = e
		}
	}
	out := make([]ingest.Record, 0, len(b.Links))
	for _, l := range b.Links {
		if r, ok := c.record(l); ok {
			out = append(out, r)
		}
	}
	return out
}

func key(id string) string {
	_, k, _ := intel.SplitEntityID(id)
	return k
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// record is the source record of one link.
func (c *recordConverter) record(l intel.Link) (ingest.Record, bool) {
	conf := l.Confidence
	r := ingest.Record{Agency: l.Agency, Country: string(l.Country), EvidenceRef: l.EvidenceRef,
		Confidence: &conf, LegalBasis: l.LegalBasis, Visibility: string(l.Visibility)}
	switch l.Type {
	case intel.LinkCalled:
		r.Type, r.RecordID = ingest.TypeCall, l.EventKey
		r.Caller, r.Callee, r.Start = key(l.From), key(l.To), stamp(l.ObservedAt)
		if d, err := strconv.Atoi(l.Attrs["durationSec"]); err == nil {
			r.DurationSec = &d
		}
		if a, err := strconv.ParseBool(l.Attrs["answered"]); err == nil {
			r.Answered = &a
		}
		r.IMEI, r.IMSI, r.CellID, r.CallerIDMarker = l.Attrs["imei"], l.Attrs["imsi"], l.Attrs["cellId"], l.Attrs["callerIdMarker"]
	case intel.LinkRegisteredFrom:
		r.Type, r.RecordID = ingest.TypeRegistration, l.EventKey
		r.Account, r.SourceIP, r.Time, r.UserAgent = key(l.From), key(l.To), stamp(l.ObservedAt), l.Attrs["userAgent"]
	case intel.LinkPresentedAs:
		r.Type = ingest.TypeCallerID
		r.Account, r.PresentedNumber = key(l.From), key(l.To)
		r.ValidFrom, r.ValidUntil = stamp(l.ValidFrom), stamp(l.ValidUntil)
	case intel.LinkTransferred:
		r.Type, r.RecordID = ingest.TypeTransfer, l.EventKey
		r.FromAccount, r.ToAccount, r.Time = key(l.From), key(l.To), stamp(l.ObservedAt)
		r.Amount, r.Currency, r.Channel = l.Attrs["amount"], l.Attrs["currency"], l.Attrs["channel"]
	case intel.LinkRegisteredTo:
		r.Type = ingest.TypeSubscriber
		k, _, _ := intel.SplitEntityID(l.From)
		r.Identifier, r.IdentifierKind = key(l.From), string(k)
		r.Name, r.DocumentType = l.Sensitive["name"], l.Attrs["documentType"]
		r.DocumentNumber, r.Address = l.Sensitive["documentNumber"], l.Sensitive["address"]
		r.RegisteredAt = stamp(l.ValidFrom)
	case intel.LinkReportedIn:
		cs := c.entities[l.To]
		k, _, _ := intel.SplitEntityID(l.From)
		r.Type, r.CaseRef, r.ReportedAt = ingest.TypeVictimReport, key(l.To), stamp(l.ObservedAt)
		r.ScamType, r.Loss, r.Currency = cs.Attrs["scamType"], cs.Attrs["loss"], cs.Attrs["currency"]
		r.Involved = []ingest.Involved{{Role: l.Attrs["role"], Kind: string(k), Identifier: key(l.From)}}
	case intel.LinkUses:
		s := c.entities[l.From]
		k, _, _ := intel.SplitEntityID(l.To)
		r.Type, r.SuspectRef = ingest.TypeSuspectRecord, key(l.From)
		if strings.HasPrefix(key(l.From), l.Agency+":") {
			r.Names = suspectNames(s)
			r.Nationality = s.Attrs["nationality"]
		}
		r.Uses = []ingest.Involved{{Role: l.Attrs["role"], Kind: string(k), Identifier: key(l.To)}}
	default:
		return r, false
	}
	return r, true
}

// suspectNames lists a suspect's names, Latin first, then each script.
func suspectNames(s intel.Entity) []string {
	var names []string
	if n := s.Attrs["nameLatin"]; n != "" {
		names = append(names, n)
	}
	keys := slices.Sorted(maps.Keys(s.Attrs))
	for _, k := range keys {
		if strings.HasPrefix(k, "name") && k != "nameLatin" && s.Attrs[k] != "" {
			names = append(names, s.Attrs[k])
		}
	}
	return names
}
