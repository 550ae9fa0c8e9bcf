package dingtalk

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

const (
	// maxMsgParamBytes is DingTalk's limit on msgParam of the robot OpenAPI.
	maxMsgParamBytes = 15000
	// paramOverhead is reserved in each part for the title and JSON framing.
	paramOverhead = 600
	// maxTitleRunes bounds a markdown title (it shows in notifications).
	maxTitleRunes = 30
	defaultTitle  = "消息"
)

// content is a message rendered for DingTalk: markdown or plain text, split
// into parts that each fit one message.
type content struct {
	markdown bool
	title    string
	parts    []string
	mentions []string
}

// render turns a bot message into DingTalk content. Cards become markdown
// with lettered options (A, B, C...; option i gets letter i) and a line
// asking the user to @ the robot with the letter: DingTalk's robot OpenAPI
// offers no interactive card that reports a choice back over this adapter.
// Mentions are written as "@staffId" at the end of the body; the session
// webhook additionally gets at.atUserIds (see send.go).
func render(msg bot.Message, limit int) (content, error) {
	c := content{mentions: msg.Mentions}
	var body string
	switch {
	case msg.Card != nil:
		c.markdown = true
		body = cardMarkdown(msg.Card)
		c.title = firstNonEmpty(msg.Title, msg.Card.Title)
	case msg.Markdown != "":
		c.markdown = true
		body = msg.Markdown
		c.title = msg.Title
	case msg.Text != "":
		body = msg.Text
	default:
		return content{}, fmt.Errorf("dingtalk: empty message")
	}
	if len(msg.Mentions) > 0 {
		at := make([]string, len(msg.Mentions))
		for i, m := range msg.Mentions {
			at[i] = "@" + m
		}
		body = strings.TrimRight(body, "\n ") + "\n\n" + strings.Join(at, " ")
	}
	if c.markdown {
		if c.title == "" {
			c.title = titleFrom(body)
		}
		c.title = truncateRunes(c.title, maxTitleRunes)
		body = markdownBreaks(body)
	}
	c.parts = splitLines(body, limit)
	return c, nil
}

// partTitle names part i of n: the title itself, or "title（i/n）".
func (c content) partTitle(i int) string {
	if len(c.parts) <= 1 {
		return c.title
	}
	return fmt.Sprintf("%s（%d/%d）", c.title, i+1, len(c.parts))
}

func cardMarkdown(card *bot.Card) string {
	var b strings.Builder
	if card.Title != "" {
		fmt.Fprintf(&b, "**%s**\n\n", card.Title)
	}
	if card.Text != "" {
		b.WriteString(card.Text + "\n\n")
	}
	for i, o := range card.Options {
		fmt.Fprintf(&b, "%s. %s\n", optionLetter(i), o.Label)
	}
	if card.Multiple {
		b.WriteString("\n（可多选）请 @我 并回复选项字母，例如：@我 A C")
	} else {
		b.WriteString("\n请 @我 并回复选项字母，例如：@我 A")
	}
	return b.String()
}

// optionLetter is A..Z, then AA, AB...
func optionLetter(i int) string {
	s := ""
	for i >= 0 {
		s = string(rune('A'+i%26)) + s
		i = i/26 - 1
	}
	return s
}

// markdownBreaks ends every line with two spaces, which DingTalk needs to
// show a line break. Lines inside ``` fences are left alone.
func markdownBreaks(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	fenced := false
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if fenced || i == len(lines)-1 {
			continue
		}
		lines[i] = strings.TrimRight(l, " \t") + "  "
	}
	return strings.Join(lines, "\n")
}

// splitLines cuts s into parts whose JSON-escaped size is at most limit
// bytes, on line boundaries; a single longer line is cut between runes.
func splitLines(s string, limit int) []string {
	if limit <= 0 || jsonLen(s) <= limit {
		return []string{s}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if p := strings.TrimRight(cur.String(), " \n"); p != "" {
			parts = append(parts, p)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		n := jsonLen(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit { // one line longer than a part
			head, rest := cutRunes(line, limit)
			parts = append(parts, head)
			line, n = rest, jsonLen(rest)
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	if len(parts) == 0 {
		return []string{s}
	}
	return parts
}

// cutRunes returns the longest prefix of s whose escaped size fits limit
// (at least one rune) and the rest.
func cutRunes(s string, limit int) (string, string) {
	size := 0
	for i, r := range s {
		n := runeJSONLen(r)
		if size+n > limit && i > 0 {
			return s[:i], s[i:]
		}
		size += n
	}
	return s, ""
}

// jsonLen is the size of s once JSON-escaped (without quotes), as the
// msgParam string encodes it with HTML escaping off.
func jsonLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeJSONLen(r)
	}
	return n
}

func runeJSONLen(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
		return 2
	case r < 0x20, r == 0x2028, r == 0x2029, r == utf8.RuneError:
		return 6
	default:
		return utf8.RuneLen(r)
	}
}

func titleFrom(body string) string {
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "#>*-"))
		l = strings.Trim(l, "* ")
		if l != "" {
			return l
		}
	}
	return defaultTitle
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
