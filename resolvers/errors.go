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
	// CodeUnauthenticated: no key, or one unknown, revoked or expired.
	CodeUnauthenticated = "UNAUTHENTICATED"
	// CodeForbidden: a known caller not allowed the operation.
	CodeForbidden = "FORBIDDEN"
	CodeTimeout   = "TIMEOUT"
	CodeInternal  = "INTERNAL"
)

// ClientCode maps an error onto the code a client sees: the error presenter
// and the per-item results of mutations both use it. (Ingest results, which
// can only be BAD_USER_INPUT or INTERNAL, are named by ingest.codeOf with the
// same rule, since ingest sits below this package.)
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
	case intel.EUNAUTHENTICATED:
		return CodeUnauthenticated
	case intel.EFORBIDDEN:
		return CodeForbidden
	}
	return CodeInternal
}
