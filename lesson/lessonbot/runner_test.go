package lessonbot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/bot/bottest"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
	"github.com/banzu-bot/banzu/platform/console"
)

// lessonTopic is a starter-bank lesson whose quiz has choice and true/false
// cards as well as typed answers.
const lessonTopic = "运费险"

// start is a workday at 14:00 in Shanghai, when the daily lesson runs.
var start = time.Date(2026, 12, 1, 14, 0, 0, 0, time.FixedZone("CST", 8*3600))

// rig is a bottest rig on a fake clock with a lesson runner, /a and the
// answer fallback.
func rig(t *testing.T) (*bottest.Rig, *lessonbot.Lessons) {
	t.Helper()
	r := bottest.New(t, bottest.At(start))
	l := newRunner(r, "replica-a")
	r.Add(&bot.Command{Name: "a", Usage: "/a 答案", Role: bot.RoleAgent, MinArgs: 1,
		Handler: func(ctx context.Context, req *bot.Request) error { return l.Answer(ctx, req, req.Rest) }})
	r.Bot.AddFallback(l.Fallback())
	r.Start()
	return r, l
}

func newRunner(r *bottest.Rig, owner string) *lessonbot.Lessons {
	return lessonbot.NewLessons(r.Bot, lesson.NewRepo(r.Store), lesson.DefaultOptions(), nil, owner)
}

// begin starts the lesson in presale's group and returns it as stored.
func begin(t *testing.T, r *bottest.Rig, l *lessonbot.Lessons) *lesson.Session {
	t.Helper()
	team := r.Dir.Team("presale")
	s, err := l.Start(context.Background(), team, lessonbot.TeamDest(team), lesson.KindLesson, lessonTopic, "chen")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	r.Drain()
	return s
}

// tick moves the clock to at and runs l's due steps.
func tick(t *testing.T, r *bottest.Rig, l *lessonbot.Lessons, at time.Time) {
	t.Helper()
	r.Clock.Set(at)
	if err := l.Tick(context.Background()); err != nil {
		t.Fatalf("tick at %s: %v", at.Format("15:04:05"), err)
	}
	r.Drain()
}

// group is what everyone sees in presale's group after message id after.
func group(r *bottest.Rig, after int64) []console.Entry {
	var out []console.Entry
	for _, e := range r.Messages("presale", after) {
		if e.From == "bot" && len(e.OnlyFor) == 0 {
			out = append(out, e)
		}
	}
	return out
}

func count(said []string, sub string) int {
	n := 0
	for _, s := range said {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

// right is question q's right answer as typed and as card taps under perm.
func right(q *lesson.Question, perm []int) (typed string, taps []string) {
	switch q.Type {
	case lesson.Fill:
		return q.Answer[0], nil
	case lesson.TrueFalse:
		if q.AnswerText() == "对" {
			return "对", []string{"A"}
		}
		return "错", []string{"B"}
	}
	for d, o := range perm {
		for _, c := range q.Correct() {
			if c == o {
				taps = append(taps, lesson.Letter(d))
			}
		}
	}
	return strings.Join(taps, ""), taps
}

func lastID(r *bottest.Rig, chat string) int64 {
	es := r.Messages(chat, 0)
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].ID
}

func bottestText(e console.Entry) string { return bottest.Text(e) }

// find is the entry with id in es (its zero value when none).
func find(es []console.Entry, id int64) console.Entry {
	for _, e := range es {
		if e.ID == id {
			return e
		}
	}
	return console.Entry{}
}
