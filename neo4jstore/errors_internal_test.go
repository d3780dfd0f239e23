package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// TestClassify is the table of what the driver says and what the layers
// above hear: unavailable (retried, then UNAVAILABLE with 503), a timeout,
// a cancellation, the domain error itself, or internal (never retried).
func TestClassify(t *testing.T) {
	dbErr := func(code string) error { return &neo4j.Neo4jError{Code: code, Msg: "from the server"} }
	live := context.Background()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("connect: %w", syscall.ECONNREFUSED)}

	cases := []struct {
		name    string
		ctx     context.Context
		err     error
		answers bool // what the probe would say
		want    string
	}{
		// Neo4j's own status codes.
		{"TransientDatabaseUnavailable", live, dbErr("Neo.TransientError.General.DatabaseUnavailable"), true, intel.CodeUnavailable},
		{"TransientDeadlock", live, dbErr("Neo.TransientError.Transaction.DeadlockDetected"), true, intel.CodeUnavailable},
		{"LeaderSwitchNotALeader", live, dbErr("Neo.ClientError.Cluster.NotALeader"), true, intel.CodeUnavailable},
		{"LeaderSwitchReadOnly", live, dbErr("Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"), true, intel.CodeUnavailable},
		{"TransactionTimedOut", live, dbErr("Neo.ClientError.Transaction.TransactionTimedOut"), true, intel.CodeInternal},
		{"TransactionTimedOutClientConfiguration", live, dbErr("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"), true, intel.CodeInternal},
		{"OldServersTransientTimeout", live, dbErr("Neo.TransientError.Transaction.TransactionTimedOut"), true, intel.CodeInternal},
		{"Terminated", live, dbErr("Neo.TransientError.Transaction.Terminated"), true, intel.CodeInternal},
		{"LockClientStopped", live, dbErr("Neo.TransientError.Transaction.LockClientStopped"), true, intel.CodeInternal},
		{"SyntaxError", live, dbErr("Neo.ClientError.Statement.SyntaxError"), true, intel.CodeInternal},
		{"ConstraintViolation", live, dbErr("Neo.ClientError.Schema.ConstraintValidationFailed"), true, intel.CodeInternal},
		{"Unauthorized", live, dbErr("Neo.ClientError.Security.Unauthorized"), true, intel.CodeInternal},
		// The connection.
		{"ConnectionRefused", live, &neo4j.ConnectivityError{Inner: refused}, true, intel.CodeUnavailable},
		{"ConnectionLost", live, &neo4j.ConnectivityError{Inner: io.EOF}, true, intel.CodeUnavailable},
		{"BareNetError", live, refused, true, intel.CodeUnavailable},
		{"BareEOF", live, fmt.Errorf("reading: %w", io.EOF), true, intel.CodeUnavailable},
		{"ConnectionReset", live, fmt.Errorf("write: %w", syscall.ECONNRESET), true, intel.CodeUnavailable},
		// The driver's own retry ran out.
		{"RetriesExhaustedOnConnections", live, &neo4j.TransactionExecutionLimit{Cause: "timeout",
			Errors: []error{refused, refused}}, true, intel.CodeUnavailable},
		{"RetriesExhaustedOnATimeout", live, &neo4j.TransactionExecutionLimit{Cause: "timeout",
			Errors: []error{dbErr("Neo.TransientError.Transaction.TransactionTimedOut")}}, true, intel.CodeInternal},
		// Deadlines and cancellation: the probe decides.
		{"DeadlineWhileNeo4jHangs", expired, &neo4j.ConnectivityError{Inner: errors.New("read timeout")}, false, intel.CodeUnavailable},
		{"DeadlineOnASlowQuery", expired, &neo4j.ConnectivityError{Inner: errors.New("read timeout")}, true, intel.CodeTimeout},
		{"CallerCancelled", cancelled, &neo4j.ConnectivityError{Inner: errors.New("read cancelled")}, false, intel.CodeInternal},
		// What is not the driver's.
		{"DomainErrorKept", live, intel.Errorf(intel.EINVALID, "ids", "too many"), true, intel.CodeBadUserInput},
		{"UsageError", live, &neo4j.UsageError{Message: "session closed"}, true, intel.CodeInternal},
		{"AnythingElse", live, errors.New("boom"), true, intel.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			probed := false
			got := classify(c.ctx, c.err, func() bool { probed = true; return c.answers })
			if code := intel.ClientCode(got); code != c.want {
				t.Errorf("%v: %s, want %s", c.err, code, c.want)
			}
			if probed && c.ctx.Err() != context.DeadlineExceeded {
				t.Error("probed Neo4j without a deadline having passed")
			}
			if c.name == "CallerCancelled" && !errors.Is(got, context.Canceled) {
				t.Errorf("%v does not say it was cancelled", got)
			}
			if !errors.Is(got, c.err) {
				t.Errorf("%v lost its cause %v", got, c.err)
			}
		})
	}
}
