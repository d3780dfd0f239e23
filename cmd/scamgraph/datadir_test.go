package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/embeddedstore"
)

func TestDefaultDataDirIsTheSameFromAnyFolder(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	want := filepath.Join(xdg, "scamgraph")
	if got := defaultDataDir(); got != want {
		t.Errorf("with XDG_DATA_HOME: %q, want %q", got, want)
	}
	t.Setenv("XDG_DATA_HOME", "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	want = filepath.Join(home, ".local", "share", "scamgraph")
	if got := defaultDataDir(); got != want {
		t.Errorf("without XDG_DATA_HOME: %q, want %q", got, want)
	}
	if got := defaultConfig().DataDir; got != want || !filepath.IsAbs(got) {
		t.Errorf("the default config's data directory is %q, want %q", got, want)
	}
}

func TestRelativeDataDirIsResolvedAndPrinted(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	var errOut bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- serve(ctx, []string{"--data-dir", "rel", "--addr", "127.0.0.1:0", "--log-format", "json"}, &errOut, ready)
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("serve: exit %d: %s", code, errOut.String())
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve: exit %d: %s", code, errOut.String())
	}
	if want := fmt.Sprintf(`"data_dir":%q`, filepath.Join(base, "rel")); !strings.Contains(errOut.String(), want) {
		t.Errorf("the start does not print the absolute data directory %s: %s", want, errOut.String())
	}
}

func TestDataDirInUseSaysBySomeoneInOneSentence(t *testing.T) {
	dir := t.TempDir()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"retract", "--data-dir", dir, "--agency", "TH-CCIB", "--reason", "x", "called-000000000000000000000000"}, &out, &errOut)
	want := fmt.Sprintf("%s is in use by another scamgraph (pid %d); stop it or pass --data-dir", dir, os.Getpid())
	if code != 1 || !strings.Contains(errOut.String(), want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut.String(), want)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, embeddedstore.PIDFileName)); !os.IsNotExist(err) {
		t.Errorf("the pid file outlives Close: %v", err)
	}
}
