package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

func (p *Platform) leaseName() string { return leasePrefix + p.cfg.AIBot.BotID }

// awaitLease waits until this process holds the connection lease (at once
// without a store). It reports false when ctx ended first.
func (p *Platform) awaitLease(ctx context.Context) bool {
	if p.lc.st == nil {
		return ctx.Err() == nil
	}
	logged := false
	for {
		if ctx.Err() != nil {
			return false
		}
		if p.Kicked() {
			// Kicked while holding the lease, then handed it over: the
			// kick ends here too once cleared (Reconnect on any replica).
			if _, still := p.storedKick(ctx); !still {
				p.lc.kickedAt.Store(0)
			}
		}
		if w, ok := p.readWant(ctx); !ok || w.Owner == p.lc.owner || !w.fresh(p.lc.tune.LeaseTTL) {
			held, err := p.lc.st.Acquire(ctx, p.leaseName(), p.lc.owner, p.lc.tune.LeaseTTL)
			switch {
			case err != nil && ctx.Err() == nil:
				p.log.Warn("wecom long connection: cannot read the lease", "error", err)
			case held:
				if ok && w.Owner == p.lc.owner {
					_ = p.lc.st.Delete(ctx, wantPrefix+p.cfg.AIBot.BotID)
				}
				p.log.Info("wecom long connection lease acquired", "owner", p.lc.owner)
				return true
			}
		}
		if !logged {
			p.log.Info("wecom long connection held by another replica, standing by", "owner", p.lc.owner)
			logged = true
		}
		if !sleepCtx(ctx, p.lc.tune.LeaseRetry) {
			return false
		}
	}
}

// releaseLease gives the lease up so that another replica can connect at once.
func (p *Platform) releaseLease() {
	if p.lc.st == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.lc.st.Release(ctx, p.leaseName(), p.lc.owner); err != nil {
		p.log.Warn("wecom long connection: lease not released", "error", err)
	}
}

// holdConnection keeps the connection up (reconnecting with backoff) while
// this process holds the lease, and returns when ctx ends, the lease is lost
// or handed over.
func (p *Platform) holdConnection(ctx context.Context) {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if p.lc.st != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.keepLease(hctx, cancel)
		}()
	}
	defer wg.Wait()
	attempt := 0
	for {
		if p.kickedNow(hctx) {
			if !p.awaitReconnect(hctx) {
				return
			}
			attempt = 0
		}
		subscribed, err := p.session(hctx)
		if hctx.Err() != nil {
			return
		}
		if errors.Is(err, errKicked) {
			// Do not fight: stay down until an operator asks.
			p.recordKick(hctx)
			continue
		}
		if subscribed {
			attempt = 0
		}
		delay := p.lc.tune.backoff(attempt)
		attempt++
		n := p.lc.reconnects.Add(1)
		p.log.Warn("wecom long connection reconnecting",
			"error", errText(err), "attempt", attempt, "delay_ms", delay.Milliseconds(), "reconnects", n)
		if !sleepCtx(hctx, delay) {
			return
		}
	}
}

// keepLease renews the lease every LeaseTTL/3 and cancels the connection
// when it is lost (taken by another replica, or not renewable for most of
// its TTL) or handed over to the replica that sends.
func (p *Platform) keepLease(ctx context.Context, cancel context.CancelFunc) {
	ttl := p.lc.tune.LeaseTTL
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, err := p.lc.st.Acquire(ctx, p.leaseName(), p.lc.owner, ttl)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			if time.Since(renewed) > ttl*2/3 {
				p.log.Error("wecom long connection: lease not renewable, closing the connection", "error", err)
				cancel()
				return
			}
			p.log.Warn("wecom long connection: lease renewal failed", "error", err)
			continue
		case !held:
			p.log.Error("wecom long connection: lease taken by another replica, closing the connection")
			cancel()
			return
		}
		renewed = time.Now()
		if w, ok := p.readWant(ctx); ok && w.Owner != p.lc.owner && w.fresh(ttl) && !p.sentWithin(ttl) {
			p.log.Info("wecom long connection: handing over to the replica that delivers the outbox", "to", w.Owner)
			cancel()
			return
		}
	}
}

// want is a replica's request for the connection.
type want struct {
	Owner string `json:"owner"`
	At    int64  `json:"at"` // unix ns
}

func (w want) fresh(ttl time.Duration) bool { return time.Since(time.Unix(0, w.At)) < ttl }

func (p *Platform) readWant(ctx context.Context) (want, bool) {
	v, found, err := p.lc.st.Get(ctx, wantPrefix+p.cfg.AIBot.BotID)
	if err != nil || !found {
		return want{}, false
	}
	var w want
	if json.Unmarshal(v, &w) != nil {
		return want{}, false
	}
	return w, true
}

// wantConnection records that this replica has messages for the connection
// (it is the outbox sender); written at most every LeaseTTL/4.
func (p *Platform) wantConnection(ctx context.Context) {
	if p.lc.st == nil {
		return
	}
	now := time.Now()
	last := p.lc.lastWant.Load()
	if now.Sub(time.Unix(0, last)) < p.lc.tune.LeaseTTL/4 || !p.lc.lastWant.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	v, _ := json.Marshal(want{Owner: p.lc.owner, At: now.UnixNano()})
	if err := p.lc.st.Put(ctx, wantPrefix+p.cfg.AIBot.BotID, v); err != nil {
		p.log.Warn("wecom long connection: cannot ask for the connection", "error", err)
	}
}

func (p *Platform) sentWithin(d time.Duration) bool {
	return time.Since(time.Unix(0, p.lc.lastSend.Load())) < d
}
