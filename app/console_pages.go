package app

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/period"
	"github.com/banzu-bot/banzu/platform/console"
)

// The console's supervisor pages: a KPI dashboard, the knowledge review
// queue, the lesson bank and the awards ledger, for whoever the page has
// selected as a supervisor or manager. They sit behind the console token like
// the chat (see guard) and check the selected member's role as the chat does.
// Reads come from the same services the commands use; every action is run as
// a chat command through the bot (console.Server.RunAs), so roles, rules and
// ledgers are the chat's own.
func init() {
	register(Feature{Name: "console-pages", Routes: func(a *App, mux *http.ServeMux) {
		mux.HandleFunc("GET /console/api/sup/teams", a.supTeams)
		mux.HandleFunc("GET /console/api/sup/kpi", a.supKPI)
		mux.HandleFunc("GET /console/api/sup/review", a.supReview)
		mux.HandleFunc("GET /console/api/sup/awards", a.supAwards)
		mux.HandleFunc("GET /console/api/sup/lessons", a.supLessons)
		mux.HandleFunc("GET /console/api/sup/lessons/export", a.supLessonsExport)
		mux.HandleFunc("POST /console/api/sup/lessons/import", a.supLessonsImport)
		mux.HandleFunc("POST /console/api/sup/command", a.supCommand)
	}})
}

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

// SupTarget is one configured target as the dashboard draws it.
type SupTarget struct {
	Rule    string  `json:"rule"`
	Label   string  `json:"label"`
	Op      string  `json:"op"` // ≤, < or ≥
	Target  float64 `json:"target"`
	Seconds bool    `json:"seconds"` // a time in seconds; otherwise a fraction
}

// SupFigure is one figure checked against its target.
type SupFigure struct {
	Rule   string   `json:"rule"`
	Value  *float64 `json:"value"` // nil: no data
	OK     bool     `json:"ok"`
	Target float64  `json:"target"`
}

// SupDay is the team's figures on one day, by rule.
type SupDay struct {
	Date    string               `json:"date"`
	Figures map[string]SupFigure `json:"figures"`
}

// SupAgent is one agent's month against their targets.
type SupAgent struct {
	ID      string               `json:"id"`
	Name    string               `json:"name"`
	Level   string               `json:"level"` // 客服 or 资深客服
	Days    int                  `json:"days"`
	Meets   bool                 `json:"meets"`
	Misses  int                  `json:"misses"`
	Figures map[string]SupFigure `json:"figures"`
}

// SupKPI is the dashboard's data for one team and month.
type SupKPI struct {
	Team        SupTeam              `json:"team"`
	Month       string               `json:"month"` // 2026-11
	Label       string               `json:"label"` // 2026年11月
	From        string               `json:"from"`
	To          string               `json:"to"`
	TeamTargets []SupTarget          `json:"team_targets"`
	Targets     []SupTarget          `json:"targets"` // every rule an agent is checked on, in display order
	Total       map[string]SupFigure `json:"total"`
	TeamMeets   bool                 `json:"team_meets"`
	Days        []SupDay             `json:"days"`
	Agents      []SupAgent           `json:"agents"`
}

var opSigns = map[string]string{kpi.OpLE: "≤", kpi.OpLT: "<", kpi.OpGE: "≥"}

func supTargets(checks []kpi.Check) []SupTarget {
	out := []SupTarget{}
	for _, c := range checks {
		out = append(out, SupTarget{Rule: c.Rule, Label: c.Label, Op: opSigns[c.Op], Target: c.Target,
			Seconds: strings.HasSuffix(c.Metric, "_response")})
	}
	return out
}

func supFigures(checks []kpi.Check) map[string]SupFigure {
	out := map[string]SupFigure{}
	for _, c := range checks {
		f := SupFigure{Rule: c.Rule, OK: c.OK, Target: c.Target}
		if !c.NoData {
			v := c.Value
			f.Value = &v
		}
		out[c.Rule] = f
	}
	return out
}

// supMonth reads ?month=2026-11; the default is the month of yesterday, the
// last day with complete data.
func (a *App) supMonth(r *http.Request) (period.Range, *supErr) {
	now := a.Now()
	if s := r.URL.Query().Get("month"); s != "" {
		t, err := time.ParseInLocation("2006-01", s, now.Location())
		if err != nil {
			return period.Range{}, &supErr{http.StatusBadRequest, "月份格式应为 2026-11：" + s}
		}
		return period.Month(t), nil
	}
	return period.Month(period.Day(now).AddDate(0, 0, -1)), nil
}

func (a *App) supKPI(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.supQuery(w, r)
	if !ok {
		return
	}
	month, e := a.supMonth(r)
	if e != nil {
		supFail(w, e)
		return
	}
	out, err := a.SupKPI(r.Context(), t, month)
	if err != nil {
		a.Log.Error("console dashboard", "team", t.ID, "error", err)
		supFail(w, &supErr{http.StatusInternalServerError, "读取 KPI 失败"})
		return
	}
	supJSON(w, http.StatusOK, out)
}

// SupKPI builds the dashboard of team t for month: the team's daily figures
// against the team targets and each agent's month against their level's
// targets (the rules the workbook and /kpi use).
func (a *App) SupKPI(ctx context.Context, t *bot.Team, month period.Range) (*SupKPI, error) {
	repo := kpi.NewRepo(a.Store)
	from, to := month.FromDate(), month.ToDate()
	series, err := repo.Series(ctx, t.ID, from, to, "")
	if err != nil {
		return nil, err
	}
	rep, err := repo.Range(ctx, t.ID, from, to)
	if err != nil {
		return nil, err
	}
	targets := kpi.TeamTargets(a.Cfg.Targets, t.Config)
	teamRules := kpi.RulesFor(targets, kpi.LevelTeam)
	totalChecks := kpi.Evaluate(&rep.Total, teamRules)
	out := &SupKPI{Team: SupTeam{ID: t.ID, Name: t.Name}, Month: month.From.Format("2006-01"),
		Label: month.From.Format("2006年1月"), From: from, To: to,
		TeamTargets: supTargets(totalChecks), Total: supFigures(totalChecks), Days: []SupDay{}, Agents: []SupAgent{}}
	out.TeamMeets = len(rep.Agents) > 0 && kpi.Meets(totalChecks)
	for i := range series {
		out.Days = append(out.Days, SupDay{Date: series[i].Date, Figures: supFigures(kpi.Evaluate(&series[i].Totals, teamRules))})
	}
	seen := map[string]bool{}
	used := map[string]bool{}
	var all []kpi.Check
	add := func(id, name, level string) {
		tot := rep.Agents[id]
		ag := SupAgent{ID: id, Name: name, Level: "客服", Figures: map[string]SupFigure{}}
		if level == kpi.LevelSenior {
			ag.Level = "资深客服"
		}
		if level == "" {
			level = kpi.LevelAgent
		}
		if tot != nil {
			checks := kpi.Evaluate(tot, kpi.RulesFor(targets, level))
			ag.Days, ag.Meets, ag.Figures = tot.Records, kpi.Meets(checks), supFigures(checks)
			for _, c := range checks {
				if !c.NoData && !c.OK {
					ag.Misses++
				}
				if !used[c.Rule] {
					used[c.Rule] = true
					all = append(all, c)
				}
			}
		}
		out.Agents = append(out.Agents, ag)
	}
	for _, m := range t.Members {
		if _, has := rep.Agents[m.ID]; has || a.Directory.RoleOf(m) == bot.RoleAgent {
			seen[m.ID] = true
			add(m.ID, m.Name, m.Level)
		}
	}
	for _, id := range rep.AgentIDs() {
		if !seen[id] {
			add(id, id, "")
		}
	}
	order := map[string]int{}
	for i, n := range kpi.RuleNames() {
		order[n] = i
	}
	sort.SliceStable(all, func(i, j int) bool { return order[all[i].Rule] < order[all[j].Rule] })
	out.Targets = supTargets(all)
	return out, nil
}

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
	svc := a.knowledge().Svc
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

// SupLesson is one lesson of the bank.
type SupLesson struct {
	ID        string `json:"id"`
	Topic     string `json:"topic"`
	Category  string `json:"category"`
	Questions int    `json:"questions"`
}

func (a *App) supLessons(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.supQuery(w, r); !ok {
		return
	}
	bank, err := lesson.NewRepo(a.Store).Bank(r.Context())
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "读取题库失败"})
		return
	}
	out := []SupLesson{}
	for _, l := range bank.Lessons {
		out = append(out, SupLesson{ID: l.ID, Topic: l.Topic, Category: l.Category, Questions: len(l.Questions)})
	}
	supJSON(w, http.StatusOK, map[string]any{"lessons": out})
}

// supLessonsExport downloads the bank as banzu export lessons writes it.
func (a *App) supLessonsExport(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := a.supQuery(w, r); !ok {
		return
	}
	bank, err := lesson.NewRepo(a.Store).Bank(r.Context())
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "读取题库失败"})
		return
	}
	var data []byte
	name, ct := "微课题库.yaml", "application/yaml; charset=utf-8"
	if r.URL.Query().Get("format") == "xlsx" {
		name, ct = "微课题库.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		data, err = lesson.MarshalXLSX(bank.Lessons)
	} else {
		data, err = lesson.MarshalYAML(bank.Lessons)
	}
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "导出题库失败"})
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(data)
}

// supImportBody is a lesson file sent as JSON (the console only posts JSON).
type supImportBody struct {
	UserID string `json:"user_id"`
	TeamID string `json:"team_id"`
	Name   string `json:"name"`
	Data   string `json:"data"` // base64
}

// supLessonsImport imports a YAML or XLSX lesson file the way banzu import
// lessons does: every row checked first, nothing imported on an error.
func (a *App) supLessonsImport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 12<<20)
	var body supImportBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		supFail(w, &supErr{http.StatusBadRequest, "请求格式错误，应为 JSON：{\"user_id\",\"name\",\"data\"}（文件不超过 8 MB）"})
		return
	}
	m, _, e := a.supWho(body.UserID, body.TeamID)
	if e != nil {
		supFail(w, e)
		return
	}
	data, err := base64.StdEncoding.DecodeString(body.Data)
	if err != nil || len(data) == 0 {
		supFail(w, &supErr{http.StatusBadRequest, "文件内容为空或编码有误"})
		return
	}
	ls, err := lesson.Parse(body.Name, data)
	if err != nil {
		supFail(w, &supErr{http.StatusUnprocessableEntity, err.Error()})
		return
	}
	if err := lesson.NewRepo(a.Store).Import(r.Context(), ls); err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "导入失败：" + err.Error()})
		return
	}
	q := 0
	for _, l := range ls {
		q += len(l.Questions)
	}
	a.Log.Info("lessons imported from the console", "by", m.ID, "file", body.Name, "lessons", len(ls))
	supJSON(w, http.StatusOK, map[string]any{"lessons": len(ls), "questions": q,
		"text": fmt.Sprintf("已导入 %d 节课程、%d 道题目", len(ls), q)})
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
