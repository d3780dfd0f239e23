package resolvers

import (
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/graph/model"
	"github.com/scamgraph/scamgraph/intel"
)

func agencyModel(a access.Agency) *model.Agency {
	return &model.Agency{Code: a.Code, Name: a.Name, Country: model.Region(a.Country)}
}

func keyModel(k access.Key) *model.APIKey {
	return &model.APIKey{ID: k.ID, Agency: k.Agency, Role: model.Role(k.Role), Label: k.Label, CreatedAt: k.CreatedAt,
		ExpiresAt: k.ExpiresAt, RevokedAt: optionalTime(k.RevokedAt), RevokeReason: optional(k.RevokeReason),
		Active: k.Active(time.Now())}
}

func categoryModels(cs []intel.Category) []model.EvidenceCategory {
	out := make([]model.EvidenceCategory, len(cs))
	for i, c := range cs {
		out[i] = model.EvidenceCategory(c)
	}
	return out
}

func agreementModel(a access.Agreement, now time.Time) *model.Agreement {
	out := &model.Agreement{ID: a.ID, Title: a.Title, Parties: []*model.Party{}, Categories: categoryModels(a.Categories),
		Purpose: a.Purpose, LegalBasis: a.LegalBasis, ValidFrom: a.ValidFrom, ValidUntil: a.ValidUntil,
		Status: model.AgreementStatus(a.Status), ActiveNow: a.ActiveAt(now), Coordinators: nonNil(a.Coordinators),
		Extensions: a.Extensions, Approvals: regionModels(a.Approvals), PendingApprovals: regionModels(a.PendingApprovals),
		PendingValidUntil: optionalTime(a.PendingUntil), History: []*model.AgreementEvent{}}
	if a.SuspendedBy != "" {
		by := model.Region(a.SuspendedBy)
		out.SuspendedBy = &by
	}
	for _, p := range a.Parties {
		out.Parties = append(out.Parties, &model.Party{Country: model.Region(p.Country), Authority: p.Authority})
	}
	for _, h := range a.History {
		out.History = append(out.History, &model.AgreementEvent{At: h.At, By: h.By, Action: h.Action, Reason: optional(h.Reason)})
	}
	return out
}

func requestModel(r access.EvidenceRequest, now time.Time) *model.EvidenceRequest {
	out := &model.EvidenceRequest{ID: r.ID, AgreementID: r.AgreementID, RequestingAgency: r.RequestingAgency,
		RequestingCountry: model.Region(r.RequestingCountry), RespondingCountry: model.Region(r.RespondingCountry),
		EntityID: r.EntityID, Categories: categoryModels(r.Categories), Fields: nonNil(r.Fields),
		Since: optionalTime(r.Period.Since), Until: optionalTime(r.Period.Until), Description: r.Description,
		LegalBasis: r.LegalBasis, DueAt: r.DueAt, Status: model.RequestStatus(r.Status), Overdue: r.Overdue(now),
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, AcknowledgedAt: optionalTime(r.AcknowledgedAt),
		AnsweredAt: optionalTime(r.AnsweredAt), AnsweredBy: optional(r.AnsweredBy), DeclineReason: optional(r.DeclineReason)}
	if r.Status == access.RequestFulfilled {
		out.Grant = &model.Grant{LinkIds: globalLinkIDs(r.Grant.LinkIDs), EntityIds: nonNil(r.Grant.EntityIDs),
			Fields: nonNil(r.Grant.Fields)}
	}
	return out
}

func globalLinkIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = globalLinkID(id)
	}
	return out
}

func auditModel(e access.AuditEntry) *model.AuditEntry {
	return &model.AuditEntry{Seq: int(e.Seq), At: e.At, RequestID: e.RequestID, Agency: e.Agency, Country: model.Region(e.Country),
		KeyID: e.KeyID, Role: model.Role(e.Role), Operation: e.Operation, Kind: e.Kind, Purpose: optional(e.Purpose),
		Entities: nonNil(e.Entities), DataCountries: regionModels(e.DataCountries), Outcome: e.Outcome, Code: optional(e.Code), Detail: optional(e.Detail)}
}

func regionModels(rs []intel.Region) []model.Region {
	out := make([]model.Region, len(rs))
	for i, r := range rs {
		out[i] = model.Region(r)
	}
	return out
}
