package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// retractCommand retracts one fact for the agency that contributed it: on
// the store directly (the operator acting for --agency, audited like the
// API's retractFact), or through a running server with --server and a key.
func (c *cli) retractCommand() *cobra.Command {
	return c.tool(&cobra.Command{
		Use:   "retract --agency CODE --reason REASON LINK-ID  (or --server URL --key KEY --reason REASON LINK-ID)",
		Short: "withdraw a fact your agency contributed",
	}, storeSettings, retract)
}

func retract(c *toolCommand) func(context.Context, []string) int {
	agency := c.cmd.Flags().String("agency", "", "the agency that contributed the fact and retracts it")
	reason := c.cmd.Flags().String("reason", "", "why the fact is retracted (kept with the fact and in the audit log)")
	server := c.cmd.Flags().String("server", "", "retract through a running server (e.g. http://127.0.0.1:8080) instead of opening the store")
	key := c.cmd.Flags().String("key", os.Getenv("SCAMGRAPH_API_KEY"), "API key sent to --server: an ENRICHER or ADMIN key of the contributing agency (env SCAMGRAPH_API_KEY)")
	return func(ctx context.Context, rest []string) int {
		switch {
		case len(rest) != 1:
			return c.usageError("want exactly one link id, got %d arguments", len(rest))
		case strings.TrimSpace(*reason) == "":
			return c.usageError("--reason is required")
		case *server == "" && strings.TrimSpace(*agency) == "":
			return c.usageError("--agency is required: the agency that contributed the fact")
		case *server != "" && *key == "":
			return c.usageError("--server needs an API key: --key or SCAMGRAPH_API_KEY")
		}
		id := strings.TrimPrefix(rest[0], "Link:")
		var l intel.Link
		var err error
		if *server != "" {
			l, err = retractRemote(ctx, *server, *key, id, *reason)
		} else {
			l, err = retractLocal(ctx, *c.cfg, strings.TrimSpace(*agency), id, *reason)
		}
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "link %s retracted by %s at %s: %s\n", l.ID, l.Retraction.Agency,
			l.Retraction.At.Format(time.RFC3339), l.Retraction.Reason)
		return 0
	}
}

// retractLocal opens the store and its registry and runs the use case as
// the operator acting for agency, so the same rule (only the contributor
// retracts) holds and the audit log records it.
func retractLocal(ctx context.Context, cfg Config, agency, id, reason string) (intel.Link, error) {
	opened, err := openStore(ctx, cfg, zerolog.Nop(), nil)
	if err != nil {
		return intel.Link{}, err
	}
	defer opened.close()
	reg, closeReg, err := openRegistry(ctx, cfg, opened.base)
	if err != nil {
		return intel.Link{}, fmt.Errorf("cannot open the access registry: %w", err)
	}
	defer closeReg()
	a, err := reg.GetAgency(ctx, agency)
	if err != nil {
		return intel.Link{}, err
	}
	svc := usecase.New(opened.store, reg, usecase.Options{})
	caller := svc.Operator(a, access.RoleAdmin)
	l, err := svc.Retract(ctx, caller, id, reason)
	if _, _, aerr := svc.Finish(ctx, caller); aerr != nil && err == nil {
		err = fmt.Errorf("the retraction is stored but its audit entry was not written: %w", aerr)
	}
	return l, err
}

// retractRemote sends the retractFact mutation to a running server.
func retractRemote(ctx context.Context, base, key, id, reason string) (intel.Link, error) {
	body, _ := json.Marshal(map[string]any{
		"query":     `mutation($id: ID!, $reason: String!) { retractFact(id: $id, reason: $reason) { id retraction { at agency reason } } }`,
		"variables": map[string]any{"id": "Link:" + id, "reason": reason},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/graphql", bytes.NewReader(body))
	if err != nil {
		return intel.Link{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return intel.Link{}, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	var out struct {
		Data struct {
			RetractFact *struct {
				ID         string
				Retraction intel.Retraction
			}
		}
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return intel.Link{}, fmt.Errorf("server answered %d: %s", res.StatusCode, bytes.TrimSpace(raw))
	}
	if len(out.Errors) > 0 {
		return intel.Link{}, fmt.Errorf("%v: %s", out.Errors[0].Extensions["code"], out.Errors[0].Message)
	}
	if out.Data.RetractFact == nil {
		return intel.Link{}, fmt.Errorf("server answered %d: %s", res.StatusCode, bytes.TrimSpace(raw))
	}
	r := out.Data.RetractFact.Retraction
	return intel.Link{ID: strings.TrimPrefix(out.Data.RetractFact.ID, "Link:"), Retraction: &r}, nil
}
