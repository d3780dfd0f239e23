// Package neo4jstore is the production backend: intel.Store over Neo4j 5
// through the official Go driver. Entities are (:Entity) nodes keyed by id;
// links are relationships of their own type keyed by id. Every method is one
// managed transaction, so the driver retries transient failures (leader
// changes, deadlocks, dropped connections) on its own. Cypher is static and
// parameterised and sits beside the method that runs it.
package neo4jstore

import (
	"context"
	"errors"
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
}

// Store is the Neo4j implementation of intel.Store.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	now    func() time.Time
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
		c.MaxTransactionRetryTime = 30 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: %w", err)
	}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(ctx)
		return nil, fmt.Errorf("neo4jstore: cannot reach %s: %w", cfg.URI, err)
	}
	s := &Store{driver: driver, db: cfg.Database, now: time.Now}
	if err := s.applySchema(ctx); err != nil {
		driver.Close(ctx)
		return nil, err
	}
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

// read runs fn in one managed read transaction with the driver's retries.
func read[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	v, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return fn(tx) })
	if err != nil {
		var zero T
		return zero, translate(err)
	}
	return v.(T), nil
}

// write runs fn in one managed write transaction with the driver's retries.
func write[T any](ctx context.Context, s *Store, fn func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	v, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return fn(tx) })
	if err != nil {
		var zero T
		return zero, translate(err)
	}
	return v.(T), nil
}

// translate keeps domain errors and context errors as they are and wraps the
// rest, so that the edges see intel codes and an internal error stays internal.
func translate(err error) error {
	if intel.ErrorCode(err) != intel.EINTERNAL {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("neo4jstore: %w", err)
}
