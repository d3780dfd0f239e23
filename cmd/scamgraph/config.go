package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// Config is every setting of the service, with its defaults visible in
// defaultConfig. Each setting is a key of the config file, an environment
// variable and, on the commands that use it, a flag; the flag wins, then
// the environment, then the file. The README's configuration table lists
// the same names.
type Config struct {
	Addr string
	// MetricsAddr, when set, serves /metrics on a listen address of its
	// own (e.g. loopback) and takes it off the API's.
	MetricsAddr string
	// PprofAddr, when set, serves Go's runtime profiles (/debug/pprof/) on
	// a listen address of their own, never the API's: they show the
	// process's internals to whoever reaches them, so bind it to loopback.
	PprofAddr string
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
	// config file, an environment variable, a flag), for `scamgraph config`.
	origins map[string]string
	// file is the config file read, if any, and fileOrigin what named it.
	file, fileOrigin string
	// RiskHalfLife is the age at which evidence counts half in a score.
	RiskHalfLife time.Duration
	// RiskAsOf, when set (RFC 3339), is the moment scores are computed at
	// instead of the clock: a historical world is scored as of its end.
	RiskAsOf string
	// EntityMemoTTL is how long serve on Neo4j reuses an entity read from the store
	// (with what decides who may see it) while no write went through it;
	// 0 reads the store every time (see usecase.Options.EntityMemoTTL).
	EntityMemoTTL time.Duration
}

func defaultConfig() Config {
	return Config{
		Addr: "127.0.0.1:8080", Store: "embedded", DataDir: defaultDataDir(), CacheTTL: 10 * time.Minute,
		LogFormat: "auto", LogLevel: "info", ShutdownGrace: 15 * time.Second, RetryFor: intel.DefaultRetryBudget,
		HTTP: server.DefaultConfig(), RiskHalfLife: 180 * 24 * time.Hour, EntityMemoTTL: usecase.DefaultEntityMemoTTL,
	}
}

// The settings a command offers as flags, by what it does with them; the
// config file and the environment may name any setting whichever command
// reads them, so one file serves every command.
var (
	// registrySettings open the access registry: the embedded data
	// directory or the Neo4j database.
	registrySettings = []string{"store", "data-dir", "neo4j-uri", "neo4j-user", "neo4j-password", "neo4j-database"}
	// storeSettings open the graph store behind its cache, retrying a
	// store that does not answer.
	storeSettings = append(slices.Clone(registrySettings), "redis-url", "cache-ttl", "retry-for")
	// logSettings shape the log on standard error.
	logSettings = []string{"log-format", "log-level"}
)

// setting is one setting: its flag (and config file key), environment
// variable and help, how a text sets it and how it prints.
type setting struct {
	flag, env, usage string
	// kind is the value's type as the help shows it: string, duration,
	// int or bool.
	kind string
	set  func(string) error
	get  func() string
}

// settings is every setting, bound to c's fields.
func (c *Config) settings() []setting {
	str := func(p *string) (func(string) error, func() string) {
		return func(v string) error { *p = v; return nil }, func() string { return *p }
	}
	dur := func(p *time.Duration) (func(string) error, func() string) {
		return func(v string) (err error) { *p, err = time.ParseDuration(v); return err }, func() string { return p.String() }
	}
	num := func(p *int) (func(string) error, func() string) {
		return func(v string) (err error) { *p, err = strconv.Atoi(v); return err }, func() string { return strconv.Itoa(*p) }
	}
	num64 := func(p *int64) (func(string) error, func() string) {
		return func(v string) (err error) { *p, err = strconv.ParseInt(v, 10, 64); return err },
			func() string { return strconv.FormatInt(*p, 10) }
	}
	boolean := func(p *bool) (func(string) error, func() string) {
		return func(v string) (err error) { *p, err = strconv.ParseBool(v); return err }, func() string { return strconv.FormatBool(*p) }
	}
	// origins parses a CORS origin list, so that a malformed origin stops
	// the start with its reason instead of allowing nothing.
	origins := func(p *[]string) (func(string) error, func() string) {
		return func(v string) (err error) { *p, err = server.ParseOrigins(v); return err }, func() string { return strings.Join(*p, ",") }
	}
	var out []setting
	add := func(flag, env, usage, kind string, set func(string) error, get func() string) {
		out = append(out, setting{flag: flag, env: env, usage: usage, kind: kind, set: set, get: get})
	}
	addStr := func(flag, env, usage string, p *string) { s, g := str(p); add(flag, env, usage, "string", s, g) }
	addDur := func(flag, env, usage string, p *time.Duration) {
		s, g := dur(p)
		add(flag, env, usage, "duration", s, g)
	}
	addInt := func(flag, env, usage string, p *int) { s, g := num(p); add(flag, env, usage, "int", s, g) }
	addStr("addr", "SCAMGRAPH_ADDR", "listen address", &c.Addr)
	addStr("metrics-addr", "SCAMGRAPH_METRICS_ADDR", "serve /metrics here only, apart from the API (empty: /metrics on the API's address)", &c.MetricsAddr)
	addStr("pprof-addr", "SCAMGRAPH_PPROF_ADDR", "serve Go's runtime profiles (/debug/pprof/) here, apart from the API; bind it to loopback (empty: off)", &c.PprofAddr)
	addStr("tls-cert", "SCAMGRAPH_TLS_CERT", "serve HTTPS with this PEM certificate (chain); reread on SIGHUP", &c.TLSCert)
	addStr("tls-key", "SCAMGRAPH_TLS_KEY", "the certificate's PEM private key", &c.TLSKey)
	addStr("store", "SCAMGRAPH_STORE", "backend: embedded or neo4j", &c.Store)
	addStr("data-dir", "SCAMGRAPH_DATA_DIR", "embedded store's data directory ($XDG_DATA_HOME/scamgraph or ~/.local/share/scamgraph unless set)", &c.DataDir)
	addStr("neo4j-uri", "NEO4J_URI", "Neo4j URI (bolt:// or neo4j://)", &c.Neo4jURI)
	addStr("neo4j-user", "NEO4J_USER", "Neo4j user (empty: no auth)", &c.Neo4jUser)
	addStr("neo4j-password", "NEO4J_PASSWORD", "Neo4j password", &c.Neo4jPassword)
	addStr("neo4j-database", "NEO4J_DATABASE", "Neo4j database (empty: server default)", &c.Neo4jDatabase)
	addStr("redis-url", "REDIS_URL", "Redis URL for the cache (empty: no cache)", &c.RedisURL)
	addDur("cache-ttl", "SCAMGRAPH_CACHE_TTL", "how long cached lookups live", &c.CacheTTL)
	addDur("entity-memo-ttl", "SCAMGRAPH_ENTITY_MEMO_TTL", "on Neo4j, how long serve reuses an entity it read while no write went through it; writes by other processes are seen after at most this (0: off)", &c.EntityMemoTTL)
	addStr("log-format", "SCAMGRAPH_LOG_FORMAT", "auto (console on a terminal, else JSON), json or console", &c.LogFormat)
	addStr("log-level", "SCAMGRAPH_LOG_LEVEL", "debug, info, warn or error", &c.LogLevel)
	addDur("shutdown-grace", "SCAMGRAPH_SHUTDOWN_GRACE", "how long SIGTERM waits for requests in flight", &c.ShutdownGrace)
	s, g := num64(&c.HTTP.MaxBodyBytes)
	add("max-body-bytes", "SCAMGRAPH_MAX_BODY_BYTES", "largest request body", "int", s, g)
	addDur("request-timeout", "SCAMGRAPH_REQUEST_TIMEOUT", "longest a request may take, store calls included", &c.HTTP.RequestTimeout)
	addInt("complexity-limit", "SCAMGRAPH_COMPLEXITY_LIMIT", "most complexity points one operation may cost", &c.HTTP.ComplexityLimit)
	s, g = origins(&c.HTTP.AllowedOrigins)
	add("cors-origins", "SCAMGRAPH_CORS_ORIGINS", "comma-separated origins of front ends on other hosts allowed to call the API from a browser (empty: same origin only)", "string", s, g)
	addDur("retry-for", "SCAMGRAPH_RETRY_FOR", "how long a store call is retried while the store does not answer, before UNAVAILABLE (serve: 3s; import: 2m, as a long job may ride out a restart)", &c.RetryFor)
	addDur("risk-half-life", "SCAMGRAPH_RISK_HALF_LIFE", "age at which evidence counts half in a risk score", &c.RiskHalfLife)
	addStr("risk-as-of", "SCAMGRAPH_RISK_AS_OF", "score risk as of this RFC 3339 time (empty: now), e.g. the end of a replayed world", &c.RiskAsOf)
	addInt("depth-limit", "SCAMGRAPH_DEPTH_LIMIT", "deepest field nesting one operation may have", &c.HTTP.DepthLimit)
	addInt("alias-limit", "SCAMGRAPH_ALIAS_LIMIT", "most field aliases one operation may have (0: no limit)", &c.HTTP.AliasLimit)
	addInt("directive-limit", "SCAMGRAPH_DIRECTIVE_LIMIT", "most directives one operation may have (0: no limit)", &c.HTTP.DirectiveLimit)
	addInt("token-limit", "SCAMGRAPH_TOKEN_LIMIT", "most lexical tokens one query may have (0: no limit)", &c.HTTP.TokenLimit)
	s, g = boolean(&c.Demo)
	add("demo", "SCAMGRAPH_DEMO", "load the demo world if the store lacks it", "bool", s, g)
	return out
}

// allSettings names every setting, for the commands that take them all
// (serve, and config, which shows what serve would run with).
func allSettings() []string {
	var c Config
	var names []string
	for _, s := range c.settings() {
		names = append(names, s.flag)
	}
	return names
}

// boundConfig is a command's Config and the flags that set it. The flags
// only note what they were given; resolve lays the layers, lowest first:
// the command's defaults, the config file, the environment, the flags.
type boundConfig struct {
	cfg      Config
	defaults Config
	table    []setting
	flags    map[string]*settingFlag
	// path is --config.
	path string
}

// bindConfig registers the named settings and --config as flags of fs
// and returns the Config they fill once resolved. defaults are the
// command's own (import retries longer than serve).
func bindConfig(fs *pflag.FlagSet, defaults Config, names ...string) *boundConfig {
	b := &boundConfig{cfg: defaults, defaults: defaults, flags: map[string]*settingFlag{}}
	b.table = b.cfg.settings()
	for _, s := range b.table {
		if !slices.Contains(names, s.flag) {
			continue
		}
		f := &settingFlag{setting: s}
		b.flags[s.flag] = f
		flag := fs.VarPF(f, s.flag, "", fmt.Sprintf("%s (env %s)", s.usage, s.env))
		if s.kind == "bool" {
			flag.NoOptDefVal = "true"
		}
	}
	fs.StringVar(&b.path, "config", "", "the config file (env SCAMGRAPH_CONFIG; default $XDG_CONFIG_HOME/scamgraph/config.toml or ~/.config/scamgraph/config.toml, when present)")
	return b
}

// resolve lays the config file, the environment and the flags given over
// the defaults, in that order, noting where each value came from.
func (b *boundConfig) resolve() (*Config, error) {
	b.cfg = b.defaults
	b.cfg.origins = map[string]string{}
	setters := map[string]func(string) error{}
	for _, s := range b.table {
		setters[s.flag] = s.set
		b.cfg.origins[s.flag] = "default"
	}
	path, origin, err := configFile(b.path)
	if err != nil {
		return nil, err
	}
	b.cfg.file, b.cfg.fileOrigin = path, origin
	if path != "" {
		if err := applyConfigFile(path, setters, b.cfg.origins); err != nil {
			return nil, err
		}
	}
	for _, s := range b.table {
		if v, ok := os.LookupEnv(s.env); ok {
			if err := s.set(v); err != nil {
				return nil, fmt.Errorf("%s: %w", s.env, err)
			}
			b.cfg.origins[s.flag] = "env " + s.env
		}
	}
	for _, s := range b.table {
		if f := b.flags[s.flag]; f != nil && f.given {
			if err := s.set(f.text); err != nil {
				return nil, fmt.Errorf("--%s: %w", s.flag, err)
			}
			b.cfg.origins[s.flag] = "flag --" + s.flag
		}
	}
	return &b.cfg, nil
}

// settingFlag is a setting as a flag. Set checks the value at once, so a
// bad one is a usage error naming the flag, and keeps the text for
// resolve, which applies it over the file and the environment.
type settingFlag struct {
	setting
	text  string
	given bool
}

func (f *settingFlag) Set(v string) error {
	if err := f.set(v); err != nil {
		return err
	}
	f.text, f.given = v, true
	return nil
}

func (f *settingFlag) String() string { return f.get() }

func (f *settingFlag) Type() string { return f.kind }

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
