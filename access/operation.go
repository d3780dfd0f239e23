package access

// The one vocabulary of the audit log: what was done (operations), of which
// kind, and how it ended (outcomes). The use-case layer names every
// operation it runs with these constants, and the Registry names its own
// changes with them, so an auditor reading the log (or filtering it by
// operation) meets one word for one thing whichever entry point it came
// through: the GraphQL API, POST /ingest or the command line.

// The operations. Reads and writes of the graph are named by the use case,
// changes to the registry by the Registry method that commits them.
const (
	// Reads of the graph.
	OpLookup    = "lookup"
	OpSearch    = "search"
	OpNodes     = "nodes"
	OpLinks     = "links"
	OpSummaries = "summaries"
	OpNetwork   = "network"
	// OpExport is a network read to be carried out of the service as a
	// file (GraphML, GEXF, …): audited apart, since the copy leaves.
	OpExport      = "export"
	OpShortest    = "shortestPath"
	OpLegalStatus = "legalStatus"
	// Reads of the analytics: an entity's risk, the triage list, the rings.
	OpRisk     = "risk"
	OpRiskList = "riskList"
	OpRings    = "rings"
	// Analyses of the graph, computed over the reader's view.
	OpMoneyTrail  = "moneyTrail"
	OpLinkedCases = "linkedCases"
	// Reads of the registry.
	OpViewer           = "viewer"
	OpAgencies         = "agencies"
	OpAgreements       = "agreements"
	OpAPIKeys          = "apiKeys"
	OpEvidenceRequests = "evidenceRequests"
	OpAuditLog         = "auditLog"
	// Writes of the graph.
	OpUpsert       = "upsert"
	OpIngest       = "ingest"
	OpIngestStream = "ingestStream"
	OpRetractFact  = "retractFact"
	// OpMarkReport records an agency's redress of a victim report.
	OpMarkReport = "markReport"
	// Changes to the registry.
	OpCreateAgency        = "createAgency"
	OpCreateKey           = "createKey"
	OpRevokeKey           = "revokeKey"
	OpCreateAgreement     = "createAgreement"
	OpApproveAgreement    = "approveAgreement"
	OpExtendAgreement     = "extendAgreement"
	OpSuspendAgreement    = "suspendAgreement"
	OpResumeAgreement     = "resumeAgreement"
	OpRevokeAgreement     = "revokeAgreement"
	OpRequestEvidence     = "createRequest"
	OpAcknowledgeEvidence = "acknowledgeRequest"
	OpFulfilEvidence      = "fulfilRequest"
	OpDeclineEvidence     = "declineRequest"
	OpRecordLegalStatus   = "addStatusStep"
	// The operator's work on the service itself.
	OpBackup     = "backup"
	OpPruneAudit = "pruneAudit"
)

// The kinds of operation.
const (
	KindRead  = "READ"
	KindWrite = "WRITE"
	KindAdmin = "ADMIN"
)

// The outcomes: done, refused (the caller may not, or the key is not
// valid) and failed (the request was allowed but did not complete). A
// refused or failed entry carries the error code the caller was given.
const (
	OutcomeOK     = "OK"
	OutcomeDenied = "DENIED"
	OutcomeError  = "ERROR"
)
