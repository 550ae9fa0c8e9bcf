package bot

// DefaultTo sets *v to def when *v is zero or negative: an option left unset.
// The bot, the outbox and the platforms fill their options with it.
func DefaultTo[T ~int | ~int64 | ~float64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
