package app

import "github.com/banzu-bot/banzu/config"

// platformChecks reports what each chat platform's configuration enables.
func platformChecks(cfg *config.Config) []string {
	return nil
}
