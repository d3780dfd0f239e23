package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// exportNetwork is GET /export: the network the query names, in the caller's
// view, as a file for a link-analysis tool (?format=graphml|gexf|cytoscape|
// csv|i2). The parameters are network's: seed (repeatable, or
// comma-separated), depth, linkTypes, kinds, since, until, limit. The file
// is built in full and the export audited before a byte is sent, so that
// nothing leaves that the log does not hold.
func (s *Server) exportNetwork(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeGraphQLError(w, http.StatusMethodNotAllowed, intel.CodeBadUserInput, "method", "GET /export?format=…&seed=…")
		return
	}
	c, err := usecase.CallerFrom(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format, q, err := exportQuery(r.URL.Query())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g, err := s.service.ExportNetwork(r.Context(), c, q)
	var body bytes.Buffer
	if err == nil {
		title := "network around " + strings.Join(q.Seeds, ", ")
		err = export.Write(&body, format, export.NewChart(title, c.Principal.Agency.Code, time.Now(), g, c.Redactions()))
	}
	if ferr := s.finish(r.Context(), c); ferr != nil && err == nil {
		err = fmt.Errorf("audit the export: %w", ferr)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scamgraph-network-%s%s"`,
		time.Now().UTC().Format("20060102-150405"), format.Extension()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(body.Bytes())
}

// exportQuery reads the export's parameters, naming the one that is wrong.
func exportQuery(v url.Values) (export.Format, usecase.NetworkQuery, error) {
	q := usecase.NetworkQuery{Depth: 2, Limit: intel.DefaultMaxNodes}
	f, err := export.ParseFormat("format", v.Get("format"))
	if err != nil {
		return "", q, err
	}
	for _, s := range list(v["seed"]) {
		if _, _, ok := intel.SplitEntityID(s); !ok {
			return "", q, intel.Errorf(intel.EINVALID, "seed", "%q is not an entity id (want Kind:key, e.g. PhoneNumber:+66812345678)", s)
		}
		q.Seeds = append(q.Seeds, s)
	}
	if len(q.Seeds) == 0 {
		return "", q, intel.Errorf(intel.EINVALID, "seed", "name at least one entity id to export the network around")
	}
	for name, p := range map[string]*int{"depth": &q.Depth, "limit": &q.Limit} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return "", q, intel.Errorf(intel.EINVALID, name, "must be a whole number, got %q", s)
			}
			*p = n
		}
	}
	for _, s := range list(v["linkTypes"]) {
		t := intel.LinkType(strings.ToUpper(s))
		if !t.Valid() {
			return "", q, intel.Errorf(intel.EINVALID, "linkTypes", "unknown link type %q", s)
		}
		q.LinkTypes = append(q.LinkTypes, t)
	}
	for _, s := range list(v["kinds"]) {
		k, err := intel.ParseKind(s)
		if err != nil {
			return "", q, intel.Errorf(intel.EINVALID, "kinds", "unknown kind %q", s)
		}
		q.Kinds = append(q.Kinds, k)
	}
	for name, p := range map[string]*time.Time{"since": &q.Window.Since, "until": &q.Window.Until} {
		if s := v.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return "", q, intel.Errorf(intel.EINVALID, name, "must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got %q", s)
			}
			*p = t
		}
	}
	return f, q, nil
}

// list splits repeated and comma-separated values into one list.
func list(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
