package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/scamgraph/scamgraph/ingest"
)

// progress shows bytes read (which gives the ETA) and records per second
// on a terminal, and nothing elsewhere, so logs of batch jobs stay clean.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(name string, size int64, mode string, w io.Writer) *progress {
	show := mode == "always" || (mode == "auto" && isTerminal(w))
	if !show {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) update(bytes int64, t ingest.Totals, elapsed time.Duration) {
	if p.bar == nil {
		return
	}
	p.bar.Describe(fmt.Sprintf("%d records, %.0f rec/s, %d rejected, %d warnings", t.Records,
		float64(t.Records)/max(elapsed.Seconds(), 1e-9), t.Rejected, t.Warnings))
	p.bar.Set64(bytes)
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
