package redisstore

import (
	"context"
	"strings"
	"sync"

	"github.com/go-redis/redis/v8"
)

// batcher sends script calls made at the same time by many goroutines in
// shared pipelines: a burst of callbacks then costs a few round trips and
// system calls instead of one each. A call waits for nothing: when fewer
// than maxFlushers pipelines are in flight, its caller sends whatever is
// pending at once (its own call included); otherwise it waits until a
// sender's round trip is back, and that sender hands the next pipeline to
// the oldest waiting caller. Each script still runs atomically; the
// pipeline only shares the trip.
type batcher struct {
	client redis.UniversalClient

	mu       sync.Mutex
	pending  []*scriptCall
	flushing int
}

const (
	// maxFlushers bounds the pipelines in flight at once.
	maxFlushers = 8
	// maxPipeline bounds the calls one pipeline carries.
	maxPipeline = 256
)

type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []interface{}
	cmd    *redis.Cmd
	done   chan struct{}
	lead   chan struct{} // tells a waiting caller to send the next pipeline
	asked  bool          // lead was signalled (guarded by batcher.mu)
}

// run runs script like script.Run, sharing a pipeline with concurrent calls.
// Once queued, a call is sent whatever happens to ctx; the client's
// timeouts bound the wait.
func (b *batcher) run(ctx context.Context, script *redis.Script, keys []string, args ...interface{}) *redis.Cmd {
	if err := ctx.Err(); err != nil {
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(err)
		return cmd
	}
	c := &scriptCall{script: script, keys: keys, args: args, done: make(chan struct{}), lead: make(chan struct{}, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, c)
	lead := b.flushing < maxFlushers
	if lead {
		b.flushing++
	}
	b.mu.Unlock()
	for {
		if lead {
			b.flush()
		}
		select {
		case <-c.done:
			return c.cmd
		case <-c.lead:
			lead = true
		}
	}
}

// flush sends the pending calls (up to maxPipeline), then hands the role of
// sender to the oldest caller still waiting, or gives it up.
func (b *batcher) flush() {
	b.mu.Lock()
	n := min(len(b.pending), maxPipeline)
	batch := b.pending[:n:n]
	b.pending = b.pending[n:]
	b.mu.Unlock()
	if n > 0 {
		b.send(batch)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, next := range b.pending {
		if !next.asked {
			next.asked = true
			next.lead <- struct{}{}
			return
		}
	}
	b.flushing--
}

// send runs batch in one pipeline. The pipeline does not end with the
// context of whichever caller sends it; the client's timeouts bound it.
func (b *batcher) send(batch []*scriptCall) {
	ctx := context.Background()
	cmds := make([]*redis.Cmd, len(batch))
	_, _ = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range batch {
			cmds[i] = p.EvalSha(ctx, c.script.Hash(), c.keys, c.args...)
		}
		return nil
	})
	for i, c := range batch {
		cmd := cmds[i]
		if err := cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			// Redis restarted and forgot the script: Run loads it.
			cmd = c.script.Run(ctx, b.client, c.keys, c.args...)
		}
		c.cmd = cmd
		close(c.done)
	}
}
