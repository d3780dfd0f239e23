package ingest

// Status says what happened to one record.
type Status string

// The statuses.
const (
	// StatusAccepted records were written (and are durable once their
	// batch is reported).
	StatusAccepted Status = "ACCEPTED"
	// StatusDuplicate records were already stored exactly as sent: a
	// resent record, which changes nothing.
	StatusDuplicate Status = "DUPLICATE"
	// StatusRejected records were not written; Field and Reason say why.
	StatusRejected Status = "REJECTED"
)

// Result is the outcome of one record, in the order of the input.
type Result struct {
	// Line is the record's line in its file (1-based), or its index in a
	// GraphQL list (0-based).
	Line   int        `json:"line"`
	Status Status     `json:"status"`
	Type   RecordType `json:"type,omitempty"`
	// Code, Field and Reason explain a rejection: the API's error code, the
	// record field at fault and why.
	Code   string `json:"code,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Warnings list what a stored (or duplicate) record held that was set
	// aside or read with a doubt; the record itself was not rejected.
	Warnings []Warning `json:"warnings,omitempty"`
	// Record is the record's text as it stood in the input, for a rejected
	// record and for one with warnings.
	Record string `json:"record,omitempty"`
	// Entities and Links name what an accepted record wrote, once the
	// store acknowledged its batch: the audit lists these and nothing a
	// rejected or duplicate record would have touched. Not part of the
	// wire result, which shows nothing of what is stored.
	Entities []string `json:"-"`
	Links    []string `json:"-"`
}

// Totals count the outcomes of a run.
type Totals struct {
	Records   int `json:"records"`
	Accepted  int `json:"accepted"`
	Duplicate int `json:"duplicate"`
	Rejected  int `json:"rejected"`
	// Warnings counts the warnings of the records that were not rejected
	// (a record may have several), apart from the rejects.
	Warnings int `json:"warnings"`
	Batches  int `json:"batches"`
}

func (t *Totals) add(r Result) {
	t.Records++
	t.Warnings += len(r.Warnings)
	switch r.Status {
	case StatusAccepted:
		t.Accepted++
	case StatusDuplicate:
		t.Duplicate++
	default:
		t.Rejected++
	}
}
