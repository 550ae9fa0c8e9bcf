package wecom

import (
	"log/slog"
	"sync"
	"time"

	"github.com/banzu-bot/banzu/bot"
)

// dispatcher hands decoded events from the HTTP callback to Handle on a few
// goroutines through a bounded queue, so the callback answers WeCom at once.
//
// When the queue is full, enqueue waits at most wait for room and then gives
// up; the callback answers 503 and logs the msgid. WeCom redelivers a message
// it got no 200 for (same msgid, up to three times), and since the core never
// saw it, its de-duplication lets the retry through. Template-card clicks are
// not redelivered, so a click arriving while the queue is full is lost: size
// the queue for bursts (4096 by default) and keep Handle quick.
type dispatcher struct {
	ch     chan bot.Event
	handle func(bot.Event)
	wait   time.Duration
	log    *slog.Logger
	once   sync.Once
	mu     sync.RWMutex // guards sends against close
	closed bool
	wg     sync.WaitGroup
}

func newDispatcher(handle func(bot.Event), size, workers int, wait time.Duration, log *slog.Logger) *dispatcher {
	d := &dispatcher{
		ch:     make(chan bot.Event, size),
		handle: handle,
		wait:   wait,
		log:    log,
	}
	d.wg.Add(workers)
	for range workers {
		go d.run()
	}
	return d
}

// enqueue queues ev and reports whether it was accepted.
func (d *dispatcher) enqueue(ev bot.Event) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return false
	}
	select {
	case d.ch <- ev:
		return true
	default:
	}
	t := time.NewTimer(d.wait)
	defer t.Stop()
	select {
	case d.ch <- ev:
		return true
	case <-t.C:
		return false
	}
}

// run calls handle for each queued event until the queue is closed and empty.
func (d *dispatcher) run() {
	defer d.wg.Done()
	for ev := range d.ch {
		d.deliver(ev)
	}
}

// deliver calls handle, turning a panic into a log line.
func (d *dispatcher) deliver(ev bot.Event) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("wecom event handler panicked", "msg_id", ev.MessageID, "error", r)
		}
	}()
	d.handle(ev)
}

// close refuses new events, lets the workers drain the queue and waits for them.
func (d *dispatcher) close() {
	d.once.Do(func() {
		d.mu.Lock()
		d.closed = true
		close(d.ch)
		d.mu.Unlock()
	})
	d.wg.Wait()
}
