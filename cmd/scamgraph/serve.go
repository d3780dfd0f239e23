package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/demo"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/server"
	"github.com/scamgraph/scamgraph/usecase"
)

// demoKeyTTL is how long the demo keys printed at start-up stay valid.
const demoKeyTTL = 7 * 24 * time.Hour

// printDemoKeys shows the demo keys once: they are stored hashed, and the
// next start revokes them and prints a new set.
func printDemoKeys(w io.Writer, keys []demo.Key) {
	fmt.Fprintf(w, "\nDemo API keys (valid %s; a restart issues new ones). In GraphiQL, open Headers and paste\n"+
		"  {\"Authorization\": \"Bearer <token>\", \"X-Purpose\": \"CASE-2026-0001\"}\n\n", demoKeyTTL)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-8s %-12s %s\n", k.Agency, k.Role, k.Token)
	}
	fmt.Fprintln(w)
}

// serveCommand starts the API and blocks until SIGINT or SIGTERM, then
// lets requests in flight finish (up to --shutdown-grace) and closes the
// store.
func (c *cli) serveCommand() *cobra.Command {
	return c.configured(&cobra.Command{
		Use:   "serve [--demo] [--store embedded|neo4j] [--addr ADDR] [flags]",
		Short: "the GraphQL API (serve --help lists every setting)",
		Args:  cobra.NoArgs,
	}, defaultConfig(), allSettings(), func(ctx context.Context, cfg *Config, _ []string) int {
		ctx, stop := untilSignal(ctx)
		defer stop()
		return serveAPI(ctx, *cfg, c.stderr, c.ready)
	})
}

// serveAPI serves until ctx ends; ready, when not nil, receives the bound
// address, so tests can run the real command on port 0.
func serveAPI(ctx context.Context, cfg Config, stderr io.Writer, ready chan<- string) int {
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)
	metrics := server.NewMetrics()
	opened, err := openStore(ctx, cfg, logger, metrics)
	if err != nil {
		logger.Error().Err(err).Msg("cannot open the store")
		return 1
	}
	defer func() {
		if err := opened.close(); err != nil {
			logger.Error().Err(err).Msg("closing the store")
		}
	}()
	reg, records, closeRegistry, err := openRegistryRecords(ctx, cfg, opened.base)
	if err != nil {
		logger.Error().Err(err).Msg("cannot open the registry of agencies, keys and agreements")
		return 1
	}
	defer func() {
		if err := closeRegistry(); err != nil {
			logger.Error().Err(err).Msg("closing the registry")
		}
	}()
	if cfg.Demo {
		if err := ensureDemo(ctx, opened.store, logger); err != nil {
			logger.Error().Err(err).Msg("cannot load the demo world")
			return 1
		}
		keys, err := demo.SetUpAccess(ctx, reg, demoKeyTTL)
		if err != nil {
			logger.Error().Err(err).Msg("cannot set up the demo agencies and keys")
			return 1
		}
		printDemoKeys(stderr, keys)
	}
	var cache server.CachePinger
	if opened.cache != nil {
		cache = opened.cache
	}
	if cfg.Demo && cfg.RiskAsOf == "" {
		// The demo world ended in 2024; scored as of today every report
		// would have decayed away. An explicit --risk-as-of wins.
		cfg.RiskAsOf = demo.End.Format(time.RFC3339)
		logger.Info().Str("risk_as_of", cfg.RiskAsOf).Msg("demo: risk is scored as of the end of the demo world's history")
	}
	analytics, err := cfg.analyticsOptions()
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return 2
	}
	// The entity memo spares Neo4j a round trip per repeated read. The
	// embedded store's graph is in this process's memory already, where a
	// memo in front of it would only copy again what the store copies.
	memoTTL := cfg.EntityMemoTTL
	if cfg.Store != "neo4j" {
		memoTTL = 0
	}
	svc := usecase.New(opened.store, reg, usecase.Options{Logger: logger, Analytics: analytics, EntityMemoTTL: memoTTL})
	// Evidence whose delivery into the graph a crash or an outage cut
	// short is delivered now, before the first request.
	if err := svc.DeliverPending(ctx, nil); err != nil {
		logger.Warn().Err(err).Msg("pending evidence deliveries could not be finished; the next fulfilment retries them")
	}
	cfg.HTTP.SeparateMetrics = cfg.MetricsAddr != ""
	srv := server.New(cfg.HTTP, svc, cache, logger, metrics)
	if emb, ok := opened.base.(*embeddedstore.Store); ok && records != nil {
		srv.EnableBackup(server.BackupFile{Name: embeddedstore.FileName, Source: emb},
			server.BackupFile{Name: accessFileName, Source: records})
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		logger.Error().Msg("--tls-cert and --tls-key go together")
		return 1
	}
	var certs *certReloader
	if cfg.TLSCert != "" {
		if certs, err = newCertReloader(cfg.TLSCert, cfg.TLSKey); err != nil {
			logger.Error().Err(err).Msg("cannot load the TLS certificate")
			return 1
		}
	}
	// SIGHUP rereads the TLS certificate; without TLS it is noted and
	// otherwise harmless, never the end of the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			if certs == nil {
				logger.Info().Msg("SIGHUP: no TLS certificate to reread")
				continue
			}
			if err := certs.reload(); err != nil {
				logger.Error().Err(err).Msg("TLS certificate not reloaded; the one in use stays")
				continue
			}
			logger.Info().Str("cert", cfg.TLSCert).Msg("TLS certificate reloaded")
		}
	}()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		logger.Error().Err(err).Str("addr", cfg.Addr).Msg("cannot listen")
		return 1
	}
	scheme := "http"
	if certs != nil {
		ln, scheme = tls.NewListener(ln, certs.tlsConfig()), "https"
	}
	httpSrv := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: cfg.HTTP.RequestTimeout + 5*time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 3)
	go func() { errc <- httpSrv.Serve(ln) }()
	// Metrics and runtime profiles may each have a listen address of their
	// own, apart from the API's (loopback, a monitoring network).
	for _, side := range []struct {
		addr, key, msg string
		handler        http.Handler
	}{
		{cfg.MetricsAddr, "metrics_addr", "metrics apart from the API", srv.MetricsHandler()},
		{cfg.PprofAddr, "pprof_addr", "runtime profiles apart from the API", profiles()},
	} {
		if side.addr == "" {
			continue
		}
		sln, err := net.Listen("tcp", side.addr)
		if err != nil {
			logger.Error().Err(err).Str(side.key, side.addr).Msg("cannot listen")
			httpSrv.Close()
			return 1
		}
		// No write timeout: a CPU profile answers after the seconds it
		// was asked to sample.
		sideSrv := &http.Server{Handler: side.handler, ReadHeaderTimeout: 10 * time.Second}
		defer sideSrv.Close()
		go func() { errc <- sideSrv.Serve(sln) }()
		logger.Info().Str(side.key, sln.Addr().String()).Msg(side.msg)
	}
	addr := ln.Addr().String()
	logger.Info().Str("addr", addr).Str("graphiql", scheme+"://"+addr+"/graphiql").Msg("serving")
	if ready != nil {
		ready <- addr
	}
	select {
	case err := <-errc:
		logger.Error().Err(err).Msg("server stopped")
		return 1
	case <-ctx.Done():
	}
	logger.Info().Dur("grace", cfg.ShutdownGrace).Msg("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Error().Err(err).Msg("shutdown")
		return 1
	}
	return 0
}
