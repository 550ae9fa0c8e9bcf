package redisstore

// Key builders; see the package documentation for the layout.

func (s *Store) collHash(coll string) string { return s.prefix + "{c:" + coll + "}:h" }
func (s *Store) collZSet(coll string) string { return s.prefix + "{c:" + coll + "}:z" }
func (s *Store) seqKey(name string) string   { return s.prefix + "seq:" + name }
func (s *Store) seenKey(key string) string   { return s.prefix + "seen:" + key }
func (s *Store) leaseKey(name string) string { return s.prefix + "lease:" + name }

func (s *Store) ledgerKeys(name string) (last, entries, idem string) {
	base := s.prefix + "{l:" + name + "}:"
	return base + "n", base + "e", base + "i"
}

func (s *Store) outboxKeyKey(key string) string { return s.prefix + "{outbox}:key:" + key }

func (s *Store) outboxKeys() (seq, items, due, created string) {
	base := s.prefix + "{outbox}:"
	return base + "seq", base + "items", base + "due", base + "created"
}

// inboxKeys returns the inbox stream and the prefix of its de-duplication
// marks; both carry the tag {inbox}, so Add writes them in one script.
func (s *Store) inboxKeys() (stream, seen string) {
	base := s.prefix + "{inbox}:"
	return base + "s", base + "seen:"
}
