package intel

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: every edge (GraphQL, CLI, HTTP)
// maps these, and only these, onto what its clients understand.
const (
	EINVALID  = "invalid"   // the caller's input is wrong; the message says which field and why
	ENOTFOUND = "not_found" // the thing asked for does not exist
	ECONFLICT = "conflict"  // the input contradicts what is stored
	EINTERNAL = "internal"  // our fault; details are logged, never shown
	// EUNAUTHENTICATED: the request carries no key, or one that is unknown,
	// revoked or expired.
	EUNAUTHENTICATED = "unauthenticated"
	// EFORBIDDEN: the caller is known but its role, agency or the agreements
	// in force do not allow the operation.
	EFORBIDDEN = "forbidden"
	// EUNAVAILABLE: a store (or the server behind a client) does not answer
	// for now: connection lost or refused, a leader switch, a database that
	// hangs. The same request may succeed later, so it is the one code that
	// Retry retries; every other code is permanent.
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error with a code, the input field it concerns (if any)
// and a message fit to show the person who made the request.
type Error struct {
	Code    string
	Field   string
	Message string
	// Cause is what the technology said, for the server's log (a driver's
	// connection error, say). It is never shown to a client: Error and
	// ErrorMessage give only Message.
	Cause error
}

// Error implements the error interface as "field: message".
func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Unwrap gives the cause, so that errors.Is sees through to it.
func (e *Error) Unwrap() error { return e.Cause }

// Unavailable builds the EUNAVAILABLE error of a store that does not
// answer; what stopped it is kept as the cause, for the log only.
func Unavailable(cause error) *Error {
	return &Error{Code: EUNAVAILABLE, Message: "the data store is not answering; try again shortly", Cause: cause}
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for any error that is not a
// domain error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the field an error concerns, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the message to show a caller: the domain message, or
// "internal error" for anything else, so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
