package store

import (
	"context"
	"time"
)

// InboxItem is one incoming event a platform handed to banzu, stored before the
// platform was told it arrived, waiting until a worker has handled it.
type InboxItem struct {
	// ID is assigned by the store, unique, and sorts in arrival order (a Redis
	// stream id; a zero-padded sequence in the embedded store).
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
	Waiting int       // added, not taken yet
	Taken   int       // taken by a consumer, not Done yet
	Oldest  time.Time // when the oldest waiting or taken item was added (zero when empty)
	Dead    int64     // items ever buried
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
//     Bury removes it into the dead-letter ledger.
type Inbox interface {
	// Add stores payload under key unless key was added within dedupTTL (an
	// empty key is never a duplicate). It reports whether it added the item.
	Add(ctx context.Context, key string, payload []byte, dedupTTL time.Duration) (bool, error)
	// Take returns up to limit items for consumer: first items of other
	// consumers idle for longer than idle (taken over), then new ones in
	// arrival order. When none is ready it waits up to wait for one to be added.
	Take(ctx context.Context, consumer string, limit int, idle, wait time.Duration) ([]InboxItem, error)
	// Touch tells the inbox that consumer is still working on ids, so they are
	// not taken over while a long handler runs.
	Touch(ctx context.Context, consumer string, ids ...string) error
	// Done removes a handled item. Removing a missing item is not an error.
	Done(ctx context.Context, id string) error
	// Retry makes a taken item available again, counting an attempt.
	Retry(ctx context.Context, id string, reason string) error
	// Bury moves an item to the dead-letter ledger with the reason.
	Bury(ctx context.Context, id string, reason string) error
	// DeadLetters calls fn for each buried item, oldest first.
	DeadLetters(ctx context.Context, fn func(DeadLetter) error) error
	// Stats reports the inbox's depth.
	Stats(ctx context.Context) (InboxStats, error)
}
