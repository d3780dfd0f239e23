package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// runKeysTest drives the real command line on the embedded store in dir.
func runKeysTest(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"keys", args[0], "--store", "embedded", "--data-dir", dir}, args[1:]...)
	code := run(full, &out, &errOut)
	return code, out.String(), errOut.String()
}

var keyLine = regexp.MustCompile(`(?m)^id:\s+([0-9a-f]{16})$`)
var tokenLine = regexp.MustCompile(`(?m)^token:\s+(sgk_\S+)$`)

func TestKeysCommandLifecycle(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runKeysTest(t, dir, "agency", "--code", "TH-CCIB", "--name", "Cyber Crime Investigation Bureau", "--country", "th")
	if code != 0 || !strings.Contains(out, "TH-CCIB") {
		t.Fatalf("agency: exit %d, out %q, err %q", code, out, errOut)
	}
	code, _, errOut = runKeysTest(t, dir, "agency", "--code", "TH-CCIB", "--name", "Again", "--country", "TH")
	if code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("duplicate agency: exit %d, err %q; want 1 and the reason", code, errOut)
	}

	code, out, errOut = runKeysTest(t, dir, "create", "--agency", "TH-CCIB", "--role", "analyst", "--label", "workstation 3", "--ttl", "720h")
	if code != 0 {
		t.Fatalf("create: exit %d, err %q", code, errOut)
	}
	id, tok := keyLine.FindStringSubmatch(out), tokenLine.FindStringSubmatch(out)
	if id == nil || tok == nil || !strings.HasPrefix(tok[1], "sgk_"+id[1]+"_") {
		t.Fatalf("create printed %q; want the key id and its token", out)
	}
	if !strings.Contains(errOut, "cannot be shown again") {
		t.Errorf("create did not warn that the token is shown once: %q", errOut)
	}

	code, out, _ = runKeysTest(t, dir, "list", "--agency", "TH-CCIB")
	if code != 0 || !strings.Contains(out, "STATUS") || !regexp.MustCompile(id[1]+`\s+TH-CCIB\s+ANALYST\s+workstation 3\s+\S+\s+\S+\s+active`).MatchString(out) {
		t.Fatalf("list: exit %d, table:\n%s", code, out)
	}

	code, out, errOut = runKeysTest(t, dir, "revoke", id[1], "--reason", "workstation stolen")
	if code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: exit %d, out %q, err %q", code, out, errOut)
	}
	code, _, errOut = runKeysTest(t, dir, "revoke", "--reason", "again", id[1])
	if code != 1 || !strings.Contains(errOut, "already revoked") {
		t.Errorf("second revoke: exit %d, err %q", code, errOut)
	}
	code, out, _ = runKeysTest(t, dir, "list")
	if code != 0 || !strings.Contains(out, "revoked 20") {
		t.Errorf("list after revoke:\n%s", out)
	}

	// What the CLI wrote is what the service reads: the token fails with
	// its reason, and every change is in the audit log as made by "cli".
	ctx := context.Background()
	reg, closeFn, err := openRegistry(ctx, Config{Store: "embedded", DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	_, err = reg.Authenticate(ctx, tok[1], time.Now())
	if intel.ErrorCode(err) != intel.EUNAUTHENTICATED || !strings.Contains(intel.ErrorMessage(err), "key revoked on") {
		t.Errorf("Authenticate with the revoked token: %v", err)
	}
	entries, err := reg.QueryAudit(ctx, access.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, e := range entries {
		ops = append(ops, e.Operation)
		if e.KeyID != "cli" || e.Kind != access.KindAdmin {
			t.Errorf("audit entry %+v not by cli", e)
		}
	}
	if got := strings.Join(ops, ","); got != "createAgency,createKey,revokeKey" {
		t.Errorf("audit operations = %s", got)
	}
	if _, err := reg.GetAgency(ctx, "TH-CCIB"); err != nil {
		t.Errorf("the agency is not in %s: %v", filepath.Join(dir, accessFileName), err)
	}
}

func TestKeysCommandUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"UnknownSubcommand", []string{"rotate"}, 2, `unknown command "rotate"`},
		{"AgencyNeedsCode", []string{"agency", "--name", "X", "--country", "TH"}, 2, "--code is required"},
		{"AgencyBadCountry", []string{"agency", "--code", "VN-POL", "--name", "X", "--country", "VN"}, 2, "--country must be TH or KH"},
		{"AgencyBadCode", []string{"agency", "--code", "th", "--name", "X", "--country", "TH"}, 1, "code:"},
		{"CreateNeedsAgency", []string{"create", "--role", "ANALYST"}, 2, "--agency is required"},
		{"CreateBadRole", []string{"create", "--agency", "TH-CCIB", "--role", "ROOT"}, 2, "--role must be one of"},
		{"CreateUnknownAgency", []string{"create", "--agency", "TH-NONE", "--role", "ADMIN"}, 1, "no agency"},
		{"CreateTTLTooLong", []string{"create", "--agency", "TH-NONE", "--role", "ADMIN", "--ttl", "20000h"}, 1, "ttl:"},
		{"RevokeNeedsReason", []string{"revoke", "0123456789abcdef"}, 2, "--reason is required"},
		{"RevokeNeedsID", []string{"revoke", "--reason", "x"}, 2, "want exactly one key ID"},
		{"RevokeUnknown", []string{"revoke", "--reason", "x", "0123456789abcdef"}, 1, "no key"},
		{"ListExtraArgs", []string{"list", "TH-CCIB"}, 2, "unexpected arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var code int
			var errOut string
			if c.args[0] == "rotate" {
				var out, eb bytes.Buffer
				code, errOut = run([]string{"keys", "rotate"}, &out, &eb), eb.String()
			} else {
				code, _, errOut = runKeysTest(t, dir, c.args...)
			}
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.want)
			}
		})
	}
}
