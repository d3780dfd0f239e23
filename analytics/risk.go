package analytics

import (
	"math"
	"sort"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// Level is how an analyst should treat an entity, read from its score.
type Level string

// The levels, lowest first. CONFIRMED is not a score band: it is reached
// only when an agency has confirmed a report naming the entity.
const (
	LevelNone      Level = "NONE"
	LevelLow       Level = "LOW"
	LevelMedium    Level = "MEDIUM"
	LevelHigh      Level = "HIGH"
	LevelConfirmed Level = "CONFIRMED"
)

// Levels lists the levels lowest first, for filters and ordering.
var Levels = []Level{LevelNone, LevelLow, LevelMedium, LevelHigh, LevelConfirmed}

// Rank orders levels: NONE 0 up to CONFIRMED 4; an unknown level is -1.
func (l Level) Rank() int {
	for i, k := range Levels {
		if k == l {
			return i
		}
	}
	return -1
}

// The score bands. A single uncorroborated report scores about 33, in the
// LOW band: a report is evidence, not proof, and it takes a second
// independent piece of evidence to reach MEDIUM.
const (
	lowFrom    = 10
	mediumFrom = 40
	highFrom   = 70
)

// LevelOf maps a score to its band.
func LevelOf(score int) Level {
	switch {
	case score >= highFrom:
		return LevelHigh
	case score >= mediumFrom:
		return LevelMedium
	case score >= lowFrom:
		return LevelLow
	}
	return LevelNone
}

// ReasonKind names the kind of evidence a reason rests on.
type ReasonKind string

// The kinds of reason.
const (
	// ReasonReports: victim reports (distinct cases) name the entity.
	ReasonReports ReasonKind = "REPORTS"
	// ReasonRedress: an agency confirmed, disputed or withdrew a report.
	ReasonRedress ReasonKind = "REDRESS"
	// ReasonSuspect: a suspect is recorded as using the entity.
	ReasonSuspect ReasonKind = "SUSPECT"
	// ReasonProximity: a high-risk artefact is one link away.
	ReasonProximity ReasonKind = "PROXIMITY"
	// ReasonSharedInfrastructure: the entity shares an IP address, VoIP
	// account, holder or device with a high-risk artefact.
	ReasonSharedInfrastructure ReasonKind = "SHARED_INFRASTRUCTURE"
	// ReasonFinding: a telco or money pattern (see Finding).
	ReasonFinding ReasonKind = "FINDING"
)

// Reason is one checkable piece of evidence behind a score: what it is,
// how many points it added, and the entities and links (facts the reader
// may see) an analyst opens to check it.
type Reason struct {
	Kind ReasonKind
	// Points is what the reason added to the score, 0 to 100, before the
	// reasons were combined.
	Points int
	// Text says in one sentence what the evidence is.
	Text string
	// Entities are the ids the reason cites, in the order of its path
	// when it has one (the entity itself first).
	Entities []string
	// Links are the ids of the facts the reason rests on.
	Links []string
	// Finding is set for FINDING reasons.
	Finding *Finding
}

// Risk is an entity's score with its reasons, strongest first.
type Risk struct {
	Score   int
	Level   Level
	Reasons []Reason
	// Findings are the telco and money patterns the entity shows.
	Findings []Finding
}

// Params tune the scoring. The zero value is not usable: take
// DefaultParams and change what differs.
type Params struct {
	// Now is the moment scores are computed for; evidence decays with
	// its age at Now.
	Now time.Time
	// HalfLife is the age at which a piece of evidence counts half.
	HalfLife time.Duration
	// PassThroughWindow is how soon money must leave an account after it
	// arrives to count as passing through.
	PassThroughWindow time.Duration
	// FanInWindow is the window in which several senders paying one
	// account count as a fan-in.
	FanInWindow time.Duration
}

// DefaultHalfLife is six months: scam numbers are discarded within weeks,
// but a report a year old still says something about a bank account.
const DefaultHalfLife = 180 * 24 * time.Hour

// DefaultParams returns the defaults at now.
func DefaultParams(now time.Time) Params {
	return Params{Now: now, HalfLife: DefaultHalfLife, PassThroughWindow: 72 * time.Hour, FanInWindow: 7 * 24 * time.Hour}
}

// decay is the weight of evidence observed at t: 1 when fresh, half
// after one half-life. Evidence dated after Now counts fully.
func (p Params) decay(t time.Time) float64 {
	if t.IsZero() || p.HalfLife <= 0 || !t.Before(p.Now) {
		return 1
	}
	age := p.Now.Sub(t)
	return math.Pow(0.5, float64(age)/float64(p.HalfLife))
}

// lastHeld is when a fact last held: an event's time, a state's end of
// validity, or the zero time for a state that still holds (which does not
// decay).
func lastHeld(l *intel.Link) time.Time {
	if spec, ok := l.Type.Spec(); ok && spec.Event {
		return l.ObservedAt
	}
	return l.ValidUntil
}

// combine folds points from independent pieces of evidence like
// probabilities (a noisy-or): two pieces of 50 make 75, never more than
// 100, and no one piece can be outweighed by adding weak ones.
func combine(points []float64) float64 {
	rest := 1.0
	for _, p := range points {
		p = math.Max(0, math.Min(100, p))
		rest *= 1 - p/100
	}
	return 100 * (1 - rest)
}

// finish orders the reasons, combines them into a score and a level.
func finish(reasons []Reason, confirmed bool) Risk {
	sort.SliceStable(reasons, func(i, j int) bool {
		if reasons[i].Points != reasons[j].Points {
			return reasons[i].Points > reasons[j].Points
		}
		return reasons[i].Text < reasons[j].Text
	})
	pts := make([]float64, len(reasons))
	var findings []Finding
	for i, r := range reasons {
		pts[i] = float64(r.Points)
		if r.Finding != nil {
			findings = append(findings, *r.Finding)
		}
	}
	score := int(math.Round(combine(pts)))
	level := LevelOf(score)
	if confirmed {
		score, level = 100, LevelConfirmed
	}
	if reasons == nil {
		reasons = []Reason{}
	}
	if findings == nil {
		findings = []Finding{}
	}
	return Risk{Score: score, Level: level, Reasons: reasons, Findings: findings}
}

func round(x float64) int { return int(math.Round(x)) }
