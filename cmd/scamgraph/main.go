// Command scamgraph is the ScamGraph service and its tools: serve the API,
// seed a demo world, import records, parse an identifier the way the graph
// keys it, manage agencies and keys, and the operator's tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scamgraph/scamgraph/intel"
)

func init() {
	// The usage lists the commands in the order they are added: the
	// service first, then its tools, as an operator meets them.
	cobra.EnableCommandSorting = false
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line and returns the process exit status: 0, 1
// for a failure, 2 for a usage mistake. Tests drive the real command
// line through it without exiting.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: os.Stdin, stdout: stdout, stderr: stderr}
	return c.execute(context.Background(), args)
}

// cli is one run of the command line: its standard streams and, for
// tests, where serve announces the address it listens on.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// ready, when not nil, receives serve's bound address.
	ready chan<- string
}

// execute builds the commands afresh (a run leaves nothing behind for the
// next), runs the one args name and maps the outcome to an exit status.
func (c *cli) execute(ctx context.Context, args []string) int {
	root := c.rootCommand()
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	var status exitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	}
	// Anything else comes from cobra or the flags: a mistake on the line.
	return int(c.mistake(cmd, err))
}

// mistake reports a mistake on the command line of cmd, with where its
// usage is, and returns the usage status.
func (c *cli) mistake(cmd *cobra.Command, err error) exitStatus {
	fmt.Fprintf(c.stderr, "%s: %v\nRun '%s --help' for usage.\n", cmd.CommandPath(), err, cmd.CommandPath())
	return 2
}

// rootCommand is scamgraph and every command under it. To add one, write
// a method of cli that builds it, in a file named after it, and add it
// here; the usage and the help are built from the tree.
func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "scamgraph",
		Short: "scamgraph — scam-number intelligence graph",
		Long: "scamgraph — scam-number intelligence graph: the GraphQL API over scam phone numbers, VoIP accounts,\n" +
			"IPs, bank mule accounts and suspects, and the tools to load, check and operate it.",
		Args: cobra.ArbitraryArgs,
		RunE: c.group,
		// A mistyped command followed by flags is reported as the unknown
		// command it is, not as the first flag scamgraph itself lacks.
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
		SilenceErrors:      true,
		SilenceUsage:       true,
	}
	root.SetIn(c.stdin)
	root.SetOut(c.stdout)
	root.SetErr(c.stderr)
	root.SetFlagErrorFunc(flagError)
	root.SetUsageTemplate(usageTemplate)
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]...",
		Short: "help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				// A topic mistyped is answered as the command would be.
				return c.mistake(target, c.group(target, rest))
			}
			return target.Help()
		},
	})
	root.AddCommand(c.serveCommand(), c.seedCommand(), c.importCommand(), c.exportCommand(), c.evalCommand(),
		c.parseCommand(), c.keysCommand(), c.retractCommand(), c.backupCommand(), c.restoreCommand(),
		c.auditCommand(), c.configCommand(), c.compactCommand())
	return root
}

// usageTemplate is the usage every command prints: its synopsis (or its
// subcommands) and only its own flags.
const usageTemplate = `Usage:{{if .HasAvailableSubCommands}}
  {{.CommandPath}} COMMAND [flags]

Commands:{{range .Commands}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}{{else}}
  {{.Parent.CommandPath}} {{.Use}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} COMMAND --help' for a command's flags.{{end}}
`

// group is the RunE of a command that only holds others (scamgraph,
// keys, audit): alone it prints its usage as a mistake, and a name it
// lacks is answered with the closest it has.
func (c *cli) group(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, cmd.UsageString())
		return exitStatus(2)
	}
	cmd.SuggestionsMinimumDistance = 2
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return errors.New(msg)
}

// flagError reports a flag the command lacks with the closest it has; a
// Go-style -data-dir is read by the flags as the short -d, so its whole
// spelling is compared too.
func flagError(cmd *cobra.Command, err error) error {
	var missing *pflag.NotExistError
	if !errors.As(err, &missing) {
		return err
	}
	typed := missing.GetSpecifiedName()
	if group := missing.GetSpecifiedShortnames(); len(group) > 1 {
		typed = group
	}
	best, bestDist := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if d := intel.EditDistance(strings.TrimLeft(typed, "-"), f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	if best == "" {
		return err
	}
	return fmt.Errorf("%w (did you mean --%s?)", err, best)
}

// exitStatus ends a command that has already said what went wrong: 1
// for a failure, 2 for a usage mistake.
type exitStatus int

func (s exitStatus) Error() string { return "exit status " + strconv.Itoa(int(s)) }

// status is a command body's exit status as RunE's error.
func status(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// configured gives cmd the named settings as flags and runs body with
// them resolved (flag > environment > config file > defaults); a setting
// that does not parse is a usage mistake.
func (c *cli) configured(cmd *cobra.Command, defaults Config, names []string,
	body func(ctx context.Context, cfg *Config, args []string) int) *cobra.Command {
	b := bindConfig(cmd.Flags(), defaults, names...)
	for name, values := range settingChoices {
		if cmd.Flags().Lookup(name) != nil {
			cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := b.resolve()
		if err != nil {
			fmt.Fprintf(c.stderr, "%s: %v\n", cmd.CommandPath(), err)
			return exitStatus(2)
		}
		return status(body(cmd.Context(), cfg, args))
	}
	return cmd
}

// settingChoices are the values shell completion offers for the settings
// that take one of a few.
var settingChoices = map[string][]string{
	"store":      {"embedded", "neo4j"},
	"log-format": {"auto", "json", "console"},
	"log-level":  {"debug", "info", "warn", "error"},
}

// untilSignal is ctx ended by SIGINT or SIGTERM, for the commands that
// stop cleanly (finish a batch, close the store) rather than die.
func untilSignal(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
}
