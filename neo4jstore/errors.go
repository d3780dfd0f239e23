package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// probeTimeout bounds the question classify asks when a deadline passed:
// does Neo4j answer a trivial query at all?
const probeTimeout = time.Second

// classify translates a failed transaction into the domain's vocabulary,
// which is what the layers above (and intel.Retry) act on:
//
//   - a domain error raised inside the transaction stays as it is;
//   - the caller's cancellation stays a cancellation;
//   - a deadline that passed is intel.EUNAVAILABLE when Neo4j does not
//     answer a trivial query either (answers is asked; a hung server looks
//     exactly like a slow query from inside one), and a timeout otherwise;
//   - a failure the store may recover from (transient reports in Neo4j's
//     own status codes, lost or refused connections, a routing table that
//     cannot be read during a leader switch, a connection pool that hands
//     out nothing) is intel.EUNAVAILABLE: see unavailable;
//   - everything else is an internal error of this store, never retried.
func classify(ctx context.Context, err error, answers func() bool) error {
	if intel.ErrorCode(err) != intel.EINTERNAL {
		return err
	}
	switch ctx.Err() {
	case context.Canceled:
		return fmt.Errorf("neo4jstore: %w: %w", context.Canceled, err)
	case context.DeadlineExceeded:
		if !answers() {
			return intel.Unavailable(fmt.Errorf("neo4jstore: no answer before the deadline: %w", err))
		}
		return fmt.Errorf("neo4jstore: %w: %w", context.DeadlineExceeded, err)
	}
	if unavailable(err) {
		return intel.Unavailable(fmt.Errorf("neo4jstore: %w", err))
	}
	return fmt.Errorf("neo4jstore: %w", err)
}

// unavailable says whether a driver error means that Neo4j cannot serve
// the transaction for now, so that the same transaction may succeed later.
// A transaction that ran out of its own time (a runaway query) or was
// terminated by an administrator is not: running it again would end the
// same way.
func unavailable(err error) bool {
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		// The driver gives up this way only on errors it deemed retryable
		// (or when its sleep was cut short, which the caller's context
		// tells); the one exception is a server that still reports a
		// transaction timeout as transient.
		if n := len(limit.Errors); n > 0 && permanent(limit.Errors[n-1]) {
			return false
		}
		return true
	}
	if permanent(err) {
		return false
	}
	var dbErr *neo4j.Neo4jError
	if errors.As(err, &dbErr) {
		return dbErr.IsRetriable()
	}
	var conn *neo4j.ConnectivityError
	var netErr net.Error
	switch {
	case errors.As(err, &conn), errors.As(err, &netErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// Errors of the driver's own internal types (a pool timeout, a routing
	// table that could not be read) are not all exported; the driver's
	// retry test knows them.
	for e := err; e != nil; e = errors.Unwrap(e) {
		if neo4j.IsRetryable(e) {
			return true
		}
	}
	return false
}

// permanent says whether err is a Neo4j status that no retry can cure
// even though older servers or the driver may classify it as transient:
// a transaction that exceeded its timeout, or one that was terminated.
func permanent(err error) bool {
	var dbErr *neo4j.Neo4jError
	if !errors.As(err, &dbErr) {
		return false
	}
	return strings.Contains(dbErr.Code, ".TransactionTimedOut") || strings.HasSuffix(dbErr.Code, ".Terminated") ||
		strings.HasSuffix(dbErr.Code, ".LockClientStopped")
}

// answers says whether Neo4j runs a trivial query within probeTimeout,
// on a context of its own (the caller's has passed its deadline).
func (s *Store) answers() bool {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "RETURN 1", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db))
	return err == nil
}
