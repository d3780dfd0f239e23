package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scamgraph/scamgraph/intel"
)

// parseUsage is printed for -h and for a usage error.
const parseUsage = `usage: scamgraph parse [--region TH|KH] [--kind KIND] IDENTIFIER...
       scamgraph parse [--region TH|KH] [--kind KIND] [-] < identifiers.txt

Reads each identifier (a phone number, VoIP account, IP address, bank
account or, with --kind Suspect, a suspect reference) the way the service
does, and prints one JSON object per identifier: its kind, canonical key,
validity, display markers and, when it cannot be read, the reason. A
number that reads equally well two ways is marked "ambiguous", with every
candidate (the one the service stores first).
With no IDENTIFIER, or with "-", identifiers are read from standard input,
one per line. Exit status: 0 if all are valid, 1 if any is not, 2 on a
usage error.

`

// runParse is the "scamgraph parse" subcommand: it lets an investigator or a
// script check how the service will key what they have, before loading it.
// args are the arguments after "parse"; it returns the exit status.
func runParse(args []string, stdout, stderr io.Writer) int {
	return runParseFrom(os.Stdin, args, stdout, stderr)
}

// runParseFrom is runParse with standard input passed in, for tests.
func runParseFrom(stdin io.Reader, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scamgraph parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, parseUsage)
		fs.PrintDefaults()
	}
	regionFlag := fs.String("region", string(intel.RegionTH), "reporting country, TH or KH: decides how national numbers and bank codes are read")
	kindFlag := fs.String("kind", "", "read every identifier as this kind (PhoneNumber, VoipAccount, IPAddress, BankAccount, Suspect); default: detect each")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	region, err := intel.ParseRegion(*regionFlag)
	if err != nil {
		return usageError(stderr, intel.ErrorMessage(err))
	}
	var kind intel.Kind
	if *kindFlag != "" {
		if kind, err = intel.ParseKind(*kindFlag); err != nil {
			return usageError(stderr, intel.ErrorMessage(err))
		}
	}

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	status := 0
	emit := func(input string) error {
		id := intel.ParseIdentifier(input, region, kind)
		if !id.Valid {
			status = 1
		}
		return enc.Encode(parseResult(id))
	}

	inputs := fs.Args()
	if len(inputs) > 0 && !(len(inputs) == 1 && inputs[0] == "-") {
		for _, in := range inputs {
			if err := emit(in); err != nil {
				fmt.Fprintf(stderr, "scamgraph parse: %v\n", err)
				return 1
			}
		}
		return status
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue // blank lines separate groups in hand-made lists
		}
		if err := emit(line); err != nil {
			fmt.Fprintf(stderr, "scamgraph parse: %v\n", err)
			return 1
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "scamgraph parse: reading standard input: %v\n", err)
		return 1
	}
	return status
}

// usageError reports a bad flag value the way the flag package reports a bad flag.
func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "scamgraph parse: %s\n", msg)
	fmt.Fprint(stderr, parseUsage)
	return 2
}

// parseOutput is one line of output. It is the Identifier with the members a
// reader always expects (key and kind) present even when empty, so that a
// script can read every line the same way.
type parseOutput struct {
	Input      string            `json:"input"`
	Kind       intel.Kind        `json:"kind"`
	Key        string            `json:"key"`
	Valid      bool              `json:"valid"`
	Region     intel.Region      `json:"region"`
	Markers    []string          `json:"markers"`
	NumberType string            `json:"numberType,omitempty"`
	Carrier    string            `json:"carrier,omitempty"`
	Country    string            `json:"country,omitempty"`
	Attrs      map[string]string `json:"attrs,omitempty"`
	// Ambiguous is set when the input reads as more than one identifier
	// equally well; Candidates then lists every reading, Key (the one the
	// service stores) first.
	Ambiguous  bool     `json:"ambiguous,omitempty"`
	Candidates []string `json:"candidates,omitempty"`
	Error      string   `json:"error,omitempty"`
}

func parseResult(id intel.Identifier) parseOutput {
	out := parseOutput{
		Input: id.Input, Kind: id.Kind, Key: id.Key, Valid: id.Valid, Region: id.Region,
		Markers: id.Markers, NumberType: id.NumberType, Carrier: id.Carrier,
		Country: id.Country, Attrs: id.Attrs, Error: id.Error,
	}
	if len(id.Alternatives) > 0 {
		out.Ambiguous = true
		out.Candidates = append([]string{id.Key}, id.Alternatives...)
	}
	return out
}
