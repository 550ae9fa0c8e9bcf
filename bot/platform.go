package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Platform is a chat platform banzu can send to. Everything else a platform may
// do is an optional interface below, found by type assertion.
type Platform interface {
	// Name is the platform's key: "console", "wecom", "dingtalk".
	Name() string
	// Send delivers one message. It returns a *RetryError when the platform asked
	// to slow down or failed transiently, and a *PermanentError when retrying
	// cannot help (bad destination, message rejected).
	Send(ctx context.Context, dest Destination, msg Message) error
}

// Accept stores an incoming event durably (Bot.Dispatch). A platform tells
// its server it has the event only after Accept returned nil; on an error it
// asks for the event again (a non-2xx answer, a negative ack) where the
// protocol allows it.
type Accept func(ctx context.Context, ev Event) error

// Listener is a platform that receives messages by itself (a websocket, a
// polling loop). It calls accept for each event until ctx ends.
type Listener interface {
	Listen(ctx context.Context, accept Accept) error
}

// Pacer is a platform with a rate limit per destination.
type Pacer interface {
	// PaceKey names the rate-limited channel a message to dest goes through
	// (for example one group robot webhook) and its limit.
	PaceKey(dest Destination) (key string, limit int, per time.Duration)
}

// RetryError asks the outbox to try again later.
type RetryError struct {
	After time.Duration // zero: use the outbox's backoff
	Err   error
}

func (e *RetryError) Error() string { return fmt.Sprintf("retry later: %v", e.Err) }
func (e *RetryError) Unwrap() error { return e.Err }

// PermanentError tells the outbox that retrying cannot help.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return fmt.Sprintf("permanent: %v", e.Err) }
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// Classified reports whether err already tells the outbox what to do: it is
// (or wraps) a RetryError or a PermanentError. Platforms pass such errors on
// as they are and classify the rest.
func Classified(err error) bool {
	var r *RetryError
	return IsPermanent(err) || errors.As(err, &r)
}
