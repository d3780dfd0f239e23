package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// Config is every setting of the service, with its defaults visible in
// defaultConfig. Each setting is a flag and an environment variable; the
// flag wins. The README's configuration table lists the same names.
type Config struct {
	Addr string
	// MetricsAddr, when set, serves /metrics on a listen address of its
	// own (e.g. loopback) and takes it off the API's.
	MetricsAddr string
	// TLSCert and TLSKey, when set, serve HTTPS with this certificate,
	// read again on SIGHUP.
	TLSCert, TLSKey string
	Store           string
	DataDir         string
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	RedisURL        string
	CacheTTL        time.Duration
	LogFormat       string
	LogLevel        string
	Demo            bool
	ShutdownGrace   time.Duration
	// RetryFor is how long one store call is retried while the store does
	// not answer, before the caller hears UNAVAILABLE (import --server: how
	// long one chunk is resent while the server answers 503 or cannot be
	// reached).
	RetryFor time.Duration
	HTTP     server.Config

	// origins names where each setting's value came from (default, the
	// config file, an environment variable; a flag is seen after parsing),
	// for `scamgraph config`.
	origins map[string]string
	// RiskHalfLife is the age at which evidence counts half in a score.
	RiskHalfLife time.Duration
	// RiskAsOf, when set (RFC 3339), is the moment scores are computed at
	// instead of the clock: a historical world is scored as of its end.
	RiskAsOf string
}

func defaultConfig() Config {
	return Config{
		Addr: "127.0.0.1:8080", Store: "embedded", DataDir: defaultDataDir(), CacheTTL: 10 * time.Minute,
		LogFormat: "auto", LogLevel: "info", ShutdownGrace: 15 * time.Second, RetryFor: intel.DefaultRetryBudget,
		HTTP: server.DefaultConfig(), RiskHalfLife: 180 * 24 * time.Hour,
	}
}

// bindConfig registers every setting on fs. Precedence, lowest first:
// the default (defaultConfig), the config file (configFile), the
// environment variable, the flag: the file and the environment are
// applied here and become the flags' defaults, so a flag given wins.
func bindConfig(fs *flag.FlagSet, c *Config) error {
	str := func(p *string) func(*flag.FlagSet, string, string) {
		return func(fs *flag.FlagSet, n, u string) { fs.StringVar(p, n, *p, u) }
	}
	dur := func(p *time.Duration) func(*flag.FlagSet, string, string) {
		return func(fs *flag.FlagSet, n, u string) { fs.DurationVar(p, n, *p, u) }
	}
	num := func(p *int) func(*flag.FlagSet, string, string) {
		return func(fs *flag.FlagSet, n, u string) { fs.IntVar(p, n, *p, u) }
	}
	settings := []struct {
		flag, env, usage string
		bind             func(*flag.FlagSet, string, string)
		set              func(string) error
	}{
		{"addr", "SCAMGRAPH_ADDR", "listen address", str(&c.Addr), setString(&c.Addr)},
		{"metrics-addr", "SCAMGRAPH_METRICS_ADDR", "serve /metrics here only, apart from the API (empty: /metrics on the API's address)", str(&c.MetricsAddr), setString(&c.MetricsAddr)},
		{"tls-cert", "SCAMGRAPH_TLS_CERT", "serve HTTPS with this PEM certificate (chain); reread on SIGHUP", str(&c.TLSCert), setString(&c.TLSCert)},
		{"tls-key", "SCAMGRAPH_TLS_KEY", "the certificate's PEM private key", str(&c.TLSKey), setString(&c.TLSKey)},
		{"store", "SCAMGRAPH_STORE", "backend: embedded or neo4j", str(&c.Store), setString(&c.Store)},
		{"data-dir", "SCAMGRAPH_DATA_DIR", "embedded store's data directory (default $XDG_DATA_HOME/scamgraph or ~/.local/share/scamgraph)", str(&c.DataDir), setString(&c.DataDir)},
		{"neo4j-uri", "NEO4J_URI", "Neo4j URI (bolt:// or neo4j://)", str(&c.Neo4jURI), setString(&c.Neo4jURI)},
		{"neo4j-user", "NEO4J_USER", "Neo4j user (empty: no auth)", str(&c.Neo4jUser), setString(&c.Neo4jUser)},
		{"neo4j-password", "NEO4J_PASSWORD", "Neo4j password", str(&c.Neo4jPassword), setString(&c.Neo4jPassword)},
		{"neo4j-database", "NEO4J_DATABASE", "Neo4j database (empty: server default)", str(&c.Neo4jDatabase), setString(&c.Neo4jDatabase)},
		{"redis-url", "REDIS_URL", "Redis URL for the cache (empty: no cache)", str(&c.RedisURL), setString(&c.RedisURL)},
		{"cache-ttl", "SCAMGRAPH_CACHE_TTL", "how long cached lookups live", dur(&c.CacheTTL), setDuration(&c.CacheTTL)},
		{"log-format", "SCAMGRAPH_LOG_FORMAT", "auto (console on a terminal, else JSON), json or console", str(&c.LogFormat), setString(&c.LogFormat)},
		{"log-level", "SCAMGRAPH_LOG_LEVEL", "debug, info, warn or error", str(&c.LogLevel), setString(&c.LogLevel)},
		{"shutdown-grace", "SCAMGRAPH_SHUTDOWN_GRACE", "how long SIGTERM waits for requests in flight", dur(&c.ShutdownGrace), setDuration(&c.ShutdownGrace)},
		{"max-body-bytes", "SCAMGRAPH_MAX_BODY_BYTES", "largest request body", int64Flag(&c.HTTP.MaxBodyBytes), setInt64(&c.HTTP.MaxBodyBytes)},
		{"request-timeout", "SCAMGRAPH_REQUEST_TIMEOUT", "longest a request may take, store calls included", dur(&c.HTTP.RequestTimeout), setDuration(&c.HTTP.RequestTimeout)},
		{"complexity-limit", "SCAMGRAPH_COMPLEXITY_LIMIT", "most complexity points one operation may cost", num(&c.HTTP.ComplexityLimit), setInt(&c.HTTP.ComplexityLimit)},
		{"cors-origins", "SCAMGRAPH_CORS_ORIGINS", "comma-separated origins of front ends on other hosts allowed to call the API from a browser (empty: same origin only)", originsFlag(&c.HTTP.AllowedOrigins), setOrigins(&c.HTTP.AllowedOrigins)},
		{"retry-for", "SCAMGRAPH_RETRY_FOR", "how long a store call is retried while the store does not answer, before UNAVAILABLE (serve: 3s; import: 2m, as a long job may ride out a restart)", dur(&c.RetryFor), setDuration(&c.RetryFor)},
		{"risk-half-life", "SCAMGRAPH_RISK_HALF_LIFE", "age at which evidence counts half in a risk score", dur(&c.RiskHalfLife), setDuration(&c.RiskHalfLife)},
		{"risk-as-of", "SCAMGRAPH_RISK_AS_OF", "score risk as of this RFC 3339 time (empty: now), e.g. the end of a replayed world", str(&c.RiskAsOf), setString(&c.RiskAsOf)},
		{"depth-limit", "SCAMGRAPH_DEPTH_LIMIT", "deepest field nesting one operation may have", num(&c.HTTP.DepthLimit), setInt(&c.HTTP.DepthLimit)},
		{"alias-limit", "SCAMGRAPH_ALIAS_LIMIT", "most field aliases one operation may have (0: no limit)", num(&c.HTTP.AliasLimit), setInt(&c.HTTP.AliasLimit)},
		{"directive-limit", "SCAMGRAPH_DIRECTIVE_LIMIT", "most directives one operation may have (0: no limit)", num(&c.HTTP.DirectiveLimit), setInt(&c.HTTP.DirectiveLimit)},
		{"token-limit", "SCAMGRAPH_TOKEN_LIMIT", "most lexical tokens one query may have (0: no limit)", num(&c.HTTP.TokenLimit), setInt(&c.HTTP.TokenLimit)},
	}
	settings = append(settings, struct {
		flag, env, usage string
		bind             func(*flag.FlagSet, string, string)
		set              func(string) error
	}{"demo", "SCAMGRAPH_DEMO", "load the demo world if the store lacks it",
		func(fs *flag.FlagSet, n, u string) { fs.BoolVar(&c.Demo, n, c.Demo, u) }, setBool(&c.Demo)})
	c.origins = map[string]string{}
	setters := map[string]func(string) error{}
	for _, s := range settings {
		setters[s.flag] = s.set
		c.origins[s.flag] = "default"
	}
	path, _, err := configFile()
	if err != nil {
		return err
	}
	if path != "" {
		if err := applyConfigFile(path, setters, c.origins); err != nil {
			return err
		}
	}
	for _, s := range settings {
		if v, ok := os.LookupEnv(s.env); ok {
			if err := s.set(v); err != nil {
				return fmt.Errorf("%s: %w", s.env, err)
			}
			c.origins[s.flag] = "env " + s.env
		}
		s.bind(fs, s.flag, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	fs.String("config", path, "the config file (env SCAMGRAPH_CONFIG; default $XDG_CONFIG_HOME/scamgraph/config.toml or ~/.config/scamgraph/config.toml, when present)")
	return nil
}

func setBool(p *bool) func(string) error {
	return func(v string) (err error) { *p, err = strconv.ParseBool(v); return err }
}

func setString(p *string) func(string) error { return func(v string) error { *p = v; return nil } }

func setDuration(p *time.Duration) func(string) error {
	return func(v string) (err error) { *p, err = time.ParseDuration(v); return err }
}

func setInt(p *int) func(string) error {
	return func(v string) (err error) { *p, err = strconv.Atoi(v); return err }
}

func setInt64(p *int64) func(string) error {
	return func(v string) (err error) { *p, err = strconv.ParseInt(v, 10, 64); return err }
}

func int64Flag(p *int64) func(*flag.FlagSet, string, string) {
	return func(fs *flag.FlagSet, n, u string) { fs.Int64Var(p, n, *p, u) }
}

// setOrigins parses a CORS origin list, so that a malformed origin stops the
// start with its reason instead of allowing nothing.
func setOrigins(p *[]string) func(string) error {
	return func(v string) (err error) { *p, err = server.ParseOrigins(v); return err }
}

func originsFlag(p *[]string) func(*flag.FlagSet, string, string) {
	return func(fs *flag.FlagSet, n, u string) {
		fs.Func(n, u, setOrigins(p))
	}
}

// analyticsOptions are the use cases' scoring settings from the config.
func (c Config) analyticsOptions() (usecase.AnalyticsOptions, error) {
	o := usecase.AnalyticsOptions{HalfLife: c.RiskHalfLife}
	if c.RiskHalfLife <= 0 {
		return o, fmt.Errorf("risk-half-life must be positive, got %s", c.RiskHalfLife)
	}
	if c.RiskAsOf != "" {
		at, err := time.Parse(time.RFC3339, c.RiskAsOf)
		if err != nil {
			return o, fmt.Errorf("risk-as-of: %q is not an RFC 3339 time", c.RiskAsOf)
		}
		o.Now = func() time.Time { return at }
	}
	return o, nil
}
