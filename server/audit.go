package server

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/guard"
	"github.com/scamgraph/scamgraph/resolvers"
)

// selfAudited are the mutations whose registry call writes its own audit
// entry (key, agreement and evidence-request changes); the operation is
// not logged a second time.
var selfAudited = map[string]bool{
	"createAgency": true, "createApiKey": true, "revokeApiKey": true,
	"createAgreement": true, "approveAgreement": true, "setAgreementStatus": true, "extendAgreement": true,
	"requestEvidence": true, "acknowledgeEvidenceRequest": true, "declineEvidenceRequest": true,
	"recordLegalStatus": true,
}

// auditTrail writes the audit entry of each GraphQL operation that must
// leave one: every write, every read that returned the other country's
// data, and every refusal. The entry is durable before the response goes
// out, so nothing a caller was shown is missing from the log. Masked fields
// are listed in the response's extensions, with the reason.
type auditTrail struct{ s *Server }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = auditTrail{}

func (auditTrail) ExtensionName() string                          { return "AuditTrail" }
func (auditTrail) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a auditTrail) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	req := guard.RequestFrom(ctx)
	if resp == nil || req == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return resp
	}
	if red := req.Report.Redactions(); len(red) > 0 {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["redactions"] = red
	}
	var fields []string
	self := true
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		fields = append(fields, f.Name)
		self = self && selfAudited[f.Name]
	}
	// Aliases can repeat a field any number of times: the log names each once.
	slices.Sort(fields)
	fields = slices.Compact(fields)
	op := access.ClipOperation(string(oc.Operation.Operation) + " " + strings.Join(fields, ","))
	entry := access.AuditEntry{RequestID: requestID(ctx), Operation: op,
		Purpose: req.Purpose, Outcome: "OK"}
	entry.Entities, entry.DataCountries = req.Report.CrossBorder()
	entry.Kind = "READ"
	if oc.Operation.Operation == ast.Mutation {
		entry.Kind = "WRITE"
		entry.Entities = append(entry.Entities, req.Written()...)
		slices.Sort(entry.Entities)
		entry.Entities = slices.Compact(entry.Entities)
	}
	for _, e := range resp.Errors {
		switch e.Extensions["code"] {
		case resolvers.CodeInternal:
			entry.Outcome, entry.Detail = access.OutcomeError, "failed: "+e.Message
		case resolvers.CodeForbidden, resolvers.CodeUnauthenticated:
			// An operation refused in part but that wrote something is
			// logged as the write it was, with the refusal in the detail.
			if len(req.Written()) == 0 {
				entry.Outcome = access.OutcomeDenied
			}
			entry.Detail = "refused: " + e.Message
		}
	}
	switch {
	case entry.Outcome != access.OutcomeOK, entry.Detail != "":
	case entry.Kind == "WRITE" && !self:
	case entry.Kind == "READ" && len(entry.DataCountries) > 0:
	default:
		return resp
	}
	if err := a.s.audit(ctx, req, entry); err != nil {
		// A read or write that cannot be audited is not shown: the rule
		// is that the log holds everything a caller saw.
		zerolog.Ctx(ctx).Error().Err(err).Msg("audit append failed")
		return graphql.ErrorResponse(ctx, "internal error: the request could not be audited")
	}
	return resp
}

// audit fills in who made the request and appends the entry.
func (s *Server) audit(ctx context.Context, req *guard.Request, e access.AuditEntry) error {
	p := req.Principal
	e.Agency, e.Country, e.KeyID, e.Role = p.Agency.Code, p.Agency.Country, p.Key.ID, p.Key.Role
	// Ids name what was read or written; one stored before keys were
	// checked for control characters must not make the read unauditable.
	for i, id := range e.Entities {
		e.Entities[i] = strings.Map(func(c rune) rune {
			if unicode.IsControl(c) {
				return unicode.ReplacementChar
			}
			return c
		}, id)
	}
	if len(e.Entities) > maxAuditEntities {
		e.Detail = strings.TrimSpace(e.Detail + " (entity list cut to the first " + strconv.Itoa(maxAuditEntities) + ")")
		e.Entities = e.Entities[:maxAuditEntities]
	}
	_, err := s.registry.AppendAudit(context.WithoutCancel(ctx), e)
	outcome := e.Outcome
	if err != nil {
		outcome = "FAILED"
	}
	s.metrics.audits.WithLabelValues(e.Kind, outcome).Inc()
	return err
}

// maxAuditEntities bounds one entry; a network answer can name thousands.
const maxAuditEntities = 5000
