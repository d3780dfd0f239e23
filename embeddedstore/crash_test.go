package embeddedstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

const crashChildEnv = "SCAMGRAPH_CRASH_CHILD_DIR"

// crashBatch is batch n of the writer child: 50 calls with keys unique to n.
func crashBatch(n int) intel.Batch {
	var links []intel.Link
	for j := 0; j < 50; j++ {
		l := intel.Link{
			Type: intel.LinkCalled, From: intel.EntityID(intel.KindPhoneNumber, fmt.Sprintf("+6681%07d", n)),
			To:       intel.EntityID(intel.KindPhoneNumber, fmt.Sprintf("+6682%07d", j)),
			EventKey: fmt.Sprintf("crash-%d-%d", n, j),
			Provenance: intel.Provenance{Agency: "TH-CIB", Country: intel.RegionTH, Confidence: 1,
				ObservedAt: time.Unix(1700000000, 0).Add(time.Duration(j) * time.Minute)},
		}
		l.Normalize()
		links = append(links, l)
	}
	return intel.Batch{Links: links}
}

// TestCrashChild is the writer process of TestKill9LosesNoAcknowledgedWrite.
// It does nothing unless started by that test.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		return
	}
	s, err := embeddedstore.Open(dir)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	for n := 0; ; n++ {
		if _, err := s.Upsert(context.Background(), crashBatch(n)); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Printf("ACK %d\n", n) // printed only after Upsert returned: acknowledged
	}
}

// TestKill9LosesNoAcknowledgedWrite runs a writer in a child process,
// kills it with SIGKILL mid-stream, and checks that every batch the child
// saw acknowledged is in the store when it is opened again.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "ACK "); ok {
			acked, _ = strconv.Atoi(n)
			if acked >= 40 {
				break
			}
		} else if strings.HasPrefix(line, "ERR") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %s", line)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Anything the child printed before it died was acknowledged too.
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked, _ = strconv.Atoi(n)
		} else if strings.HasPrefix(sc.Text(), "ERR") {
			t.Fatalf("child: %s", sc.Text())
		}
	}
	// The child's verdict: it must have died of the SIGKILL, not of an
	// error or a panic of its own, or a passing test would prove nothing.
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
	if acked < 40 {
		t.Fatalf("child acknowledged only %d batches", acked)
	}

	s := MustOpen(t, dir)
	for n := 0; n <= acked; n++ {
		b := crashBatch(n)
		ids := make([]string, len(b.Links))
		for i, l := range b.Links {
			ids[i] = l.ID
		}
		got, err := s.GetLinks(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("batch %d: %d of %d links survived kill -9", n, len(got), len(ids))
		}
	}
	// The store stays writable after recovery.
	if _, err := s.Upsert(context.Background(), crashBatch(acked+1)); err != nil {
		t.Fatal(err)
	}
}
