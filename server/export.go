package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scamgraph/scamgraph/analytics"
	"github.com/scamgraph/scamgraph/export"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// exportNetwork is GET /export: a network, a ring or a money trail, in the
// caller's view, as a file for a link-analysis tool (?format=graphml|gexf|
// cytoscape|csv|i2). What is exported is named by one of:
//   - seed (repeatable, or comma-separated), with network's depth,
//     linkTypes, kinds, since, until and limit;
//   - ring, a ring's id;
//   - trail, a bank account's id, with direction (FORWARD or BACKWARD),
//     maxHops, since and until, as moneyTrail takes them.
//
// The file is built in full and the export audited before a byte is sent,
// so that nothing leaves that the log does not hold.
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
	v := r.URL.Query()
	format, err := export.ParseFormat("format", v.Get("format"))
	var g intel.Subgraph
	var title, name string
	switch {
	case err != nil:
	case v.Get("ring") != "":
		title, name = "ring "+v.Get("ring"), "ring"
		g, err = s.service.ExportRing(r.Context(), c, v.Get("ring"))
	case v.Get("trail") != "":
		var q usecase.MoneyTrailQuery
		if q, err = trailQuery(v); err == nil {
			title, name = fmt.Sprintf("money trail %s %s", strings.ToLower(string(q.Direction)), q.From), "trail"
			g, err = s.service.ExportTrail(r.Context(), c, q)
		}
	default:
		var q usecase.NetworkQuery
		if q, err = exportQuery(v); err == nil {
			title, name = "network around "+strings.Join(q.Seeds, ", "), "network"
			g, err = s.service.ExportNetwork(r.Context(), c, q)
		}
	}
	var body bytes.Buffer
	if err == nil {
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
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scamgraph-%s-%s%s"`,
		name, time.Now().UTC().Format("20060102-150405"), format.Extension()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(body.Bytes())
}

// trailQuery reads a money trail's parameters, naming the one that is wrong.
func trailQuery(v url.Values) (usecase.MoneyTrailQuery, error) {
	q := usecase.MoneyTrailQuery{From: v.Get("trail"), Direction: analytics.TrailForward}
	if _, _, ok := intel.SplitEntityID(q.From); !ok {
		return q, intel.Errorf(intel.EINVALID, "trail", "%q is not an entity id (want BankAccount:COUNTRY:bank:digits)", q.From)
	}
	if d := v.Get("direction"); d != "" {
		q.Direction = analytics.TrailDirection(strings.ToUpper(d))
		if !q.Direction.Valid() {
			return q, intel.Errorf(intel.EINVALID, "direction", "must be FORWARD or BACKWARD, got %q", d)
		}
	}
	if s := v.Get("maxHops"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return q, intel.Errorf(intel.EINVALID, "maxHops", "must be a whole number, got %q", s)
		}
		q.MaxHops = n
	}
	var err error
	q.Window, err = windowParams(v)
	return q, err
}

// windowParams reads since and until.
func windowParams(v url.Values) (intel.TimeWindow, error) {
	var w intel.TimeWindow
	for name, p := range map[string]*time.Time{"since": &w.Since, "until": &w.Until} {
		if s := v.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return w, intel.Errorf(intel.EINVALID, name, "must be an RFC 3339 time such as 2024-05-01T00:00:00Z, got %q", s)
			}
			*p = t
		}
	}
	return w, nil
}

// exportQuery reads a network export's parameters, naming the one that is
// wrong.
func exportQuery(v url.Values) (usecase.NetworkQuery, error) {
	q := usecase.NetworkQuery{Depth: 2, Limit: intel.DefaultMaxNodes}
	for _, s := range list(v["seed"]) {
		if _, _, ok := intel.SplitEntityID(s); !ok {
			return q, intel.Errorf(intel.EINVALID, "seed", "%q is not an entity id (want Kind:key, e.g. PhoneNumber:+66812345678)", s)
		}
		q.Seeds = append(q.Seeds, s)
	}
	if len(q.Seeds) == 0 {
		return q, intel.Errorf(intel.EINVALID, "seed", "name at least one entity id to export the network around (or ring=ID, or trail=ACCOUNT)")
	}
	for name, p := range map[string]*int{"depth": &q.Depth, "limit": &q.Limit} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, intel.Errorf(intel.EINVALID, name, "must be a whole number, got %q", s)
			}
			*p = n
		}
	}
	for _, s := range list(v["linkTypes"]) {
		t := intel.LinkType(strings.ToUpper(s))
		if !t.Valid() {
			return q, intel.Errorf(intel.EINVALID, "linkTypes", "unknown link type %q", s)
		}
		q.LinkTypes = append(q.LinkTypes, t)
	}
	for _, s := range list(v["kinds"]) {
		k, err := intel.ParseKind(s)
		if err != nil {
			return q, intel.Errorf(intel.EINVALID, "kinds", "unknown kind %q", s)
		}
		q.Kinds = append(q.Kinds, k)
	}
	var err error
	q.Window, err = windowParams(v)
	return q, err
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
