package guard

import (
	"slices"
	"sort"
	"sync"

	"github.com/scamgraph/scamgraph/intel"
)

// Redaction is one masked field: which entity or link, which field, why.
type Redaction struct {
	ID     string `json:"id"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// Report records, for one request, what the rules masked and which of the
// other country's facts were handed out: the response lists the first, the
// audit log the second.
type Report struct {
	mu         sync.Mutex
	redactions map[Redaction]bool
	foreign    map[string]map[intel.Region]bool // entity id → countries whose facts about it were read
}

func (r *Report) masked(x Redaction) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.redactions == nil {
		r.redactions = map[Redaction]bool{}
	}
	r.redactions[x] = true
}

// Redactions lists the masked fields, sorted by id and field.
func (r *Report) Redactions() []Redaction {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Redaction, 0, len(r.redactions))
	for x := range r.redactions {
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Field < out[j].Field
	})
	return out
}

// Read notes that data of country about the entities ids was handed to a
// reader of the other country (intel.Access.Foreign decides which data
// that is; the caller asks it before noting).
func (r *Report) Read(country intel.Region, ids ...string) {
	r.read(country, ids...)
}

func (r *Report) read(country intel.Region, ids ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.foreign == nil {
		r.foreign = map[string]map[intel.Region]bool{}
	}
	for _, id := range ids {
		if r.foreign[id] == nil {
			r.foreign[id] = map[intel.Region]bool{}
		}
		r.foreign[id][country] = true
	}
}

// CrossBorder returns the entities about which the other country's facts
// were read, and those countries, both sorted.
func (r *Report) CrossBorder() (entities []string, countries []intel.Region) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[intel.Region]bool{}
	for id, cs := range r.foreign {
		entities = append(entities, id)
		for c := range cs {
			seen[c] = true
		}
	}
	for c := range seen {
		countries = append(countries, c)
	}
	sort.Strings(entities)
	slices.Sort(countries)
	return entities, countries
}

// MergeOnly is Merge of what o noted about the entities in ids alone: a
// search reads candidates and hands out only those that still match as the
// reader sees them.
func (r *Report) MergeOnly(o *Report, ids map[string]bool) {
	kept := &Report{}
	o.mu.Lock()
	for x := range o.redactions {
		if ids[x.ID] {
			if kept.redactions == nil {
				kept.redactions = map[Redaction]bool{}
			}
			kept.redactions[x] = true
		}
	}
	for id, cs := range o.foreign {
		if ids[id] {
			if kept.foreign == nil {
				kept.foreign = map[string]map[intel.Region]bool{}
			}
			kept.foreign[id] = cs
		}
	}
	o.mu.Unlock()
	r.Merge(kept)
}

// Merge adds what o noted to r: a use case that may still refuse its answer
// reads into a report of its own and merges it only once the answer goes
// out, so that nothing withheld is audited as read.
func (r *Report) Merge(o *Report) {
	o.mu.Lock()
	redactions, foreign := o.redactions, o.foreign
	o.redactions, o.foreign = nil, nil
	o.mu.Unlock()
	for x := range redactions {
		r.masked(x)
	}
	for id, countries := range foreign {
		for c := range countries {
			r.mu.Lock()
			if r.foreign == nil {
				r.foreign = map[string]map[intel.Region]bool{}
			}
			if r.foreign[id] == nil {
				r.foreign[id] = map[intel.Region]bool{}
			}
			r.foreign[id][c] = true
			r.mu.Unlock()
		}
	}
}
