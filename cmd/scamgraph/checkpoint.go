package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/scamgraph/scamgraph/ingest"
)

// checkpoint remembers the last durable batch of an import, beside the input
// file, so that an interrupted import resumes after it. Resuming is an
// optimisation: writes are idempotent, so replaying a batch whose checkpoint
// was lost still stores every record once.
type checkpoint struct {
	path    string
	input   string
	size    int64
	modTime time.Time
	enabled bool
}

// checkpointState is what the file holds. Size and modification time tie it
// to one version of the input; a changed input starts from the beginning.
type checkpointState struct {
	Input   string        `json:"input"`
	Size    int64         `json:"size"`
	ModTime time.Time     `json:"modTime"`
	Line    int           `json:"line"`
	Offset  int64         `json:"offset"`
	Totals  ingest.Totals `json:"totals"`
}

func newCheckpoint(input string, ic importConfig) *checkpoint {
	c := &checkpoint{path: input + ".checkpoint.json", input: input, enabled: input != "-"}
	if info, err := os.Stat(input); err == nil && c.enabled {
		c.size, c.modTime = info.Size(), info.ModTime().UTC()
	}
	if !ic.Resume && c.enabled {
		c.clear()
	}
	return c
}

// load returns the saved state when it belongs to this very input.
func (c *checkpoint) load() (checkpointState, bool) {
	if !c.enabled {
		return checkpointState{}, false
	}
	raw, err := os.ReadFile(c.path)
	if err != nil {
		return checkpointState{}, false
	}
	var s checkpointState
	if json.Unmarshal(raw, &s) != nil || s.Size != c.size || !s.ModTime.Equal(c.modTime) || s.Line <= 0 {
		return checkpointState{}, false
	}
	return s, true
}

// save records a durable batch; a temporary file and a rename keep the
// checkpoint whole even if the process dies while writing it.
func (c *checkpoint) save(line int, offset int64, totals ingest.Totals) error {
	if !c.enabled {
		return nil
	}
	raw, _ := json.Marshal(checkpointState{Input: c.input, Size: c.size, ModTime: c.modTime, Line: line, Offset: offset, Totals: totals})
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}

// clear removes the checkpoint once the whole file is in.
func (c *checkpoint) clear() {
	if c.enabled {
		os.Remove(c.path)
	}
}
