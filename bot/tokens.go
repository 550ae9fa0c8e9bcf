package bot

import (
	"context"
	"sync"
	"time"
)

// MemoryTokens keeps platform access tokens in this process: the default
// token cache of the platforms when the core gives them no shared one. Get
// returns an empty token for a key it does not hold; Put with an empty token
// forgets the key. Safe for concurrent use.
type MemoryTokens struct {
	mu sync.Mutex
	m  map[string]memToken
}

type memToken struct {
	token   string
	expires time.Time
}

// NewMemoryTokens returns an empty token cache.
func NewMemoryTokens() *MemoryTokens { return &MemoryTokens{m: map[string]memToken{}} }

// Get returns the token stored under key and when it expires.
func (s *MemoryTokens) Get(_ context.Context, key string) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.m[key]
	return t.token, t.expires, nil
}

// Put stores token under key until expires; an empty token forgets the key.
func (s *MemoryTokens) Put(_ context.Context, key, token string, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token == "" {
		delete(s.m, key)
		return nil
	}
	s.m[key] = memToken{token: token, expires: expires}
	return nil
}
