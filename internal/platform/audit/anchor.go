package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"gorm.io/gorm"

	"jianyi/internal/platform/database"
)

// keyedPrefix marks an entry hashed with the chain key (HMAC-SHA-256)
// rather than plain SHA-256. Whoever can write the database but does not
// hold the key can recompute plain hashes, not keyed ones.
const keyedPrefix = "k1:"

// chainKey is the HMAC key of the trail, kept outside the database (config
// audit.key, JIANYI_AUDIT_KEY) and handed to the database handle as a gorm
// plugin, so every transaction Record is given carries it.
type chainKey struct{ key []byte }

const chainKeyName = "jianyi:audit-chain-key"

func (chainKey) Name() string                 { return chainKeyName }
func (chainKey) Initialize(db *gorm.DB) error { return nil }

// UseKey makes every later entry written through db (and its transactions)
// keyed with key. It is called once, where the program is assembled.
func UseKey(db *database.DB, key string) error {
	if key == "" {
		return nil
	}
	if len(key) < 32 {
		return errors.New("audit key must be at least 32 bytes")
	}
	return db.Use(chainKey{key: []byte(key)})
}

// keyOf is the chain key a transaction carries, nil without one.
func keyOf(tx *gorm.DB) []byte {
	if p, ok := tx.Config.Plugins[chainKeyName].(chainKey); ok {
		return p.key
	}
	return nil
}

// hashWith is the entry's hash: keyed when a key is given.
func (e *Entry) hashWith(key []byte) string {
	if key == nil {
		return e.chainHash()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(e.chainText()))
	// Truncated to fit the 64-character hash column with its prefix (244
	// bits of the MAC are kept).
	return keyedPrefix + hex.EncodeToString(m.Sum(nil))[:64-len(keyedPrefix)]
}

// Head is the last entry of the trail: its id and hash, to be written down
// somewhere the database's writers cannot reach (a ticket, a log shipped
// off the host) and given back to `server audit verify --head`.
type Head struct {
	ID   int64
	Hash string
}

// Report is the outcome of VerifyChain.
type Report struct {
	Checked int
	Breaks  []Break
	Head    Head
	// Keyed counts the entries hashed with the key; Unchecked those keyed
	// entries that could not be checked because no key was given.
	Keyed     int
	Unchecked int
	// AnchorFound says whether the head given to compare with is an entry
	// of the chain (nil when none was given).
	AnchorFound *bool
}

// Verify walks the trail (VerifyChain) with the chain key, if any, and
// checks that anchor — a head recorded earlier, "" for none — is still an
// entry of it: a chain rewritten from an earlier point no longer holds it.
func Verify(ctx context.Context, db *database.DB, key, anchor string) (*Report, error) {
	var k []byte
	if key != "" {
		k = []byte(key)
	}
	r := &Report{}
	found := false
	prev := ""
	keyedSeen := false
	var lastID int64
	var batch []Entry
	for {
		batch = batch[:0]
		if err := db.WithContext(ctx).Where("id > ?", lastID).Order("id").Limit(1000).Find(&batch).Error; err != nil {
			return r, err
		}
		if len(batch) == 0 {
			break
		}
		for i := range batch {
			e := &batch[i]
			if e.PrevHash != prev {
				r.Breaks = append(r.Breaks, Break{e.ID, "prev_hash does not match the preceding entry (a row was removed, inserted or changed)"})
			}
			keyed := strings.HasPrefix(e.Hash, keyedPrefix)
			switch {
			case keyed && k == nil:
				r.Keyed++
				r.Unchecked++
			case keyed:
				r.Keyed++
				if !hmac.Equal([]byte(e.hashWith(k)), []byte(e.Hash)) {
					r.Breaks = append(r.Breaks, Break{e.ID, "keyed hash does not match (the row was edited or rehashed without the key)"})
				}
			default:
				if keyedSeen {
					r.Breaks = append(r.Breaks, Break{e.ID, "unkeyed entry after keyed ones (the chain was rehashed without the key)"})
				}
				if h := e.chainHash(); h != e.Hash {
					r.Breaks = append(r.Breaks, Break{e.ID, "content does not match its hash (the row was edited)"})
				}
			}
			keyedSeen = keyedSeen || keyed
			if anchor != "" && e.Hash == anchor {
				found = true
			}
			prev = e.Hash
			lastID = e.ID
			r.Checked++
		}
	}
	var head auditHead
	if err := db.WithContext(ctx).First(&head, 1).Error; err != nil {
		return r, err
	}
	if head.LastHash != prev || head.LastID != lastID {
		r.Breaks = append(r.Breaks, Break{head.LastID, "the chain head does not match the last entry (entries were removed from the end)"})
	}
	if k != nil && lastID != 0 && !keyedSeen {
		r.Breaks = append(r.Breaks, Break{lastID, "a key is configured but no entry is keyed (the chain was rehashed without the key, or the key was never used)"})
	}
	r.Head = Head{ID: lastID, Hash: prev}
	if anchor != "" {
		r.AnchorFound = &found
		if !found {
			r.Breaks = append(r.Breaks, Break{0, "the recorded head " + anchor + " is not in the chain (the trail was rewritten from an earlier point)"})
		}
	}
	return r, nil
}
