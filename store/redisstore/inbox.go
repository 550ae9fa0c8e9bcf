package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis/v8"

	"github.com/banzu-bot/banzu/store"
)

// The inbox is a Redis stream read by one consumer group:
//
//	{inbox}:s         the stream; each entry holds k (key), p (payload),
//	                  a (attempts before its first delivery), t (added, Unix ns)
//	{inbox}:seen:KEY  de-duplication mark (SET PX), holding the entry id
//
// An entry is pending (taken) from XREADGROUP until XACK; XAUTOCLAIM hands
// entries idle for too long to another consumer and counts the delivery,
// so an item's attempts are a + (delivery count - 1). Done acknowledges and
// deletes the entry, so the stream holds exactly the items not done yet.
// Buried items go to the ledger "inbox.dead". XAUTOCLAIM needs Redis 6.2;
// Redis 7 also drops deleted entries from the pending list as it scans.

// inboxGroup is the consumer group every bot worker reads with.
const inboxGroup = "workers"

// inboxAddScript writes the mark and the entry together: it checks the mark
// first and sets it last, so an error (XADD refused) leaves neither.
var inboxAddScript = redis.NewScript(`
if ARGV[1] ~= '' and redis.call('EXISTS', KEYS[1]) == 1 then return false end
local id = redis.call('XADD', KEYS[2], '*', 'k', ARGV[1], 'p', ARGV[3], 'a', '0', 't', ARGV[4])
if ARGV[1] ~= '' then redis.call('SET', KEYS[1], id, 'PX', ARGV[2]) end
return id`)

// inboxClaimScript takes over entries idle for at least ARGV[3] ms and
// returns {next cursor, id, delivery count, fields, id, count, fields, ...}.
var inboxClaimScript = redis.NewScript(`
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local out = {r[1]}
for _, e in ipairs(r[2]) do
  if type(e) == 'table' and type(e[2]) == 'table' then
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)
    local n = 1
    if p[1] then n = p[1][4] end
    out[#out + 1] = e[1]
    out[#out + 1] = n
    out[#out + 1] = e[2]
  end
end
return out`)

// inboxTouchScript resets the idle time of the entries ARGV[3..] that
// consumer ARGV[2] still holds.
var inboxTouchScript = redis.NewScript(`
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  end
end
return 0`)

// inboxRetryScript replaces entry ARGV[2] by a copy at the end of the stream
// whose attempts count the deliveries so far; false when it is missing.
var inboxRetryScript = redis.NewScript(`
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if #e == 0 then return false end
local f = {}
local raw = e[1][2]
for i = 1, #raw, 2 do f[raw[i]] = raw[i + 1] end
local n = 1
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if p[1] then n = p[1][4] end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return redis.call('XADD', KEYS[1], '*', 'k', f['k'] or '', 'p', f['p'] or '',
  'a', tostring((tonumber(f['a']) or 0) + n), 't', f['t'] or '0')`)

// inboxDoneScript acknowledges and deletes entry ARGV[2] (one command on
// the wire instead of MULTI, XACK, XDEL, EXEC).
var inboxDoneScript = redis.NewScript(`
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])`)

type inbox struct {
	s *Store

	ready atomic.Bool // the consumer group is known to exist

	mu     sync.Mutex
	cursor string    // where the next XAUTOCLAIM scan starts
	pruned time.Time // when idle consumers were last dropped (inbox_prune.go)

	// pruneAfter and pruneIdleFor override pruneEvery and pruneIdle (tests).
	pruneAfter, pruneIdleFor time.Duration
}

var _ store.Inbox = (*inbox)(nil)

// Inbox returns the durable queue of incoming events.
func (s *Store) Inbox() store.Inbox { return s.inbox }

func isNoGroup(err error) bool {
	return err != nil && strings.Contains(err.Error(), "NOGROUP")
}

// ensureGroup creates the stream and its consumer group unless known to
// exist. Reading from id 0 delivers entries added before the group existed
// (after a Redis restart that lost the group but not the stream).
func (in *inbox) ensureGroup(ctx context.Context) error {
	if in.ready.Load() {
		return nil
	}
	stream, _ := in.s.inboxKeys()
	err := in.s.client.XGroupCreateMkStream(ctx, stream, inboxGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return err
	}
	in.ready.Store(true)
	return nil
}

// withGroup runs fn, recreating the group and running fn again once when
// Redis lost it (a restart without persistence, a flush).
func (in *inbox) withGroup(ctx context.Context, fn func() error) error {
	if err := in.ensureGroup(ctx); err != nil {
		return err
	}
	err := fn()
	if !isNoGroup(err) {
		return err
	}
	in.ready.Store(false)
	in.mu.Lock()
	in.cursor = "0-0"
	in.mu.Unlock()
	if err := in.ensureGroup(ctx); err != nil {
		return err
	}
	return fn()
}

// Add stores payload under key unless key was added within dedupTTL; the
// mark and the entry are written by one script, sent in a pipeline shared
// with concurrent calls.
func (in *inbox) Add(ctx context.Context, key string, payload []byte, dedupTTL time.Duration) (bool, error) {
	if key != "" && dedupTTL <= 0 {
		return false, fmt.Errorf("redisstore: inbox add %s: dedup ttl must be positive", key)
	}
	stream, seen := in.s.inboxKeys()
	ms := max(dedupTTL.Milliseconds(), 1)
	err := in.s.batch.run(ctx, inboxAddScript, []string{seen + key, stream},
		key, ms, payload, time.Now().UnixNano()).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("redisstore: inbox add %s: %w", key, err)
	}
	return true, nil
}

// Done acknowledges and deletes a handled entry; a missing one is fine.
// DeadLetters calls fn for each buried item, oldest first.
func (in *inbox) DeadLetters(ctx context.Context, fn func(store.DeadLetter) error) error {
	return in.s.Ledger(ctx, store.DeadLedger, 0, func(seq int64, entry []byte) error {
		var d store.DeadLetter
		if err := json.Unmarshal(entry, &d); err != nil {
			return fmt.Errorf("redisstore: dead letter %d: %w", seq, err)
		}
		return fn(d)
	})
}

// Stats reports the inbox's depth: the stream's length, its pending
// entries, the first entry's time and the dead-letter ledger's length.
// Oldest is the time of the item first in line (a retried item queues
// again at the end of the stream).
func (in *inbox) Stats(ctx context.Context) (store.InboxStats, error) {
	var st store.InboxStats
	stream, _ := in.s.inboxKeys()
	last, _, _ := in.s.ledgerKeys(store.DeadLedger)
	var (
		length  *redis.IntCmd
		pending *redis.XPendingCmd
		first   *redis.XMessageSliceCmd
		dead    *redis.StringCmd
	)
	_, _ = in.s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		length = p.XLen(ctx, stream)
		pending = p.XPending(ctx, stream, inboxGroup)
		first = p.XRangeN(ctx, stream, "-", "+", 1)
		dead = p.Get(ctx, last)
		return nil
	})
	if err := length.Err(); err != nil {
		return st, fmt.Errorf("redisstore: inbox stats: %w", err)
	}
	if err := pending.Err(); err != nil && !isNoGroup(err) {
		return st, fmt.Errorf("redisstore: inbox stats: %w", err)
	}
	if err := first.Err(); err != nil {
		return st, fmt.Errorf("redisstore: inbox stats: %w", err)
	}
	if err := dead.Err(); err != nil && !errors.Is(err, redis.Nil) {
		return st, fmt.Errorf("redisstore: inbox stats: %w", err)
	}
	if pending.Err() == nil {
		st.Taken = int(pending.Val().Count)
	}
	st.Waiting = max(int(length.Val())-st.Taken, 0)
	if msgs := first.Val(); len(msgs) > 0 {
		if it, err := inboxItem(msgs[0].ID, msgs[0].Values, 1); err == nil {
			st.Oldest = it.Added
		}
	}
	if v := dead.Val(); v != "" {
		st.Dead, _ = strconv.ParseInt(v, 10, 64)
	}
	return st, nil
}
