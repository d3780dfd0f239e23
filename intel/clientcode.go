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
	// CodeUnavailable: a store does not answer for now; HTTP 503 with
	// Retry-After. The same request may succeed later.
	CodeUnavailable = "UNAVAILABLE"
	CodeTimeout     = "TIMEOUT"
	CodeInternal    = "INTERNAL"
)

// ClientCode maps an error onto the code a client sees. A domain code
// wins over a deadline it wraps: a store that let the deadline pass
// because it does not answer is UNAVAILABLE, not a slow request.
func ClientCode(err error) string {
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
	case EUNAVAILABLE:
		return CodeUnavailable
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeTimeout
	}
	return CodeInternal
}

// ErrorFromClientCode is the inverse of ClientCode for a client of the
// service (the import command talking to a server): it turns the code and
// message of an answer back into a domain error, so that the client
// retries and reports in the same vocabulary. An unknown code is internal.
func ErrorFromClientCode(code, field, message string) *Error {
	c := EINTERNAL
	switch code {
	case CodeBadUserInput:
		c = EINVALID
	case CodeNotFound:
		c = ENOTFOUND
	case CodeConflict:
		c = ECONFLICT
	case CodeUnauthenticated:
		c = EUNAUTHENTICATED
	case CodeForbidden:
		c = EFORBIDDEN
	case CodeUnavailable:
		c = EUNAVAILABLE
	}
	return &Error{Code: c, Field: field, Message: message}
}
