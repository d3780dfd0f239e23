package server

import (
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/intel"
)

// retryAfterSeconds is the Retry-After of an UNAVAILABLE answer: the
// store has already been retried for its budget (a few seconds) before
// the client heard of it, so a client that waits this long and tries
// again is not hammering a store that is coming back.
const retryAfterSeconds = "5"

// httpStatus is the HTTP edge's one mapping of the error vocabulary onto
// status codes, for every endpoint that answers an error outside a GraphQL
// response (authentication, POST /ingest) and for a GraphQL response that
// failed as a whole (unavailable). The code in the body is
// intel.ClientCode's, the same one the GraphQL edge puts in
// extensions.code.
func httpStatus(code string) int {
	switch code {
	case intel.CodeBadUserInput:
		return http.StatusBadRequest
	case intel.CodeUnauthenticated:
		return http.StatusUnauthorized
	case intel.CodeForbidden:
		return http.StatusForbidden
	case intel.CodeNotFound:
		return http.StatusNotFound
	case intel.CodeConflict:
		return http.StatusConflict
	case intel.CodeUnavailable:
		return http.StatusServiceUnavailable
	case intel.CodeTimeout:
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

// writeError answers err as a GraphQL-over-HTTP error body with the
// status httpStatus gives (and Retry-After when the store is unavailable);
// internal errors are logged with the request id and shown only as
// "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := intel.ClientCode(err)
	ext := map[string]any{"code": code}
	if f := intel.ErrorField(err); f != "" && code != intel.CodeInternal {
		ext["field"] = f
	}
	switch code {
	case intel.CodeInternal:
		s.logger.Error().Err(err).Str("request_id", requestID(r.Context())).Str("path", r.URL.Path).Msg("internal error")
		ext["requestId"] = requestID(r.Context())
	case intel.CodeUnavailable:
		logUnavailable(s.logger.Warn(), err).Str("request_id", requestID(r.Context())).Str("path", r.URL.Path).
			Msg("store unavailable")
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	writeJSON(w, httpStatus(code), map[string]any{"errors": []map[string]any{{
		"message": clientMessage(err), "extensions": ext,
	}}})
}

// logUnavailable adds what the technology said (the domain error's
// cause) to a log event about an unavailable store: the operator needs
// it, the client never sees it.
func logUnavailable(ev *zerolog.Event, err error) *zerolog.Event {
	var domain *intel.Error
	if errors.As(err, &domain) && domain.Cause != nil {
		return ev.AnErr("cause", domain.Cause)
	}
	return ev.Err(err)
}
