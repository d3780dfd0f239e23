package neo4jstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestOutOfTransactionMemoryIsTold: the server's refusal of a
// transaction's memory, bare or wrapped, is what sends an expansion to the
// level-by-level fallback; other transient errors are not.
func TestOutOfTransactionMemoryIsTold(t *testing.T) {
	oom := &neo4j.Neo4jError{Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
		Msg: "The allocation of an extra 2.0 MiB would use more than the limit 1.0 GiB."}
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"bare":      {oom, true},
		"wrapped":   {fmt.Errorf("reading: %w", oom), true},
		"deadlock":  {&neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}, false},
		"timed out": {&neo4j.Neo4jError{Code: "Neo.ClientError.Transaction.TransactionTimedOut"}, false},
		"other":     {errors.New("connection reset"), false},
		"nil":       {nil, false},
	} {
		if got := outOfTransactionMemory(c.err); got != c.want {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
	if err := classify(t.Context(), fmt.Errorf("wrapped: %w", errTooBigForOne), func() bool { return true }); !errors.Is(err, errTooBigForOne) {
		t.Errorf("the store's classification lost the fallback's signal: %v", err)
	}
}
