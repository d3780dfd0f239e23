package intel

import (
	"context"
	"errors"
)

// The codes clients see: extensions.code of a GraphQL error, the code of an
// HTTP endpoint's error body and of a per-record ingest result. One
// vocabulary for every entry point, chosen by ClientCode alone, so the same
// mistake gets the same code through the mutation, the stream and the CLI.
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

// ClientCode maps an error onto the code a client sees.
func ClientCode(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	switch ErrorCode(err) {
	case EINVALID:
		return CodeBadUserInput
	case ENOTFOUND:
		return CodeNotFound
	case ECONFLICT:
		return CodeConflict
	case EUNAUTHENTICATED:
		return CodeUnauthenticated
	case EFORBIDDEN:
		return CodeForbidden
	}
	return CodeInternal
}
