package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog/hlog"

	"github.com/scamgraph/scamgraph/intel"
)

// httpTransport wraps one of gqlgen's HTTP transports (GET, POST) with
// what this edge adds to GraphQL over HTTP:
//
//   - with checkBody (POST), a body that is not a GraphQL request in JSON
//     is answered 400 with BAD_USER_INPUT naming what is wrong, and logged
//     as the client's mistake. gqlgen would answer it with no code and the
//     whole body echoed, and the error presenter would log it as ours.
//   - a response that failed as a whole because a store is unavailable
//     (see failedUnavailable) goes out as 503 with Retry-After instead of
//     200, so that a load balancer or a client library can tell.
type httpTransport struct {
	graphql.Transport
	checkBody bool
	maxBody   int64
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if t.checkBody {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = checkRequestBody(body)
		}
		if err != nil {
			status := http.StatusBadRequest
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				status = http.StatusRequestEntityTooLarge
				err = intel.Errorf(intel.EINVALID, "body", "is over the %d bytes allowed", t.maxBody)
			}
			hlog.FromRequest(r).Info().Str("field", intel.ErrorField(err)).Str("reason", intel.ErrorMessage(err)).
				Msg("malformed request body: the client's mistake")
			writeGraphQLError(w, status, intel.ClientCode(err), intel.ErrorField(err), intel.ErrorMessage(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	v := &verdict{}
	t.Transport.Do(&verdictWriter{ResponseWriter: w, v: v}, r.WithContext(context.WithValue(r.Context(), verdictKey{}, v)), exec)
}

// checkRequestBody decodes body the way gqlgen's POST transport does and
// says what is wrong with it, if anything, as a domain error naming the
// field: the body as a whole, or the member of the wrong type. The words
// are those the ingest decoder uses for a malformed record line.
func checkRequestBody(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var params graphql.RawParams
	err := dec.Decode(&params)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return intel.Errorf(intel.EINVALID, "body", `is empty; send a JSON object such as {"query": "{ __typename }"}`)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return intel.Errorf(intel.EINVALID, "body", "not valid JSON: the object is not closed")
	case errors.As(err, &syntax):
		return intel.Errorf(intel.EINVALID, "body", "not valid JSON: %s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return intel.Errorf(intel.EINVALID, typ.Field, "is a JSON %s; want %s", typ.Value, jsonKind(typ.Type.Kind().String()))
	case errors.As(err, &typ):
		return intel.Errorf(intel.EINVALID, "body", "is a JSON %s; want an object with a query", typ.Value)
	}
	return intel.Errorf(intel.EINVALID, "body", "not a GraphQL request: %s", err.Error())
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "map", "struct":
		return "an object"
	}
	return fmt.Sprintf("a %s", kind)
}

// verdict is what the response interceptor found out about a response,
// for the writer that sends it.
type verdict struct{ unavailable bool }

type verdictKey struct{}

// verdictWriter turns the 200 of a response that failed as a whole on an
// unavailable store into 503 with Retry-After.
type verdictWriter struct {
	http.ResponseWriter
	v           *verdict
	wroteHeader bool
}

func (w *verdictWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	if status == http.StatusOK && w.v.unavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
		status = httpStatus(intel.CodeUnavailable)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *verdictWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *verdictWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// unavailableStatus is the response interceptor that finds out whether a
// response failed as a whole on an unavailable store, for verdictWriter.
// It runs outermost, so it sees the response as it goes out (after the
// audit, which may replace it).
type unavailableStatus struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = unavailableStatus{}

func (unavailableStatus) ExtensionName() string                          { return "UnavailableStatus" }
func (unavailableStatus) Validate(schema graphql.ExecutableSchema) error { return nil }

func (unavailableStatus) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if v, ok := ctx.Value(verdictKey{}).(*verdict); ok && failedUnavailable(resp) {
		v.unavailable = true
	}
	return resp
}

// failedUnavailable says whether a response failed as a whole because a
// store is unavailable: it has errors, every one of them UNAVAILABLE, and
// no data (null, or null under every root field). A response with some
// data, or with another error beside, is a GraphQL answer like any other.
func failedUnavailable(resp *graphql.Response) bool {
	if resp == nil || len(resp.Errors) == 0 {
		return false
	}
	for _, e := range resp.Errors {
		if code, _ := e.Extensions["code"].(string); code != intel.CodeUnavailable {
			return false
		}
	}
	if len(resp.Data) == 0 || string(resp.Data) == "null" {
		return true
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &fields); err != nil {
		return false
	}
	for _, v := range fields {
		if string(v) != "null" {
			return false
		}
	}
	return true
}
