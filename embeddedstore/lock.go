package embeddedstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PIDFileName is the file beside the database naming the process that
// holds the data directory, so that a second process can say who it is
// waiting for instead of timing out in silence.
const PIDFileName = "scamgraph.pid"

// lockWait is how long Open waits for another process to let go of a
// database file: long enough for a process that is just closing, short
// enough that a second server started by mistake says so at once.
const lockWait = time.Second

// InUseError is the answer of an Open whose database file another process
// holds. PID is that process's id, read from the pid file, or 0 when it
// left none.
type InUseError struct {
	Path string
	PID  int
}

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("%s is in use by another scamgraph (pid %d)", e.Path, e.PID)
	}
	return fmt.Sprintf("%s is in use by another process", e.Path)
}

// openBolt opens a database file of the data directory dir, turning the
// lock's timeout into an InUseError.
func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, &InUseError{Path: filepath.Dir(path), PID: readPID(filepath.Dir(path))}
	}
	return db, err
}

// readPID reads the pid file of dir, 0 when there is none.
func readPID(dir string) int {
	raw, err := os.ReadFile(filepath.Join(dir, PIDFileName))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(string(bytes.TrimSpace(raw)))
	return pid
}

// writePID names this process in dir's pid file; it is only a message for
// whoever finds the directory locked, so failing to write it is not fatal.
func writePID(dir string) {
	_ = os.WriteFile(filepath.Join(dir, PIDFileName), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

// removePID removes dir's pid file if it still names this process.
func removePID(dir string) {
	if readPID(dir) == os.Getpid() {
		_ = os.Remove(filepath.Join(dir, PIDFileName))
	}
}
