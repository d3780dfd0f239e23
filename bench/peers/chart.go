package peers

import (
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// colours gives each target the same colour in every chart.
var colours = map[string]string{"A": "#1b9e77", "a": "#8fd3bd", "B": "#d95f02", "b": "#f7b27f", "C": "#7570b3", "D": "#e7298a", "E": "#66a61e", "F": "#a6761d"}

// svg is a small SVG document under construction: rects, lines and text
// are all the charts need.
type svg struct {
	b    strings.Builder
	w, h int
}

func newSVG(w, h int) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&s.b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	return s
}

func (s *svg) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, y, max(w, 0.5), h, fill)
}

func (s *svg) text(x, y float64, anchor, t string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`+"\n", x, y, anchor, html.EscapeString(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string) {
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`+"\n", x1, y1, x2, y2, stroke)
}

func (s *svg) polyline(pts []string, stroke string) {
	fmt.Fprintf(&s.b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", stroke, strings.Join(pts, " "))
}

func (s *svg) write(path string) error {
	s.b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(s.b.String()), 0o644)
}

// writeCharts draws the current world's throughput bars and one latency
// chart per workload.
func (r *Run) writeCharts() error {
	out := r.Config.Out
	n := r.topConcurrency()
	workloads := r.workloadNames()
	const left, barH, barW = 170.0, 16.0, 520.0
	rows := 0
	for _, w := range workloads {
		for _, t := range r.Targets {
			if _, ok := r.resultFor(t.Name, w, n); ok {
				rows++
			}
		}
	}
	s := newSVG(int(left+barW+130), int(40+float64(rows)*(barH+3)+float64(len(workloads))*14))
	s.text(10, 20, "start", fmt.Sprintf("%s world: correct answers per second at concurrency %d (each workload scaled to its fastest target)", r.tag, n))
	y := 36.0
	for _, w := range workloads {
		best := 0.0
		for _, t := range r.Targets {
			if res, ok := r.resultFor(t.Name, w, n); ok {
				best = max(best, res.Rate())
			}
		}
		s.text(10, y+12, "start", w)
		for _, t := range r.Targets {
			res, ok := r.resultFor(t.Name, w, n)
			if !ok {
				continue
			}
			width := 0.0
			if best > 0 {
				width = barW * res.Rate() / best
			}
			s.text(left-6, y+12, "end", t.Name)
			s.rect(left, y, width, barH, colours[t.Name])
			s.text(left+width+4, y+12, "start", fmt.Sprintf("%.0f/s", res.Rate()))
			y += barH + 3
		}
		y += 14
	}
	if err := s.write(filepath.Join(out, r.chartName("throughput"))); err != nil {
		return err
	}
	for _, w := range workloads {
		if err := r.latencyChart(filepath.Join(out, r.chartName("latency-"+w)), w, n); err != nil {
			return err
		}
	}
	return nil
}

// writeIngestChart draws the ingest bars.
func (r *Run) writeIngestChart() error {
	const left, barH, barW = 170.0, 16.0, 520.0
	out := r.Config.Out
	if len(r.Ingest) > 0 {
		best := 0.0
		for _, in := range r.Ingest {
			best = max(best, in.Rate(), in.ReplayRate())
		}
		s := newSVG(int(left+barW+150), 40+len(r.Ingest)*2*(int(barH)+3))
		s.text(10, 20, "start", fmt.Sprintf("Ingest of %d call records into Neo4j, records per second", r.Ingest[0].Records))
		y := 32.0
		for _, in := range r.Ingest {
			for _, bar := range []struct {
				label string
				rate  float64
				fill  string
			}{{in.Method, in.Rate(), "#d95f02"}, {in.Method + " replay", in.ReplayRate(), "#fdb863"}} {
				if bar.rate == 0 {
					continue
				}
				width := barW * bar.rate / best
				s.text(left-6, y+12, "end", bar.label)
				s.rect(left, y, width, barH, bar.fill)
				s.text(left+width+4, y+12, "start", fmt.Sprintf("%.0f/s", bar.rate))
				y += barH + 3
			}
		}
		if err := s.write(filepath.Join(out, "ingest.svg")); err != nil {
			return err
		}
	}
	return nil
}

// latencyChart draws each target's latency percentile curve for one
// workload: percentile across, latency up on a log scale.
func (r *Run) latencyChart(path, workload string, n int) error {
	const left, top, w, h = 70.0, 30.0, 560.0, 260.0
	lo, hi := math.Inf(1), 0.0
	var series []Result
	for _, t := range r.Targets {
		if res, ok := r.resultFor(t.Name, workload, n); ok && len(res.Latencies) > 0 {
			series = append(series, res)
			lo = min(lo, res.Latencies[0].Seconds())
			hi = max(hi, res.Quantile(0.999).Seconds())
		}
	}
	s := newSVG(int(left+w+110), int(top+h+50))
	s.text(10, 18, "start", fmt.Sprintf("%s world, %s at concurrency %d: latency by percentile", r.tag, workload, n))
	if len(series) == 0 {
		return s.write(path)
	}
	lo, hi = math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if hi <= lo {
		hi = lo + 1
	}
	yOf := func(sec float64) float64 { return top + h - h*(math.Log10(sec)-lo)/(hi-lo) }
	for e := lo; e <= hi; e++ {
		y := yOf(math.Pow(10, e))
		s.line(left, y, left+w, y, "#ddd")
		s.text(left-6, y+4, "end", fmtDur(time.Duration(math.Pow(10, e)*float64(time.Second))))
	}
	s.line(left, top+h, left+w, top+h, "#333")
	for _, p := range []float64{0, 50, 90, 99, 99.9} {
		x := left + w*pctX(p)
		s.line(x, top+h, x, top+h+4, "#333")
		s.text(x, top+h+18, "middle", fmt.Sprintf("p%g", p))
	}
	for i, res := range series {
		var pts []string
		for k := 0; k <= 200; k++ {
			x := float64(k) / 200
			q := pctFromX(x) / 100
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", left+w*x, yOf(max(res.Quantile(max(q, 1e-9)).Seconds(), math.Pow(10, lo)))))
		}
		s.polyline(pts, colours[res.Target])
		s.rect(left+w+14, top+float64(i)*18, 12, 12, colours[res.Target])
		s.text(left+w+30, top+float64(i)*18+11, "start", res.Target)
	}
	return s.write(path)
}

// pctX places a percentile on the x axis so that the tail gets room: the
// axis is linear in the number of nines, up to p99.9.
func pctX(p float64) float64 {
	return math.Log10(100/(100-min(p, 99.9))) / 3
}

// pctFromX is pctX's inverse.
func pctFromX(x float64) float64 {
	return 100 - 100/math.Pow(10, 3*x)
}
