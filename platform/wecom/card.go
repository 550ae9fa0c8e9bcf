package wecom

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

// Template-card limits.
const (
	maxButtons     = 6
	maxVoteOptions = 20
	maxTaskID      = 128
	buttonText     = 10 // runes of a button label shown as is; longer labels get a letter
	// SubmitOptionID is the option id of a multiple-choice card's "submit"
	// option. On a vote card it becomes the submit button instead of a
	// checkbox, and a submission reports it after the chosen options.
	SubmitOptionID = "submit"
	// Keys of a vote card's submit button: with submitKeyOption the click
	// reports SubmitOptionID after the chosen options, with submitKeyPlain
	// only the chosen options.
	submitKeyOption = "bz_submit_opt"
	submitKeyPlain  = "bz_submit"
	// taskPrefix marks a task_id made by TaskID.
	taskPrefix = "bz_"
)

// TaskID is the template card task_id for a card: WeCom wants it unique per
// robot (every post of a card is a new task), at most 128 bytes of
// [A-Za-z0-9_-@]. It is "bz_" + base64url(cardID) + "@" + 8 random hex
// digits; CardIDFromTask reverses it. ok is false for a card id too long
// to fit.
func TaskID(cardID string) (string, bool) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	t := taskPrefix + base64.RawURLEncoding.EncodeToString([]byte(cardID)) + "@" + hex.EncodeToString(b[:])
	return t, len(t) <= maxTaskID
}

// CardIDFromTask is the card id inside a task_id made by TaskID, or the
// task_id itself for a card sent some other way.
func CardIDFromTask(task string) string {
	rest, ok := strings.CutPrefix(task, taskPrefix)
	if !ok {
		return task
	}
	i := strings.LastIndexByte(rest, '@')
	if i < 0 {
		return task
	}
	id, err := base64.RawURLEncoding.DecodeString(rest[:i])
	if err != nil || !utf8.Valid(id) {
		return task
	}
	return string(id)
}

// templateCard renders a card as a WeCom template card so that agents
// answer with one tap:
//
//   - one choice among at most six options: button_interaction, one button
//     per option (key = option id); labels longer than ten characters are
//     listed in the card's text and their buttons show the option letter;
//   - several choices, or up to twenty options: vote_interaction, a checkbox
//     (single or multiple mode, option id = option id) and a 提交 button
//     whose key is SubmitOptionID.
//
// The click comes back as an aibot_event_callback template_card_event, which
// DecodeEvent turns into Event.Action{CardID, OptionID}. ok is false when
// the card does not fit a template card (no options, more than twenty, a
// card id too long): the caller sends it as markdown (RenderCard).
func templateCard(c *bot.Card) (map[string]any, bool) {
	var opts []bot.CardOption
	hasSubmit := false
	for _, o := range c.Options {
		if c.Multiple && o.ID == SubmitOptionID {
			hasSubmit = true
			continue
		}
		opts = append(opts, o)
	}
	if len(opts) == 0 || len(opts) > maxVoteOptions {
		return nil, false
	}
	task, ok := TaskID(c.ID)
	if !ok {
		return nil, false
	}
	title := map[string]string{"title": c.Title}
	card := map[string]any{"task_id": task, "main_title": title}
	if !c.Multiple && len(opts) <= maxButtons {
		text := c.Text
		long := false
		for _, o := range opts {
			if utf8.RuneCountInString(o.Label) > buttonText {
				long = true
			}
		}
		var buttons []map[string]any
		for i, o := range opts {
			label := o.Label
			if long {
				text += "\n" + OptionLetter(i) + ". " + strings.TrimPrefix(o.Label, OptionLetter(i)+". ")
				label = OptionLetter(i)
			}
			buttons = append(buttons, map[string]any{"text": label, "style": 1, "key": o.ID})
		}
		card["card_type"] = "button_interaction"
		card["sub_title_text"] = strings.TrimSpace(text)
		card["button_list"] = buttons
		return card, true
	}
	mode := 0
	if c.Multiple {
		mode = 1
	}
	var list []map[string]any
	for _, o := range opts {
		list = append(list, map[string]any{"id": o.ID, "text": o.Label})
	}
	submit := "提交"
	if hasSubmit {
		for _, o := range c.Options {
			if o.ID == SubmitOptionID && o.Label != "" {
				submit = o.Label
			}
		}
	}
	card["card_type"] = "vote_interaction"
	if c.Text != "" {
		title["desc"] = c.Text
	}
	card["checkbox"] = map[string]any{"question_key": "q", "mode": mode, "option_list": list}
	key := submitKeyPlain
	if hasSubmit {
		key = submitKeyOption
	}
	card["submit_button"] = map[string]string{"text": submit, "key": key}
	return card, true
}
