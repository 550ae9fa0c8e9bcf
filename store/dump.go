package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Item is one piece of durable state, as a Dumper yields it. Ephemeral state
// (de-duplication marks, leases) is not part of a dump.
type Item struct {
	Kind  ItemKind
	Coll  string // documents: collection; ledgers: ledger name; sequences: name
	Key   string // documents: key; ledgers: idempotency key ("" for none)
	Value []byte // documents: value; ledgers: entry
	Seq   int64  // ledgers: sequence number; sequences: current value
	Out   *OutboxItem
	In    *InboxItem
}

// ItemKind tells the kinds of Item apart.
type ItemKind uint8

// The kinds of durable state.
const (
	ItemDoc ItemKind = iota + 1
	ItemSequence
	ItemLedger // in sequence order per ledger
	ItemOutbox
	ItemInbox // waiting or taken inbox items, in arrival order
)

// Dumper is a store that can list all its durable state.
type Dumper interface {
	Dump(ctx context.Context, fn func(Item) error) error
}

// SequenceRaiser is a store whose sequences can be moved forward, so that a
// copy never hands out an id the source already used.
type SequenceRaiser interface {
	RaiseSequence(ctx context.Context, name string, atLeast int64) error
}

// CopyStats counts what Copy wrote.
type CopyStats struct {
	Docs, Sequences, LedgerEntries, Outbox, Inbox int
}

// copyMarks and copyInboxMarks record the outbox and inbox items already
// copied, so Copy can run again.
const (
	copyMarks      = "migrate.outbox"
	copyInboxMarks = "migrate.inbox"
)

// CopyDedupTTL is how long a copied inbox item's key keeps the platform's
// redelivery of the same event out of the destination's inbox.
const CopyDedupTTL = 24 * time.Hour

// copyBatch is the number of documents Copy writes at once.
const copyBatch = 500

// Copy writes everything src holds into dst: documents (overwritten),
// sequences (raised to at least the source's value), ledger entries
// (appended in order with their idempotency keys; entries without a key are
// keyed by their source sequence so a second run adds nothing) and waiting
// outgoing messages (enqueued once with their idempotency keys, marked in
// dst) and inbox items not handled yet (added once, waiting, with their
// de-duplication keys; marked in dst after they were added, so an
// interrupted copy adds an item without a key at most twice and a keyed one
// once). Running it twice gives the same result as running it once.
func Copy(ctx context.Context, src Dumper, dst Store) (CopyStats, error) {
	var st CopyStats
	raiser, ok := dst.(SequenceRaiser)
	if !ok {
		return st, errors.New("store: the destination cannot take sequences")
	}
	var batch []KV
	batchColl := ""
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := dst.PutBatch(ctx, batchColl, batch); err != nil {
			return fmt.Errorf("write %s: %w", batchColl, err)
		}
		st.Docs += len(batch)
		batch = batch[:0]
		return nil
	}
	err := src.Dump(ctx, func(it Item) error {
		if it.Kind != ItemDoc || it.Coll != batchColl || len(batch) >= copyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
		switch it.Kind {
		case ItemDoc:
			batchColl = it.Coll
			batch = append(batch, KV{Key: it.Key, Value: append([]byte(nil), it.Value...)})
		case ItemSequence:
			if err := raiser.RaiseSequence(ctx, it.Coll, it.Seq); err != nil {
				return fmt.Errorf("sequence %s: %w", it.Coll, err)
			}
			st.Sequences++
		case ItemLedger:
			key := it.Key
			if key == "" {
				key = "migrated:" + strconv.FormatInt(it.Seq, 10)
			}
			if _, _, err := dst.Append(ctx, it.Coll, key, it.Value); err != nil {
				return fmt.Errorf("ledger %s: %w", it.Coll, err)
			}
			st.LedgerEntries++
		case ItemOutbox:
			mark, _ := json.Marshal(it.Out.ID)
			first, err := dst.PutIfAbsent(ctx, copyMarks, strconv.FormatInt(it.Out.ID, 10), mark)
			if err != nil {
				return fmt.Errorf("outbox %d: %w", it.Out.ID, err)
			}
			if !first {
				return nil
			}
			item := *it.Out
			item.ID = 0
			if _, err := dst.Outbox().Enqueue(ctx, item); err != nil {
				return fmt.Errorf("outbox %d: %w", it.Out.ID, err)
			}
			st.Outbox++
		case ItemInbox:
			mark := it.In.ID
			if _, err := dst.Get(ctx, copyInboxMarks, mark); err == nil {
				return nil
			} else if !errors.Is(err, ErrNotFound) {
				return fmt.Errorf("inbox %s: %w", mark, err)
			}
			added, err := dst.Inbox().Add(ctx, it.In.Key, it.In.Payload, CopyDedupTTL)
			if err != nil {
				return fmt.Errorf("inbox %s: %w", mark, err)
			}
			if err := dst.Put(ctx, copyInboxMarks, mark, []byte(it.In.Key)); err != nil {
				return fmt.Errorf("inbox %s: %w", mark, err)
			}
			if added {
				st.Inbox++
			}
		default:
			return fmt.Errorf("unknown item kind %d", it.Kind)
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, flush()
}
