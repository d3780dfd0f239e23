package intel

import (
	"context"
	"math/rand/v2"
	"time"
)

// DefaultRetryBudget is how long a store call is retried while its store
// is unavailable before the caller is told so: a few seconds, enough to
// ride out a dropped connection or a leader switch, short enough that a
// client of a store that stays down hears UNAVAILABLE well inside its
// request timeout. A long job (the import command) sets a longer one.
const DefaultRetryBudget = 3 * time.Second

// Retry backs off between attempts from retryFirstWait, doubling up to
// retryMaxWait, each wait drawn at random from its upper half so that
// callers that failed together do not come back together.
const (
	retryFirstWait = 100 * time.Millisecond
	retryMaxWait   = 5 * time.Second
)

// Retry runs op until it succeeds, fails with an error that is not
// EUNAVAILABLE (permanent errors are never retried: op runs exactly once),
// ctx ends, or budget has been spent; it then returns op's last error.
// Waits back off exponentially with jitter, and the last wait is cut so
// that the whole stays within budget (plus the last attempt's own time).
// onRetry, when not nil, hears of each failure that will be retried.
//
// This is the one place where a transient store failure is retried: the
// stores call it around each transaction, so that no layer above them
// multiplies the attempts. op must be safe to repeat; every store write
// is (writes are idempotent merges by id).
func Retry(ctx context.Context, budget time.Duration, op func() error, onRetry func(err error, attempt int, wait time.Duration)) error {
	deadline := time.Now().Add(budget)
	ceiling := retryFirstWait
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || ErrorCode(err) != EUNAVAILABLE || ctx.Err() != nil {
			return err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		wait := min(ceiling/2+rand.N(ceiling/2+1), left)
		if onRetry != nil {
			onRetry(err, attempt, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
		ceiling = min(ceiling*2, retryMaxWait)
	}
}
