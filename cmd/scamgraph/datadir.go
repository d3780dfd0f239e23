package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/scamgraph/scamgraph/embeddedstore"
)

// defaultDataDir is where the embedded store lives unless --data-dir or
// SCAMGRAPH_DATA_DIR says otherwise: the user's data directory
// ($XDG_DATA_HOME/scamgraph, else ~/.local/share/scamgraph). It is the same
// whichever folder the service is started from; a relative ./data was not,
// and a start from another folder silently made a second, empty store.
// "" when there is no home directory to put it in.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "scamgraph")
	}
	if h, err := os.UserHomeDir(); err == nil && h != "" {
		return filepath.Join(h, ".local", "share", "scamgraph")
	}
	return ""
}

// resolveDataDir makes the configured data directory absolute, so that
// the path every log line and message names is the one in use.
func resolveDataDir(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no data directory: pass --data-dir or set SCAMGRAPH_DATA_DIR (there is no home directory to default to)")
	}
	return filepath.Abs(dir)
}

// noteLegacyDataDir warns when the default is in use while the folder the
// command runs in holds a store under ./data, the default of earlier
// versions, so that its data is not taken for lost.
func noteLegacyDataDir(cfg Config, logger zerolog.Logger) {
	if cfg.DataDir != defaultDataDir() {
		return
	}
	legacy, err := filepath.Abs("data")
	if err != nil || legacy == cfg.DataDir {
		return
	}
	if _, err := os.Stat(filepath.Join(legacy, embeddedstore.FileName)); err == nil {
		logger.Warn().Str("data_dir", cfg.DataDir).Str("found", legacy).
			Msg("a store of an earlier version is in ./data here; the default data directory is now data_dir: pass --data-dir ./data to use the old one")
	}
}

// inUseMessage turns the embedded store's "in use" error into the one
// sentence an operator needs.
func inUseMessage(err error) error {
	var inUse *embeddedstore.InUseError
	if !errors.As(err, &inUse) {
		return err
	}
	return fmt.Errorf("%s; stop it or pass --data-dir", inUse.Error())
}
