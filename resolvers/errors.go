package resolvers

import (
	"context"
	"errors"

	"github.com/scamgraph/scamgraph/intel"
)

// The codes clients see in extensions.code.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeNotFound     = "NOT_FOUND"
	CodeConflict     = "CONFLICT"
	CodeTimeout      = "TIMEOUT"
	CodeInternal     = "INTERNAL"
)

// ClientCode maps an error onto the code a client sees. It is the one
// translation from domain codes to API codes; the error presenter and the
// per-item results of mutations both use it.
func ClientCode(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	switch intel.ErrorCode(err) {
	case intel.EINVALID:
		return CodeBadUserInput
	case intel.ENOTFOUND:
		return CodeNotFound
	case intel.ECONFLICT:
		return CodeConflict
	}
	return CodeInternal
}
