package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/BurntSushi/toml"

	"github.com/scamgraph/scamgraph/intel"
)

// configFlag is the --config given on the command line, found by run
// before the command parses its flags (the file decides the flags'
// defaults, so it must be read first).
var configFlag atomic.Value // string

// configFile names the config file in force and what named it: --config,
// SCAMGRAPH_CONFIG, or the default location when a file is there. A file
// named explicitly must exist; "" means none.
func configFile() (path, origin string, err error) {
	if p, _ := configFlag.Load().(string); p != "" {
		path, origin = p, "--config"
	} else if p := os.Getenv("SCAMGRAPH_CONFIG"); p != "" {
		path, origin = p, "SCAMGRAPH_CONFIG"
	} else {
		dir := os.Getenv("XDG_CONFIG_HOME")
		if dir == "" || !filepath.IsAbs(dir) {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", "", nil
			}
			dir = filepath.Join(home, ".config")
		}
		path = filepath.Join(dir, "scamgraph", "config.toml")
		if _, err := os.Stat(path); err != nil {
			return "", "", nil
		}
		return path, "default location", nil
	}
	if _, err := os.Stat(path); err != nil {
		return "", "", fmt.Errorf("config file %s (from %s): %w", path, origin, err)
	}
	abs, err := filepath.Abs(path)
	return abs, origin, err
}

// applyConfigFile sets each setting the TOML file names; its keys are the
// flags' names (data-dir = "/srv/scamgraph"). An unknown key is an error
// naming the closest setting, so a typo is never silently ignored.
func applyConfigFile(path string, setters map[string]func(string) error, origins map[string]string) error {
	var values map[string]any
	if _, err := toml.DecodeFile(path, &values); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := setters[k]
		if !ok {
			return fmt.Errorf("config file %s: unknown setting %q%s", path, k, closest(k, setters))
		}
		var text string
		switch v := values[k].(type) {
		case string:
			text = v
		case int64:
			text = strconv.FormatInt(v, 10)
		case bool:
			text = strconv.FormatBool(v)
		default:
			return fmt.Errorf("config file %s: %s must be a string, a whole number or a boolean, got %T", path, k, v)
		}
		if err := set(text); err != nil {
			return fmt.Errorf("config file %s: %s: %w", path, k, err)
		}
		origins[k] = "file " + path
	}
	return nil
}

func closest(typed string, setters map[string]func(string) error) string {
	best, bestDist := "", 4
	for name := range setters {
		if d := intel.EditDistance(typed, name); d < bestDist || d == bestDist && name < best {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// takeConfigFlag notes a --config FILE among a command's arguments for
// configFile; the flag stays in args for the command's own parser.
func takeConfigFlag(args []string) {
	configFlag.Store("")
	for i, a := range args {
		switch {
		case a == "--":
			return
		case a == "--config" || a == "-config":
			if i+1 < len(args) {
				configFlag.Store(args[i+1])
			}
			return
		case strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config="):
			_, v, _ := strings.Cut(a, "=")
			configFlag.Store(v)
			return
		}
	}
}

// secretSettings are masked by `scamgraph config`.
var secretSettings = map[string]bool{"neo4j-password": true}

// maskSetting hides a secret, and the password inside a URL.
func maskSetting(name, value string) string {
	if value == "" {
		return value
	}
	if secretSettings[name] {
		return "********"
	}
	if u, err := url.Parse(value); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "********")
			return strings.Replace(u.String(), "%2A%2A%2A%2A%2A%2A%2A%2A", "********", 1)
		}
	}
	return value
}

// runConfig prints the effective value of every setting and where it came
// from, secrets masked: what `serve` with the same flags, environment and
// file would run with.
func runConfig(args []string, stdout, stderr io.Writer) int {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: scamgraph config [any serve flag]...  prints the effective settings, secrets masked")
		fs.PrintDefaults()
	}
	if err := bindConfig(fs, &cfg); err != nil {
		fmt.Fprintln(stderr, "scamgraph config:", err)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return parseStatus(fs, err)
	}
	fs.Visit(func(f *flag.Flag) { cfg.origins[f.Name] = "flag --" + f.Name })
	if p, origin, _ := configFile(); p != "" {
		fmt.Fprintf(stdout, "# config file: %s (%s)\n", p, origin)
	} else {
		fmt.Fprintln(stdout, "# config file: none")
	}
	fmt.Fprintln(stdout, "# precedence: flag > environment > config file > default")
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "config" {
			return
		}
		v := f.Value.String()
		if f.Name == "data-dir" && v != "" {
			if abs, err := filepath.Abs(v); err == nil {
				v = abs
			}
		}
		fmt.Fprintf(stdout, "%-17s = %-40q # %s\n", f.Name, maskSetting(f.Name, v), cfg.origins[f.Name])
	})
	return 0
}
