package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

func (in *inbox) Done(ctx context.Context, id string) error {
	stream, _ := in.s.inboxKeys()
	err := in.s.batch.run(ctx, inboxDoneScript, []string{stream}, inboxGroup, id).Err()
	if err != nil && !isNoGroup(err) {
		return fmt.Errorf("redisstore: inbox done %s: %w", id, err)
	}
	return nil
}

// Retry replaces the entry by a copy at the end of the stream, counting the
// deliveries so far. It returns store.ErrNotFound when the entry is missing.
func (in *inbox) Retry(ctx context.Context, id string, reason string) error {
	stream, _ := in.s.inboxKeys()
	err := in.withGroup(ctx, func() error {
		return inboxRetryScript.Run(ctx, in.s.client, []string{stream}, inboxGroup, id).Err()
	})
	if errors.Is(err, redis.Nil) {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("redisstore: inbox retry %s: %w", id, err)
	}
	return nil
}

// Bury appends the entry to the ledger "inbox.dead" (idempotent by entry id,
// so a crash in between buries it once) and then removes it. It returns
// store.ErrNotFound when the entry is missing.
func (in *inbox) Bury(ctx context.Context, id string, reason string) error {
	stream, _ := in.s.inboxKeys()
	msgs, err := in.s.client.XRange(ctx, stream, id, id).Result()
	if err != nil {
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, err)
	}
	if len(msgs) == 0 {
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, store.ErrNotFound)
	}
	var count int64 = 1
	pending, err := in.s.client.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: stream, Group: inboxGroup, Start: id, End: id, Count: 1,
	}).Result()
	switch {
	case err == nil && len(pending) == 1:
		count = pending[0].RetryCount
	case err != nil && !isNoGroup(err):
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, err)
	}
	item, err := inboxItem(id, msgs[0].Values, count)
	if err != nil {
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, err)
	}
	entry, err := json.Marshal(store.DeadLetter{Item: item, Reason: reason, At: time.Now()})
	if err != nil {
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, err)
	}
	if _, _, err := in.s.Append(ctx, store.DeadLedger, "inbox:"+id, entry); err != nil {
		return fmt.Errorf("redisstore: inbox bury %s: %w", id, err)
	}
	return in.Done(ctx, id)
}
