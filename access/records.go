package access

import (
	"context"
	"errors"
)

// Records is the storage contract of the Registry: a small document store
// (JSON documents addressed by collection and id, each with a version for
// optimistic read-modify-write) and an append-only audit log. It knows
// nothing of agencies or agreements; the Registry holds every rule, so a
// backend only has to keep bytes safe and in order.
//
// Every implementation runs the suite in access/registrytest from a test
// beside it; any difference a caller of the Registry can see between two
// backends is a bug.
type Records interface {
	// Get returns the stored documents of collection with the given ids,
	// in the order of ids. Ids with no document are left out; a missing
	// document is not an error. Get MUST be one round trip, whatever the
	// number of ids, so that batch readers stay O(1).
	Get(ctx context.Context, collection string, ids []string) ([]Doc, error)
	// List returns every document of collection, ordered by id.
	List(ctx context.Context, collection string) ([]Doc, error)
	// Gather answers several Gets and Lists in one round trip, one result
	// per want in order, each as Get or List would give it. The API reads
	// a request's terms (key, agreements, grants) with one call.
	Gather(ctx context.Context, wants []Want) ([][]Doc, error)
	// Commit writes puts and appends audit (when not nil) atomically: all of
	// it becomes durable, or none of it. Each Put carries the version its
	// writer read (0: the document must not exist yet); if any stored
	// version differs, Commit MUST write nothing and return an error that
	// wraps ErrVersionMismatch. On success each put document's version is
	// one more than the version given. The audit entry's Seq is ignored
	// and allocated inside the same transaction: strictly increasing and
	// gap-free per backend, because a rolled-back commit allocates nothing.
	// Commit returns the entry as stored (zero when audit is nil). When
	// Commit returns nil the write MUST survive a crash of the process.
	Commit(ctx context.Context, puts []Put, audit *AuditEntry) (AuditEntry, error)
	// AppendAudits appends entries in one durable write (a transaction, or
	// one synced record of a journal), allocating their Seq values
	// consecutively in the order given, and returns them as stored. It is
	// how concurrent requests share one commit (see auditBatcher). When it
	// returns nil every entry MUST survive a crash, and a query MUST see
	// it at once. When it fails, a crash may still keep a prefix of the
	// entries, as it may keep the entry of a request whose answer was lost.
	AppendAudits(ctx context.Context, entries []AuditEntry) ([]AuditEntry, error)
	// QueryAudit returns the entries matching f (already validated, Limit
	// between 1 and MaxAuditLimit) in increasing Seq order. There is no
	// method to change an entry, and there MUST NOT be one.
	QueryAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// PruneAudit deletes the entries whose Seq is at most through, in one
	// transaction, and returns how many it deleted; later Seq values are
	// never reused. It is the retention of the log and nothing else calls
	// it: Registry.PruneAudit first checks that each entry it removes is in
	// an export, and records the pruning as an entry of its own.
	PruneAudit(ctx context.Context, through int64) (int, error)
	// Close releases what the backend holds. It MUST NOT close anything
	// the backend was given (such as a Neo4j driver).
	Close() error
}

// Want is one read of Gather: the documents of Collection with the given
// IDs (as Get), or every document of it when All (as List).
type Want struct {
	Collection string
	IDs        []string
	All        bool
}

// Doc is one stored document.
type Doc struct {
	ID      string
	Version int64
	// Data is the document's JSON encoding.
	Data []byte
}

// Put is one document write in a Commit.
type Put struct {
	Collection string
	ID         string
	// Version is the version the writer read; 0 means "must not exist".
	Version int64
	Data    []byte
}

// ErrVersionMismatch is what a Commit wraps when a document changed (or
// appeared) since its writer read it. The Registry retries the whole
// operation on it, so callers see it only as an ECONFLICT after repeated
// losses.
var ErrVersionMismatch = errors.New("access: document version mismatch")

// The collections the Registry keeps. They are part of the stored format:
// renaming one loses its documents.
const (
	collAgencies    = "agencies"
	collKeys        = "keys"
	collAgreements  = "agreements"
	collRequests    = "requests"
	collGrants      = "grants" // one document per requesting agency
	collLegalStatus = "legal_status"
)
