package dingtalk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/bot"
)

// Interactive cards (dingtalk.card_template_id): a quiz card is created and
// delivered from a template the operator builds on DingTalk's card platform,
// and a tap on one of its buttons comes back over the stream as a CALLBACK
// on TopicCardCallback. The shapes below follow DingTalk's card OpenAPI
// (card/instances/createAndDeliver) and its stream SDKs (TOPIC_CARD,
// content.cardPrivateData.{actionIds, params}); they are not confirmed
// against the live service, hence opt-in.
const (
	pathCardDeliver = "/v1.0/card/instances/createAndDeliver"
	// TopicCardCallback is the stream topic of interactive-card callbacks.
	TopicCardCallback = "/v1.0/card/instances/callback"
	// CardOptionParam is the callback parameter that must carry the tapped
	// option's id: the template's buttons send {"option": "${option_N_id}"}.
	CardOptionParam = "option"
	// maxCardOptions is how many option_N variables a card fills.
	maxCardOptions = 6
	trackPrefix    = "bzc_"
)

// interactive reports whether a card goes out as an interactive card.
func (p *Platform) interactive(c *bot.Card) bool {
	if p.cfg.CardTemplateID == "" || p.cfg.Mode != ModeStream || c == nil || c.Multiple || len(c.Options) == 0 || len(c.Options) > maxCardOptions {
		return false
	}
	_, ok := trackID(c.ID, "")
	return ok
}

// trackID is the card instance's outTrackId: "bzc_" + base64url(card) + "." +
// base64url(chat) + "." + 8 random hex digits, so that a callback names the
// card and the chat it was posted in. ok is false when it exceeds 128 bytes.
func trackID(cardID, chat string) (string, bool) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	t := trackPrefix + base64.RawURLEncoding.EncodeToString([]byte(cardID)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(chat)) + "." + hex.EncodeToString(b[:])
	return t, len(t) <= 128
}

// parseTrackID reverses trackID.
func parseTrackID(t string) (cardID, chat string, ok bool) {
	rest, found := strings.CutPrefix(t, trackPrefix)
	parts := strings.Split(rest, ".")
	if !found || len(parts) != 3 {
		return "", "", false
	}
	c, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	ch, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(c) == 0 || !utf8.Valid(c) || !utf8.Valid(ch) {
		return "", "", false
	}
	return string(c), string(ch), true
}

// cardParams are the template's variables (all strings, as DingTalk wants):
// title, markdown (the question with lettered options, also the fallback for
// clients that cannot tap), option_count, option_N_id and option_N_text for
// N = 1..6, and options (a JSON list of {id, text}) for loop-bound templates.
func cardParams(c *bot.Card, title string) map[string]string {
	m := map[string]string{
		"title":        firstNonEmpty(title, c.Title),
		"markdown":     markdownBreaks(cardMarkdown(c)),
		"option_count": strconv.Itoa(len(c.Options)),
		"card_id":      c.ID,
	}
	type opt struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	var list []opt
	for i, o := range c.Options {
		m[fmt.Sprintf("option_%d_id", i+1)] = o.ID
		m[fmt.Sprintf("option_%d_text", i+1)] = o.Label
		list = append(list, opt{o.ID, o.Label})
	}
	b, _ := json.Marshal(list)
	m["options"] = string(b)
	return m
}

// sendCard creates and delivers the interactive card into a group
// (openConversationId) or a robot single chat (userID).
func (p *Platform) sendCard(ctx context.Context, c *bot.Card, title, chat, ocid, userID string) error {
	track, ok := trackID(c.ID, chat)
	if !ok {
		return &bot.PermanentError{Err: fmt.Errorf("dingtalk: card id %q too long for an outTrackId", c.ID)}
	}
	body := map[string]any{
		"cardTemplateId": p.cfg.CardTemplateID,
		"outTrackId":     track,
		"callbackType":   "STREAM",
		"cardData":       map[string]any{"cardParamMap": cardParams(c, title)},
	}
	if userID != "" {
		body["openSpaceId"] = "dtv1.card//IM_ROBOT." + userID
		body["imRobotOpenSpaceModel"] = map[string]any{"supportForward": false}
		body["imRobotOpenDeliverModel"] = map[string]any{"spaceType": "IM_ROBOT", "robotCode": p.cfg.RobotCode}
	} else {
		body["openSpaceId"] = "dtv1.card//IM_GROUP." + ocid
		body["imGroupOpenSpaceModel"] = map[string]any{"supportForward": false}
		body["imGroupOpenDeliverModel"] = map[string]any{"robotCode": p.cfg.RobotCode}
	}
	_, err := p.postRobot(ctx, "card/instances/createAndDeliver", pathCardDeliver, body)
	return err
}

// parseCardCallback turns a card callback (the stream frame's data) into a
// click: Action{CardID, OptionID} from the outTrackId and the "option"
// parameter (else the first action id). frameID names the frame for
// de-duplication. ok is false for a callback banzu did not make.
func (p *Platform) parseCardCallback(data []byte, frameID string) (bot.Event, bool, error) {
	var in struct {
		OutTrackID string `json:"outTrackId"`
		UserID     string `json:"userId"`
		Content    string `json:"content"`
		SpaceType  string `json:"spaceType"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return bot.Event{}, false, fmt.Errorf("decode card callback: %w", err)
	}
	cardID, chat, ok := parseTrackID(in.OutTrackID)
	if !ok || in.UserID == "" {
		return bot.Event{}, false, nil
	}
	var content struct {
		Private struct {
			ActionIDs []string       `json:"actionIds"`
			Params    map[string]any `json:"params"`
		} `json:"cardPrivateData"`
	}
	if in.Content != "" {
		if err := json.Unmarshal([]byte(in.Content), &content); err != nil {
			return bot.Event{}, false, fmt.Errorf("decode card callback content: %w", err)
		}
	}
	option, _ := content.Private.Params[CardOptionParam].(string)
	if option == "" && len(content.Private.ActionIDs) > 0 {
		option = content.Private.ActionIDs[0]
	}
	if option == "" {
		return bot.Event{}, false, nil
	}
	ev := bot.Event{
		Platform:  "dingtalk",
		ChatID:    chat,
		ChatType:  bot.ChatGroup,
		SenderID:  in.UserID,
		MessageID: "card:" + frameID,
		Time:      p.now(),
		Mentioned: true,
		Action:    &bot.CardAction{CardID: cardID, OptionID: []string{option}},
	}
	if strings.EqualFold(in.SpaceType, "IM_ROBOT") || chat == "" {
		ev.ChatType = bot.ChatSingle
		if ev.ChatID == "" {
			ev.ChatID = in.UserID
		}
	}
	return ev, true, nil
}
