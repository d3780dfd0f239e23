package server

import (
	"net/http"

	"github.com/scamgraph/scamgraph/intel"
)

// httpStatus is the HTTP edge's one mapping of the error vocabulary onto
// status codes, for every endpoint that answers an error outside a GraphQL
// response (authentication, POST /ingest). The code in the body is
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
	case intel.CodeTimeout:
		return http.StatusGatewayTimeout
	}
	// An internal failure before the request ran (the registry not
	// answering) is the service being unavailable, not the client's doing.
	return http.StatusServiceUnavailable
}

// writeError answers err as a GraphQL-over-HTTP error body with the
// status httpStatus gives; internal errors are logged with the request id
// and shown only as "internal error".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := intel.ClientCode(err)
	ext := map[string]any{"code": code}
	if f := intel.ErrorField(err); f != "" && code != intel.CodeInternal {
		ext["field"] = f
	}
	if code == intel.CodeInternal {
		s.logger.Error().Err(err).Str("request_id", requestID(r.Context())).Str("path", r.URL.Path).Msg("internal error")
		ext["requestId"] = requestID(r.Context())
	}
	writeJSON(w, httpStatus(code), map[string]any{"errors": []map[string]any{{
		"message": clientMessage(err), "extensions": ext,
	}}})
}
