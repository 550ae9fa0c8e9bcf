package app

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/banzu-bot/banzu/lesson"
)

// The lesson bank of the supervisor pages: list, export and import.

// SupLesson is one lesson of the bank.
type SupLesson struct {
	ID        string `json:"id"`
	Topic     string `json:"topic"`
	Category  string `json:"category"`
	Questions int    `json:"questions"`
}

func (a *App) supLessons(w http.ResponseWriter, r *http.Request) {
	bank, ok := a.supBank(w, r)
	if !ok {
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
	bank, ok := a.supBank(w, r)
	if !ok {
		return
	}
	var data []byte
	var err error
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

// supBank checks a supervisor-page request and reads the lesson bank; false
// when it answered the request already (refused, or the bank unreadable).
func (a *App) supBank(w http.ResponseWriter, r *http.Request) (*lesson.Bank, bool) {
	if _, _, ok := a.supQuery(w, r); !ok {
		return nil, false
	}
	bank, err := lesson.NewRepo(a.Store).Bank(r.Context())
	if err != nil {
		supFail(w, &supErr{http.StatusInternalServerError, "读取题库失败"})
		return nil, false
	}
	return bank, true
}
