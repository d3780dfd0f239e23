package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/intel"
)

// parseLong is the parse command's help.
const parseLong = `Reads each identifier (a phone number, VoIP account, IP address, bank
account or, with --kind Suspect, a suspect reference) the way the service
does, and prints one JSON object per identifier: its kind, canonical key,
validity, display markers and, when it cannot be read, the reason. A
number that reads equally well two ways is marked "ambiguous", with every
candidate (the one the service stores first).
With no IDENTIFIER, or with "-", identifiers are read from standard input,
one per line. Exit status: 0 if all are valid, 1 if any is not, 2 on a
usage error.`

// parseCommand is "scamgraph parse": it lets an investigator or a script
// check how the service will key what they have, before loading it.
func (c *cli) parseCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "parse [--region TH|KH] [--kind KIND] IDENTIFIER... (or - for standard input)",
		Short: "canonical keys, one JSON object per input",
		Long:  parseLong,
	}
	regionFlag := cmd.Flags().String("region", string(intel.RegionTH), "reporting country, TH or KH: decides how national numbers and bank codes are read")
	kindFlag := cmd.Flags().String("kind", "", "read every identifier as this kind (PhoneNumber, VoipAccount, IPAddress, BankAccount, Suspect); default: detect each")
	cmd.RunE = func(cmd *cobra.Command, inputs []string) error {
		return status(parseIdentifiers(c.stdin, *regionFlag, *kindFlag, inputs, cmd, c.stdout, c.stderr))
	}
	return cmd
}

// parseIdentifiers is the parse command once its flags are parsed.
func parseIdentifiers(stdin io.Reader, regionFlag, kindFlag string, inputs []string, cmd *cobra.Command, stdout, stderr io.Writer) int {
	usageError := func(msg string) int {
		fmt.Fprintf(stderr, "scamgraph parse: %s\n", msg)
		fmt.Fprint(stderr, cmd.UsageString())
		return 2
	}
	region, err := intel.ParseRegion(regionFlag)
	if err != nil {
		return usageError(intel.ErrorMessage(err))
	}
	var kind intel.Kind
	if kindFlag != "" {
		if kind, err = intel.ParseKind(kindFlag); err != nil {
			return usageError(intel.ErrorMessage(err))
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
