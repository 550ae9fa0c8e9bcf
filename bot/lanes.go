package bot

import (
	"encoding/json"
	"sync"

	"github.com/banzu-bot/banzu/store"
)

// laneDepth is how many of one person's messages in one chat wait behind
// the one being handled. Beyond that (a flood, not a person typing) the
// rest are handled side by side as they come, so a flood neither slows to
// one message at a time nor piles up in memory.
const laneDepth = 32

// lanes keep one person's messages in one chat in the order they were
// taken from the inbox: while one of them is being handled, the next waits
// for it (a supervisor's `/lesson start` then `/lesson skip` typed a moment
// apart run in that order). Different people, and different chats, are
// handled side by side. A waiting message holds no worker; every lane has
// one message in flight holding a worker, so at most workers × laneDepth
// messages wait.
type lanes struct {
	mu      sync.Mutex
	waiting map[string][]store.InboxItem // lane -> items after the one in flight
}

func newLanes() lanes { return lanes{waiting: map[string][]store.InboxItem{}} }

// laneOf is the lane of an inbox item: its chat and sender; an item that
// cannot be read has a lane of its own.
func laneOf(it store.InboxItem) string {
	var ev struct{ Platform, ChatID, SenderID string } // Event's own fields
	if json.Unmarshal(it.Payload, &ev) != nil || ev.SenderID == "" {
		return "item:" + it.ID
	}
	return ev.Platform + "\x00" + ev.ChatID + "\x00" + ev.SenderID
}

// admit reports whether it may be handled now; otherwise it waits behind
// the lane's item in flight and next hands it out later.
func (l *lanes) admit(lane string, it store.InboxItem) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, busy := l.waiting[lane]
	switch {
	case !busy:
		l.waiting[lane] = nil // in flight, nothing waiting
		return true
	case len(q) >= laneDepth:
		return true // a flood: no order to keep
	}
	l.waiting[lane] = append(q, it)
	return false
}

// next is the lane's next waiting item once an item of the lane is
// handled; ok false frees the lane.
func (l *lanes) next(lane string) (it store.InboxItem, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.waiting[lane]
	if len(q) == 0 {
		delete(l.waiting, lane)
		return store.InboxItem{}, false
	}
	l.waiting[lane] = q[1:]
	return q[0], true
}
