package console

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

// RunAs posts text into a console chat as memberID and hands it to the bot
// exactly as if the member had typed it there: the supervisor pages act
// through the same command path as the chat (same roles, same ledger), and
// the team sees the command and its answer in the chat. It returns the id of
// the posted message; the bot's answer follows it in the chat.
func (s *Server) RunAs(ctx context.Context, chatID, memberID, text string) (int64, error) {
	chat := s.findChat(chatID)
	if chat == nil {
		return 0, &RunError{Code: 404, Msg: "没有这个会话：" + chatID}
	}
	var from *ChatMember
	for i := range chat.Members {
		if chat.Members[i].UserID == memberID {
			from = &chat.Members[i]
		}
	}
	if from == nil {
		return 0, &RunError{Code: 403, Msg: "该成员不在这个会话中：" + memberID}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, &RunError{Code: 400, Msg: "命令不能为空"}
	}
	if n := utf8.RuneCountInString(text); n > MaxText {
		return 0, &RunError{Code: 413, Msg: fmt.Sprintf("内容太长（%d 字），最多 %d 字", n, MaxText)}
	}
	e, err := s.p.append(ctx, Entry{ChatID: chat.ChatID, From: from.UserID, FromName: from.Name, Text: text})
	if err != nil {
		return 0, err
	}
	ev := bot.Event{Platform: Name, ChatID: chat.ChatID, ChatType: bot.ChatType(chat.Type), SenderID: from.UserID,
		SenderName: from.Name, Text: text, MessageID: "console-" + strconv.FormatInt(e.ID, 10), Time: e.At,
		Mentioned: true}
	if err := s.bot.Dispatch(ctx, ev); err != nil {
		return e.ID, &RunError{Code: 503, Msg: "机器人正忙，请稍后再试"}
	}
	return e.ID, nil
}

// RunError is a RunAs refusal with its HTTP status and Chinese message.
type RunError struct {
	Code int
	Msg  string
}

func (e *RunError) Error() string { return e.Msg }

// FileURL is the download path of stored file id, its name percent-encoded.
func FileURL(id int64, name string) string {
	return "/console/files/" + strconv.FormatInt(id, 10) + "/" + url.PathEscape(name)
}
