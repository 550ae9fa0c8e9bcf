package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/banzu-bot/banzu/textfold"
)

// HandlerFunc answers one command.
type HandlerFunc func(ctx context.Context, req *Request) error

// Command is a chat command declared as data: help, authorisation and parsing
// are all derived from it.
type Command struct {
	Name      string   // "report": typed as /report
	Aliases   []string // "报表": typed as /报表
	Summary   string   // one Chinese line for /help
	Usage     string   // "/report [2026-10|上月|本周]"
	Examples  []string // full example lines
	Role      Role     // least role that may use it
	MinArgs   int      // fewer arguments: answered with the usage
	GroupOnly bool     // needs a team chat (or a team from the sender)
	// Heavy marks a command that takes much memory or CPU (a workbook): at
	// most Options.HeavyWorkers of them run at once, whatever the number of
	// workers, so a burst of them cannot exhaust the machine.
	Heavy   bool
	Handler HandlerFunc
}

// UsageError makes the router answer with the command's usage, after Msg.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with a Chinese explanation.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// UserError is a problem the user can fix; its text is shown as is.
type UserError struct{ Msg string }

func (e *UserError) Error() string { return e.Msg }

// Userf returns a UserError.
func Userf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

func isUsage(err error) (*UsageError, bool) {
	var u *UsageError
	ok := errors.As(err, &u)
	return u, ok
}

// Commands is the registry of chat commands.
type Commands struct {
	list  []*Command
	index map[string]*Command
}

// NewCommands returns an empty registry.
func NewCommands() *Commands { return &Commands{index: map[string]*Command{}} }

// Add registers commands; a name or alias used twice is a programming error.
func (c *Commands) Add(cmds ...*Command) {
	for _, cmd := range cmds {
		for _, n := range append([]string{cmd.Name}, cmd.Aliases...) {
			k := strings.ToLower(n)
			if _, dup := c.index[k]; dup {
				panic("bot: command name registered twice: " + n)
			}
			c.index[k] = cmd
		}
		c.list = append(c.list, cmd)
	}
}

// Lookup finds a command by name or alias.
func (c *Commands) Lookup(name string) *Command { return c.index[strings.ToLower(name)] }

// All lists commands in registration order.
func (c *Commands) All() []*Command { return c.list }

// Closest returns the registered name nearest to name, or "" when nothing is close.
func (c *Commands) Closest(name string) string { return c.ClosestFor(name, RoleAdmin) }

// ClosestFor is Closest among the commands someone with role r may use, so a
// typo is never answered with a command the sender would then be refused.
func (c *Commands) ClosestFor(name string, r Role) string {
	best, bestD := "", 1<<30
	keys := make([]string, 0, len(c.index))
	for k, cmd := range c.index {
		if cmd.Role <= r {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		d := editDistance(strings.ToLower(name), k)
		if d < bestD {
			best, bestD = k, d
		}
	}
	limit := len([]rune(name))/2 + 1
	if bestD > limit || bestD > 3 {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1) // the row before prev, for transpositions
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1) // two letters swapped: /kip is /kpi
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// ParseCommand splits "/name arg1 arg2" (half- or full-width slash, any Unicode
// space) into the name and its arguments. ok is false for text that is not a
// command.
func ParseCommand(text string) (name string, args []string, rest string, ok bool) {
	text = strings.TrimSpace(text)
	switch {
	case strings.HasPrefix(text, "/"):
		text = text[1:]
	case strings.HasPrefix(text, "／"):
		text = text[len("／"):]
	default:
		return "", nil, "", false
	}
	// "/ kpi": a space typed after the slash still names a command, as long
	// as a word follows ("/ " alone, "/ 2" or "/ …" are not commands).
	if t := strings.TrimLeftFunc(text, unicode.IsSpace); t != text {
		if t == "" || !unicode.IsLetter([]rune(t)[0]) {
			return "", nil, "", false
		}
		text = t
	}
	if text == "" {
		return "", nil, "", false
	}
	fields := strings.FieldsFunc(text, unicode.IsSpace)
	if len(fields) == 0 {
		return "", nil, "", false
	}
	rest = strings.TrimSpace(strings.TrimPrefix(text, fields[0]))
	return FoldWidth(fields[0]), fields[1:], rest, true
}

// FoldWidth turns full-width ASCII (ｋｐｉ, ２０２６－１０, the ideographic
// space) into its half-width form, as Chinese input methods in full-width
// mode type it; everything else is kept.
func FoldWidth(s string) string { return textfold.Width(s) }

// UsageText renders a command's usage and examples for a chat reply.
func (cmd *Command) UsageText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "用法：%s", cmd.Usage)
	if len(cmd.Aliases) > 0 {
		fmt.Fprintf(&b, "（也可用 /%s）", strings.Join(cmd.Aliases, "、/"))
	}
	if cmd.Summary != "" {
		fmt.Fprintf(&b, "\n%s", cmd.Summary)
	}
	for i, ex := range cmd.Examples {
		if i == 0 {
			b.WriteString("\n例如：")
		} else {
			b.WriteString("\n　　　")
		}
		b.WriteString(ex)
	}
	return b.String()
}

// HelpText renders /help for someone with role r.
func (c *Commands) HelpText(r Role) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**班组助手 · 可用命令**（你的角色：%s）\n", r.Label())
	for _, cmd := range c.list {
		if r < cmd.Role {
			continue
		}
		name := "/" + cmd.Name
		if len(cmd.Aliases) > 0 {
			name += "（/" + strings.Join(cmd.Aliases, "、/") + "）"
		}
		fmt.Fprintf(&b, "- %s：%s\n", name, cmd.Summary)
	}
	b.WriteString("\n输入 /help 命令名 查看用法，例如 /help kpi")
	return b.String()
}
