// Package console is the local web chat: a page at / showing each team's group
// chat and each member's private chat (inbox), and a JSON API that tests and
// scripts use. It is banzu's default platform when no chat platform is
// configured.
package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	e := Entry{ChatID: chat, From: "bot", FromName: "班组助手", Text: msg.Text, Markdown: msg.Markdown, Card: msg.Card}
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
	return p.deliver(ctx, e)
}

// deliveredColl remembers which outbox item became which chat entry.
const deliveredColl = "console.delivered"

// deliver appends the bot's entry once per outbox item: an item sent again
// after a crash (delivered, not acknowledged) finds its entry already there.
// The entry id is chosen and remembered before the entry is written, so a
// crash in between writes the same entry the next time.
func (p *Platform) deliver(ctx context.Context, e Entry) error {
	oid := bot.OutboxID(ctx)
	if oid == 0 {
		_, err := p.append(ctx, e)
		return err
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
			return fmt.Errorf("console: delivery mark %s: %w", key, err)
		}
		if _, err := p.st.Get(ctx, msgColl, msgKey(mark.Chat, mark.ID)); err == nil {
			return nil // delivered before the crash
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	case errors.Is(err, store.ErrNotFound):
		id, err := p.st.NextID(ctx, "console.msg")
		if err != nil {
			return err
		}
		mark.Chat, mark.ID = e.ChatID, id
		if err := p.st.Put(ctx, deliveredColl, key, mustJSON(mark)); err != nil {
			return err
		}
	default:
		return err
	}
	e.ID = mark.ID
	if e.At.IsZero() {
		e.At = p.now()
	}
	return p.st.Put(ctx, msgColl, msgKey(mark.Chat, e.ID), mustJSON(e))
}

// remove deletes an entry (a message the bot could not take).
func (p *Platform) remove(ctx context.Context, e Entry) error {
	return p.st.Delete(ctx, msgColl, msgKey(e.ChatID, e.ID))
}

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
	var out []Entry
	stop := fmt.Errorf("enough")
	err := p.st.Scan(ctx, msgColl, msgKey(chat, after+1), chat+"/~", func(_ string, v []byte) error {
		var e Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return err
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
