package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLessonAndKnowledgeDefaultsValidate(t *testing.T) {
	l := DefaultLesson()
	if err := l.ValidateLesson(); err != nil {
		t.Errorf("lesson defaults: %v", err)
	}
	if l.KnowledgeMinutes+l.CaseMinutes+l.QuizMinutes != 15 || l.QuestionSeconds != 60 || l.Scoring.Streak || l.Camp.PassPercent != 80 {
		t.Errorf("lesson defaults differ from the 15-minute lesson: %+v", l)
	}
	k := DefaultKnowledge()
	if err := k.ValidateKnowledge(); err != nil {
		t.Errorf("knowledge defaults: %v", err)
	}
	if k.VerifyDays != 90 || k.TopUnanswered != 20 || k.Points.Approve != 1000 {
		t.Errorf("knowledge defaults: %+v", k)
	}
}

// The lesson and knowledge sections load from YAML and from BANZU_* variables,
// and each bad value is refused naming its key.
func TestLessonAndKnowledgeSectionsLoadAndNameBadKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("lesson:\n  question_seconds: 20\n  scoring:\n    streak: true\n    speed_floor: 0.8\n  camp:\n    pass_percent: 90\nknowledge:\n  verify_days: 30\n  points:\n    approve: 300\n"), 0o600)
	cfg, err := Load(path, []string{"BANZU_LESSON_QUESTIONS=3", "BANZU_KNOWLEDGE_MAX_PENDING=5"})
	if err != nil {
		t.Fatal(err)
	}
	l, k := cfg.Lesson, cfg.Knowledge
	if l.QuestionSeconds != 20 || !l.Scoring.Streak || l.Scoring.SpeedFloor != 0.8 || l.Camp.PassPercent != 90 || l.Questions != 3 || l.QuizMinutes != 7 {
		t.Errorf("lesson section: %+v", l)
	}
	if k.VerifyDays != 30 || k.Points.Approve != 300 || k.MaxPending != 5 || k.Points.Verify != 200 {
		t.Errorf("knowledge section: %+v", k)
	}

	cases := map[string]string{
		"lesson:\n  question_seconds: 5\n":                             "lesson.question_seconds",
		"lesson:\n  quiz_minutes: 1\n  question_seconds: 90\n":         "lesson.quiz_minutes",
		"lesson:\n  questions: 0\n":                                    "lesson.questions",
		"lesson:\n  repeat_days: -1\n":                                 "lesson.repeat_days",
		"lesson:\n  scoring:\n    speed_floor: 0.2\n":                  "lesson.scoring.speed_floor",
		"lesson:\n  scoring:\n    streak: true\n    streak_bonus: 0\n": "lesson.scoring.streak_bonus",
		"lesson:\n  camp:\n    pass_percent: 120\n":                    "lesson.camp.pass_percent",
		"lesson:\n  contest:\n    questions: 0\n":                      "lesson.contest.questions",
		"lesson:\n  question_secs: 20\n":                               "question_secs",
		"knowledge:\n  verify_days: 0\n":                               "knowledge.verify_days",
		"knowledge:\n  hint_min: 2\n":                                  "knowledge.hint_min",
		"knowledge:\n  points:\n    approve: -5\n":                     "knowledge.points.approve",
		"knowledge:\n  max_answer: 5\n":                                "knowledge.max_answer",
	}
	for body, key := range cases {
		path := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(path, []byte(body), 0o600)
		_, err := Load(path, nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("config %q: error %v does not name %s", body, err, key)
		}
	}
	_, err = Load("", []string{"BANZU_LESSON_QUESTION_SECONDS=1"})
	if err == nil || !strings.Contains(err.Error(), "lesson.question_seconds") || !strings.Contains(err.Error(), "应在 10 到 600 之间") {
		t.Errorf("bad env value: %v", err)
	}
}
