package wecom

import (
	"strings"

	"github.com/banzu-bot/banzu/bot"
)

// RenderCard renders a card as markdown with its options lettered A, B, C, ...
// in order, and a hint to answer "@机器人 A".
//
// Why not a template_card: the group webhook can post button and vote cards,
// but their clicks only call back to the intelligent robot that sent them, and
// a response_url may carry a template_card only in single chats. Letters work
// in every chat; the core maps the letter back to Options[index] (see
// OptionLetter). Clicks on cards sent some other way still arrive as
// Event.Action.
func RenderCard(c *bot.Card) string {
	var b strings.Builder
	if c.Title != "" {
		b.WriteString("**" + c.Title + "**\n")
	}
	if c.Text != "" {
		b.WriteString(c.Text + "\n")
	}
	for i, o := range c.Options {
		b.WriteString(OptionLetter(i) + ". " + o.Label + "\n")
	}
	if len(c.Options) > 0 {
		if c.Multiple {
			b.WriteString("\n可多选：@我 并回复选项字母，如「@我 A C」")
		} else {
			b.WriteString("\n请 @我 并回复选项字母作答，如「@我 A」")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// OptionLetter is the letter RenderCard gives option i (0-based): A..Z, then
// AA, AB, ...
func OptionLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return OptionLetter(i/26-1) + string(rune('A'+i%26))
}

// markdownOf is the markdown form of a text, markdown or card message.
func markdownOf(msg bot.Message) string {
	switch {
	case msg.Card != nil:
		return RenderCard(msg.Card)
	case msg.Markdown != "":
		return msg.Markdown
	}
	return msg.Text
}

// withMentions appends the <@userid> mentions the group webhook's markdown
// understands.
func withMentions(md string, users []string) string {
	if len(users) == 0 {
		return md
	}
	var b strings.Builder
	b.WriteString(md)
	b.WriteString("\n")
	for _, u := range users {
		b.WriteString("<@" + u + ">")
	}
	return b.String()
}
