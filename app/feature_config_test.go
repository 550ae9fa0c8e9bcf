package app_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/knowledge"
	"github.com/banzu-bot/banzu/lesson"
	"github.com/banzu-bot/banzu/lesson/lessonbot"
)

// The config's defaults are the features' own defaults.
func TestLessonAndKnowledgeConfigDefaults(t *testing.T) {
	if got, want := lessonbot.LessonOptions(config.DefaultLesson()), lesson.DefaultOptions().Norm(); !reflect.DeepEqual(got, want) {
		t.Errorf("lesson options from the default config:\n%+v\nwant\n%+v", got, want)
	}
	if got, want := app.KnowledgeSettings(config.DefaultKnowledge()), knowledge.DefaultSettings(); got != want {
		t.Errorf("knowledge settings from the default config:\n%+v\nwant\n%+v", got, want)
	}
	o := lessonbot.LessonOptions(config.Lesson{
		KnowledgeMinutes: 2, CaseMinutes: 4, QuizMinutes: 9, QuestionSeconds: 45, GapSeconds: 5,
		Questions: 3, ReviewQuestions: 1, RepeatDays: 7,
		Scoring: config.LessonScoring{Points: 800, SpeedFloor: 0.75, Streak: true, StreakBonus: 50, StreakCap: 150},
		Contest: config.LessonContest{Questions: 12, QuestionSeconds: 20},
		Camp:    config.LessonCamp{PassPercent: 90, ExamQuestions: 15, ExtendDays: 3},
	})
	want := lesson.Options{KnowledgeFor: 2 * time.Minute, CaseFor: 4 * time.Minute, QuizFor: 9 * time.Minute,
		QuestionTime: 45 * time.Second, Gap: 5 * time.Second, Questions: 3, Review: 1, RepeatWindow: 7,
		Scoring:      lesson.Scoring{Points: 800, MinShare: 0.75, Streak: 50, StreakCap: 150},
		ContestCount: 12, ContestTime: 20 * time.Second, CampPassShare: 0.9, CampExamSize: 15, CampExtend: 3}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("lesson options:\n%+v\nwant\n%+v", o, want)
	}
}

// A config file's lesson and knowledge sections change how banzu behaves: a
// 20-second question closes after 20 seconds, an approval earns the
// configured points.
func TestLessonAndKnowledgeConfigReachTheFeatures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "banzu.yaml")
	os.WriteFile(path, []byte("lesson:\n  question_seconds: 20\n  gap_seconds: 2\nknowledge:\n  points:\n    approve: 300\n"), 0o600)
	cfg, err := config.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	demo.Apply(cfg)
	clock := &lessonClock{t: lessonStartTime()}
	r := startLessonApp(t, cfg, clock)
	const chat = "presale"

	r.ask(chat, "chen", "/lesson start 运费险")
	mark := r.lastID(chat)
	r.advance(8 * time.Minute)
	if got := r.waitBot(chat, 0, "🗣 案例讨论").body(); !strings.Contains(got, "每题 20 秒") {
		t.Errorf("quiz how-to in the case: %q", got)
	}
	if c := r.waitBot(chat, mark, "第 1/").Card; c == nil || !strings.Contains(c.Title, "20 秒") {
		t.Errorf("question 1: %+v", c)
	}
	// 22 seconds on (20 to answer, 2 of gap) question 1 is revealed and 2 is put.
	mark = r.lastID(chat)
	r.advance(22 * time.Second)
	r.waitBot(chat, mark, "上一题（第 1 题）")
	r.waitBot(chat, mark, "第 2/")

	m := kbRefRE.FindStringSubmatch(r.ask(chat, "xiaowang", "/submit 运费险多久能到账 | 三天左右 #运费险"))
	if m == nil {
		t.Fatal("no entry id")
	}
	kbMust(t, r.ask(chat, "chen", "/approve "+m[1]), "获得 300 积分")
}
