// Package demo builds the demo world: a synthetic, deterministic
// cross-border scam network for newcomers to explore in GraphiQL and for
// benchmarks to load. Call centres in Cambodian border towns register VoIP
// accounts from Cambodian IP addresses and present Thai numbers to Thai
// victims; SIM boxes in Thailand fan out local-looking calls; victims' money
// runs through layers of Thai mule accounts into Cambodian ones; suspects use
// the artefacts and the gangs' LINE and Telegram accounts; some victims report
// to the police, naming the number that called, the account they paid and the
// chat account they were moved to; subscriber records say whom the numbers,
// SIP accounts and bank accounts are registered to, nominees holding many of
// them among ordinary people holding their own; and ordinary subscribers
// calling and paying each other make up most of the graph, as they do in real
// call records.
//
// Every artefact is invented. The keys are valid and canonical (the phone
// numbers lie in allocated ranges, the IP addresses look public), so any of
// them may happen to belong to somebody real: the world says nothing about
// them. VoIP providers use the reserved .example domain. The people are
// invented too: names are drawn from short lists, addresses from a few
// districts, and every Thai national ID number carries a wrong check digit,
// so that no document number in the world can be a real Thai citizen's.
//
// The same Config gives the same world, item for item and in the same order,
// on every run and every backend: randomness comes from seeded PCG
// generators and time from Epoch plus offsets, never from the clock.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Defaults of Config, chosen so that the zero Config is the demo world that
// the README and the benchmarks describe.
const (
	// DefaultSeed is the year the Thai–Cambodian agreement was approved.
	DefaultSeed int64 = 2022
	// DefaultBatchSize keeps one Upsert well under intel.MaxBatchItems and
	// small enough for a store to commit quickly.
	DefaultBatchSize = 1000
)

// Epoch is the start of the world's history; every time in the world is
// Epoch plus an offset, so that two runs agree to the millisecond.
var Epoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// HistoryDays is how long the world's history runs from Epoch: half a year,
// longer than the 90 days Thai operators must keep traffic data.
const HistoryDays = 182

// End is the moment the world's history ends. Risk decays with age, so a
// service showing the demo world scores it as of End, as an analyst would
// have seen it then, rather than as of today's clock.
var End = Epoch.Add(HistoryDays * 24 * time.Hour)

// Config chooses which demo world to build and how to deliver it.
type Config struct {
	// Seed selects the world; 0 means DefaultSeed. The entry points exist
	// in every world; everything else depends on the seed.
	Seed int64
	// Scale multiplies every population and traffic volume; 0 means 1.0,
	// the size the tests and the README describe (about 28,000 entities
	// and 135,000 links), and at most 100. Small scales suit quick tests.
	Scale float64
	// Background multiplies the ordinary calls and transfers on top of
	// Scale; 0 means 1. It lets an evaluation bury the same scam in more
	// or less innocent traffic.
	Background float64
	// BatchSize caps the items (entities plus links) in one emitted batch;
	// 0 means DefaultBatchSize. It may not exceed intel.MaxBatchItems.
	BatchSize int
}

// normalized applies the defaults and rejects settings no world can honour.
func (c Config) normalized() (Config, error) {
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Scale == 0 {
		c.Scale = 1
	}
	if math.IsNaN(c.Scale) || c.Scale < 0 || c.Scale > 100 {
		return c, fmt.Errorf("demo: scale must be between 0 and 100, got %v", c.Scale)
	}
	if c.Background == 0 {
		c.Background = 1
	}
	if math.IsNaN(c.Background) || c.Background < 0 || c.Background > 100 {
		return c, fmt.Errorf("demo: background must be between 0 and 100, got %v", c.Background)
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.BatchSize < 1 || c.BatchSize > intel.MaxBatchItems {
		return c, fmt.Errorf("demo: batch size must be between 1 and %d, got %d", intel.MaxBatchItems, c.BatchSize)
	}
	return c, nil
}

// Generate builds the world described by cfg and hands it to emit in
// batches of at most cfg.BatchSize items, each entity before the links that
// need it and each item exactly once, so that a caller can write the world
// to any store without holding it in memory. After the first error emit returns
// it emits nothing more, and it returns that error with the counts of what
// emit accepted.
func Generate(cfg Config, emit func(intel.Batch) error) (Stats, error) {
	stats, _, err := GenerateWithTruth(cfg, emit)
	return stats, err
}

// GenerateWithTruth is Generate that also returns the world's truth: what
// was planted where, for an evaluation to score the service's findings
// against.
func GenerateWithTruth(cfg Config, emit func(intel.Batch) error) (Stats, Truth, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return Stats{}, Truth{}, err
	}
	if emit == nil {
		return Stats{}, Truth{}, errors.New("demo: emit must not be nil")
	}
	w := newWorld(cfg, emit)
	steps := []func(){
		w.reserveEntryPoints,
		w.populate,
		w.buildCallCentres,
		w.buildSIMBoxes,
		w.buildMules,
		w.buildChats,
		w.buildSuspects,
		w.buildInnocentTraffic,
		// The parts below, like the chat accounts above, came later. They
		// roll their own dice and number their records after the older
		// parts have numbered theirs, so that every item of a world loaded
		// before them comes out unchanged and loading over it only adds.
		w.buildSIMRacks,
		w.buildVictimReports,
		w.buildSubscriberRecords,
		w.buildFalseReport,
		w.buildQuietBox,
	}
	for _, step := range steps {
		if step(); w.out.err != nil {
			break
		}
	}
	w.out.flush()
	return w.out.stats, w.truth(), w.out.err
}

// Load writes the world described by cfg into s, batch by batch: the
// one-line way for the CLI, tests and benchmarks to get a demo store.
func Load(ctx context.Context, s intel.Store, cfg Config) (Stats, error) {
	return Generate(cfg, func(b intel.Batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := s.Upsert(ctx, b)
		return err
	})
}

// world is the state of one generation: the output stream, the identifiers
// already handed out, and the artefacts that later parts link to.
type world struct {
	cfg     Config
	out     *stream
	numbers *numbering
	events  map[string]int // last sequence number per event-key family

	people  []person // Thai subscribers first, then Cambodian ones
	thai    int      // how many of people are Thai
	victims []int    // indexes into people, the first being VictimNumber's owner

	centres []*centre
	hubs    []string // SIM-box hub numbers (entity ids), the first being SIMBoxHub
	boxes   []*simBox
	// simBoxSIMs holds every SIM-box number (entity ids), hubs included.
	simBoxSIMs map[string]bool
	mules      muleNet
	chats      []*chat
	// suspects are every suspect in the order they were made.
	suspects []*suspect
	// approaches holds, per person (an index into people), the scam calls
	// they received, so that a victim's report can name who called.
	approaches [][]approach
	// reporters are the people (indexes into people) who filed a victim report.
	reporters []int
	// held follows each paying victim's money through the mule layers,
	// for the truth: per account, the victims whose money is there and not
	// yet swept on. It rolls no dice, so the world is the same without it.
	held map[string][]holding
	// paths are the victim→exit money paths planted, in the order planted;
	// planted says which victim and exit pairs are among them (a scan of
	// paths per sweep made a world scaled 70 times up take hours).
	paths   []MoneyPath
	planted map[[2]string]bool
	// holders lists, per artefact, the people it is registered to.
	holders map[string][]string
	// falseReport is the innocent number a victim named by mistake.
	falseReport string
}

func newWorld(cfg Config, emit func(intel.Batch) error) *world {
	return &world{
		cfg:     cfg,
		out:     newStream(emit, cfg.BatchSize),
		numbers: newNumbering(),
		events:  map[string]int{},
	}
}

// dice returns the dice of one part of the world.
func (w *world) dice(part string) dice { return newDice(w.cfg.Seed, part) }

// background returns n times the scale and the background factor, at
// least min: the size of the world's ordinary traffic.
func (w *world) background(n, min int) int {
	v := int(math.Round(float64(n) * w.cfg.Scale * w.cfg.Background))
	if v < min {
		return min
	}
	return v
}

// scaled returns n times the scale, rounded, but at least min, so that every
// structure of the world exists even in a tiny world.
func (w *world) scaled(n, min int) int {
	v := int(math.Round(float64(n) * w.cfg.Scale))
	if v < min {
		return min
	}
	return v
}

// at returns the moment a fractional number of days after Epoch, to the second.
func at(day float64) time.Time {
	return Epoch.Add(time.Duration(day * 24 * float64(time.Hour))).Truncate(time.Second)
}

// fail records a generation error; the stream stops accepting items.
func (w *world) fail(err error) {
	if w.out.err == nil {
		w.out.err = err
	}
}
