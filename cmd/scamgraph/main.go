// Command scamgraph is the ScamGraph service and its tools: serve the API,
// seed a demo world, import records, parse an identifier the way the graph
// keys it, manage agencies and keys, and the operator's tools.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// command is one subcommand. To add one, write its run function (it gets
// the arguments after its name and returns the exit status; parse errors
// are 2, failures 1) in a file named after it, and add a line to commands:
// the dispatcher and the usage text are built from that table.
type command struct {
	name string
	// synopsis is the usage line after "scamgraph NAME".
	synopsis string
	summary  string
	run      func(args []string, stdout, stderr io.Writer) int
}

// commands is every subcommand, in the order the usage lists them.
var commands = []command{
	{"serve", "[--demo] [--store embedded|neo4j] [--addr ADDR] ...", "the GraphQL API (serve -h lists every setting)", runServe},
	{"seed", "[--store embedded|neo4j] ...", "load the demo world into the store", runSeed},
	{"import", "--format ndjson|csv [--type TYPE] [--server URL] FILE...", "load record files (- for stdin)", runImport},
	{"export", "(--seed ID... | --ring ID | --trail ACCOUNT) [--format graphml|gexf|cytoscape|csv|i2] [--server URL] [--key KEY]", "a network, ring or money trail as a file for Gephi, Cytoscape, i2 or a spreadsheet", runExport},
	{"eval", "[--scale S] [--background B] [--store embedded|neo4j [--wipe]] [--dir DIR]", "score the service on a planted world", runEval},
	{"parse", "[--region TH|KH] [--kind KIND] IDENTIFIER...", "canonical keys, one JSON object per input", runParse},
	{"keys", "agency|create|list|revoke ...", "agencies and API keys (keys -h for details)", runKeys},
	{"retract", "--agency CODE --reason REASON LINK-ID", "withdraw a fact your agency contributed", runRetract},
	{"backup", "--out DIR [--server URL --key ADMIN-KEY]", "a consistent copy of the embedded store and its registry, also while serving", runBackup},
	{"restore", "--from DIR --data-dir NEW-DIR", "put a backup in place as a new data directory", runRestore},
	{"audit", "export --until TIME --out FILE | prune --exported FILE", "the audit log's retention: export the oldest entries, then prune exactly those", runAudit},
	{"config", "[--config FILE] [any serve flag]...", "the effective settings and where each comes from, secrets masked", runConfig},
	{"compact", "[--data-dir DIR]", "rewrite the embedded store's files without free pages (service stopped)", runCompact},
}

func usage() string {
	var b strings.Builder
	b.WriteString("scamgraph — scam-number intelligence graph\n\nusage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  scamgraph %s %s\n      %s\n", c.name, c.synopsis, c.summary)
	}
	b.WriteString("  scamgraph help\n      this text\n")
	return b.String()
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code, so that
// tests can drive the real command line without exiting.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			takeConfigFlag(args[1:])
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "scamgraph: unknown command %q%s\n\n%s", args[0], suggestion(args[0]), usage())
	return 2
}

// parseStatus is the exit status of a flag parse of fs that stopped: 0
// for -h or --help, which asked for the usage, 2 for a mistake, after a
// suggestion when the flag is a near miss of one fs has.
func parseStatus(fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		name = strings.TrimLeft(name, "-")
		best, bestDist := "", 3
		fs.VisitAll(func(f *flag.Flag) {
			if d := intel.EditDistance(name, f.Name); d < bestDist {
				best, bestDist = f.Name, d
			}
		})
		if best != "" {
			fmt.Fprintf(fs.Output(), "did you mean --%s?\n", best)
		}
	}
	return 2
}

// suggestion names the command closest to a mistyped one, if any is close.
func suggestion(typed string) string {
	best, bestDist := "", 3
	for _, c := range commands {
		if d := intel.EditDistance(typed, c.name); d < bestDist {
			best, bestDist = c.name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
