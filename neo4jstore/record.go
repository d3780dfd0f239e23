package neo4jstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Attributes become properties with this prefix, so that Cypher users can
// query them while they can never collide with the fixed properties.
const attrPrefix = "attr_"

// Sensitive fields get a prefix of their own, so that they stay apart from
// attributes in the database as they are in the domain.
const sensitivePrefix = "pii_"

// Times are stored as Unix milliseconds: the precision the domain keeps, and
// a type every Cypher comparison handles the same way as the embedded store.
func msOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func timeFrom(v any) time.Time {
	if ms, ok := v.(int64); ok {
		return time.UnixMilli(ms).UTC()
	}
	return time.Time{}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func attrsFrom(props map[string]any) map[string]string { return withPrefix(props, attrPrefix) }

func sensitiveFrom(props map[string]any) map[string]string { return withPrefix(props, sensitivePrefix) }

func withPrefix(props map[string]any, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range props {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			out[name] = str(v)
		}
	}
	return out
}

func prefixed(attrs map[string]string) map[string]any { return addPrefixed(nil, attrPrefix, attrs) }

// addPrefixed adds m to props under prefix, creating props if nil.
func addPrefixed(props map[string]any, prefix string, m map[string]string) map[string]any {
	if props == nil {
		props = make(map[string]any, len(m))
	}
	for k, v := range m {
		props[prefix+k] = v
	}
	return props
}

// entityRow is the parameter row of one entity upsert (mergeEntityClause):
// what a first sighting stores and what an existing node merges in are the
// same fields, so each is sent once. Raw forms and markers go as sorted
// sets, as intel.MergeEntity keeps them; attrs holds the attributes and the
// sensitive fields under their prefixes.
func entityRow(e intel.Entity) map[string]any {
	return map[string]any{
		"id": e.ID, "kind": string(e.Kind), "key": e.Key, "label": e.Label,
		"rawForms": setOf(e.RawForms), "markers": setOf(e.Markers),
		"attrs": addPrefixed(prefixed(e.Attrs), sensitivePrefix, e.Sensitive),
	}
}

// setOf is s as intel.MergeEntity stores raw forms and markers: distinct,
// non-empty and sorted, never nil. The lists are short (intel bounds them).
func setOf(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// entityFrom reads an (:Entity) node's properties back into the domain type.
func entityFrom(v any) (intel.Entity, error) {
	props, ok := v.(map[string]any)
	if !ok {
		return intel.Entity{}, fmt.Errorf("neo4jstore: entity row is %T", v)
	}
	return intel.Entity{
		ID:            str(props["id"]),
		Kind:          intel.Kind(str(props["kind"])),
		Key:           str(props["key"]),
		Label:         str(props["label"]),
		RawForms:      sortedStrings(strList(props["rawForms"])),
		Markers:       sortedStrings(strList(props["markers"])),
		Attrs:         attrsFrom(props),
		Sensitive:     sensitiveFrom(props),
		FirstIngested: timeFrom(props["firstIngested"]),
	}, nil
}

// linkProps is the complete property map a link's relationship is set to,
// but for ingestedAt, which the store keeps from the link's first write,
// and the retraction, which only Retract sets.
func linkProps(l intel.Link) map[string]any {
	props := make(map[string]any, len(l.Attrs)+len(l.Sensitive)+13)
	addPrefixed(props, attrPrefix, l.Attrs)
	addPrefixed(props, sensitivePrefix, l.Sensitive)
	props["id"], props["eventKey"], props["agency"], props["country"] = l.ID, l.EventKey, l.Agency, string(l.Country)
	props["observedAt"], props["validFrom"], props["validUntil"] = msOrNil(l.ObservedAt), msOrNil(l.ValidFrom), msOrNil(l.ValidUntil)
	props["evidenceRef"], props["confidence"], props["legalBasis"] = l.EvidenceRef, l.Confidence, l.LegalBasis
	props["visibility"] = string(l.Visibility)
	props["tStart"], props["tEnd"] = l.Span()
	return props
}

// linkStubRow is the parameter row of a link whose ends may not be stored
// yet (upsertLinksTemplate): its properties and what a stub end needs.
func linkStubRow(l intel.Link) map[string]any {
	fk, fkey, _ := intel.SplitEntityID(l.From)
	tk, tkey, _ := intel.SplitEntityID(l.To)
	return map[string]any{
		"from": l.From, "to": l.To, "props": linkProps(l),
		"fromKind": string(fk), "fromKey": fkey, "toKind": string(tk), "toKey": tkey,
	}
}

// linkFrom reads a relationship's properties, type and ends back.
func linkFrom(props map[string]any, typ, from, to string) intel.Link {
	conf, _ := props["confidence"].(float64)
	return intel.Link{
		ID:       str(props["id"]),
		Type:     intel.LinkType(typ),
		From:     from,
		To:       to,
		EventKey: str(props["eventKey"]),
		Provenance: intel.Provenance{
			Agency:      str(props["agency"]),
			Country:     intel.Region(str(props["country"])),
			ObservedAt:  timeFrom(props["observedAt"]),
			ValidFrom:   timeFrom(props["validFrom"]),
			ValidUntil:  timeFrom(props["validUntil"]),
			IngestedAt:  timeFrom(props["ingestedAt"]),
			EvidenceRef: str(props["evidenceRef"]),
			Confidence:  conf,
			LegalBasis:  str(props["legalBasis"]),
			Visibility:  intel.Visibility(str(props["visibility"])),
		},
		Attrs:      attrsFrom(props),
		Sensitive:  sensitiveFrom(props),
		Retraction: retractionFrom(props),
	}
}

// retractionFrom reads the retraction properties Retract sets, nil when
// the link has none.
func retractionFrom(props map[string]any) *intel.Retraction {
	if props["retractedAt"] == nil {
		return nil
	}
	return &intel.Retraction{At: timeFrom(props["retractedAt"]), Agency: str(props["retractedBy"]), Reason: str(props["retractReason"])}
}

// linkFromRecord reads the four columns every link-returning query names
// link, type, from and to.
func linkFromRecord(get func(string) (any, bool)) (intel.Link, error) {
	props, _ := get("link")
	typ, _ := get("type")
	from, _ := get("from")
	to, _ := get("to")
	m, ok := props.(map[string]any)
	if !ok {
		return intel.Link{}, fmt.Errorf("neo4jstore: link row is %T", props)
	}
	return linkFrom(m, str(typ), str(from), str(to)), nil
}
