package console

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
)

//go:embed web
var webFS embed.FS

// MaxText is the longest message the console accepts, in characters.
const MaxText = 4000

// Dispatcher takes an event into the bot.
type Dispatcher interface {
	Dispatch(ctx context.Context, ev bot.Event) error
}

// Server serves the console page and API.
type Server struct {
	p       *Platform
	dir     *bot.Directory
	bot     Dispatcher
	origins *Origins
}

// NewServer wires the console's HTTP side.
func NewServer(p *Platform, dir *bot.Directory, d Dispatcher) *Server {
	return &Server{p: p, dir: dir, bot: d}
}

// Protect makes every console route check Host, origin and content type
// (see Origins); call it before Register.
func (s *Server) Protect(o *Origins) { s.origins = o }

// Register adds the console routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	sub, _ := fs.Sub(webFS, "web")
	mux.Handle("GET /", s.guard(http.FileServerFS(sub), true))
	mux.Handle("GET /console/api/chats", s.guard(http.HandlerFunc(s.chats), false))
	mux.Handle("GET /console/api/messages", s.guard(http.HandlerFunc(s.list), false))
	mux.Handle("POST /console/api/messages", s.guard(http.HandlerFunc(s.post), false))
	mux.Handle("GET /console/files/{id}/{name}", s.guard(http.HandlerFunc(s.file), false))
}

// ChatMember is a member as the chat list shows them.
type ChatMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`       // config name: agent, supervisor, manager
	Label  string `json:"role_label"` // what a person reads: 客服, 主管, 经理
}

// Chat is one console chat.
type Chat struct {
	ChatID  string       `json:"chat_id"`
	TeamID  string       `json:"team_id"`
	Name    string       `json:"name"`
	Type    string       `json:"type"` // group or single
	Members []ChatMember `json:"members"`
}

// Chats lists the team group chats, then one private chat ("inbox") per
// member, in roster order: banzu writes to supervisors and managers there,
// and anyone may talk to banzu one to one (a wrong-answer review, the new-hire
// camp). An inbox belongs to the member's first team.
func (s *Server) Chats() []Chat {
	var out, inboxes []Chat
	seen := map[string]bool{}
	for _, t := range s.dir.Teams() {
		c := Chat{ChatID: t.ID, TeamID: t.ID, Name: t.Name, Type: string(bot.ChatGroup)}
		for _, m := range t.Members {
			r := s.dir.RoleOf(m)
			cm := ChatMember{UserID: m.ID, Name: m.Name, Role: r.String(), Label: r.Label()}
			c.Members = append(c.Members, cm)
			if !seen[m.ID] {
				seen[m.ID] = true
				inboxes = append(inboxes, Chat{ChatID: InboxPrefix + m.ID, TeamID: t.ID, Name: m.Name + " 的私聊",
					Type: string(bot.ChatSingle), Members: []ChatMember{cm}})
			}
		}
		out = append(out, c)
	}
	return append(out, inboxes...)
}

func (s *Server) chats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"chats": s.Chats()})
}

func (s *Server) findChat(id string) *Chat {
	for _, c := range s.Chats() {
		if c.ChatID == id {
			return &c
		}
	}
	return nil
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	chat := r.URL.Query().Get("chat_id")
	if s.findChat(chat) == nil {
		writeError(w, http.StatusNotFound, "没有这个会话："+chat)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	// user_id is who looks: a private acknowledgement in a group, or a card
	// updated for one person, is shown to that person only.
	msgs, err := s.p.View(r.Context(), chat, r.URL.Query().Get("user_id"), after, 500)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "读取消息失败")
		return
	}
	if msgs == nil {
		msgs = []Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

type postBody struct {
	ChatID string `json:"chat_id"`
	UserID string `json:"user_id"`
	Text   string `json:"text"`
	// Card answers a card: the card id and the chosen option ids.
	CardID  string   `json:"card_id,omitempty"`
	Options []string `json:"options,omitempty"`
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body postBody
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "消息太大")
			return
		}
		writeError(w, http.StatusBadRequest, "请求格式错误，应为 JSON：{\"chat_id\",\"user_id\",\"text\"}")
		return
	}
	id, err := s.take(r.Context(), body.ChatID, body.UserID, body.Text, body.CardID, body.Options, false)
	var re *RunError
	if errors.As(err, &re) {
		writeError(w, re.Code, re.Msg)
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "保存消息失败")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id})
}

// take is the console's one intake: it checks the sender and the text,
// records the message in the chat (a card tap leaves no message), and hands
// the event to the bot's durable inbox. When the bot cannot store it, the
// message leaves the chat again and the caller is told to retry (503):
// nothing shown as sent is left unanswered. mentioned marks the text as
// addressed to the bot (the supervisor pages' commands).
func (s *Server) take(ctx context.Context, chatID, userID, text, cardID string, options []string, mentioned bool) (int64, error) {
	chat := s.findChat(chatID)
	if chat == nil {
		return 0, &RunError{Code: http.StatusNotFound, Msg: "没有这个会话：" + chatID}
	}
	var from *ChatMember
	for i := range chat.Members {
		if chat.Members[i].UserID == userID {
			from = &chat.Members[i]
		}
	}
	if from == nil {
		return 0, &RunError{Code: http.StatusForbidden, Msg: "该成员不在这个会话中：" + userID}
	}
	text = strings.TrimSpace(text)
	if text == "" && cardID == "" {
		return 0, &RunError{Code: http.StatusBadRequest, Msg: "消息不能为空"}
	}
	if n := utf8.RuneCountInString(text); n > MaxText {
		return 0, &RunError{Code: http.StatusRequestEntityTooLarge, Msg: fmt.Sprintf("消息太长（%d 字），最多 %d 字", n, MaxText)}
	}
	e := Entry{ChatID: chat.ChatID, From: from.UserID, FromName: from.Name, Text: text, At: s.p.now()}
	var err error
	tap := cardID != "" && text == ""
	if tap {
		// A tap is no message in the chat: the bot answers it by updating
		// the card for the person who tapped (others see nothing).
		e.ID, err = s.p.st.NextID(ctx, "console.msg")
	} else {
		e, err = s.p.append(ctx, e)
	}
	if err != nil {
		return 0, err
	}
	stripped, at := stripMention(text)
	ev := bot.Event{Platform: Name, ChatID: chat.ChatID, ChatType: bot.ChatType(chat.Type), SenderID: from.UserID,
		SenderName: from.Name, Text: stripped, MessageID: "console-" + strconv.FormatInt(e.ID, 10), Time: e.At,
		Mentioned: mentioned || at || chat.Type == string(bot.ChatSingle)}
	if cardID != "" {
		ev.Action = &bot.CardAction{CardID: cardID, OptionID: options}
	}
	if err := s.bot.Dispatch(ctx, ev); err != nil {
		if !tap {
			if rerr := s.p.remove(context.WithoutCancel(ctx), e); rerr != nil {
				slog.Warn("console: refused message left in history", "id", e.ID, "error", rerr)
			}
		}
		slog.Warn("console: message not stored", "chat_id", chat.ChatID, "error", err)
		return 0, &RunError{Code: http.StatusServiceUnavailable, Msg: "发送失败，请重试"}
	}
	return e.ID, nil
}

// stripMention removes a leading "@班组助手" or "@bot" the way platforms strip
// the robot's mention, and reports whether there was one. "@bot" must end
// there ("@bottle" is not the bot).
func stripMention(text string) (string, bool) {
	for _, m := range []string{"@班组助手", "＠班组助手", "@bot", "＠bot"} {
		rest, ok := strings.CutPrefix(text, m)
		if !ok || strings.HasSuffix(m, "bot") && rest != "" && isWordByte(rest[0]) {
			continue
		}
		return strings.TrimSpace(rest), true
	}
	return text, false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	f, err := s.p.File(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && f.Name != r.PathValue("name")) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "读取文件失败", http.StatusInternalServerError)
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Write(f.Data)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
