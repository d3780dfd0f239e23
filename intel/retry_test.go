package intel_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

func TestRetry(t *testing.T) {
	down := intel.Unavailable(errors.New("connection refused"))
	t.Run("PermanentErrorRunsOnce", func(t *testing.T) {
		for _, err := range []error{
			intel.Errorf(intel.EINVALID, "caller", "is not a phone number"),
			intel.Errorf(intel.ECONFLICT, "", "version race"),
			intel.Errorf(intel.EFORBIDDEN, "agency", "not yours"),
			errors.New("neo4jstore: Neo.ClientError.Transaction.TransactionTimedOut"),
			context.DeadlineExceeded,
		} {
			attempts := 0
			got := intel.Retry(context.Background(), time.Minute, func() error { attempts++; return err }, nil)
			if attempts != 1 || got != err {
				t.Errorf("%v: %d attempts, returned %v; want exactly 1 attempt and the error itself", err, attempts, got)
			}
		}
	})
	t.Run("UnavailableRetriedUntilItAnswers", func(t *testing.T) {
		attempts, notices := 0, 0
		err := intel.Retry(context.Background(), time.Minute, func() error {
			attempts++
			if attempts < 3 {
				return down
			}
			return nil
		}, func(err error, attempt int, wait time.Duration) {
			notices++
			if intel.ErrorCode(err) != intel.EUNAVAILABLE || attempt != notices || wait <= 0 {
				t.Errorf("notice %d: %v, attempt %d, wait %s", notices, err, attempt, wait)
			}
		})
		if err != nil || attempts != 3 || notices != 2 {
			t.Errorf("err %v after %d attempts and %d notices, want success on the 3rd after 2", err, attempts, notices)
		}
	})
	t.Run("BudgetSpentGivesUnavailable", func(t *testing.T) {
		attempts := 0
		err := intel.Retry(context.Background(), 300*time.Millisecond, func() error { attempts++; return down }, nil)
		if intel.ErrorCode(err) != intel.EUNAVAILABLE || intel.ClientCode(err) != intel.CodeUnavailable {
			t.Errorf("got %v, want the store's UNAVAILABLE", err)
		}
		if attempts < 2 {
			t.Errorf("%d attempts within the budget, want it retried", attempts)
		}
	})
	t.Run("NoBudgetRunsOnce", func(t *testing.T) {
		attempts := 0
		err := intel.Retry(context.Background(), 0, func() error { attempts++; return down }, nil)
		if attempts != 1 || err != down {
			t.Errorf("%d attempts, %v; want 1 and the error", attempts, err)
		}
	})
	t.Run("CancelledContextStopsIt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		err := intel.Retry(ctx, time.Hour, func() error {
			attempts++
			cancel()
			return down
		}, nil)
		if attempts != 1 || err != down {
			t.Errorf("%d attempts, %v; want 1 and the store's error", attempts, err)
		}
	})
}

// TestUnavailableOutranksTheDeadlineItWraps: a store that let the
// caller's deadline pass because it does not answer is UNAVAILABLE, while
// a bare deadline stays a timeout, and the cause never reaches the message.
func TestUnavailableOutranksTheDeadlineItWraps(t *testing.T) {
	err := intel.Unavailable(context.DeadlineExceeded)
	if got := intel.ClientCode(err); got != intel.CodeUnavailable {
		t.Errorf("ClientCode = %s, want UNAVAILABLE", got)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Error("the cause is lost to errors.Is")
	}
	if got := intel.ClientCode(context.DeadlineExceeded); got != intel.CodeTimeout {
		t.Errorf("a bare deadline: %s, want TIMEOUT", got)
	}
	if msg := intel.ErrorMessage(err); msg == "" || msg == context.DeadlineExceeded.Error() {
		t.Errorf("message %q shows the cause", msg)
	}
	back := intel.ErrorFromClientCode(intel.ClientCode(err), "", intel.ErrorMessage(err))
	if intel.ErrorCode(back) != intel.EUNAVAILABLE || back.Message != intel.ErrorMessage(err) {
		t.Errorf("the code and message do not survive the round trip through a client: %+v", back)
	}
}
