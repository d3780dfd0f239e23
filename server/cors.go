package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/cors"
)

// ParseOrigins reads a comma-separated list of origins that front ends on
// other hosts are served from ("https://la.example.org,http://127.0.0.1:5173").
// Each must be a bare origin (scheme, host, optional port) so that a typo
// fails at start instead of quietly allowing nothing; "*" allows every
// origin and is meant for development only. Empty means same origin only.
func ParseOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o == "*" {
			out = append(out, o)
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("origin %q: want scheme://host[:port], e.g. https://analysis.example.org", o)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

// withCORS lets the configured origins call next from a browser. It sits in
// front of authentication, so that a preflight (which by the Fetch standard
// carries no Authorization header) is answered without a key; the request
// that follows still needs one. With no origins configured nothing is added
// and browsers keep other origins out, as they do by default: rs/cors would
// read an empty list as "every origin", so it is not installed at all then.
func (s *Server) withCORS(next http.Handler) http.Handler {
	if len(s.cfg.AllowedOrigins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: s.cfg.AllowedOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", "X-Purpose", "X-As-Of", "X-Request-Id"},
		ExposedHeaders: []string{"X-Request-Id", "Retry-After", "Content-Disposition"},
		// Keys travel in the Authorization header, never in cookies.
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(next)
}
