package embeddedstore

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// dictionary numbers the few distinct strings that most records repeat
// (link types, kinds, agencies, countries, legal bases, evidence
// references, visibilities, attribute names), so that a record stores a
// one- or two-byte code instead of the text. Code 0 is the empty string
// and has no entry; every other code is a key of the dictionary bucket,
// big-endian so that new codes append.
//
// Codes handed out while a write is being encoded become durable only with
// that write's transaction: the writer takes a mark first and rolls back
// to it when the transaction fails, so that memory never holds a code the
// file does not. Writers hold the store's lock, so one write encodes at a
// time.
type dictionary struct {
	codes map[string]uint64
	// strs[code] is the string of a code; strs[0] is "".
	strs []string
	// saved is how many of strs are in the file.
	saved int
}

func newDictionary() *dictionary {
	return &dictionary{codes: map[string]uint64{"": 0}, strs: []string{""}, saved: 1}
}

// code returns s's code, handing out a new one if s has none yet.
func (d *dictionary) code(s string) uint64 {
	if c, ok := d.codes[s]; ok {
		return c
	}
	c := uint64(len(d.strs))
	d.codes[s] = c
	d.strs = append(d.strs, s)
	return c
}

// str returns the string of code c.
func (d *dictionary) str(c uint64) (string, error) {
	if c >= uint64(len(d.strs)) {
		return "", fmt.Errorf("string code %d is not in the dictionary", c)
	}
	return d.strs[c], nil
}

// save puts the codes handed out since the last save into b.
func (d *dictionary) save(b *bolt.Bucket) error {
	b.FillPercent = 1
	for c := d.saved; c < len(d.strs); c++ {
		if err := b.Put(binary.BigEndian.AppendUint64(nil, uint64(c)), []byte(d.strs[c])); err != nil {
			return err
		}
	}
	return nil
}

// commit marks what is in the file once the transaction that saved it
// committed.
func (d *dictionary) commit() { d.saved = len(d.strs) }

// rollback forgets the codes handed out since the last commit.
func (d *dictionary) rollback() {
	for _, s := range d.strs[d.saved:] {
		delete(d.codes, s)
	}
	d.strs = d.strs[:d.saved]
}

// load reads the dictionary bucket, whose codes are dense from 1.
func (d *dictionary) load(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if len(k) != 8 || binary.BigEndian.Uint64(k) != uint64(len(d.strs)) {
			return fmt.Errorf("embeddedstore: dictionary key %x out of sequence", k)
		}
		str := string(v)
		d.codes[str] = uint64(len(d.strs))
		d.strs = append(d.strs, str)
		d.saved = len(d.strs)
		return nil
	})
}
