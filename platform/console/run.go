package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// RunAs posts text into a console chat as memberID and hands it to the bot
// exactly as if the member had typed it there: the supervisor pages act
// through the same command path as the chat (same roles, same ledger), and
// the team sees the command and its answer in the chat. It returns the id of
// the posted message; the bot's answer follows it in the chat.
func (s *Server) RunAs(ctx context.Context, chatID, memberID, text string) (int64, error) {
	if strings.TrimSpace(text) == "" {
		return 0, &RunError{Code: 400, Msg: "命令不能为空"}
	}
	return s.take(ctx, chatID, memberID, text, "", nil, true)
}

// RunError is a refusal of the console's intake with its HTTP status and
// Chinese message.
type RunError struct {
	Code int
	Msg  string
}

func (e *RunError) Error() string { return e.Msg }

// FileURL is the download path of stored file id, its name percent-encoded.
func FileURL(id int64, name string) string {
	return "/console/files/" + strconv.FormatInt(id, 10) + "/" + url.PathEscape(name)
}
