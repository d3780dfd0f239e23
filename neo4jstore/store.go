// Package neo4jstore is the production backend: intel.Store over Neo4j 5
// through the official Go driver. Entities are (:Entity) nodes keyed by id;
// links are relationships of their own type keyed by id. Every method is one
// transaction: a managed one run by read or write, or, for a read of one
// statement, an auto-commit one run by readStatement, which saves the
// COMMIT's round trip. The driver's failures are classified there
// (classify: a store that does not answer is intel.EUNAVAILABLE, anything
// else stays what it is) and an unavailable store is retried there, within
// Config.RetryFor, through intel.Retry. The driver's own retry is off
// (driverRetry), so that the two do not multiply. Cypher is static and parameterised and sits beside the
// method that runs it.
package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// Config says how to reach Neo4j.
type Config struct {
	// URI is e.g. bolt://127.0.0.1:7687, or neo4j://host for a cluster.
	URI      string
	Username string
	Password string
	// Database is the database name; empty means the server's default.
	Database string
	// RetryFor is how long one transaction is retried while Neo4j does not
	// answer before the caller gets intel.EUNAVAILABLE (default
	// intel.DefaultRetryBudget). A server keeps it to seconds; the import
	// command, an operator's long job, may ride out a restart with minutes.
	RetryFor time.Duration
	// OnRetry, when set, hears of each failed attempt that will be retried
	// (for a log line).
	OnRetry func(err error, attempt int, wait time.Duration)
	// TxTimeout bounds each read transaction on the server (0:
	// DefaultTxTimeout; negative: the server's own db.transaction.timeout).
	// A request's deadline stops the client waiting; this stops Neo4j
	// working, so that a runaway traversal ends on the server too and frees
	// its memory. Such a transaction fails with a timeout and is not
	// retried. Writes are left to the server's setting: their size is
	// bounded by the batch, and an import's batch may rightly take long on
	// a loaded server.
	TxTimeout time.Duration
}

// DefaultTxTimeout is a little over the server's default request timeout
// (10s), so that a request's own deadline is normally what a client
// hears, and Neo4j still ends what the client has stopped waiting for.
const DefaultTxTimeout = 15 * time.Second

// driverRetry is the driver's own retry budget for one transaction: none.
// Left at its default (30 s, with a second's sleep between attempts) it
// would run inside every attempt of intel.Retry and stretch the store's
// budget by up to its own; off, each ExecuteRead or ExecuteWrite is one
// attempt, and intel.Retry alone decides, with shorter first waits (a
// pooled connection found dead after a restart is replaced within a
// tenth of a second).
const driverRetry = 0

// Store is the Neo4j implementation of intel.Store.
type Store struct {
	driver   neo4j.DriverWithContext
	db       string
	now      func() time.Time
	retryFor time.Duration
	onRetry  func(err error, attempt int, wait time.Duration)
	// txConfig applies Config.TxTimeout to every read transaction.
	txConfig []func(*neo4j.TransactionConfig)
	// factClassesFilled is closed when the start's filling in of fact
	// classes (see fillFactClassesInBackground) has ended.
	factClassesFilled chan struct{}
}

var _ intel.Store = (*Store)(nil)

// Open connects, checks that the server answers and applies the schema.
// One Store (one driver) per process: the driver pools connections itself.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.MaxTransactionRetryTime = driverRetry
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %w", err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(ctx)
		return nil, fmt.Errorf("neo4jstore: cannot reach %s: %w", cfg.URI, err)
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = intel.DefaultRetryBudget
	}
	s := &Store{driver: driver, db: cfg.Database, now: time.Now, retryFor: cfg.RetryFor, onRetry: cfg.OnRetry}
	switch {
	case cfg.TxTimeout == 0:
		s.txConfig = append(s.txConfig, neo4j.WithTxTimeout(DefaultTxTimeout))
	case cfg.TxTimeout > 0:
		s.txConfig = append(s.txConfig, neo4j.WithTxTimeout(cfg.TxTimeout))
	}
	if err := s.applySchema(ctx); err != nil {
		driver.Close(ctx)
		return nil, err
	}
	s.factClassesFilled = make(chan struct{})
	go s.fillFactClassesInBackground()
	go s.warmPlans()
	return s, nil
}

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.driver.VerifyConnectivity(ctx)
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	return s.driver.Close(context.Background())
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// read runs fn in one managed read transaction, retried while Neo4j is
// unavailable (see transact).
func read[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return transact(ctx, s, neo4j.AccessModeRead, fn)
}

// write runs fn in one managed write transaction, retried while Neo4j is
// unavailable (see transact). Every write is an idempotent merge, so one
// whose commit was lost with its connection is safe to run again.
func write[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	return transact(ctx, s, neo4j.AccessModeWrite, fn)
}

// readStatement runs one read statement as an auto-commit transaction
// and hands its result to fn, retried while Neo4j is unavailable, as
// transact retries. A managed transaction pays a second round trip for its
// COMMIT; one statement sees one consistent graph by itself and needs no
// such transaction, so a lookup costs one round trip.
func readStatement[T any](ctx context.Context, s *Store, stmt string, params map[string]any, fn func(res neo4j.ResultWithContext) (T, error)) (T, error) {
	var out T
	err := intel.Retry(ctx, s.retryFor, func() error {
		sess := s.session(ctx, neo4j.AccessModeRead)
		defer sess.Close(ctx)
		res, err := sess.Run(ctx, stmt, params, s.txConfig...)
		if err == nil {
			out, err = fn(res)
		}
		if err != nil {
			return classify(ctx, err, s.answers)
		}
		return nil
	}, s.onRetry)
	return out, err
}

// transact is the one place where the store's transactions run: each
// attempt in a session of its own, its failure classified, and an
// unavailable Neo4j retried within the store's budget.
func transact[T any](ctx context.Context, s *Store, mode neo4j.AccessMode, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var out T
	err := intel.Retry(ctx, s.retryFor, func() error {
		sess := s.session(ctx, mode)
		defer sess.Close(ctx)
		work := func(tx neo4j.ManagedTransaction) (any, error) { return fn(tx) }
		var v any
		var err error
		if mode == neo4j.AccessModeRead {
			v, err = sess.ExecuteRead(ctx, work, s.txConfig...)
		} else {
			v, err = sess.ExecuteWrite(ctx, work)
		}
		if err != nil {
			return classify(ctx, err, s.answers)
		}
		out = v.(T)
		return nil
	}, s.onRetry)
	return out, err
}
