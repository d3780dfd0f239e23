package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unsetEnv removes variables for the test, restoring them after it.
func unsetEnv(t *testing.T, names ...string) {
	for _, n := range names {
		t.Setenv(n, "") // registers the restore
		os.Unsetenv(n)
	}
}

func TestConfigFileEnvAndFlagsInThatOrder(t *testing.T) {
	unsetEnv(t, "REDIS_URL", "NEO4J_PASSWORD", "SCAMGRAPH_DATA_DIR", "SCAMGRAPH_LOG_LEVEL", "SCAMGRAPH_CACHE_TTL",
		"SCAMGRAPH_COMPLEXITY_LIMIT", "SCAMGRAPH_DEMO", "SCAMGRAPH_REQUEST_TIMEOUT", "SCAMGRAPH_CONFIG")
	dir := t.TempDir()
	file := filepath.Join(dir, "scamgraph.toml")
	os.WriteFile(file, []byte(`
addr = "0.0.0.0:9000"
data-dir = "/srv/scamgraph"
log-level = "warn"
neo4j-password = "s3cret"
redis-url = "redis://cache:hunter2@10.0.0.5:6379/0"
cache-ttl = "5m"
complexity-limit = 3000
demo = true
`), 0o600)
	t.Setenv("SCAMGRAPH_ADDR", "127.0.0.1:9100")
	code, out, errOut := runCLI(t, "config", "--config", file, "--log-level", "debug")
	if code != 0 {
		t.Fatalf("config: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`addr              = "127.0.0.1:9100"`, "# env SCAMGRAPH_ADDR",
		`data-dir          = "/srv/scamgraph"`,
		`log-level         = "debug"`, "# flag --log-level",
		`neo4j-password    = "********"`,
		`redis-url         = "redis://cache:********@10.0.0.5:6379/0"`,
		`cache-ttl         = "5m0s"`, `complexity-limit  = "3000"`, `demo              = "true"`,
		`request-timeout   = "10s"`, "# default",
		"# config file: " + file + " (--config)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`data-dir\s+= "/srv/scamgraph"\s+# file `).MatchString(out) {
		t.Errorf("data-dir's origin is not the file:\n%s", out)
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, "hunter2") {
		t.Errorf("a secret is printed:\n%s", out)
	}

	t.Run("UnknownSettingIsNamed", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.toml")
		os.WriteFile(bad, []byte(`data_dir = "/srv"`), 0o600)
		code, _, errOut := runCLI(t, "config", "--config", bad)
		if code != 2 || !strings.Contains(errOut, `unknown setting "data_dir" (did you mean "data-dir"?)`) {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("MissingFileIsAnError", func(t *testing.T) {
		code, _, errOut := runCLI(t, "config", "--config", filepath.Join(dir, "none.toml"))
		if code != 2 || !strings.Contains(errOut, "none.toml") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
	t.Run("EnvNamesTheFile", func(t *testing.T) {
		t.Setenv("SCAMGRAPH_CONFIG", file)
		code, out, _ := runCLI(t, "config")
		if code != 0 || !strings.Contains(out, "(SCAMGRAPH_CONFIG)") || !strings.Contains(out, `"/srv/scamgraph"`) {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
}
