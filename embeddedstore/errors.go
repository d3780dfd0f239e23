package embeddedstore

import (
	"errors"
	"fmt"
	"syscall"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// translate gives a failed bbolt transaction its place in the domain's
// vocabulary. The data file not being open (the store is closing) and a
// disk that is full or refuses the write are the store being unavailable:
// nothing about the request is wrong, and it may succeed on another
// replica or once an operator has made room. Anything else stays an
// internal error of this store; domain errors raised inside the
// transaction stay as they are.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case intel.ErrorCode(err) != intel.EINTERNAL:
		return err
	case errors.Is(err, bolt.ErrDatabaseNotOpen), errors.Is(err, bolt.ErrTimeout),
		errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return intel.Unavailable(fmt.Errorf("embeddedstore: %s: %w", what, err))
	}
	return fmt.Errorf("embeddedstore: %s: %w", what, err)
}
