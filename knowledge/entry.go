package knowledge

import (
	"errors"
	"fmt"
	"time"
)

// State is where an entry is in its lifecycle.
type State string

// Entry states.
const (
	Pending  State = "pending"  // submitted, waiting for review
	Approved State = "approved" // published in the team's knowledge base
	Rejected State = "rejected" // turned down in review, with a reason
	Retired  State = "retired"  // taken out of the knowledge base, with a reason
)

// Label is the state's Chinese name.
func (s State) Label() string {
	switch s {
	case Pending:
		return "待审核"
	case Approved:
		return "已发布"
	case Rejected:
		return "已驳回"
	case Retired:
		return "已下线"
	}
	return string(s)
}

// Entry is one question with its answer.
type Entry struct {
	ID            int64     `json:"id"`
	Team          string    `json:"team"`
	State         State     `json:"state"`
	Question      string    `json:"question"`
	Similar       []string  `json:"similar,omitempty"` // other ways customers ask it
	Answer        string    `json:"answer"`
	Tags          []string  `json:"tags,omitempty"`  // the first one is the category
	Submitter     string    `json:"submitter"`       // member id
	SubmitterName string    `json:"submitter_name"`  //
	Owner         string    `json:"owner,omitempty"` // member id of who keeps it true
	OwnerName     string    `json:"owner_name,omitempty"`
	Origin        Origin    `json:"origin"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	Approved      time.Time `json:"approved,omitzero"`
	Verified      time.Time `json:"verified,omitzero"`
	VerifyDue     time.Time `json:"verify_due,omitzero"`
	Reason        string    `json:"reason,omitempty"` // why it was rejected or retired
	Edited        bool      `json:"edited,omitempty"` // the reviewer changed the answer
	History       []Change  `json:"history,omitempty"`
}

// Origin is the chat an entry was submitted in, so its submitter can be told
// the outcome there.
type Origin struct {
	Platform string `json:"platform,omitempty"`
	ChatID   string `json:"chat_id,omitempty"`
}

// Change is one step in an entry's history.
type Change struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"` // submit, approve, reject, edit, verify, retire
	Note   string    `json:"note,omitempty"`
}

// Category is the entry's first tag, or "未分类".
func (e *Entry) Category() string {
	if len(e.Tags) > 0 {
		return e.Tags[0]
	}
	return "未分类"
}

// Ref is how users name the entry: "#12".
func (e *Entry) Ref() string { return fmt.Sprintf("#%d", e.ID) }

// Due reports whether the entry is approved and due for re-verification by t.
func (e *Entry) Due(t time.Time) bool {
	return e.State == Approved && !e.VerifyDue.IsZero() && !e.VerifyDue.After(t)
}

func (e *Entry) record(at time.Time, by Actor, action, note string) {
	e.History = append(e.History, Change{At: at, By: by.ID, Action: action, Note: note})
	e.Updated = at
}

// Actor is who does something to an entry.
type Actor struct {
	ID         string
	Name       string
	Supervisor bool // may review, edit and retire
}

// Error is a problem the user can fix; its message is Chinese and shown as is.
type Error struct {
	Msg  string
	kind error // ErrNotFound, ErrState, ErrLimit, ErrPermission, ErrDuplicate, or nil
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is tell the kind of problem.
func (e *Error) Unwrap() error { return e.kind }

// Kinds of user errors, for errors.Is.
var (
	ErrNotFound   = errors.New("knowledge: not found")
	ErrState      = errors.New("knowledge: wrong state")
	ErrLimit      = errors.New("knowledge: text empty or too long")
	ErrPermission = errors.New("knowledge: not allowed")
	ErrDuplicate  = errors.New("knowledge: submitted already")
)

func userf(kind error, format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...), kind: kind}
}

func errNoEntry(id int64) error {
	return userf(ErrNotFound, "没有编号为 #%d 的知识条目，发送 /kb 关键词 可以查找。", id)
}
