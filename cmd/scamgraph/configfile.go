package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/intel"
)

// configFile names the config file in force and what named it: --config
// (flagPath), SCAMGRAPH_CONFIG, or the default location when a file is
// there. A file named explicitly must exist; "" means none.
func configFile(flagPath string) (path, origin string, err error) {
	if flagPath != "" {
		path, origin = flagPath, "--config"
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

// configCommand prints the effective value of every setting and where it
// came from, secrets masked: what `serve` with the same flags,
// environment and file would run with.
func (c *cli) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config [--config FILE] [any serve flag]...",
		Short: "the effective settings and where each comes from, secrets masked",
		Args:  cobra.NoArgs,
	}
	return c.configured(cmd, defaultConfig(), allSettings(), func(_ context.Context, cfg *Config, _ []string) int {
		if cfg.file != "" {
			fmt.Fprintf(c.stdout, "# config file: %s (%s)\n", cfg.file, cfg.fileOrigin)
		} else {
			fmt.Fprintln(c.stdout, "# config file: none")
		}
		fmt.Fprintln(c.stdout, "# precedence: flag > environment > config file > default")
		table := cfg.settings()
		sort.Slice(table, func(i, j int) bool { return table[i].flag < table[j].flag })
		for _, s := range table {
			v := s.get()
			if s.flag == "data-dir" && v != "" {
				if abs, err := filepath.Abs(v); err == nil {
					v = abs
				}
			}
			fmt.Fprintf(c.stdout, "%-17s = %-40q # %s\n", s.flag, maskSetting(s.flag, v), cfg.origins[s.flag])
		}
		return 0
	})
}
