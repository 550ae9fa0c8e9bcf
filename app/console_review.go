package app

import (
	"fmt"
	"net/http"

	"github.com/banzu-bot/banzu/knowledge"
)

// The knowledge review queue of the supervisor pages.

// SupEntry is a knowledge submission waiting for review.
type SupEntry struct {
	ID        int64    `json:"id"`
	Ref       string   `json:"ref"`
	Question  string   `json:"question"`
	Similar   []string `json:"similar"`
	Answer    string   `json:"answer"`
	Category  string   `json:"category"`
	Submitter string   `json:"submitter"`
	Created   string   `json:"created"`
	Like      string   `json:"like,omitempty"` // a similar entry already in the base, in words
}

func (a *App) supReview(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.supQuery(w, r)
	if !ok {
		return
	}
	svc := a.knowledge.Svc
	pending, err := svc.Entries(r.Context(), t.ID, knowledge.Pending)
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "读取待审核投稿失败"})
		return
	}
	out := []SupEntry{}
	for _, e := range pending {
		se := SupEntry{ID: e.ID, Ref: e.Ref(), Question: e.Question, Similar: e.Similar, Answer: e.Answer,
			Category: e.Category(), Submitter: e.SubmitterName, Created: e.Created.In(a.Cfg.Location()).Format("2006-01-02 15:04")}
		if ms, err := svc.Similar(r.Context(), t.ID, e.Question, 1, e.ID); err == nil && len(ms) > 0 {
			se.Like = fmt.Sprintf("与 %s 相似（%.0f%%，%s）", ms[0].Entry.Ref(), ms[0].Score*100, ms[0].Entry.State.Label())
		}
		out = append(out, se)
	}
	supJSON(w, http.StatusOK, map[string]any{"team": SupTeam{ID: t.ID, Name: t.Name}, "entries": out})
}
