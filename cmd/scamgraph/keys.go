package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// keysUsage is printed for -h, for "keys" alone and for a usage error.
const keysUsage = `usage:
  scamgraph keys agency --code CODE --name NAME --country TH|KH   register an agency (keys belong to one)
  scamgraph keys create --agency CODE --role ROLE [--label L] [--ttl 8760h]   issue an API key
  scamgraph keys list [--agency CODE]                                list keys and their status
  scamgraph keys revoke --reason REASON ID                           revoke a key at once

Roles: ANALYST (reads), ENRICHER (pushes records), COORDINATOR (evidence
requests), ADMIN (agencies, keys, agreements). A key expires after --ttl
(default one year, at most two). The token is printed once, by create:
only its hash is kept. Every change is written to the audit log as made by
"cli". Store settings (--store, --data-dir, --neo4j-uri, ...) are serve's;
on the embedded store, stop the service first: its files are single-process.
`

// cliActor is who the audit log names for changes made here.
const cliActor = "cli"

// runKeys is the "scamgraph keys" command: agency and API key
// administration for whoever runs the service.
func runKeys(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return keysMain(ctx, args, stdout, stderr)
}

func keysMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) int{
		"agency": keysAgency, "create": keysCreate, "list": keysList, "revoke": keysRevoke,
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, keysUsage)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "scamgraph keys: unknown command %q\n\n%s", args[0], keysUsage)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

// keysCommand is what every keys subcommand shares: its flag set bound to
// the store settings, and how it reports errors.
type keysCommand struct {
	name   string
	cfg    Config
	fs     *flag.FlagSet
	stderr io.Writer
}

func newKeysCommand(name, synopsis string, stderr io.Writer) (*keysCommand, error) {
	return newToolCommand("scamgraph keys "+name, synopsis, stderr)
}

// newToolCommand is newKeysCommand for a command of its own (fullName is
// e.g. "scamgraph retract"): the operator's tools share the store settings
// and the way they report errors.
func newToolCommand(fullName, synopsis string, stderr io.Writer) (*keysCommand, error) {
	c := &keysCommand{name: fullName, cfg: defaultConfig(), stderr: stderr}
	c.fs = flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.fs.SetOutput(stderr)
	c.fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s %s\n", c.name, synopsis)
		c.fs.PrintDefaults()
	}
	if err := bindConfig(c.fs, &c.cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	return c, nil
}

// parse parses flags, also after positional arguments ("revoke ID
// --reason R" reads as naturally as "revoke --reason R ID"), and returns
// the positional ones. ok is false after a usage error or -h, with code
// the exit status.
func (c *keysCommand) parse(args []string) (positional []string, code int, ok bool) {
	for {
		if err := c.fs.Parse(args); err != nil {
			return nil, parseStatus(c.fs, err), false
		}
		if c.fs.NArg() == 0 {
			return positional, 0, true
		}
		positional = append(positional, c.fs.Arg(0))
		args = c.fs.Args()[1:]
	}
}

// usageError reports a missing or bad flag and returns the usage status.
func (c *keysCommand) usageError(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.name, fmt.Sprintf(format, args...))
	c.fs.Usage()
	return 2
}

// fail reports an error from the registry: the field and message of a
// domain error, the whole chain of anything else (this is an operator's
// tool, not a public API).
func (c *keysCommand) fail(err error) int {
	fmt.Fprintf(c.stderr, "%s: %v\n", c.name, err)
	return 1
}

// open opens the registry on the configured store.
func (c *keysCommand) open(ctx context.Context) (*access.Registry, func() error, bool) {
	reg, closeFn, err := openRegistry(ctx, c.cfg, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot open the access registry: %v\n", c.name, err)
		return nil, nil, false
	}
	return reg, closeFn, true
}

func keysAgency(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newKeysCommand("agency", "--code CODE --name NAME --country TH|KH", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	code := c.fs.String("code", "", "agency code: 2-32 upper-case letters, digits or '-', e.g. TH-CCIB")
	name := c.fs.String("name", "", "the agency's full name")
	country := c.fs.String("country", "", "the agency's country: TH or KH")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
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
	fmt.Fprintf(stdout, "agency %s (%s, %s) registered\n", a.Code, a.Name, a.Country)
	return 0
}

func keysCreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newKeysCommand("create", "--agency CODE --role ROLE [--label L] [--ttl 8760h]", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	agency := c.fs.String("agency", "", "code of the agency the key belongs to")
	roleName := c.fs.String("role", "", "ANALYST, ENRICHER, COORDINATOR or ADMIN")
	label := c.fs.String("label", "", "what the key is for, e.g. \"CDR feed\"")
	ttl := c.fs.Duration("ttl", access.DefaultKeyTTL, "how long the key lives (at most 17520h, two years)")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
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
	fmt.Fprintf(stdout, "id:      %s\nagency:  %s\nrole:    %s\nexpires: %s\ntoken:   %s\n",
		k.ID, k.Agency, k.Role, k.ExpiresAt.Format(time.RFC3339), token)
	fmt.Fprintln(stderr, "warning: store the token now; it cannot be shown again (only its hash is kept). "+
		"If it is lost, revoke the key and create another.")
	return 0
}

func keysList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newKeysCommand("list", "[--agency CODE]", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	agency := c.fs.String("agency", "", "list only this agency's keys")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
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
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
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

func keysRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newKeysCommand("revoke", "--reason REASON ID", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	reason := c.fs.String("reason", "", "why the key is revoked (kept with the key and in the audit log)")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
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
	fmt.Fprintf(stdout, "key %s of %s revoked at %s\n", k.ID, k.Agency, k.RevokedAt.Format(time.RFC3339))
	return 0
}
