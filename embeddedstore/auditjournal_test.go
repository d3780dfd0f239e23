package embeddedstore

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scamgraph/scamgraph/access"
	"github.com/scamgraph/scamgraph/intel"
)

// These tests drive the journal of one registry by hand: the background
// fold is stopped (stopFolding) so that entries stay in the journal until
// a test folds them, and a crash (crash) lets go of the files without the
// fold and clean-up of Close, leaving on disk what a killed process leaves.

func journalEntry(req string) access.AuditEntry {
	return access.AuditEntry{RequestID: req, Agency: "KH-GDNP", Country: intel.RegionKH, Operation: "lookup",
		Kind: access.KindRead, Outcome: access.OutcomeOK, Entities: []string{"PhoneNumber:+66812345678"},
		DataCountries: []intel.Region{intel.RegionTH}}
}

// framedRecord is entry req with sequence number seq as the journal frames
// it on disk, for a test that writes what a crash may leave.
func framedRecord(t *testing.T, req string, seq int64) []byte {
	t.Helper()
	e := journalEntry(req)
	e.Seq = seq
	rec, err := newJournalRecord(e)
	if err != nil {
		t.Fatal(err)
	}
	return appendJournalRecord(nil, rec.raw)
}

// appendNext appends entry req and returns the sequence number it got.
func appendNext(t *testing.T, b *AccessRecords, req string) int64 {
	t.Helper()
	got, err := b.AppendAudits(context.Background(), []access.AuditEntry{journalEntry(req)})
	if err != nil {
		t.Fatal(err)
	}
	return got[0].Seq
}

func openJournalled(t *testing.T, path string) *AccessRecords {
	t.Helper()
	b, err := OpenAccessRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stopFolding ends b's background fold.
func stopFolding(b *AccessRecords) {
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.done
}

// crash lets go of b's files as a killed process does: nothing is folded,
// no segment is removed.
func crash(t *testing.T, b *AccessRecords) {
	t.Helper()
	stopFolding(b)
	j := b.journal
	j.mu.Lock()
	closeSegments(j.segmentsLocked())
	j.closed = true
	j.mu.Unlock()
	if err := b.db.Close(); err != nil {
		t.Fatal(err)
	}
}

// appendGroups appends n groups of size entries named prefix-g-i.
func appendGroups(t *testing.T, b *AccessRecords, prefix string, n, size int) {
	t.Helper()
	for g := range n {
		batch := make([]access.AuditEntry, size)
		for i := range batch {
			batch[i] = journalEntry(fmt.Sprintf("%s-%d-%d", prefix, g, i))
		}
		if _, err := b.AppendAudits(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
}

// auditLog reads the whole log in pages of limit entries.
func auditLog(t *testing.T, b *AccessRecords, limit int) []access.AuditEntry {
	t.Helper()
	var all []access.AuditEntry
	for after := int64(0); ; {
		page, err := b.QueryAudit(context.Background(), access.AuditFilter{AfterSeq: after, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

// checkLog checks that the log holds exactly the entries with the given
// request ids, in order, with Seq values first, first+1, and so on.
func checkLog(t *testing.T, got []access.AuditEntry, first int64, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("log holds %d entries, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.Seq != first+int64(i) || e.RequestID != want[i] {
			t.Fatalf("entry %d is seq %d %q, want seq %d %q", i, e.Seq, e.RequestID, first+int64(i), want[i])
		}
	}
}

func ids(prefix string, groups, size int) []string {
	var out []string
	for g := range groups {
		for i := range size {
			out = append(out, fmt.Sprintf("%s-%d-%d", prefix, g, i))
		}
	}
	return out
}

func TestAuditJournalReplaysAfterCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 3, 4)
	// Part of the log is folded before the crash, so that the journal
	// holds entries bbolt holds too: the replay must not repeat them.
	if err := b.fold(); err != nil {
		t.Fatal(err)
	}
	appendGroups(t, b, "b", 2, 5)
	// Queries see the entries the journal holds and bbolt does not, and
	// a page boundary inside either part loses and repeats nothing.
	for _, limit := range []int{1, 5, 12, 100} {
		checkLog(t, auditLog(t, b, limit), 1, append(ids("a", 3, 4), ids("b", 2, 5)...))
	}
	crash(t, b)
	segs, _, err := journalFiles(path)
	if err != nil || len(segs) == 0 {
		t.Fatalf("no journal segment after the crash (%v): the test does not crash mid-journal", err)
	}

	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, append(ids("a", 3, 4), ids("b", 2, 5)...))
	if segs, _, _ := journalFiles(path); len(segs) != 0 {
		t.Errorf("segments %v left after the replay", segs)
	}
	if seq := appendNext(t, b, "after"); seq != 23 {
		t.Errorf("first seq after the replay = %d, want 23", seq)
	}
}

func TestAuditJournalDropsATornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 2, 3)
	seg := b.journal.active
	off := seg.off
	crash(t, b)

	// What a crash during the next group's write may leave: one whole
	// record, one whose bytes did not all reach the disk (its checksum
	// fails), and a whole one after it, which no caller was told of.
	var tail []byte
	for _, c := range []struct {
		seq  int64
		req  string
		tear bool
	}{{7, "whole", false}, {8, "torn", true}, {9, "after", false}} {
		at := len(tail)
		tail = append(tail, framedRecord(t, c.req, c.seq)...)
		if c.tear {
			tail[at+journalRecordPrefix+3] ^= 0xff
		}
	}
	writeAt(t, seg.path, tail, off)

	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, append(ids("a", 2, 3), "whole"))
	if seq := appendNext(t, b, "next"); seq != 8 {
		t.Errorf("seq after a torn tail = %d, want 8 (the torn record's number, never acknowledged)", seq)
	}
}

func TestAuditJournalCutRecord(t *testing.T) {
	// A record whose length runs past the end of the file is a torn
	// write too: a group that grew the segment and was cut.
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 1, 2)
	seg := b.journal.active
	crash(t, b)
	whole := framedRecord(t, "cut", 3)
	if err := os.Truncate(seg.path, seg.off); err != nil {
		t.Fatal(err)
	}
	writeAt(t, seg.path, whole[:len(whole)-5], seg.off)
	recs, torn, err := readSegment(seg.path, b.journal.id)
	if err != nil || len(recs) != 2 || !torn {
		t.Fatalf("a record cut by the end of the file: %d records, torn %v, %v; want the 2 before it, torn", len(recs), torn, err)
	}
	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, ids("a", 1, 2))
}

func writeAt(t *testing.T, path string, data []byte, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
}

func TestAuditJournalRefusesAnotherRegistrysSegment(t *testing.T) {
	dir := t.TempDir()
	a := openJournalled(t, filepath.Join(dir, "a.db"))
	stopFolding(a)
	appendGroups(t, a, "a", 1, 2)
	seg := a.journal.active.path
	crash(t, a)
	b := openJournalled(t, filepath.Join(dir, "b.db"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(seg, filepath.Join(dir, "b.db"+journalPrefix+"00000001")); err != nil {
		t.Fatal(err)
	}
	_, err := OpenAccessRecords(filepath.Join(dir, "b.db"))
	if err == nil || !strings.Contains(err.Error(), "belongs to another registry") {
		t.Fatalf("opening a registry beside another's journal: %v, want a refusal", err)
	}
}

func TestAuditJournalRefusesAGap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 1, 2)
	seg := b.journal.active
	crash(t, b)
	// Entry 3 is missing: replaying 4 would leave a hole in the log.
	writeAt(t, seg.path, framedRecord(t, "gap", 4), seg.off)
	if _, err := OpenAccessRecords(path); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("replaying a journal with a gap: %v, want a refusal", err)
	}
}

func TestAuditJournalBackupHoldsUnfoldedEntries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 2, 2)
	copyTo := func(name string, snap func(SnapshotWriter) error) string {
		out := filepath.Join(dir, name)
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := snap(func(int64) (io.Writer, error) { return f, nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	online := copyTo("online.db", b.Snapshot)
	appendGroups(t, b, "b", 1, 1)
	crash(t, b)
	// Offline, from the files a killed process left.
	offline := copyTo("offline.db", func(w SnapshotWriter) error { return SnapshotFile(path, w) })
	for _, c := range []struct {
		path string
		want []string
	}{{online, ids("a", 2, 2)}, {offline, append(ids("a", 2, 2), "b-0-0")}} {
		r := openJournalled(t, c.path)
		checkLog(t, auditLog(t, r, access.MaxAuditLimit), 1, c.want)
		r.Close()
	}
}

func TestAuditJournalPrunedEntriesStayPruned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 2, 5)
	n, err := b.PruneAudit(context.Background(), 6)
	if err != nil || n != 6 {
		t.Fatalf("PruneAudit = %d, %v; want 6 pruned", n, err)
	}
	want := ids("a", 2, 5)[6:]
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 7, want)
	// The journal still holds the pruned entries: a replay must skip them.
	crash(t, b)
	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 7, want)
}

func TestAuditJournalCommitFollowsJournalledEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 1, 3)
	e := journalEntry("commit")
	stored, err := b.Commit(context.Background(), []access.Put{{Collection: "keys", ID: "k1", Data: []byte(`{}`)}}, &e)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Seq != 4 {
		t.Errorf("Commit's entry has seq %d, want 4, after the journal's 3", stored.Seq)
	}
	appendGroups(t, b, "b", 1, 1)
	crash(t, b)
	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, append(ids("a", 1, 3), "commit", "b-0-0"))
}

func TestAuditJournalFailureFallsBackToTheRegistry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	appendGroups(t, b, "a", 1, 2)
	// The segment's file refuses the next write, as a failing disk does.
	b.journal.active.f.Close()
	appendGroups(t, b, "b", 1, 2)
	if b.journal.active != nil {
		t.Error("the segment that failed still takes appends")
	}
	appendGroups(t, b, "c", 1, 1)
	crash(t, b)
	b = openJournalled(t, path)
	defer b.Close()
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, append(append(ids("a", 1, 2), ids("b", 1, 2)...), "c-0-0"))
}

func TestAuditJournalMovesToTheNextSegment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.db")
	b := openJournalled(t, path)
	stopFolding(b)
	j := b.journal
	appendGroups(t, b, "a", 1, 1)
	no, ok := j.needsSpare()
	if !ok {
		t.Fatal("a journal in use and without a spare asks for none")
	}
	spare, err := j.createSegment(no)
	if err != nil {
		t.Fatal(err)
	}
	j.setSpare(spare)
	first := j.active.path
	// Entries of about 1.5 kB fill the first segment in some 700.
	long := strings.Repeat("x", 140)
	var want []string
	for g := 0; len(j.full) == 0; g++ {
		if g > 100 {
			t.Fatal("the first segment never filled")
		}
		batch := make([]access.AuditEntry, 50)
		for i := range batch {
			batch[i] = journalEntry(fmt.Sprintf("b-%d-%d", g, i))
			for k := range 10 {
				batch[i].Entities = append(batch[i].Entities, fmt.Sprintf("Entity:%d-%s", k, long))
			}
			want = append(want, batch[i].RequestID)
		}
		if _, err := b.AppendAudits(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
	}
	appendGroups(t, b, "c", 1, 2)
	if j.active == nil || j.active.path == first {
		t.Fatal("appends did not move to the spare once the first segment was full")
	}
	if err := b.fold(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("the full segment %s stays after its entries were folded (%v)", first, err)
	}
	appendGroups(t, b, "d", 1, 2)
	crash(t, b)
	b = openJournalled(t, path)
	defer b.Close()
	all := append(append(append([]string{"a-0-0"}, want...), ids("c", 1, 2)...), ids("d", 1, 2)...)
	checkLog(t, auditLog(t, b, access.MaxAuditLimit), 1, all)
}
