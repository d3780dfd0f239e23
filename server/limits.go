package server

import (
	"context"
	"net/http"
	"strconv"
)

// limits bounds the body and the time of every GraphQL request. A body over
// the limit is refused before it is read, with a GraphQL-shaped error, so
// the client learns why rather than seeing a parse error.
func (s *Server) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "body",
				"request body is "+strconv.FormatInt(r.ContentLength, 10)+" bytes, at most "+
					strconv.FormatInt(s.cfg.MaxBodyBytes, 10)+" allowed")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func writeGraphQLError(w http.ResponseWriter, status int, code, field, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message":    field + ": " + msg,
		"extensions": map[string]string{"code": code, "field": field},
	}}})
}
