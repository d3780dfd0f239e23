package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/scamgraph/scamgraph/export"
)

// runExport is `scamgraph export`: the network around seeds, as the key's
// agency sees it, written to a file for Gephi, Cytoscape, i2 Analyst's
// Notebook or a spreadsheet. It goes through a running server's GET
// /export, so that the reader's key decides what the file holds and the
// export is audited like any read; the command line has no second way in.
func runExport(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return exportMain(ctx, args, stdout, stderr)
}

// seedList collects --seed, repeated or comma-separated.
type seedList []string

func (s *seedList) String() string { return strings.Join(*s, ",") }
func (s *seedList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

func exportMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var seeds seedList
	formats := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		formats[i] = string(f)
	}
	server := fs.String("server", envOr("SCAMGRAPH_SERVER", "http://127.0.0.1:8080"), "the running server to export from (env SCAMGRAPH_SERVER)")
	key := fs.String("key", os.Getenv("SCAMGRAPH_API_KEY"), "your API key: the export holds what its agency may see (env SCAMGRAPH_API_KEY)")
	purpose := fs.String("purpose", os.Getenv("SCAMGRAPH_PURPOSE"), "the case or purpose, sent as X-Purpose; needed across the border (env SCAMGRAPH_PURPOSE)")
	format := fs.String("format", "graphml", "file format: "+strings.Join(formats, ", "))
	out := fs.String("out", "", "file to write (default: the server's name for it, in the current directory; - for stdout)")
	depth := fs.Int("depth", 2, "links away from the seeds")
	limit := fs.Int("limit", 500, "most nodes")
	linkTypes := fs.String("link-types", "", "comma-separated link types to follow (default all)")
	kinds := fs.String("kinds", "", "comma-separated entity kinds to include beyond the seeds (default all)")
	since := fs.String("since", "", "only links from this RFC 3339 time on")
	until := fs.String("until", "", "only links before this RFC 3339 time")
	fs.Var(&seeds, "seed", "entity id to export the network around, e.g. PhoneNumber:+66812345678 (repeatable)")
	ring := fs.String("ring", "", "export this ring (an id from the rings query) instead of a network")
	trail := fs.String("trail", "", "export the money trail from (or to) this bank account id instead of a network")
	direction := fs.String("direction", "FORWARD", "with --trail: FORWARD (where the money went) or BACKWARD (where it came from)")
	maxHops := fs.Int("max-hops", 4, "with --trail: most transfers from the account")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scamgraph export (--seed ID [--seed ID] | --ring ID | --trail ACCOUNT) [--format FORMAT] [--out FILE] [--server URL] [--key KEY]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseStatus(fs, err)
	}
	if fs.NArg() > 0 {
		seeds.Set(strings.Join(fs.Args(), ","))
	}
	named := 0
	for _, set := range []bool{len(seeds) > 0, *ring != "", *trail != ""} {
		if set {
			named++
		}
	}
	if named != 1 {
		fmt.Fprintln(stderr, "scamgraph export: name what to export: one or more --seed, or --ring, or --trail")
		fs.Usage()
		return 2
	}
	f, err := export.ParseFormat("format", *format)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export: --"+err.Error())
		return 2
	}
	if *key == "" {
		fmt.Fprintln(stderr, "scamgraph export: an API key is needed: --key or SCAMGRAPH_API_KEY")
		return 2
	}
	v := url.Values{"format": {string(f)}}
	switch {
	case *ring != "":
		v.Set("ring", *ring)
	case *trail != "":
		v.Set("trail", *trail)
		v.Set("direction", *direction)
		v.Set("maxHops", strconv.Itoa(*maxHops))
	default:
		v["seed"] = seeds
		v.Set("depth", strconv.Itoa(*depth))
		v.Set("limit", strconv.Itoa(*limit))
		for name, val := range map[string]string{"linkTypes": *linkTypes, "kinds": *kinds} {
			if val != "" {
				v.Set(name, val)
			}
		}
	}
	for name, val := range map[string]string{"since": *since, "until": *until} {
		if val != "" {
			v.Set(name, val)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*server, "/")+"/export?"+v.Encode(), nil)
	if err != nil {
		fmt.Fprintln(stderr, "scamgraph export: --server:", err)
		return 2
	}
	req.Header.Set("Authorization", "Bearer "+*key)
	if *purpose != "" {
		req.Header.Set("X-Purpose", *purpose)
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
	name := *out
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
