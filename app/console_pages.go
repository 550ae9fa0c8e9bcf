package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/platform/console"
)

// The console's supervisor pages: a KPI dashboard, the knowledge review
// queue, the lesson bank and the awards ledger, for whoever the page has
// selected as a supervisor or manager. They sit behind the console token like
// the chat (see guard) and check the selected member's role as the chat does.
// Reads come from the same services the commands use; every action is run as
// a chat command through the bot (console.Server.RunAs), so roles, rules and
// ledgers are the chat's own. Their routes are in routes.go; the dashboard,
// the review queue, the ledger and the lesson bank each have their file.

// supErr is a refusal with its status and Chinese message.
type supErr struct {
	code int
	msg  string
}

func supJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func supFail(w http.ResponseWriter, e *supErr) {
	supJSON(w, e.code, map[string]string{"error": e.msg})
}

// supTeamsOf lists the teams m may supervise: a manager (or admin) any team,
// a supervisor their own teams; none for an agent.
func (a *App) supTeamsOf(m *bot.Member) []*bot.Team {
	r := a.Directory.RoleOf(m)
	var out []*bot.Team
	for _, t := range a.Directory.Teams() {
		if r >= bot.RoleManager || r >= bot.RoleSupervisor && memberIn(m, t) {
			out = append(out, t)
		}
	}
	return out
}

func memberIn(m *bot.Member, t *bot.Team) bool {
	for _, id := range m.Teams {
		if id == t.ID {
			return true
		}
	}
	return false
}

// supWho resolves the selected member and team and checks the member may
// supervise the team (the rule /review and /approve apply in the chat).
func (a *App) supWho(userID, teamID string) (*bot.Member, *bot.Team, *supErr) {
	if a.Console == nil {
		return nil, nil, &supErr{http.StatusNotFound, "本地聊天未启用"}
	}
	m := a.Directory.Member(userID)
	if m == nil {
		return nil, nil, &supErr{http.StatusForbidden, "没有这个成员：" + userID}
	}
	teams := a.supTeamsOf(m)
	if len(teams) == 0 {
		return nil, nil, &supErr{http.StatusForbidden, fmt.Sprintf("%s 是%s：主管页面只对主管和经理开放", m.Name, a.Directory.RoleOf(m).Label())}
	}
	if teamID == "" {
		return m, teams[0], nil
	}
	for _, t := range teams {
		if t.ID == teamID {
			return m, t, nil
		}
	}
	if a.Directory.Team(teamID) == nil {
		return nil, nil, &supErr{http.StatusNotFound, "没有这个团队：" + teamID}
	}
	return nil, nil, &supErr{http.StatusForbidden, fmt.Sprintf("%s 不是这个团队的主管", m.Name)}
}

func (a *App) supQuery(w http.ResponseWriter, r *http.Request) (*bot.Member, *bot.Team, bool) {
	m, t, e := a.supWho(r.URL.Query().Get("user_id"), r.URL.Query().Get("team_id"))
	if e != nil {
		supFail(w, e)
		return nil, nil, false
	}
	return m, t, true
}

// SupTeam is a team the selected member may supervise.
type SupTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (a *App) supTeams(w http.ResponseWriter, r *http.Request) {
	m, _, ok := a.supQuery(w, r)
	if !ok {
		return
	}
	out := []SupTeam{}
	for _, t := range a.supTeamsOf(m) {
		out = append(out, SupTeam{ID: t.ID, Name: t.Name})
	}
	supJSON(w, http.StatusOK, map[string]any{"teams": out, "role_label": a.Directory.RoleOf(m).Label()})
}

type supCommandBody struct {
	UserID string `json:"user_id"`
	TeamID string `json:"team_id"`
	Text   string `json:"text"`
}

// supCommand runs a command from a supervisor page in the team's group chat
// as the selected member: the bot checks the role and answers in the chat.
func (a *App) supCommand(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body supCommandBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		supFail(w, &supErr{http.StatusBadRequest, "请求格式错误，应为 JSON：{\"user_id\",\"team_id\",\"text\"}"})
		return
	}
	m, t, e := a.supWho(body.UserID, body.TeamID)
	if e != nil {
		supFail(w, e)
		return
	}
	if !strings.HasPrefix(strings.TrimSpace(body.Text), "/") {
		supFail(w, &supErr{http.StatusBadRequest, "只能发送以 / 开头的命令"})
		return
	}
	srv := console.NewServer(a.Console, a.Directory, a.Bot)
	id, err := srv.RunAs(r.Context(), t.ID, m.ID, body.Text)
	var re *console.RunError
	if errors.As(err, &re) {
		supFail(w, &supErr{re.Code, re.Msg})
		return
	}
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "发送命令失败"})
		return
	}
	supJSON(w, http.StatusOK, map[string]any{"id": id, "chat_id": t.ID})
}
