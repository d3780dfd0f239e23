package usecase

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/scamgraph/scamgraph/access"
)

// maxAuditEntities bounds one entry; a network answer can name thousands.
const maxAuditEntities = 5000

// Finish writes the request's audit entry, when it must leave one: every
// write, every read that returned the other country's data, and every
// refused or failed operation. The entry is built from what the use cases
// recorded (the operations run and how each ended, the entities the store
// acknowledged writing, the other country's facts handed out), never from
// the response. The edge calls Finish once, before the response goes out,
// and must not send a response it could not audit: the rule is that the
// log holds everything a caller saw.
//
// Finish returns only once the entry is durable: concurrent requests'
// entries share one group commit (access's auditBatcher: one fsync on
// bbolt, one transaction on Neo4j), so a busy server pays one commit per
// batch, not per read, yet an acknowledged request's entry survives a
// crash (access TestKill9LosesNoAcknowledgedAuditEntry, on both backends).
//
// A request that ran only operations whose registry change committed its
// own entry (keys, agreements, evidence requests, legal status) leaves no
// second one.
//
// Finish returns the entry and whether the request left one.
func (s *Service) Finish(ctx context.Context, c *Caller) (access.AuditEntry, bool, error) {
	e, ok := c.auditEntry()
	defer c.endAudit(ok)
	if !ok {
		return e, false, nil
	}
	_, err := s.registry.AppendAudit(context.WithoutCancel(ctx), e)
	return e, true, err
}

// InFlight counts c's request among those whose audit entry may yet come,
// until Finish has appended it or the returned function is called (the
// edge defers it, for a request that ends without Finish). The group
// commit of audit entries waits a little for the entries of requests in
// flight (access.Registry.ExpectAudit), so that a busy server pays one
// durable write for many reads; a request not counted is not waited for.
func (s *Service) InFlight(c *Caller) (end func()) {
	done := s.registry.ExpectAudit()
	c.mu.Lock()
	c.auditDone = done
	c.mu.Unlock()
	return func() { done(false) }
}

func (c *Caller) endAudit(appended bool) {
	c.mu.Lock()
	done := c.auditDone
	c.mu.Unlock()
	if done != nil {
		done(appended)
	}
}

// auditEntry is the entry c's request leaves, and whether it must leave one.
func (c *Caller) auditEntry() (access.AuditEntry, bool) {
	c.mu.Lock()
	ops := slices.Clone(c.ops)
	outcome, code, detail, self := c.outcome, c.code, c.detail, c.selfAudited
	exports := slices.Clone(c.exports)
	c.mu.Unlock()
	if len(ops) == 0 {
		return access.AuditEntry{}, false
	}
	slices.Sort(ops)
	p := c.Principal
	e := access.AuditEntry{RequestID: c.RequestID, Agency: p.Agency.Code, Country: p.Agency.Country, KeyID: p.Key.ID,
		Role: p.Key.Role, Operation: access.ClipOperation(strings.Join(ops, ",")), Kind: access.KindRead,
		Purpose: c.Purpose, Outcome: outcome, Code: code, Detail: detail}
	if e.Outcome == "" {
		e.Outcome = access.OutcomeOK
	}
	if c.access != nil && !c.access.AsOf.IsZero() {
		e.Detail = strings.TrimSpace(e.Detail + " (as of " + c.access.AsOf.Format(time.RFC3339Nano) + ")")
	}
	e.Entities, e.DataCountries = c.report.CrossBorder()
	written := c.writtenIDs()
	wrote := false
	for _, op := range ops {
		if writeOps[op] {
			e.Kind, wrote = access.KindWrite, true
		}
	}
	for _, op := range ops {
		if adminOps[op] {
			e.Kind, wrote = access.KindAdmin, true
		}
	}
	e.Entities = append(e.Entities, written...)
	e.Entities = append(e.Entities, exports...)
	slices.Sort(e.Entities)
	e.Entities = slices.Compact(e.Entities)
	switch {
	case e.Outcome != access.OutcomeOK:
	case wrote:
	case len(e.DataCountries) > 0:
	case len(exports) > 0:
	default:
		return e, false
	}
	if self == len(ops) && e.Outcome == access.OutcomeOK && len(e.DataCountries) == 0 {
		return e, false
	}
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
	return e, true
}

// adminOps are the operator's operations on the service itself, always
// audited: a backup copies every agency's data.
var adminOps = map[string]bool{access.OpBackup: true}

// writeOps are the operations that write the graph or the registry.
var writeOps = map[string]bool{
	access.OpUpsert: true, access.OpIngest: true, access.OpIngestStream: true, access.OpFulfilEvidence: true,
	access.OpRetractFact:  true,
	access.OpCreateAgency: true, access.OpCreateKey: true, access.OpRevokeKey: true,
	access.OpCreateAgreement: true, access.OpApproveAgreement: true, access.OpExtendAgreement: true,
	access.OpSuspendAgreement: true, access.OpResumeAgreement: true, access.OpRevokeAgreement: true,
	access.OpRequestEvidence: true, access.OpAcknowledgeEvidence: true, access.OpDeclineEvidence: true,
	access.OpRecordLegalStatus: true, access.OpMarkReport: true,
}
