package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// WithContentKeys makes every message sent in ctx carry an idempotency key
// made of stem and what the message is (destination and content), so the
// same work run again (a scheduled job's slot after a crash) does not queue
// again what its first run queued, whatever order it sends in. Two identical
// messages to one destination in one run are sent once.
func WithContentKeys(ctx context.Context, stem string) context.Context {
	if stem == "" {
		return ctx
	}
	return context.WithValue(ctx, sendKeysCtx{}, &sendKeys{stem: stem, content: true})
}

// contentKey is stem followed by a digest of the queued payload (destination
// and message).
func contentKey(stem string, payload []byte) string {
	sum := sha256.Sum256(payload)
	return stem + ":" + hex.EncodeToString(sum[:12])
}
