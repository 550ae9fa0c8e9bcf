package wording

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/banzu-bot/banzu/store"
)

// listsColl holds each team's edited lists, keyed by team id. A team that
// never edited its lists uses the starter lists.
const listsColl = "wording.lists"

// Repo keeps the teams' word lists.
type Repo struct {
	St      store.Store
	Starter Lists // the lists of a team that has not edited its own
}

// Lists returns a team's lists.
func (r *Repo) Lists(ctx context.Context, team string) (Lists, error) {
	raw, err := r.St.Get(ctx, listsColl, team)
	if errors.Is(err, store.ErrNotFound) {
		return Lists{Taboo: append([]string(nil), r.Starter.Taboo...), Absolute: append([]string(nil), r.Starter.Absolute...)}, nil
	}
	if err != nil {
		return Lists{}, err
	}
	var l Lists
	return l, json.Unmarshal(raw, &l)
}

// Change adds words to (or removes them from) a team's list of kind and
// returns the new lists and the words that changed them.
func (r *Repo) Change(ctx context.Context, team, kind string, words []string, remove bool) (Lists, []string, error) {
	l, err := r.Lists(ctx, team)
	if err != nil {
		return l, nil, err
	}
	l, changed := l.With(kind, words, remove)
	if len(changed) == 0 {
		return l, nil, nil
	}
	raw, err := json.Marshal(l)
	if err != nil {
		return l, nil, err
	}
	return l, changed, r.St.Put(ctx, listsColl, team, raw)
}
