package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// The tests drive the real command line through these, with a context,
// standard input or a ready channel of their own.

// serve runs `scamgraph serve args` until ctx ends; ready, when not nil,
// receives the bound address.
func serve(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) int {
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr, ready: ready}
	return c.execute(ctx, append([]string{"serve"}, args...))
}

// importMain runs `scamgraph import args`.
func importMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	return c.execute(ctx, append([]string{"import"}, args...))
}

// exportMain runs `scamgraph export args`.
func exportMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	return c.execute(ctx, append([]string{"export"}, args...))
}

// runParseFrom runs `scamgraph parse args` on stdin.
func runParseFrom(stdin io.Reader, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	return c.execute(context.Background(), append([]string{"parse"}, args...))
}

// everyCommand is the path of every command under scamgraph, groups and
// cobra's own (completion, help) included.
func everyCommand(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	var walk func(*cobra.Command, []string)
	walk = func(cmd *cobra.Command, path []string) {
		for _, sub := range cmd.Commands() {
			p := append(append([]string(nil), path...), sub.Name())
			out = append(out, p)
			walk(sub, p)
		}
	}
	root := (&cli{stdout: io.Discard, stderr: io.Discard}).rootCommand()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root, nil)
	if len(out) < 20 {
		t.Fatalf("only %d commands: %v", len(out), out)
	}
	return out
}

func TestEveryCommandHelpExitsZeroOnStdout(t *testing.T) {
	for _, path := range append(everyCommand(t), nil) {
		for _, help := range []string{"--help", "-h"} {
			t.Run(strings.Join(append(path, help), " "), func(t *testing.T) {
				code, out, errOut := runCLI(t, append(path, help)...)
				if code != 0 || !strings.Contains(out, "Usage:") || errOut != "" {
					t.Errorf("exit %d, stdout %.200q, stderr %q", code, out, errOut)
				}
			})
		}
	}
}

// Each command lists the flags it uses and no other: the store's only
// where a store is opened.
func TestHelpListsOnlyTheCommandsOwnFlags(t *testing.T) {
	for _, c := range []struct {
		path       []string
		has, lacks []string
	}{
		{[]string{"serve"}, []string{"--neo4j-uri", "--addr", "--tls-cert", "--demo", "--config", "--redis-url"}, []string{"--format", "--server"}},
		{[]string{"config"}, []string{"--neo4j-uri", "--addr", "--config"}, []string{"--server"}},
		{[]string{"parse"}, []string{"--region", "--kind"}, []string{"--neo4j-uri", "--store", "--config", "--addr", "--data-dir"}},
		{[]string{"export"}, []string{"--seed", "--server", "--key", "--format"}, []string{"--neo4j-uri", "--store", "--data-dir", "--config"}},
		{[]string{"import"}, []string{"--format", "--server", "--store", "--neo4j-uri", "--redis-url", "--retry-for", "--log-format"},
			[]string{"--addr", "--tls-cert", "--demo", "--complexity-limit", "--log-level"}},
		{[]string{"seed"}, []string{"--store", "--neo4j-uri", "--log-level"}, []string{"--addr", "--demo", "--tls-key"}},
		{[]string{"eval"}, []string{"--scale", "--store", "--neo4j-uri", "--wipe"}, []string{"--addr", "--data-dir", "--redis-url"}},
		{[]string{"keys", "create"}, []string{"--agency", "--role", "--ttl", "--store", "--data-dir", "--neo4j-uri"},
			[]string{"--addr", "--redis-url", "--log-format", "--demo"}},
		{[]string{"retract"}, []string{"--agency", "--reason", "--server", "--store", "--redis-url"}, []string{"--addr", "--demo"}},
		{[]string{"backup"}, []string{"--out", "--server", "--data-dir", "--store"}, []string{"--neo4j-uri", "--addr"}},
		{[]string{"restore"}, []string{"--from", "--data-dir"}, []string{"--store", "--neo4j-uri", "--addr"}},
		{[]string{"compact"}, []string{"--data-dir"}, []string{"--store", "--neo4j-uri", "--addr"}},
		{[]string{"audit", "prune"}, []string{"--exported", "--store", "--neo4j-uri"}, []string{"--addr", "--redis-url", "--out"}},
	} {
		t.Run(strings.Join(c.path, " "), func(t *testing.T) {
			code, out, _ := runCLI(t, append(c.path, "--help")...)
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			for _, f := range c.has {
				if !strings.Contains(out, f+" ") && !strings.Contains(out, f+"[") {
					t.Errorf("the help lacks %s:\n%s", f, out)
				}
			}
			for _, f := range c.lacks {
				if strings.Contains(out, f+" ") || strings.Contains(out, f+"[") {
					t.Errorf("the help lists %s, which the command does not use:\n%s", f, out)
				}
			}
		})
	}
}

// A mistyped command or flag exits 2 with the closest name, at every level.
func TestMistakesGetASuggestion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"retrakt"}, `scamgraph: unknown command "retrakt" (did you mean "retract"?)`},
		{[]string{"serv", "--data-dir", "x"}, `unknown command "serv" (did you mean "serve"?)`},
		{[]string{"keys", "lst"}, `scamgraph keys: unknown command "lst" (did you mean "list"?)`},
		{[]string{"audit", "prun"}, `unknown command "prun" (did you mean "prune"?)`},
		{[]string{"help", "keys", "revok"}, `unknown command "revok" (did you mean "revoke"?)`},
		{[]string{"compact", "--dta-dir", "x"}, "unknown flag: --dta-dir (did you mean --data-dir?)"},
		{[]string{"serve", "--neo4j-url", "bolt://x"}, "did you mean --neo4j-uri?"},
		{[]string{"keys", "create", "--agnecy", "TH-CCIB"}, "did you mean --agency?"},
		// A Go-style single-dash long flag is not taken, but named.
		{[]string{"compact", "-data-dir", "x"}, "did you mean --data-dir?"},
		{[]string{"parse", "--regoin", "KH", "1"}, "did you mean --region?"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, c.want)
			}
		})
	}
}

// Usage mistakes exit 2 and failures 1, the contract scripts rely on.
func TestExitStatusContract(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"keys"}, 2},
		{[]string{"audit"}, 2},
		{[]string{"help"}, 0},
		{[]string{"help", "keys", "create"}, 0},
		{[]string{"serve", "stray"}, 2},
		{[]string{"config", "--cache-ttl", "soon"}, 2},
		{[]string{"parse", "--region", "VN", "0812345678"}, 2},
		{[]string{"parse", "not a number"}, 1},
		{[]string{"restore", "--from", "/nonexistent", "--data-dir", "/nonexistent/x"}, 1},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			if code, _, errOut := runCLI(t, c.args...); code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, errOut)
			}
		})
	}
}

// Shell completion offers the commands, and the values of a setting that
// takes one of a few.
func TestShellCompletion(t *testing.T) {
	code, out, _ := runCLI(t, "__complete", "re")
	if code != 0 || !strings.Contains(out, "retract") || !strings.Contains(out, "restore") || strings.Contains(out, "serve") {
		t.Errorf("commands: exit %d, %q", code, out)
	}
	code, out, _ = runCLI(t, "__complete", "seed", "--store", "")
	if code != 0 || !strings.Contains(out, "embedded\n") || !strings.Contains(out, "neo4j\n") {
		t.Errorf("--store values: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, "completion", "bash"); code != 0 || !strings.Contains(out, "scamgraph") {
		t.Errorf("completion bash: exit %d, %.100q", code, out)
	}
}
