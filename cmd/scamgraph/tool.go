package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/access"
)

// toolCommand is what the operator's tools share: the settings they open
// the store or the registry with, and how they report mistakes and
// failures.
type toolCommand struct {
	cmd            *cobra.Command
	cfg            *Config
	stdout, stderr io.Writer
}

// toolBody is an operator's tool: it declares its own flags on t.cmd and
// returns the function that runs it once they and the settings are parsed.
type toolBody func(t *toolCommand) func(ctx context.Context, args []string) int

// tool makes cmd an operator's tool with the named settings; it runs
// until SIGINT or SIGTERM ends its context, so that it closes the store.
func (c *cli) tool(cmd *cobra.Command, settings []string, body toolBody) *cobra.Command {
	return c.makeTool(cmd, settings, body, true)
}

// fileTool is tool for a command that only copies or rewrites files and
// takes no context: SIGINT ends it as it ends any program.
func (c *cli) fileTool(cmd *cobra.Command, settings []string, body toolBody) *cobra.Command {
	return c.makeTool(cmd, settings, body, false)
}

func (c *cli) makeTool(cmd *cobra.Command, settings []string, body toolBody, stopOnSignal bool) *cobra.Command {
	t := &toolCommand{cmd: cmd, stdout: c.stdout, stderr: c.stderr}
	runBody := body(t)
	return c.configured(cmd, defaultConfig(), settings, func(ctx context.Context, cfg *Config, args []string) int {
		if stopOnSignal {
			var stop context.CancelFunc
			ctx, stop = untilSignal(ctx)
			defer stop()
		}
		t.cfg = cfg
		return runBody(ctx, args)
	})
}

// usageError reports a missing or bad flag and returns the usage status.
func (t *toolCommand) usageError(format string, args ...any) int {
	fmt.Fprintf(t.stderr, "%s: %s\n", t.cmd.CommandPath(), fmt.Sprintf(format, args...))
	fmt.Fprint(t.stderr, t.cmd.UsageString())
	return 2
}

// fail reports an error from the registry: the field and message of a
// domain error, the whole chain of anything else (this is an operator's
// tool, not a public API).
func (t *toolCommand) fail(err error) int {
	fmt.Fprintf(t.stderr, "%s: %v\n", t.cmd.CommandPath(), err)
	return 1
}

// open opens the registry on the configured store.
func (t *toolCommand) open(ctx context.Context) (*access.Registry, func() error, bool) {
	reg, closeFn, err := openRegistry(ctx, *t.cfg, nil)
	if err != nil {
		fmt.Fprintf(t.stderr, "%s: cannot open the access registry: %v\n", t.cmd.CommandPath(), err)
		return nil, nil, false
	}
	return reg, closeFn, true
}
