package bot

import (
	"encoding/json"
	"sync"

	"github.com/banzu-bot/banzu/store"
)

// lanes keep one person's messages in one chat in the order they were
// taken from the inbox: while one of them is being handled, the next waits
// for it (a supervisor's `/lesson start` then `/lesson skip` typed a moment
// apart run in that order). Different people, and different chats, are
// handled side by side.
//
// A waiting item frees its worker slot for other lanes, up to max waiting
// items; beyond that (one sender flooding) a waiting item keeps its slot,
// so what is taken from the inbox stays bounded.
type lanes struct {
	mu      sync.Mutex
	waiting map[string][]waiter // lane -> items after the one in flight
	n       int                 // items waiting in all lanes
	max     int
}

type waiter struct {
	it   store.InboxItem
	slot bool // it holds a worker slot, to be given back once handled
}

func newLanes(max int) lanes { return lanes{waiting: map[string][]waiter{}, max: max} }

// laneOf is the lane of an inbox item: its chat and sender; an item that
// cannot be read has a lane of its own.
func laneOf(it store.InboxItem) string {
	var ev struct{ Platform, ChatID, SenderID string } // Event's own fields
	if json.Unmarshal(it.Payload, &ev) != nil || ev.SenderID == "" {
		return "item:" + it.ID
	}
	return ev.Platform + "\x00" + ev.ChatID + "\x00" + ev.SenderID
}

// admit reports whether it may be handled now. Otherwise it waits behind
// the lane's item in flight, next hands it out later, and keep says whether
// it keeps its worker slot meanwhile.
func (l *lanes) admit(lane string, it store.InboxItem) (now, keep bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, busy := l.waiting[lane]
	if !busy {
		l.waiting[lane] = nil // in flight, nothing waiting
		return true, false
	}
	keep = l.n >= l.max
	l.waiting[lane] = append(q, waiter{it: it, slot: keep})
	l.n++
	return false, keep
}

// next is the lane's next waiting item once the one in flight is handled;
// ok false frees the lane.
func (l *lanes) next(lane string) (w waiter, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.waiting[lane]
	if len(q) == 0 {
		delete(l.waiting, lane)
		return waiter{}, false
	}
	l.waiting[lane] = q[1:]
	l.n--
	return q[0], true
}
