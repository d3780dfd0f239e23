// Package usecase is every operation ScamGraph offers, each one function
// that takes the caller and returns its result, and the one place where the
// rules of who may do what are decided. The edges (the GraphQL resolvers,
// the HTTP handlers, the command line) only translate to and from it; the
// stores below it only keep and find facts, applying the caller's view
// (intel.Access) that this package works out.
//
// A request's Caller is made by Service.Authenticate (an API key and its
// purpose) or Service.Operator (the command line on its own store). Each use
// case checks the caller's role, applies its rules, runs, and records on the
// Caller what it did: the operation, how it ended (done, refused, failed,
// with the error code), the entities the store acknowledged writing, and,
// through the caller's view, the other country's facts it handed out. The
// edge then calls Service.Finish once, before the response goes out, which
// writes the request's audit entry from that record alone.
//
// # The rules
//
//	rule                          decided by                                 tested by
//	----                          ----------                                 ---------
//	roles per operation           roles, Caller.allow (rules.go)             TestEveryOperationHasRoles, TestRolesPerOperation
//	own-agency writes             Caller.ownFact (rules.go), for upsert      TestOwnFact, TestMixedBatchAnswersAlikeEverywhere
//	                              items, ingest records (contributor) and    (apitest)
//	                              evidence records alike
//	own-agency retractions        Caller.ownRetraction (rules.go): only the  apitest TestRetractedFactLeavesEveryView…,
//	                              contributor retracts a fact                conformance Retract checks
//	own-country administration    Caller.ownCountry (rules.go)               TestOwnCountry, apitest TestAdminsManageTheirOwnCountry…
//	agency-code shape             intel.AgencyCountry, intel.CheckAgencyCode intel TestAgencyCountry
//	purpose: shape                checkPurpose (caller.go)                   TestAuthenticatePurpose
//	purpose: needed across the    Caller.needPurpose (rules.go)              apitest TestCrossBorderNetworkNeedsPurpose…
//	border (network)
//	audit scope                   Caller.auditScope (rules.go)               TestAuditScope
//	evidence answers by own       FulfilEvidence (evidence.go): linkIds of   TestFulfilByStoredFacts
//	country's facts               the caller's country only
//	visibility of facts           intel.Access (what a reader may see),      conformance access checks (an independent
//	                              worked out by accessFor (caller.go) and    oracle), apitest sharing tests
//	                              applied by every store in its queries and
//	                              by guard.Store
//	redaction of personal data    intel.Access.ShowsPersonalData and         intel TestShowsPersonalData,
//	                              FieldGranted, applied by guard.Store       guard tests, apitest sharing tests
//	                              (mask.go)
//	a suspect or case is          ownFiling (rules.go), for ingest records   TestOwnFiling, ingest
//	described by its filing       (contributor) and evidence records; the    TestSuspectBelongsToItsFilingAgency,
//	agency only (writing)         mapping only says what a record files      TestCaseBelongsToItsReportingAgency
//	                              (ingest.FilingOf)
//	a suspect or case is          intel.Access.OwnedByOther, applied by      intel TestOwnedByOther, guard tests
//	described by its filing       guard.Store (mask.go)
//	agency only (reading)
//	cross-border reads audited    intel.Access.Foreign, noted by guard.Store intel TestShowsPersonalData, usecase
//	                              and LegalStatus                            TestCrossBorderReadIsAuditedWithWhatWasShown
//	analytics from the reader's   Reader.Risks, RiskList, Rings read through conformance RiskFollowsTheReadersView,
//	view only                     the caller's view (risk.go, rings.go);     apitest TestRiskIsComputedFromWhat…
//	                              results cached per view (accessKey)
//	redress by the filing agency  MarkReport (redress.go): the caller's      TestMarkReportRefusals,
//	only                          agency's own report facts                  TestRiskFollowsEveryIngestAndRedress
//	agreements, evidence request  access.Registry (the state of the          access registry suite
//	states, coordinators          registry: who is a party, a coordinator,
//	                              what an agreement covers)
//
// Errors are *intel.Error values of one vocabulary (EINVALID,
// EUNAUTHENTICATED, EFORBIDDEN, ENOTFOUND, ECONFLICT, and internal); the
// edges map them once each onto what clients see (intel.ClientCode).
package usecase
