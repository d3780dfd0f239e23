package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/export"
)

// seedList collects --seed, repeated or comma-separated.
type seedList []string

func (s *seedList) String() string { return strings.Join(*s, ",") }
func (s *seedList) Type() string   { return "ID" }
func (s *seedList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

// exportCommand is `scamgraph export`: the network around seeds, as the
// key's agency sees it, written to a file for Gephi, Cytoscape, i2
// Analyst's Notebook or a spreadsheet. It goes through a running server's
// GET /export, so that the reader's key decides what the file holds and
// the export is audited like any read; the command line has no second
// way in.
func (c *cli) exportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export (--seed ID... | --ring ID | --trail ACCOUNT) [--format FORMAT] [--out FILE] [--server URL] [--key KEY]",
		Short: "a network, ring or money trail as a file for Gephi, Cytoscape, i2 or a spreadsheet",
	}
	fs := cmd.Flags()
	formats := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		formats[i] = string(f)
	}
	var r exportRequest
	fs.StringVar(&r.server, "server", envOr("SCAMGRAPH_SERVER", "http://127.0.0.1:8080"), "the running server to export from (env SCAMGRAPH_SERVER)")
	fs.StringVar(&r.key, "key", os.Getenv("SCAMGRAPH_API_KEY"), "your API key: the export holds what its agency may see (env SCAMGRAPH_API_KEY)")
	fs.StringVar(&r.purpose, "purpose", os.Getenv("SCAMGRAPH_PURPOSE"), "the case or purpose, sent as X-Purpose; needed across the border (env SCAMGRAPH_PURPOSE)")
	fs.StringVar(&r.format, "format", "graphml", "file format: "+strings.Join(formats, ", "))
	fs.StringVar(&r.out, "out", "", "file to write (default: the server's name for it, in the current directory; - for stdout)")
	fs.IntVar(&r.depth, "depth", 2, "links away from the seeds")
	fs.IntVar(&r.limit, "limit", 500, "most nodes")
	fs.StringVar(&r.linkTypes, "link-types", "", "comma-separated link types to follow (default all)")
	fs.StringVar(&r.kinds, "kinds", "", "comma-separated entity kinds to include beyond the seeds (default all)")
	fs.StringVar(&r.since, "since", "", "only links from this RFC 3339 time on")
	fs.StringVar(&r.until, "until", "", "only links before this RFC 3339 time")
	fs.Var(&r.seeds, "seed", "entity id to export the network around, e.g. PhoneNumber:+66812345678 (repeatable)")
	fs.StringVar(&r.ring, "ring", "", "export this ring (an id from the rings query) instead of a network")
	fs.StringVar(&r.trail, "trail", "", "export the money trail from (or to) this bank account id instead of a network")
	fs.StringVar(&r.direction, "direction", "FORWARD", "with --trail: FORWARD (where the money went) or BACKWARD (where it came from)")
	fs.IntVar(&r.maxHops, "max-hops", 4, "with --trail: most transfers from the account")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, stop := untilSignal(cmd.Context())
		defer stop()
		if len(args) > 0 {
			r.seeds.Set(strings.Join(args, ","))
		}
		return status(exportFile(ctx, r, cmd, c.stdout, c.stderr))
	}
	return cmd
}

// exportRequest is what the export command's flags ask for.
type exportRequest struct {
	seeds                                                  seedList
	server, key, purpose, format, out                      string
	depth, limit, maxHops                                  int
	linkTypes, kinds, since, until, ring, trail, direction string
}

// exportFile fetches the export and writes it.
func exportFile(ctx context.Context, r exportRequest, cmd *cobra.Command, stdout, stderr io.Writer) int {
	seeds := r.seeds
	named := 0
	for _, set := range []bool{len(seeds) > 0, r.ring != "", r.trail != ""} {
		if set {
			named++
		}
	}
	if named != 1 {
		fmt.Fprintln(stderr, "scamgraph export: name what to export: one or more --seed, or --ring, or --trail")
		fmt.Fprint(stderr, cmd.UsageString())
		return 2
	}
	f, err := export.ParseFormat("format", r.format)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export: --"+err.Error())
		return 2
	}
	if r.key == "" {
		fmt.Fprintln(stderr, "scamgraph export: an API key is needed: --key or SCAMGRAPH_API_KEY")
		return 2
	}
	v := url.Values{"format": {string(f)}}
	switch {
	case r.ring != "":
		v.Set("ring", r.ring)
	case r.trail != "":
		v.Set("trail", r.trail)
		v.Set("direction", r.direction)
		v.Set("maxHops", strconv.Itoa(r.maxHops))
	default:
		v["seed"] = seeds
		v.Set("depth", strconv.Itoa(r.depth))
		v.Set("limit", strconv.Itoa(r.limit))
		for name, val := range map[string]string{"linkTypes": r.linkTypes, "kinds": r.kinds} {
			if val != "" {
				v.Set(name, val)
			}
		}
	}
	for name, val := range map[string]string{"since": r.since, "until": r.until} {
		if val != "" {
			v.Set(name, val)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(r.server, "/")+"/export?"+v.Encode(), nil)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export: --server:", err)
		return 2
	}
	req.Header.Set("Authorization", "Bearer "+r.key)
	if r.purpose != "" {
		req.Header.Set("X-Purpose", r.purpose)
	}
	client := http.Client{Timeout: 5 * time.Minute}
	res, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export:", err)
		return 1
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "scamgraph export:", serverError(res))
		if res.StatusCode/100 == 4 {
			return 2
		}
		return 1
	}
	name := r.out
	if name == "" {
		name = "scamgraph-network" + f.Extension()
		if n := attachmentName(res.Header.Get("Content-Disposition")); n != "" {
			name = n
		}
	}
	var w io.Writer = stdout
	if name != "-" {
		file, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(stderr, "scamgraph export:", err)
			return 1
		}
		defer file.Close()
		w = file
	}
	n, err := io.Copy(w, res.Body)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export:", err)
		return 1
	}
	if name != "-" {
		fmt.Fprintf(stdout, "wrote %s (%d bytes, %s)\n", name, n, f)
	}
	return 0
}

// serverError is the message of a GraphQL-over-HTTP error body, or the status.
func serverError(res *http.Response) string {
	var body struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(raw, &body) == nil && len(body.Errors) > 0 {
		return fmt.Sprintf("%s (%v)", body.Errors[0].Message, body.Errors[0].Extensions["code"])
	}
	return res.Status
}

// attachmentName is the file name the server gave the export; only a bare
// name is taken, never a path.
func attachmentName(h string) string {
	_, params, err := mime.ParseMediaType(h)
	name := params["filename"]
	if err != nil || name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return ""
	}
	return name
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
