package embeddedstore

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"

	"github.com/scamgraph/scamgraph/access"
)

// The audit journal makes an audit entry durable with one write and one
// fdatasync, where a bbolt commit costs two (its data pages, then its meta
// page). Every cross-border read waits for its entry, so on the embedded
// registry that wait was most of a read's cost.
//
// The journal is a sequence of segment files beside the registry's bbolt
// file (access.db.journal-00000001, …). A segment starts with a header
// (journalMagic and the registry's id, so that a segment is never replayed
// into another registry) and holds records, each an 8-byte prefix (the
// payload's length and its CRC-32C) followed by the payload: the entry's
// JSON, Seq included, exactly as the bbolt bucket stores it. Segments are
// created whole (filled with zeros, synced, renamed into place, the
// directory synced), so that appending overwrites blocks that exist and
// an fdatasync writes no file metadata; a record of length zero is where
// the written part ends.
//
// An entry is acknowledged once its group's records are synced. A
// background fold copies acknowledged entries into bbolt in batches (one
// commit for many groups); a segment goes once it is full and every entry
// in it is folded. Opening the registry replays what the last process
// acknowledged but did not fold, before it serves anything: records whose
// Seq bbolt already holds are skipped, so a replay never duplicates an
// entry, and a record cut short by the crash (bad length or checksum) ends
// its segment, since no request waited on it being whole. Queries read
// bbolt and the acknowledged entries not folded yet, so that a caller sees
// its own entry at once; a backup, a prune and a Commit fold first.
const (
	journalMagic = "SGAUDJ01"
	// journalIDLen is the length of the registry's id in bytes.
	journalIDLen = 16
	// journalHeaderLen is the header's length: the magic and the id.
	journalHeaderLen = len(journalMagic) + journalIDLen
	// journalRecordPrefix is a record's length and CRC-32C.
	journalRecordPrefix = 8
	// journalSegmentSize is how large a segment is made: once a segment
	// holds this much, appends move to a fresh one, so that folded
	// entries leave the disk. A group that does not fit grows the file.
	journalSegmentSize = 1 << 20
	// maxJournalRecord bounds a record's length as read back: anything
	// longer is a torn or foreign length, not an entry (an entry holds at
	// most 10000 entities and a few texts of 4000 bytes).
	maxJournalRecord = 64 << 20
	// journalPrefix follows the registry's file name in a segment's name.
	journalPrefix = ".journal-"
)

// castagnoli is the CRC-32C table of the journal's checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// journalRecord is one entry, with its Seq, and its JSON encoding.
type journalRecord struct {
	entry access.AuditEntry
	raw   []byte
}

// newJournalRecord encodes e, whose Seq is already set.
func newJournalRecord(e access.AuditEntry) (journalRecord, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return journalRecord{}, fmt.Errorf("embeddedstore: audit journal: encode entry %d: %w", e.Seq, err)
	}
	return journalRecord{entry: e, raw: raw}, nil
}

// appendJournalRecord appends raw's record (prefix and payload) to buf.
func appendJournalRecord(buf, raw []byte) []byte {
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(raw)))
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(raw, castagnoli))
	return append(buf, raw...)
}

// journalSegment is one segment file, open for appending.
type journalSegment struct {
	path string
	f    *os.File
	// off is where the next record goes.
	off int64
	// last is the highest Seq written to it, 0 while it holds none.
	last int64
}

// auditJournal is the registry's journal: the segment being appended to,
// full segments waiting for their entries to be folded, a spare segment
// made ahead of need, and the acknowledged entries not yet in bbolt.
type auditJournal struct {
	// base is the registry's file; segments are named after it.
	base string
	// id is the registry's id, written in every segment's header.
	id []byte

	// mu serialises appends: it is held across a group's write and sync,
	// and by anything that allocates a Seq (next) or changes the segments.
	mu     sync.Mutex
	next   int64
	active *journalSegment
	full   []*journalSegment
	spare  *journalSegment
	// lastNo is the number of the newest segment created.
	lastNo uint64
	closed bool
	// broken is set when a group could be made durable neither by the
	// journal nor by bbolt (see AppendAudits).
	broken error
	buf    []byte

	// pmu guards pending: the acknowledged entries bbolt does not hold
	// yet, in Seq order and gap-free. A group is added once synced and
	// removed once folded; records are never changed in place, so a
	// reader may keep the slice it was given.
	pmu     sync.RWMutex
	pending []journalRecord
}

// segmentName is the path of segment number no of the registry at base.
func segmentName(base string, no uint64) string {
	return base + journalPrefix + fmt.Sprintf("%08d", no)
}

// journalFiles lists the segments of the registry at base in the order
// they were made, and the temporary files of segments never finished.
func journalFiles(base string) (segments []string, unfinished []string, err error) {
	dir, name := filepath.Dir(base), filepath.Base(base)+journalPrefix
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	type numbered struct {
		no   uint64
		path string
	}
	var found []numbered
	for _, de := range des {
		rest, ok := strings.CutPrefix(de.Name(), name)
		if !ok || de.IsDir() {
			continue
		}
		if strings.HasSuffix(rest, ".tmp") {
			unfinished = append(unfinished, filepath.Join(dir, de.Name()))
			continue
		}
		no, err := strconv.ParseUint(rest, 10, 64)
		if err != nil {
			continue
		}
		found = append(found, numbered{no, filepath.Join(dir, de.Name())})
	}
	slices.SortFunc(found, func(a, b numbered) int { return cmp.Compare(a.no, b.no) })
	for _, n := range found {
		segments = append(segments, n.path)
	}
	return segments, unfinished, nil
}

// segmentNumber reads the number at the end of a segment's path.
func segmentNumber(path string) uint64 {
	i := strings.LastIndex(path, journalPrefix)
	no, _ := strconv.ParseUint(path[i+len(journalPrefix):], 10, 64)
	return no
}

// readSegment reads the records of the segment at path, which must carry
// id, up to the first record that is not whole: zeros (the unwritten
// part), a length past the end, or a checksum that does not match. torn
// reports that the records ended on a damaged record rather than on zeros
// or the end of the file.
func readSegment(path string, id []byte) (recs []journalRecord, torn bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	if len(data) < journalHeaderLen || string(data[:len(journalMagic)]) != journalMagic {
		return nil, false, fmt.Errorf("embeddedstore: audit journal %s: not an audit journal segment (bad header)", path)
	}
	if !bytes.Equal(data[len(journalMagic):journalHeaderLen], id) {
		return nil, false, fmt.Errorf("embeddedstore: audit journal %s belongs to another registry than %s; move it away if that registry is gone",
			path, strings.TrimSuffix(path, journalPrefix+strconv.FormatUint(segmentNumber(path), 10)))
	}
	rest := data[journalHeaderLen:]
	for len(rest) >= journalRecordPrefix {
		n := binary.BigEndian.Uint32(rest)
		sum := binary.BigEndian.Uint32(rest[4:])
		if n == 0 && sum == 0 {
			return recs, false, nil
		}
		if n > maxJournalRecord || int(n) > len(rest)-journalRecordPrefix {
			return recs, true, nil
		}
		raw := rest[journalRecordPrefix : journalRecordPrefix+int(n)]
		if crc32.Checksum(raw, castagnoli) != sum {
			return recs, true, nil
		}
		var e access.AuditEntry
		if err := json.Unmarshal(raw, &e); err != nil || e.Seq <= 0 {
			// The checksum matched, so this is no torn write.
			return nil, false, fmt.Errorf("embeddedstore: audit journal %s: record at offset %d is not an audit entry", path,
				len(data)-len(rest))
		}
		recs = append(recs, journalRecord{entry: e, raw: bytes.Clone(raw)})
		rest = rest[journalRecordPrefix+int(n):]
	}
	return recs, len(rest) > 0, nil
}

// createSegment makes segment number no whole before anyone appends to
// it: header, zeros up to journalSegmentSize, synced, renamed into place
// and the directory synced, so that after a crash the segment is either
// absent or whole, and a sync of an append writes data blocks only.
func (j *auditJournal) createSegment(no uint64) (*journalSegment, error) {
	path := segmentName(j.base, no)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embeddedstore: audit journal: create %s: %w", path, err)
	}
	fail := func(err error) (*journalSegment, error) {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("embeddedstore: audit journal: create %s: %w", path, err)
	}
	img := make([]byte, journalSegmentSize)
	copy(img, journalMagic)
	copy(img[len(journalMagic):], j.id)
	if _, err := f.Write(img); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		f.Close()
		return nil, fmt.Errorf("embeddedstore: audit journal: create %s: %w", path, err)
	}
	return &journalSegment{path: path, f: f, off: int64(journalHeaderLen)}, nil
}

// syncDir makes the directory's entries (a file created, renamed or
// removed in it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// usableLocked says why nothing may be appended, if anything. j.mu is held.
func (j *auditJournal) usableLocked() error {
	if j.closed {
		return bolt.ErrDatabaseNotOpen
	}
	return j.broken
}

// newSegmentLocked returns a segment to append to: the spare when there
// is one, else a new one made now. j.mu is held.
func (j *auditJournal) newSegmentLocked() (*journalSegment, error) {
	if s := j.spare; s != nil {
		j.spare = nil
		return s, nil
	}
	j.lastNo++
	return j.createSegment(j.lastNo)
}

// writeLocked appends recs as one group: one write and one fdatasync. It
// returns an error if any of them may not be durable; the caller then
// makes them durable another way, and the segment, whose state after a
// failed sync is unknown, takes no more appends. j.mu is held.
func (j *auditJournal) writeLocked(recs []journalRecord) error {
	if j.active == nil {
		s, err := j.newSegmentLocked()
		if err != nil {
			return err
		}
		j.active = s
	}
	s := j.active
	j.buf = j.buf[:0]
	for _, r := range recs {
		j.buf = appendJournalRecord(j.buf, r.raw)
	}
	// Inside the segment's made size the zeros after the group end its
	// records; past it the file grows, and its end ends them.
	end := s.off + int64(len(j.buf))
	_, err := s.f.WriteAt(j.buf, s.off)
	if err == nil {
		err = unix.Fdatasync(int(s.f.Fd()))
	}
	// Whatever happened, the records may be in the segment: it must be
	// kept until bbolt holds them.
	s.last = recs[len(recs)-1].entry.Seq
	if err != nil {
		j.retireLocked()
		return fmt.Errorf("embeddedstore: audit journal: append to %s: %w", s.path, err)
	}
	s.off = end
	if s.off >= journalSegmentSize && j.spare != nil {
		j.retireLocked()
	}
	return nil
}

// retireLocked moves the active segment to the full ones, which go once
// bbolt holds their entries. j.mu is held.
func (j *auditJournal) retireLocked() {
	if j.active != nil {
		j.full = append(j.full, j.active)
		j.active = nil
	}
}

// publish adds a synced group to the entries queries see.
func (j *auditJournal) publish(recs []journalRecord) int {
	j.pmu.Lock()
	defer j.pmu.Unlock()
	j.pending = append(j.pending, recs...)
	return len(j.pending)
}

// unfolded returns the acknowledged entries bbolt may not hold yet.
func (j *auditJournal) unfolded() []journalRecord {
	j.pmu.RLock()
	defer j.pmu.RUnlock()
	return j.pending
}

// folded forgets the pending entries up to Seq through, which bbolt now
// holds, and returns the full segments whose entries it all holds, for
// the caller to remove (outside j.mu: removing files is not quick).
func (j *auditJournal) folded(through int64, locked bool) []*journalSegment {
	j.pmu.Lock()
	i := 0
	for i < len(j.pending) && j.pending[i].entry.Seq <= through {
		i++
	}
	if i == len(j.pending) {
		j.pending = nil
	} else {
		j.pending = j.pending[i:]
	}
	j.pmu.Unlock()
	if !locked {
		j.mu.Lock()
		defer j.mu.Unlock()
	}
	var done []*journalSegment
	j.full = slices.DeleteFunc(j.full, func(s *journalSegment) bool {
		if s.last <= through {
			done = append(done, s)
			return true
		}
		return false
	})
	return done
}

// removeSegments closes and deletes segments whose entries bbolt holds.
// The directory is not synced: a segment that comes back after a crash is
// replayed, and its entries skipped, since bbolt holds them.
func removeSegments(segs []*journalSegment) {
	for _, s := range segs {
		if s.f != nil {
			s.f.Close()
		}
		os.Remove(s.path)
	}
}

// needsSpare reports whether a spare segment should be made, and its
// number: when the journal is in use (a registry that only reads makes
// none) and has no spare.
func (j *auditJournal) needsSpare() (uint64, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed || j.active == nil || j.spare != nil {
		return 0, false
	}
	j.lastNo++
	return j.lastNo, true
}

// setSpare keeps a made spare, unless the journal closed meanwhile.
func (j *auditJournal) setSpare(s *journalSegment) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		removeSegments([]*journalSegment{s})
		return
	}
	j.spare = s
	// A full segment may have waited for the spare to move on.
	if j.active != nil && j.active.off >= journalSegmentSize {
		j.retireLocked()
		j.active, j.spare = j.spare, nil
	}
}

// segmentsLocked returns every segment the journal holds open. j.mu is held.
func (j *auditJournal) segmentsLocked() []*journalSegment {
	segs := slices.Clone(j.full)
	if j.active != nil {
		segs = append(segs, j.active)
	}
	if j.spare != nil {
		segs = append(segs, j.spare)
	}
	return segs
}

// closeSegments closes segments' files without removing them.
func closeSegments(segs []*journalSegment) {
	for _, s := range segs {
		if s.f != nil {
			s.f.Close()
		}
	}
}

// newRegistryID returns a fresh random id for a registry's journal.
func newRegistryID() ([]byte, error) {
	id := make([]byte, journalIDLen)
	if _, err := io.ReadFull(rand.Reader, id); err != nil {
		return nil, fmt.Errorf("embeddedstore: audit journal: random id: %w", err)
	}
	return id, nil
}
