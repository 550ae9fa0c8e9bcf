package wecom

import (
	"context"
	"strconv"
	"time"
)

// Kicked reports whether the long connection is down because another
// connection took the robot (disconnected_event) and nobody has asked it to
// reconnect yet: /readyz fails and banzu_wecom_kicked is 1 meanwhile.
func (p *Platform) Kicked() bool { return p.lc.kickedAt.Load() != 0 }

// Kicks counts the disconnected_events this process received.
func (p *Platform) Kicks() int64 { return p.lc.kicks.Load() }

// Reconnect asks a long connection stopped by a kick to subscribe again
// (`banzu wecom reconnect` through POST /api/v1/wecom/reconnect). With a
// store it clears the kick record there, so that whichever replica holds the
// connection lease reconnects within LeaseRetry. It reports whether this
// process was down because of a kick.
func (p *Platform) Reconnect(ctx context.Context) (bool, error) {
	was := p.Kicked()
	var err error
	if p.lc.st != nil {
		err = p.lc.st.Delete(ctx, kickedPrefix+p.cfg.AIBot.BotID)
	}
	select {
	case p.lc.wake <- struct{}{}:
	default:
	}
	return was, err
}

// recordKick notes a disconnected_event here and, with a store, for the
// other replicas.
func (p *Platform) recordKick(ctx context.Context) {
	select { // a reconnect asked for before this kick does not count
	case <-p.lc.wake:
	default:
	}
	now := time.Now().UnixNano()
	if p.lc.st != nil {
		if err := p.lc.st.Put(ctx, kickedPrefix+p.cfg.AIBot.BotID, []byte(strconv.FormatInt(now, 10))); err != nil {
			p.log.Warn("wecom long connection: cannot record the kick for the other replicas", "error", err)
		}
	}
	// Visible (Kicked, /readyz) only once recorded, so that a Reconnect
	// seen after it clears the record.
	p.lc.kickedAt.Store(now)
	n := p.lc.kicks.Add(1)
	p.log.Error("wecom long connection stopped: WeCom closed it because another connection subscribed this robot (disconnected_event); "+
		"another deployment (staging?) probably uses the same bot_id. Not reconnecting: run `banzu wecom reconnect` or restart banzu",
		"bot_id", p.cfg.AIBot.BotID, "kicks", n, "reconnect_after", p.lc.tune.Takeover.String())
}

// kickedNow reports whether this process must stay down: it was kicked, or
// (with a store) another replica was kicked after this process started and
// nobody asked for a reconnect since.
func (p *Platform) kickedNow(ctx context.Context) bool {
	if p.Kicked() {
		return true
	}
	if ns, ok := p.storedKick(ctx); ok {
		p.lc.kickedAt.Store(ns)
		p.log.Error("wecom long connection stays down: another replica was kicked by a connection elsewhere (disconnected_event); run `banzu wecom reconnect` or restart banzu",
			"bot_id", p.cfg.AIBot.BotID)
		return true
	}
	return false
}

// storedKick is the kick recorded in the store, when there is one younger
// than this process.
func (p *Platform) storedKick(ctx context.Context) (int64, bool) {
	if p.lc.st == nil {
		return 0, false
	}
	v, found, err := p.lc.st.Get(ctx, kickedPrefix+p.cfg.AIBot.BotID)
	if err != nil || !found {
		return 0, false
	}
	ns, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || ns <= p.lc.started.UnixNano() {
		return 0, false
	}
	return ns, true
}

// awaitReconnect waits, after a kick, for Reconnect, for the kick record to
// be cleared in the store (by Reconnect on another replica), or for
// Takeover when it is set. It reports false when ctx ended first.
func (p *Platform) awaitReconnect(ctx context.Context) bool {
	var after <-chan time.Time
	if d := p.lc.tune.Takeover; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		after = t.C
	}
	poll := time.NewTicker(p.lc.tune.LeaseRetry)
	defer poll.Stop()
	reason := ""
	for reason == "" {
		select {
		case <-ctx.Done():
			return false
		case <-p.lc.wake:
			reason = "operator asked"
		case <-after:
			reason = "wecom.aibot.reconnect_after_kick_minutes passed"
		case <-poll.C:
			if p.lc.st != nil {
				if _, found, err := p.lc.st.Get(ctx, kickedPrefix+p.cfg.AIBot.BotID); err == nil && !found {
					reason = "operator asked (on another replica)"
				}
			}
		}
	}
	p.lc.kickedAt.Store(0)
	if p.lc.st != nil {
		if err := p.lc.st.Delete(ctx, kickedPrefix+p.cfg.AIBot.BotID); err != nil {
			p.log.Warn("wecom long connection: cannot clear the kick record", "error", err)
		}
	}
	p.log.Warn("wecom long connection: subscribing again after the kick", "reason", reason, "bot_id", p.cfg.AIBot.BotID)
	return true
}
