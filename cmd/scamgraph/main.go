// Command scamgraph is the ScamGraph service and its tools: parse an
// identifier the way the graph keys it, and (from the GraphQL issue on)
// serve the API and seed a demo world.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `scamgraph — scam-number intelligence graph

usage:
  scamgraph serve [--demo] [--store embedded|neo4j] [--addr ADDR] ...   the GraphQL API (serve -h lists every setting)
  scamgraph seed [--store embedded|neo4j] ...                          load the demo world into the store
  scamgraph import --format ndjson|csv [--type TYPE] [--server URL] FILE...   load record files (- for stdin)
  scamgraph export --seed ID [--format graphml|gexf|cytoscape|csv|i2] [--server URL] [--key KEY]   a network as a file
  scamgraph eval [--scale S] [--background B] [--store embedded|neo4j [--wipe]] [--dir DIR]   score the service on a planted world
  scamgraph parse [--region TH|KH] [--kind KIND] IDENTIFIER...         canonical keys, one JSON object per input
  scamgraph keys agency|create|list|revoke ...                        agencies and API keys (keys -h for details)
  scamgraph help                                                this text
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code, so that
// tests can drive the real command line without exiting.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "seed":
		return runSeed(args[1:], stdout, stderr)
	case "import":
		return runImport(args[1:], stdout, stderr)
	case "eval":
		return runEval(args[1:], stdout, stderr)
	case "parse":
		return runParse(args[1:], stdout, stderr)
	case "export":
		return runExport(args[1:], stdout, stderr)
	case "keys":
		return runKeys(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "scamgraph: unknown command %q\n\n%s", args[0], usage)
	return 2
}
