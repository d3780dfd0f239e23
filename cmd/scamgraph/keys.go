package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// keysLong is the keys command's help.
const keysLong = `Agencies and API keys, for whoever runs the service.

Roles: ANALYST (reads), ENRICHER (pushes records), COORDINATOR (evidence
requests), ADMIN (agencies, keys, agreements). A key expires after --ttl
(default one year, at most two). The token is printed once, by create:
only its hash is kept. Every change is written to the audit log as made by
"cli". On the embedded store, stop the service first: its files are
single-process.`

// cliActor is who the audit log names for changes made here.
const cliActor = "cli"

// keysCommand is "scamgraph keys": agency and API key administration.
func (c *cli) keysCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "agencies and API keys (keys --help for details)",
		Long:  keysLong,
		Args:  cobra.ArbitraryArgs,
		RunE:  c.group,
	}
	cmd.AddCommand(
		c.tool(&cobra.Command{Use: "agency --code CODE --name NAME --country TH|KH", Short: "register an agency (keys belong to one)"},
			registrySettings, keysAgency),
		c.tool(&cobra.Command{Use: "create --agency CODE --role ROLE [--label L] [--ttl 8760h]", Short: "issue an API key"},
			registrySettings, keysCreate),
		c.tool(&cobra.Command{Use: "list [--agency CODE]", Short: "list keys and their status"},
			registrySettings, keysList),
		c.tool(&cobra.Command{Use: "revoke --reason REASON ID", Short: "revoke a key at once"},
			registrySettings, keysRevoke),
	)
	return cmd
}

func keysAgency(c *toolCommand) func(context.Context, []string) int {
	code := c.cmd.Flags().String("code", "", "agency code: 2-32 upper-case letters, digits or '-', e.g. TH-CCIB")
	name := c.cmd.Flags().String("name", "", "the agency's full name")
	country := c.cmd.Flags().String("country", "", "the agency's country: TH or KH")
	return func(ctx context.Context, rest []string) int {
		switch {
		case len(rest) > 0:
			return c.usageError("unexpected arguments %q", rest)
		case *code == "":
			return c.usageError("--code is required")
		case *name == "":
			return c.usageError("--name is required")
		}
		region, err := intel.ParseRegion(*country)
		if err != nil {
			return c.usageError("--country must be TH or KH, got %q", *country)
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		a, err := reg.CreateAgency(ctx, cliActor, access.Agency{Code: *code, Name: *name, Country: region})
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "agency %s (%s, %s) registered\n", a.Code, a.Name, a.Country)
		return 0
	}
}

func keysCreate(c *toolCommand) func(context.Context, []string) int {
	agency := c.cmd.Flags().String("agency", "", "code of the agency the key belongs to")
	roleName := c.cmd.Flags().String("role", "", "ANALYST, ENRICHER, COORDINATOR or ADMIN")
	label := c.cmd.Flags().String("label", "", "what the key is for, e.g. \"CDR feed\"")
	ttl := c.cmd.Flags().Duration("ttl", access.DefaultKeyTTL, "how long the key lives (at most 17520h, two years)")
	return func(ctx context.Context, rest []string) int {
		role := access.Role(strings.ToUpper(*roleName))
		switch {
		case len(rest) > 0:
			return c.usageError("unexpected arguments %q", rest)
		case *agency == "":
			return c.usageError("--agency is required")
		case !role.Valid():
			return c.usageError("--role must be one of %v, got %q", access.Roles, *roleName)
		case *ttl <= 0:
			return c.usageError("--ttl must be positive, got %s", *ttl)
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		k, token, err := reg.CreateKey(ctx, cliActor, *agency, role, *label, *ttl)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "id:      %s\nagency:  %s\nrole:    %s\nexpires: %s\ntoken:   %s\n",
			k.ID, k.Agency, k.Role, k.ExpiresAt.Format(time.RFC3339), token)
		fmt.Fprintln(c.stderr, "warning: store the token now; it cannot be shown again (only its hash is kept). "+
			"If it is lost, revoke the key and create another.")
		return 0
	}
}

func keysList(c *toolCommand) func(context.Context, []string) int {
	agency := c.cmd.Flags().String("agency", "", "list only this agency's keys")
	return func(ctx context.Context, rest []string) int {
		if len(rest) > 0 {
			return c.usageError("unexpected arguments %q", rest)
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		keys, err := reg.ListKeys(ctx, *agency)
		if err != nil {
			return c.fail(err)
		}
		now := time.Now()
		tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tAGENCY\tROLE\tLABEL\tCREATED\tEXPIRES\tSTATUS")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Agency, k.Role, k.Label,
				k.CreatedAt.Format(time.RFC3339), k.ExpiresAt.Format(time.RFC3339), keyStatus(k, now))
		}
		if err := tw.Flush(); err != nil {
			return c.fail(err)
		}
		return 0
	}
}

// keyStatus is the STATUS column: active, expired, or revoked with when.
func keyStatus(k access.Key, now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero():
		return "revoked " + k.RevokedAt.Format(time.RFC3339)
	case !now.Before(k.ExpiresAt):
		return "expired"
	}
	return "active"
}

func keysRevoke(c *toolCommand) func(context.Context, []string) int {
	reason := c.cmd.Flags().String("reason", "", "why the key is revoked (kept with the key and in the audit log)")
	return func(ctx context.Context, rest []string) int {
		switch {
		case len(rest) != 1:
			return c.usageError("want exactly one key ID, got %d arguments", len(rest))
		case strings.TrimSpace(*reason) == "":
			return c.usageError("--reason is required")
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		k, err := reg.RevokeKey(ctx, cliActor, rest[0], *reason)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "key %s of %s revoked at %s\n", k.ID, k.Agency, k.RevokedAt.Format(time.RFC3339))
		return 0
	}
}
