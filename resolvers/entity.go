package resolvers

import (
	"sort"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
)

// entityModel maps a stored entity onto its GraphQL type.
func entityModel(e intel.Entity) model.Entity {
	attrs, sensitive := attrModels(e.Attrs), attrModels(e.Sensitive)
	rawForms := nonNil(e.RawForms)
	kind := model.EntityKind(e.Kind)
	switch e.Kind {
	case intel.KindPhoneNumber:
		return &model.PhoneNumber{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs, Sensitive: sensitive,
			FirstIngested: e.FirstIngested, Markers: nonNil(e.Markers),
			NumberType: optional(e.Attrs["numberType"]), Carrier: optional(e.Attrs["carrier"]), Country: optional(e.Attrs["country"])}
	case intel.KindVoipAccount:
		var domain *string
		if _, host, ok := strings.Cut(e.Key, "@"); ok {
			domain = &host
		}
		return &model.VoipAccount{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs, Sensitive: sensitive,
			FirstIngested: e.FirstIngested, Domain: domain}
	case intel.KindIPAddress:
		version := 4
		if strings.Contains(e.Key, ":") {
			version = 6
		}
		return &model.IPAddress{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs, Sensitive: sensitive,
			FirstIngested: e.FirstIngested, Version: &version}
	case intel.KindBankAccount:
		parts := strings.SplitN(e.Key, ":", 3)
		var country, code *string
		if len(parts) == 3 {
			country, code = &parts[0], &parts[1]
		}
		return &model.BankAccount{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs, Sensitive: sensitive,
			FirstIngested: e.FirstIngested, Country: country, BankCode: code, BankName: optional(e.Attrs["bankName"])}
	case intel.KindMessagingAccount:
		return &model.MessagingAccount{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs,
			Sensitive: sensitive, FirstIngested: e.FirstIngested, Service: optional(e.Attrs["service"])}
	case intel.KindCase:
		return &model.Case{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs,
			Sensitive: sensitive, FirstIngested: e.FirstIngested}
	case intel.KindPerson:
		return &model.Person{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs,
			Sensitive: sensitive, FirstIngested: e.FirstIngested}
	default:
		return &model.Suspect{ID: e.ID, Kind: kind, Key: e.Key, Label: e.Label, Display: intel.Display(e), RawForms: rawForms, Attrs: attrs, Sensitive: sensitive,
			FirstIngested: e.FirstIngested}
	}
}

// stubEntity stands for an entity known only by id; the Link.from and
// Link.to resolvers load the whole entity through the request's loader.
func stubEntity(id string) model.Entity {
	kind, key, _ := intel.SplitEntityID(id)
	return entityModel(intel.Entity{ID: id, Kind: kind, Key: key})
}

func summaryModel(s intel.Summary) *model.EntitySummary {
	out := &model.EntitySummary{LinkCount: s.LinkCount, ReportCount: s.ReportCount, Agencies: nonNil(s.Agencies),
		LinkCounts: []*model.LinkCount{}}
	for _, spec := range intel.LinkSpecs {
		if n := s.LinkCounts[spec.Type]; n > 0 {
			out.LinkCounts = append(out.LinkCounts, &model.LinkCount{Type: model.LinkType(spec.Type), Count: n})
		}
	}
	out.FirstSeen = optionalTime(s.FirstSeen)
	out.LastSeen = optionalTime(s.LastSeen)
	return out
}

func linkModel(l intel.Link) *model.Link {
	out := &model.Link{
		ID: globalLinkID(l.ID), Type: model.LinkType(l.Type), From: stubEntity(l.From), To: stubEntity(l.To),
		EventKey: optional(l.EventKey), Attrs: attrModels(l.Attrs), Sensitive: attrModels(l.Sensitive),
		Provenance: &model.Provenance{
			Agency: l.Agency, Country: model.Region(l.Country), ObservedAt: optionalTime(l.ObservedAt),
			ValidFrom: optionalTime(l.ValidFrom), ValidUntil: optionalTime(l.ValidUntil), IngestedAt: l.IngestedAt,
			EvidenceRef: l.EvidenceRef, Confidence: l.Confidence, LegalBasis: l.LegalBasis,
			Visibility: model.Visibility(l.Visibility),
		},
	}
	if r := l.Retraction; r != nil {
		out.Retraction = &model.Retraction{At: r.At, Agency: r.Agency, Reason: r.Reason}
	}
	return out
}

func connectionModel(p intel.NeighbourPage) *model.LinkConnection {
	out := &model.LinkConnection{Edges: []*model.LinkEdge{}, PageInfo: &model.PageInfo{HasNextPage: p.HasNextPage},
		TotalCount: p.TotalCount}
	for _, n := range p.Items {
		dir := model.DirectionIn
		if n.Outgoing {
			dir = model.DirectionOut
		}
		out.Edges = append(out.Edges, &model.LinkEdge{Cursor: n.Cursor, Node: linkModel(n.Link),
			Neighbour: entityModel(n.Entity), Direction: dir})
	}
	if len(p.Items) > 0 {
		out.PageInfo.EndCursor = &p.Items[len(p.Items)-1].Cursor
	}
	return out
}

// attrModels lists attributes sorted by key, so answers are stable.
func attrModels(m map[string]string) []*model.Attr {
	out := make([]*model.Attr, 0, len(m))
	for k, v := range m {
		out = append(out, &model.Attr{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Link ids get a "Link:" prefix in the API so that node(id:) can tell them
// from entity ids, which start with their kind.
const linkIDPrefix = "Link:"

func globalLinkID(id string) string { return linkIDPrefix + id }

// parseGlobalID tells an entity id from a link id, or says why it is neither.
func parseGlobalID(field, id string) (entityID, linkID string, err error) {
	if rest, ok := strings.CutPrefix(id, linkIDPrefix); ok && rest != "" {
		return "", rest, nil
	}
	if _, _, ok := intel.SplitEntityID(id); ok {
		return id, "", nil
	}
	return "", "", intel.Errorf(intel.EINVALID, field, "%q is not a ScamGraph id (want Kind:key, e.g. PhoneNumber:+66812345678, or Link:…)", id)
}

// entityIDArg checks that an argument names an entity.
func entityIDArg(field, id string) (string, error) {
	eid, _, err := parseGlobalID(field, id)
	if err == nil && eid == "" {
		err = intel.Errorf(intel.EINVALID, field, "%q is a link id; an entity id is needed here", id)
	}
	return eid, err
}

func linkTypes(ts []model.LinkType) []intel.LinkType {
	out := make([]intel.LinkType, len(ts))
	for i, t := range ts {
		out[i] = intel.LinkType(t)
	}
	return out
}

func kinds(ks []model.EntityKind) []intel.Kind {
	out := make([]intel.Kind, len(ks))
	for i, k := range ks {
		out[i] = intel.Kind(k)
	}
	return out
}

func window(since, until *time.Time) intel.TimeWindow {
	var w intel.TimeWindow
	if since != nil {
		w.Since = *since
	}
	if until != nil {
		w.Until = *until
	}
	return w
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
