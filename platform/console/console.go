// Package console is the local web chat: a page at / showing each team's group
// chat and each member's private chat (inbox), and a JSON API that tests and
// scripts use. It is banzu's default platform when no chat platform is
// configured.
package console

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/store"
)

// Name is the platform key.
const Name = "console"

// InboxPrefix starts the chat id of a person's direct-message inbox.
const InboxPrefix = "inbox:"

const (
	msgColl  = "console.msgs"
	fileColl = "console.files"
	// cardColl maps a chat's card id to the entry that showed it last.
	cardColl = "console.cards"
	// viewColl holds card states shown to one viewer (or to all, "*") in
	// place of the card an entry first showed: chat/viewer/card id.
	viewColl = "console.cardviews"
)

// Entry is one message shown in a console chat.
type Entry struct {
	ID       int64     `json:"id"`
	ChatID   string    `json:"chat_id"`
	From     string    `json:"from"`      // member id, or "bot"
	FromName string    `json:"from_name"` // display name
	Text     string    `json:"text,omitempty"`
	Markdown string    `json:"markdown,omitempty"`
	File     *FileRef  `json:"file,omitempty"`
	Card     *bot.Card `json:"card,omitempty"`
	At       time.Time `json:"at"`
	// OnlyFor lists the only user ids who see this entry in a group chat
	// (a private acknowledgement); empty means everyone in the chat.
	OnlyFor []string `json:"only_for,omitempty"`
	// Rev is the sequence number of the card state shown (0: as sent); a
	// viewer polling with after < Rev gets the entry again, updated.
	Rev int64 `json:"rev,omitempty"`
}

// cardView is a card's state for one viewer (or "*", everyone).
type cardView struct {
	Entry int64     `json:"entry"`
	Rev   int64     `json:"rev"`
	Card  *bot.Card `json:"card"`
}

// FileRef links a file message to its download.
type FileRef struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	Size int    `json:"size"`
}

// Platform stores chat messages in the store; the bot's replies are appended
// by Send (through the outbox, like every platform).
type Platform struct {
	st  store.Store
	now func() time.Time
}

// New returns the console platform.
func New(st store.Store, now func() time.Time) *Platform {
	if now == nil {
		now = time.Now
	}
	return &Platform{st: st, now: now}
}

// Name implements bot.Platform.
func (p *Platform) Name() string { return Name }

// Send implements bot.Platform: the message is appended to the chat.
func (p *Platform) Send(ctx context.Context, dest bot.Destination, msg bot.Message) error {
	chat := dest.ChatID
	if dest.UserID != "" {
		chat = InboxPrefix + dest.UserID
	}
	if chat == "" {
		return &bot.PermanentError{Err: fmt.Errorf("console: no chat in destination")}
	}
	if msg.Update && msg.Card != nil && dest.UserID == "" {
		done, err := p.updateCard(ctx, chat, msg)
		if err != nil || done {
			return err
		}
		// No card of that id in the chat: shown as a new entry below.
	}
	e := Entry{ChatID: chat, From: "bot", FromName: "班组助手", Text: msg.Text, Markdown: msg.Markdown, Card: msg.Card}
	if dest.UserID == "" {
		e.OnlyFor = msg.OnlyFor
	}
	if len(msg.Mentions) > 0 && e.Markdown == "" && e.Text != "" {
		e.Text = mentionLine(msg.Mentions) + e.Text
	}
	if msg.File != nil {
		id, err := p.st.NextID(ctx, "console.file")
		if err != nil {
			return err
		}
		if err := p.st.Put(ctx, fileColl, strconv.FormatInt(id, 10), mustJSON(msg.File)); err != nil {
			return err
		}
		e.File = &FileRef{Name: msg.File.Name, URL: FileURL(id, msg.File.Name), Size: len(msg.File.Data)}
	}
	e, err := p.deliver(ctx, e)
	if err != nil || e.Card == nil || len(e.OnlyFor) > 0 {
		return err
	}
	return p.st.Put(ctx, cardColl, chat+"/"+e.Card.ID, []byte(strconv.FormatInt(e.ID, 10)))
}

// deliveredColl remembers which outbox item became which chat entry.
const deliveredColl = "console.delivered"

// deliver appends the bot's entry once per outbox item: an item sent again
// after a crash (delivered, not acknowledged) finds its entry already there.
// The entry id is chosen and remembered before the entry is written, so a
// crash in between writes the same entry the next time.
func (p *Platform) deliver(ctx context.Context, e Entry) (Entry, error) {
	oid := bot.OutboxID(ctx)
	if oid == 0 {
		return p.append(ctx, e)
	}
	key := strconv.FormatInt(oid, 10)
	var mark struct {
		Chat string `json:"chat"`
		ID   int64  `json:"id"`
	}
	v, err := p.st.Get(ctx, deliveredColl, key)
	switch {
	case err == nil:
		if err := json.Unmarshal(v, &mark); err != nil {
			return e, fmt.Errorf("console: delivery mark %s: %w", key, err)
		}
		if _, err := p.st.Get(ctx, msgColl, msgKey(mark.Chat, mark.ID)); err == nil {
			e.ID = mark.ID
			return e, nil // delivered before the crash
		} else if !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
	case errors.Is(err, store.ErrNotFound):
		id, err := p.st.NextID(ctx, "console.msg")
		if err != nil {
			return e, err
		}
		mark.Chat, mark.ID = e.ChatID, id
		if err := p.st.Put(ctx, deliveredColl, key, mustJSON(mark)); err != nil {
			return e, err
		}
	default:
		return e, err
	}
	e.ID = mark.ID
	if e.At.IsZero() {
		e.At = p.now()
	}
	return e, p.st.Put(ctx, msgColl, msgKey(mark.Chat, e.ID), mustJSON(e))
}

// remove deletes an entry (a message the bot could not take).
func (p *Platform) remove(ctx context.Context, e Entry) error {
	return p.st.Delete(ctx, msgColl, msgKey(e.ChatID, e.ID))
}

// updateCard stores msg.Card as the new state of the chat's card of that id
// for msg.OnlyFor (everyone when empty). done is false when the chat has no
// such card.
func (p *Platform) updateCard(ctx context.Context, chat string, msg bot.Message) (done bool, err error) {
	v, err := p.st.Get(ctx, cardColl, chat+"/"+msg.Card.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	entry, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return false, fmt.Errorf("console: card index %s: %w", msg.Card.ID, err)
	}
	viewers := msg.OnlyFor
	if len(viewers) == 0 {
		viewers = []string{"*"}
	}
	for _, u := range viewers {
		rev, err := p.st.NextID(ctx, "console.msg")
		if err != nil {
			return false, err
		}
		cv := cardView{Entry: entry, Rev: rev, Card: msg.Card}
		if err := p.st.Put(ctx, viewColl, viewKey(chat, u, msg.Card.ID), mustJSON(cv)); err != nil {
			return false, err
		}
	}
	return true, nil
}

func viewKey(chat, viewer, card string) string { return chat + "/" + viewer + "/" + card }

func mentionLine(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString("@" + id + " ")
	}
	return b.String()
}

// append stores an entry with the next id and returns it.
func (p *Platform) append(ctx context.Context, e Entry) (Entry, error) {
	id, err := p.st.NextID(ctx, "console.msg")
	if err != nil {
		return e, err
	}
	e.ID = id
	if e.At.IsZero() {
		e.At = p.now()
	}
	return e, p.st.Put(ctx, msgColl, msgKey(e.ChatID, id), mustJSON(e))
}

func msgKey(chat string, id int64) string { return fmt.Sprintf("%s/%012d", chat, id) }

// Messages returns a chat's messages with id greater than after, in order.
func (p *Platform) Messages(ctx context.Context, chat string, after int64, limit int) ([]Entry, error) {
	return p.scanMessages(ctx, chat, after, limit, nil, func(e Entry) (Entry, bool) { return e, true })
}

// scanMessages appends to out, in order, the messages of chat with id
// greater than after that keep lets through (as keep returns them), until
// out holds limit entries (no limit when limit is 0).
func (p *Platform) scanMessages(ctx context.Context, chat string, after int64, limit int, out []Entry, keep func(Entry) (Entry, bool)) ([]Entry, error) {
	stop := fmt.Errorf("enough")
	err := p.st.Scan(ctx, msgColl, msgKey(chat, after+1), chat+"/~", func(_ string, v []byte) error {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		e, ok := keep(e)
		if !ok {
			return nil
		}
		out = append(out, e)
		if limit > 0 && len(out) >= limit {
			return stop
		}
		return nil
	})
	if err == stop {
		err = nil
	}
	return out, err
}

// View returns what viewer sees of a chat after id after, in order: the
// entries shown to everyone or to viewer, with each card in the state
// viewer last got, and earlier cards updated since after (with Rev set).
// An empty viewer sees only what everyone sees.
func (p *Platform) View(ctx context.Context, chat, viewer string, after int64, limit int) ([]Entry, error) {
	views := map[int64]cardView{}
	load := func(who string) error {
		prefix := chat + "/" + who + "/"
		return p.st.Scan(ctx, viewColl, prefix, prefix+"~", func(_ string, v []byte) error {
			var cv cardView
			if err := json.Unmarshal(v, &cv); err != nil {
				return err
			}
			// The viewer's own state wins over a state shown to all: it
			// carries their choice. The later revision still re-sends it.
			if old, ok := views[cv.Entry]; ok && who == "*" {
				old.Rev = max(old.Rev, cv.Rev)
				views[cv.Entry] = old
				return nil
			}
			if old, ok := views[cv.Entry]; ok {
				cv.Rev = max(old.Rev, cv.Rev)
			}
			views[cv.Entry] = cv
			return nil
		})
	}
	if err := load("*"); err != nil {
		return nil, err
	}
	if viewer != "" && viewer != "*" {
		if err := load(viewer); err != nil {
			return nil, err
		}
	}
	visible := func(e Entry) bool {
		if len(e.OnlyFor) == 0 || e.From == viewer {
			return true
		}
		return viewer != "" && slices.Contains(e.OnlyFor, viewer)
	}
	apply := func(e Entry) Entry {
		if cv, ok := views[e.ID]; ok && e.Card != nil {
			e.Card, e.Rev = cv.Card, cv.Rev
		}
		return e
	}
	var out []Entry
	// Cards shown before after whose state changed since.
	for id, cv := range views {
		if id > after || cv.Rev <= after {
			continue
		}
		v, err := p.st.Get(ctx, msgColl, msgKey(chat, id))
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		if visible(e) {
			out = append(out, apply(e))
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.ID, b.ID) })
	return p.scanMessages(ctx, chat, after, limit, out, func(e Entry) (Entry, bool) {
		if !visible(e) {
			return e, false
		}
		return apply(e), true
	})
}

// File returns a stored file by id.
func (p *Platform) File(ctx context.Context, id string) (*bot.File, error) {
	v, err := p.st.Get(ctx, fileColl, id)
	if err != nil {
		return nil, err
	}
	var f bot.File
	return &f, json.Unmarshal(v, &f)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are marshalled here
	}
	return b
}
