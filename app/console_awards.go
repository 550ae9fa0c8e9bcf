package app

import (
	"fmt"
	"net/http"

	"github.com/banzu-bot/banzu/awards"
)

// The recognition ledger of the supervisor pages.

// SupAward is one line of the recognition ledger.
type SupAward struct {
	Seq     int64  `json:"seq"`
	Date    string `json:"date"`
	Kind    string `json:"kind"` // 称号, 勋章, 特别奖, 师徒, 撤销
	Award   string `json:"award"`
	Member  string `json:"member"`
	Period  string `json:"period,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Points  int    `json:"points,omitempty"`
	By      string `json:"by,omitempty"`
	Revoked string `json:"revoked,omitempty"` // why, when revoked
}

var awardKindLabels = map[string]string{awards.KindTitle: "称号", awards.KindBadge: "勋章", awards.KindAward: "特别奖",
	awards.KindMentor: "师徒", awards.KindRevoke: "撤销", awards.KindThanks: "感谢"}

func (a *App) supAwards(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.supQuery(w, r)
	if !ok {
		return
	}
	st, err := awards.Load(r.Context(), a.Store)
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "读取荣誉账本失败"})
		return
	}
	name := func(id string) string {
		if m := a.Directory.Member(id); m != nil {
			return m.Name
		}
		return id
	}
	out := []SupAward{}
	for i := len(st.Entries) - 1; i >= 0; i-- {
		e := st.Entries[i]
		if e.Team != t.ID {
			continue
		}
		sa := SupAward{Seq: e.Seq, Date: e.At.In(a.Cfg.Location()).Format("2006-01-02"), Kind: awardKindLabels[e.Kind],
			Award: e.Label(), Member: name(e.Member), Reason: e.Reason, Points: e.Points}
		if e.Period != "" {
			sa.Period = awards.MonthLabel(e.Period)
		}
		if e.By != "" {
			sa.By = name(e.By)
		}
		if e.Kind == awards.KindMentor {
			sa.Award = "带教 " + name(e.Subject)
		}
		if e.Kind == awards.KindRevoke {
			sa.Award = fmt.Sprintf("撤销 #%d", e.Ref)
		}
		if rv := st.Revocation(e.Seq); rv != nil {
			sa.Revoked = rv.Reason
		}
		out = append(out, sa)
	}
	supJSON(w, http.StatusOK, map[string]any{"team": SupTeam{ID: t.ID, Name: t.Name}, "entries": out})
}
