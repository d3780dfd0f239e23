package intel

import "slices"

// SiteAttr names the call-record attribute that gives where a call was
// placed from: the serving cell or the handset. A SIM box is one place
// and a few GSM channels, so the lines of its rack share both, whatever
// ID cards they were bought on; no node stands for a cell or a handset,
// so lines sharing one are found through the calls that name it.
type SiteAttr string

// The sites a call record names.
const (
	// SiteCell is the serving cell's global identity (attribute cellId).
	SiteCell SiteAttr = "cellId"
	// SiteDevice is the handset's or channel's IMEI (attribute imei).
	SiteDevice SiteAttr = "imei"
)

// Bounds of a CallersAt query.
const (
	// MaxSiteValues is the most sites one query asks about.
	MaxSiteValues = 200
	// DefaultSiteCallers and MaxSiteCallers bound the callers listed per
	// site.
	DefaultSiteCallers = 100
	MaxSiteCallers     = 1000
	// maxSiteValueLen bounds one value: a cell global identity or an IMEI
	// is a few dozen characters.
	maxSiteValueLen = 64
)

// SiteQuery asks which phone numbers placed calls from given sites: the
// numbers at the calling end (From) of CALLED links whose attribute Attr
// is one of Values. It is how the SIM-box finding reaches the other lines
// of a rack, which no node joins.
type SiteQuery struct {
	// Attr is the attribute the sites are values of.
	Attr SiteAttr
	// Values are the sites, at most MaxSiteValues; empty asks nothing.
	Values []string
	// First bounds the callers listed per site (DefaultSiteCallers when 0).
	First int
	// Access limits the calls looked at to those the reader may see (nil:
	// all), so a number is listed at a site only through a visible call.
	Access *Access
}

// SiteCallers are the callers listed at one site: phone-number entity ids
// in ascending order, at most the query's First, and whether more numbers
// call from the site (the site is busier than the bound).
type SiteCallers struct {
	IDs     []string
	HasMore bool
}

// Normalize applies defaults and checks the query; Values come back
// sorted and without repeats.
func (q *SiteQuery) Normalize() error {
	if q.Attr != SiteCell && q.Attr != SiteDevice {
		return Errorf(EINVALID, "attr", "unknown site attribute %q (want %s or %s)", q.Attr, SiteCell, SiteDevice)
	}
	if len(q.Values) > MaxSiteValues {
		return Errorf(EINVALID, "values", "has %d sites, at most %d allowed", len(q.Values), MaxSiteValues)
	}
	for i, v := range q.Values {
		if v == "" || len(v) > maxSiteValueLen {
			return Errorf(EINVALID, "values", "site %d must be 1 to %d characters, got %d", i, maxSiteValueLen, len(v))
		}
	}
	if q.First == 0 {
		q.First = DefaultSiteCallers
	}
	if q.First < 1 || q.First > MaxSiteCallers {
		return Errorf(EINVALID, "first", "must be between 1 and %d, got %d", MaxSiteCallers, q.First)
	}
	q.Values = slices.Compact(slices.Sorted(slices.Values(q.Values)))
	return nil
}

// Calls reports whether link l is a call placed from one of the query's
// sites, for backends that filter in Go; it returns the site. Visibility
// is the caller's to check.
func (q *SiteQuery) Calls(l *Link) (string, bool) {
	if l.Type != LinkCalled {
		return "", false
	}
	if k, _, _ := SplitEntityID(l.From); k != KindPhoneNumber {
		return "", false
	}
	v := l.Attrs[string(q.Attr)]
	if v == "" {
		return "", false
	}
	_, ok := slices.BinarySearch(q.Values, v)
	return v, ok
}
