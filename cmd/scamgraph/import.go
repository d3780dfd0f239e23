package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/ingest"
	"github.com/scamgraph/scamgraph/intel"
	"github.com/scamgraph/scamgraph/usecase"
)

// importRetryFor is the import command's default --retry-for.
const importRetryFor = 2 * time.Minute

// importConfig holds the import command's own flags; the store settings
// are serve's (bindConfig).
type importConfig struct {
	Format    string
	Type      string
	Server    string
	Key       string
	Rejects   string
	Resume    bool
	BatchSize int
	Progress  string
}

// importCommand loads record files into a store (directly, or through a
// running server with --server), with a progress bar on a terminal, a
// summary, a rejects file, and resumption from a checkpoint after an
// interruption.
func (c *cli) importCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import --format ndjson|csv [--type TYPE] [--server URL | --store ...] FILE... (- for stdin)",
		Short: "load record files (- for stdin)",
	}
	ic := importConfig{Format: "ndjson", Resume: true, Progress: "auto"}
	fs := cmd.Flags()
	fs.StringVar(&ic.Format, "format", ic.Format, "input format: ndjson or csv")
	fs.StringVar(&ic.Type, "type", "", "record type of every row (csv files without a type column): call, voip_registration, voip_caller_id, subscriber, transfer, victim_report, suspect")
	fs.StringVar(&ic.Server, "server", "", "import through a running server (e.g. http://127.0.0.1:8080) instead of opening the store")
	fs.StringVar(&ic.Key, "key", os.Getenv("SCAMGRAPH_API_KEY"), "API key sent to --server: an ENRICHER or ADMIN key of the agency the records are from (env SCAMGRAPH_API_KEY)")
	fs.StringVar(&ic.Rejects, "rejects", "", "where rejected records go, with their reasons, and stored records with warnings (default FILE.rejects.ndjson; stdin: rejects.ndjson)")
	fs.BoolVar(&ic.Resume, "resume", ic.Resume, "continue after the last durable batch of an interrupted import of the same file")
	fs.IntVar(&ic.BatchSize, "batch-size", ingest.DefaultBatchSize, "records per write")
	fs.StringVar(&ic.Progress, "progress", ic.Progress, "progress bar: auto (on a terminal), always or never")
	defaults := defaultConfig()
	// An import is an operator's long job: by default it rides out a store
	// (or server) restart rather than giving up after the service's seconds.
	defaults.RetryFor = importRetryFor
	return c.configured(cmd, defaults, append(slices.Clone(storeSettings), "log-format"), func(ctx context.Context, cfg *Config, files []string) int {
		ctx, stop := untilSignal(ctx)
		defer stop()
		return importFiles(ctx, *cfg, ic, files, cmd, c.stdout, c.stderr)
	})
}

// importFiles is the import command once its flags are parsed.
func importFiles(ctx context.Context, cfg Config, ic importConfig, files []string, cmd *cobra.Command, stdout, stderr io.Writer) int {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "scamgraph import: name the files to import (- for stdin)")
		fmt.Fprint(stderr, cmd.UsageString())
		return 2
	}
	if ic.Format != "ndjson" && ic.Format != "csv" {
		fmt.Fprintf(stderr, "scamgraph import: --format must be ndjson or csv, got %q\n", ic.Format)
		return 2
	}
	logger := newLogger(cfg.LogFormat, "warn", stderr)
	var sink recordSink
	if ic.Server != "" {
		if ic.Key == "" {
			fmt.Fprintln(stderr, "scamgraph import: --server needs an API key: --key or SCAMGRAPH_API_KEY")
			return 2
		}
		sink = &serverSink{base: ic.Server, key: ic.Key, retryFor: cfg.RetryFor}
	} else {
		opened, err := openStore(ctx, cfg, logger, nil)
		if err != nil {
			fmt.Fprintln(stderr, "scamgraph import:", err)
			return 1
		}
		defer opened.close()
		sink = &storeSink{store: opened.store, reads: opened.base, logger: logger}
	}
	if ic.Server != "" || cfg.Store != "embedded" {
		tuneGCForStreaming()
	}
	var all ingest.Totals
	status := 0
	for _, name := range files {
		totals, err := importFile(ctx, sink, name, ic, stderr)
		all = addTotals(all, totals)
		if err != nil {
			fmt.Fprintf(stderr, "scamgraph import: %s: %s\n", name, errorLine(err))
			return 1
		}
		if totals.Rejected > 0 {
			status = 1
		}
	}
	if len(files) > 1 {
		fmt.Fprintf(stdout, "all files: %d records: %d accepted, %d duplicate, %d rejected; %d warnings\n",
			all.Records, all.Accepted, all.Duplicate, all.Rejected, all.Warnings)
	}
	return status
}

// errorLine is how the import command reports what stopped it: a domain
// error as the server answers it (its client code, then its message), so
// that a store that does not answer reads the same whether the import
// opened the store or went through a server; any other error as it is.
func errorLine(err error) string {
	if intel.ErrorCode(err) == intel.EINTERNAL {
		return err.Error()
	}
	msg := intel.ErrorMessage(err)
	if f := intel.ErrorField(err); f != "" {
		msg = f + ": " + msg
	}
	return intel.ClientCode(err) + ": " + msg
}

// importFile imports one file and prints its summary.
func importFile(ctx context.Context, sink recordSink, name string, ic importConfig, stderr io.Writer) (ingest.Totals, error) {
	in, size, err := openInput(name)
	if err != nil {
		return ingest.Totals{}, err
	}
	defer in.Close()
	ck := newCheckpoint(name, ic)
	skip := 0
	if prev, ok := ck.load(); ok {
		skip = prev.Line
		fmt.Fprintf(stderr, "%s: resuming after line %d (%d records already done)\n", name, prev.Line, prev.Totals.Records)
	}
	counted := &countingReader{r: in}
	dec, err := ingest.NewDecoder(counted, ic.Format, ingest.RecordType(ic.Type))
	if err != nil {
		return ingest.Totals{}, err
	}
	rejects, err := openRejects(name, ic.Rejects)
	if err != nil {
		return ingest.Totals{}, err
	}
	defer rejects.Close()
	bar := newProgress(name, size, ic.Progress, stderr)
	start := time.Now()
	var done int
	totals, err := sink.run(ctx, &skipDecoder{dec: dec, skip: skip}, ic.BatchSize, func(line int, offset int64, t ingest.Totals) error {
		done = t.Records
		bar.update(counted.n, t, time.Since(start))
		return ck.save(line, offset, t)
	}, rejects.write)
	bar.finish()
	summary := fmt.Sprintf("%s: %d records in %s (%.0f/s): %d accepted, %d duplicate, %d rejected; %d warnings",
		name, totals.Records, time.Since(start).Round(time.Millisecond), float64(done)/max(time.Since(start).Seconds(), 1e-9),
		totals.Accepted, totals.Duplicate, totals.Rejected, totals.Warnings)
	if totals.Rejected > 0 || totals.Warnings > 0 {
		summary += "; rejects and warnings in " + rejects.path
	}
	fmt.Fprintln(stderr, summary)
	if err != nil {
		return totals, err
	}
	ck.clear()
	return totals, nil
}

// recordSink is where an import writes: a store, or a running server.
type recordSink interface {
	run(ctx context.Context, dec ingest.Decoder, batchSize int, checkpoint func(int, int64, ingest.Totals) error,
		report func(ingest.Result) error) (ingest.Totals, error)
}

// storeSink runs the pipeline in this process.
type storeSink struct {
	store  intel.Store // written to (through the cache, which it invalidates)
	reads  intel.Store // read by the duplicate check (beneath the cache)
	logger zerolog.Logger
}

func (s *storeSink) run(ctx context.Context, dec ingest.Decoder, batchSize int, checkpoint func(int, int64, ingest.Totals) error,
	report func(ingest.Result) error) (ingest.Totals, error) {
	// The operator holds the store and imports records as they name their
	// agencies: the use case's operator caller, with no registry to audit to.
	svc := usecase.New(s.store, nil, usecase.Options{Logger: s.logger})
	return svc.IngestStream(ctx, svc.Operator(access.Agency{}, access.RoleAdmin), dec,
		ingest.Options{BatchSize: batchSize, Reads: s.reads, Checkpoint: checkpoint},
		func(r ingest.Result) error {
			if r.Status == ingest.StatusRejected || len(r.Warnings) > 0 {
				return report(r)
			}
			return nil
		})
}

// skipDecoder passes over records an earlier, interrupted run already made
// durable. They are decoded (cheaply) but never mapped or written again.
type skipDecoder struct {
	dec  ingest.Decoder
	skip int
}

func (d *skipDecoder) Next() (ingest.Raw, error) {
	for {
		raw, err := d.dec.Next()
		if err != nil || raw.Line > d.skip {
			return raw, err
		}
	}
}

func openInput(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(os.Stdin), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// rejectsFile writes each rejected record, with its reason, and each stored
// record with warnings, with the warnings (status ACCEPTED or DUPLICATE), as
// one JSON line: the person who fixes the source sees both in line order.
type rejectsFile struct {
	path string
	f    *os.File
	enc  *json.Encoder
}

func openRejects(input, path string) (*rejectsFile, error) {
	if path == "" {
		path = input + ".rejects.ndjson"
		if input == "-" {
			path = "rejects.ndjson"
		}
	}
	return &rejectsFile{path: path}, nil
}

func (r *rejectsFile) write(res ingest.Result) error {
	if r.f == nil {
		f, err := os.Create(r.path)
		if err != nil {
			return err
		}
		r.f, r.enc = f, json.NewEncoder(f)
		r.enc.SetEscapeHTML(false)
	}
	return r.enc.Encode(res)
}

func (r *rejectsFile) Close() error {
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

func addTotals(a, b ingest.Totals) ingest.Totals {
	a.Records += b.Records
	a.Accepted += b.Accepted
	a.Duplicate += b.Duplicate
	a.Rejected += b.Rejected
	a.Warnings += b.Warnings
	a.Batches += b.Batches
	return a
}
