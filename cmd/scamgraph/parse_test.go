package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// runParseTest runs the subcommand with the given stdin and returns its
// status, the decoded output lines and what went to stderr.
func runParseTest(t *testing.T, stdin string, args ...string) (int, []map[string]any, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runParseFrom(strings.NewReader(stdin), args, &out, &errOut)
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("output line %q is not JSON: %v", line, err)
		}
		lines = append(lines, m)
	}
	return code, lines, errOut.String()
}

func TestRunParse_AllValid(t *testing.T) {
	code, lines, stderr := runParseTest(t, "", "081-234-5678", "+697 0812345678", "TH:004:123-4-56789-0")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want one per identifier", len(lines))
	}
	want := []struct{ kind, key string }{
		{"PhoneNumber", "+66812345678"}, {"PhoneNumber", "+66812345678"}, {"BankAccount", "TH:004:1234567890"},
	}
	for i, w := range want {
		if lines[i]["kind"] != w.kind || lines[i]["key"] != w.key || lines[i]["valid"] != true {
			t.Errorf("line %d = %v, want kind %s key %s valid", i, lines[i], w.kind, w.key)
		}
	}
	if m, ok := lines[1]["markers"].([]any); !ok || len(m) != 1 || m[0] != "+697" {
		t.Errorf("markers = %v, want [+697]", lines[1]["markers"])
	}
	if m, ok := lines[0]["markers"].([]any); !ok || len(m) != 0 {
		t.Errorf("markers = %#v, want []", lines[0]["markers"])
	}
}

func TestRunParse_AnyInvalidExits1(t *testing.T) {
	code, lines, _ := runParseTest(t, "", "081-234-5678", "081-234-567x")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if len(lines) != 2 || lines[1]["valid"] != false || lines[1]["key"] != "" {
		t.Fatalf("lines = %v, want the second invalid with an empty key", lines)
	}
	if msg, _ := lines[1]["error"].(string); !strings.Contains(msg, "letters") {
		t.Errorf("error = %q, want the reason", msg)
	}
	if _, ok := lines[0]["error"]; ok {
		t.Errorf("valid line has an error member: %v", lines[0])
	}
}

func TestRunParse_ReadsStdinWithoutArgs(t *testing.T) {
	code, lines, _ := runParseTest(t, "012 345 678\r\n\n  \n1.2.3.4:5060\n", "--region", "KH")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines; want 0 and 2 (blank lines skipped)", code, len(lines))
	}
	if lines[0]["key"] != "+85512345678" || lines[0]["region"] != "KH" || lines[1]["key"] != "1.2.3.4" {
		t.Errorf("lines = %v", lines)
	}
}

func TestRunParse_ReadsStdinForDash(t *testing.T) {
	code, lines, _ := runParseTest(t, "sip:Bob@Example.com\n", "-")
	if code != 0 || len(lines) != 1 || lines[0]["key"] != "sip:bob@example.com" {
		t.Fatalf("exit %d, lines %v", code, lines)
	}
}

func TestRunParse_KindFlag(t *testing.T) {
	code, lines, _ := runParseTest(t, "", "--kind", "suspect", "WANTED-2024/0012")
	if code != 0 || lines[0]["kind"] != "Suspect" || lines[0]["key"] != "WANTED-2024/0012" {
		t.Fatalf("exit %d, lines %v", code, lines)
	}
}

func TestRunParse_NoHTMLEscaping(t *testing.T) {
	var out bytes.Buffer
	runParseFrom(strings.NewReader(""), []string{"<sip:a@b.example>"}, &out, &bytes.Buffer{})
	if !strings.Contains(out.String(), `"input":"<sip:a@b.example>"`) {
		t.Fatalf("output %s escapes < and >", out.String())
	}
}

func TestRunParse_UsageErrorsExit2(t *testing.T) {
	for name, args := range map[string][]string{
		"ErrBadRegion":   {"--region", "VN", "0812345678"},
		"ErrBadKind":     {"--kind", "Car", "0812345678"},
		"ErrUnknownFlag": {"--colour", "0812345678"},
	} {
		t.Run(name, func(t *testing.T) {
			code, lines, stderr := runParseTest(t, "", args...)
			if code != 2 || len(lines) != 0 || !strings.Contains(stderr, "Usage:") && !strings.Contains(stderr, "--help") {
				t.Fatalf("exit %d, %d lines, stderr %q; want 2, nothing and the usage", code, len(lines), stderr)
			}
		})
	}
}

func TestRunParse_HelpExits0(t *testing.T) {
	var out, errOut bytes.Buffer
	code := runParseFrom(strings.NewReader(""), []string{"-h"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "scamgraph parse [--region TH|KH]") || errOut.Len() != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

// An ambiguous number is valid (the service stores its preferred reading)
// and shows every candidate; the "0066 61 ..." is not ambiguous.
func TestRunParse_AmbiguousShowsBothCandidates(t *testing.T) {
	code, lines, _ := runParseTest(t, "", "--region", "KH", "0066610518337", "0066 61 051 8337")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines", code, len(lines))
	}
	c, _ := lines[0]["candidates"].([]any)
	if lines[0]["ambiguous"] != true || lines[0]["key"] != "+66610518337" || len(c) != 2 || c[0] != "+66610518337" || c[1] != "+6610518337" {
		t.Errorf("run together: %v, want ambiguous, stored +66610518337, candidates [+66610518337 +6610518337]", lines[0])
	}
	if _, ok := lines[1]["ambiguous"]; ok || lines[1]["key"] != "+66610518337" {
		t.Errorf("grouped: %v, want +66610518337 without doubt", lines[1])
	}
}
