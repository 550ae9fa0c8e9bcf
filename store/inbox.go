package store

import (
	"context"
	"time"
)

// InboxItem is one incoming event a platform handed to banzu, stored before the
// platform was told it arrived, waiting until a worker has handled it.
type InboxItem struct {
	// ID is assigned by the store and unique: a Redis stream id
	// ("1764540000000-3"), a zero-padded sequence in the embedded store.
	// Ids grow in arrival order, but compare Redis ids as stream ids, not
	// as text. A Retry may give the item a new id (Redis does).
	ID string `json:"id"`
	// Key is the de-duplication key the item was added with ("wecom:MSGID"),
	// empty for an event that cannot be redelivered.
	Key     string `json:"key,omitempty"`
	Payload []byte `json:"payload"`
	// Attempts counts the deliveries before this one: 0 the first time it is
	// taken, 1 after a crash or a Retry, and so on.
	Attempts int       `json:"attempts"`
	Added    time.Time `json:"added"`
}

// InboxStats describes what waits in the inbox.
type InboxStats struct {
	Waiting int // added (or retried), not taken yet
	Taken   int // taken by a consumer, not Done yet
	// Oldest is when the item first in line was added (zero when empty).
	// A retried item keeps its Added time; on Redis it queues again at the
	// end, so Oldest may then be later than its Added.
	Oldest time.Time
	Dead   int64 // items ever buried (the dead-letter ledger's length)
}

// DeadLetter is an inbox item given up on, kept in a ledger for an operator.
type DeadLetter struct {
	Item   InboxItem `json:"item"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Inbox is the durable queue between the platforms and the bot's workers. A
// platform acknowledges an event only after Add returned; a worker removes an
// item with Done only after handling it, so a crash in between redelivers it.
//
// Semantics both implementations pass (storetest.Inbox):
//   - Add writes the de-duplication mark and the item in one atomic step: a
//     duplicate key within dedupTTL adds nothing and reports false; an error
//     means neither was written.
//   - An item taken by one consumer is not handed to another until it has been
//     idle (neither Done nor touched) for longer than idle; then Take by any
//     consumer takes it over, counting an attempt. Two consumers never hold
//     one item at once.
//   - Retry hands an item back for another delivery, counting an attempt;
//     Bury removes it into the dead-letter ledger (store.DeadLedger).
//   - Expired de-duplication marks are removed by the store (Redis expires
//     them; the embedded store sweeps them with FirstSeen's markers). Marks
//     are separate from FirstSeen's: the same key in both does not collide.
//
// Keep idle well above the time a worker can go without calling Touch:
// taking over an item whose consumer is alive but slow hands it out twice.
// Takeover after a crash happens within idle plus the takers' polling.
type Inbox interface {
	// Add stores payload under key unless key was added within dedupTTL (an
	// empty key is never a duplicate; a non-empty key needs dedupTTL > 0).
	// It reports whether it added the item. Only after it returned true (or
	// false: the event was stored before) may the platform be told that
	// it arrived.
	Add(ctx context.Context, key string, payload []byte, dedupTTL time.Duration) (bool, error)
	// Take returns up to limit items for consumer: first items of other
	// consumers idle for longer than idle (taken over), then new ones in
	// arrival order. When none is ready it waits up to wait for one to be
	// added (0: does not wait); idle must be positive.
	Take(ctx context.Context, consumer string, limit int, idle, wait time.Duration) ([]InboxItem, error)
	// Touch tells the inbox that consumer is still working on ids, so they are
	// not taken over while a long handler runs (restarting their idle time).
	// Ids consumer no longer holds (taken over, done) are left alone.
	Touch(ctx context.Context, consumer string, ids ...string) error
	// Done removes a handled item. Removing a missing item is not an error.
	Done(ctx context.Context, id string) error
	// Retry makes a taken item available again, counting an attempt.
	// ErrNotFound (wrapped) when the item is gone.
	Retry(ctx context.Context, id string, reason string) error
	// Bury moves an item to the dead-letter ledger with the reason.
	// ErrNotFound (wrapped) when the item is gone.
	Bury(ctx context.Context, id string, reason string) error
	// DeadLetters calls fn for each buried item, oldest first.
	DeadLetters(ctx context.Context, fn func(DeadLetter) error) error
	// Stats reports the inbox's depth.
	Stats(ctx context.Context) (InboxStats, error)
}

// DeadLedger is the ledger (see Store.Ledger) buried inbox items are
// appended to, as JSON DeadLetter entries.
const DeadLedger = "inbox.dead"
