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
	// maxButtons is how many option buttons a button card gets: WeCom
	// takes six, but a field report says rows of more than three are cut
	// off on real clients. Cards with more options become a vote card (a
	// list to choose from and a submit button).
	maxButtons     = 3
	maxKey         = 128 // bytes of a button key kept within task_id's rules
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
	// Prefixes of button keys that carry their card (ButtonKey, SubmitKey):
	// a click is matched to its card even when WeCom leaves task_id out.
	keyPrefix       = "bzk_"  // + card + "@" + option
	submitKeyPrefix = "bzs_"  // + card: a vote card's submit button
	submitOptPrefix = "bzso_" // + card: the same, reporting SubmitOptionID
)

// keyB64 encodes s in the task_id alphabet ([A-Za-z0-9_-]).
func keyB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func keyUnb64(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

// ButtonKey is the key of the button for option optionID on card cardID:
// "bzk_" + base64url(card) + "@" + base64url(option), within task_id's
// alphabet and 128 bytes. ok is false when it does not fit; the caller then
// uses the bare option id (matched only with task_id).
func ButtonKey(cardID, optionID string) (string, bool) {
	k := keyPrefix + keyB64(cardID) + "@" + keyB64(optionID)
	return k, len(k) <= maxKey
}

// submitKey is the key of a vote card's submit button, carrying the card.
func submitKey(cardID string, withOption bool) string {
	prefix, plain := submitKeyPrefix, submitKeyPlain
	if withOption {
		prefix, plain = submitOptPrefix, submitKeyOption
	}
	if k := prefix + keyB64(cardID); len(k) <= maxKey {
		return k
	}
	return plain
}

// parseKey reads a button key made by ButtonKey or submitKey. For a submit
// key, option is "" and submit reports whether SubmitOptionID follows the
// chosen options. ok is false for any other key (a bare option id).
func parseKey(key string) (card, option string, submit, ok bool) {
	switch {
	case strings.HasPrefix(key, keyPrefix):
		rest := key[len(keyPrefix):]
		i := strings.IndexByte(rest, '@')
		if i < 0 {
			return "", "", false, false
		}
		c, ok1 := keyUnb64(rest[:i])
		o, ok2 := keyUnb64(rest[i+1:])
		return c, o, false, ok1 && ok2 && c != ""
	case strings.HasPrefix(key, submitOptPrefix):
		c, ok := keyUnb64(key[len(submitOptPrefix):])
		return c, "", true, ok && c != ""
	case strings.HasPrefix(key, submitKeyPrefix):
		c, ok := keyUnb64(key[len(submitKeyPrefix):])
		return c, "", false, ok && c != ""
	case key == submitKeyOption:
		return "", "", true, false
	}
	return "", "", false, false
}

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
//   - one choice among at most three options (one row: a field report says
//     longer rows are cut off): button_interaction, one button per option
//     whose key carries the card and the option (ButtonKey); labels longer
//     than ten characters are listed in the card's text and their buttons
//     show the option letter;
//   - several choices, or up to twenty options: vote_interaction, a checkbox
//     (single or multiple mode, option id = option id) and a 提交 button
//     whose key carries the card (submitKey).
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
			key, ok := ButtonKey(c.ID, o.ID)
			if !ok {
				key = o.ID
			}
			buttons = append(buttons, map[string]any{"text": label, "style": 1, "key": key})
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
	card["submit_button"] = map[string]string{"text": submit, "key": submitKey(c.ID, hasSubmit)}
	return card, true
}
