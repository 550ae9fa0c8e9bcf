package lesson

import (
	"math"
	"sort"
	"time"
)

// Scoring turns right answers into points: Points for an instant answer,
// falling linearly with time to MinShare of Points at the time limit, plus an
// optional streak bonus (off by default: users dislike a streak that lets the
// leaders run away).
type Scoring struct {
	Points    int     // points for an instant correct answer (default 1000)
	MinShare  float64 // share of Points at the time limit, never below 0.5
	Streak    int     // bonus per question of a running streak after the first (default 0: off)
	StreakCap int     // most streak bonus on one question (default 5 × Streak)
}

// DefaultScoring is the Kahoot-like default: 500 to 1000 by speed, no streak.
func DefaultScoring() Scoring { return Scoring{Points: 1000, MinShare: 0.5} }

func (s Scoring) norm() Scoring {
	if s.Points <= 0 {
		s.Points = 1000
	}
	if s.MinShare < 0.5 {
		s.MinShare = 0.5
	}
	if s.MinShare > 1 {
		s.MinShare = 1
	}
	if s.Streak < 0 {
		s.Streak = 0
	}
	if s.StreakCap <= 0 {
		s.StreakCap = 5 * s.Streak
	}
	return s
}

// Score is the points for one answer given after elapsed of limit.
func (s Scoring) Score(correct bool, elapsed, limit time.Duration) int {
	if !correct {
		return 0
	}
	s = s.norm()
	f := 0.0
	if limit > 0 {
		f = float64(elapsed) / float64(limit)
	}
	f = math.Max(0, math.Min(1, f))
	return int(math.Round(float64(s.Points) * (1 - (1-s.MinShare)*f)))
}

// StreakBonus is the bonus for a correct answer that is the n-th in a row.
func (s Scoring) StreakBonus(n int) int {
	s = s.norm()
	if s.Streak == 0 || n < 2 {
		return 0
	}
	return min((n-1)*s.Streak, s.StreakCap)
}

// Answer is one stored first answer to a question of a session.
type Answer struct {
	Member  string    `json:"member"`
	Name    string    `json:"name"`
	Q       int       `json:"q"`
	Resp    Response  `json:"resp"`
	Correct bool      `json:"correct"`
	Elapsed int64     `json:"elapsed_ms"`
	Points  int       `json:"points"`
	At      time.Time `json:"at"`
}

// QStat is how a question went.
type QStat struct {
	Answered int
	Correct  int
	Fastest  string // name of the fastest correct answer
	FastMS   int64
}

// MemberResult is one person's result in a session.
type MemberResult struct {
	Member   string
	Name     string
	Score    int
	Correct  int
	Answered int
	TimeMS   int64 // total time of correct answers
	Wrong    []int // question positions answered wrongly
	Missed   []int // question positions not answered
}

// Results are a session's outcome.
type Results struct {
	Questions []QStat
	Members   []MemberResult // leaderboard order
}

// Tally computes results from a session's answers; asked is how many
// questions were put (answers to later ones are ignored). Ranking: score,
// then correct answers, then total time, then name.
func Tally(answers []Answer, asked int, s Scoring) Results {
	res := Results{Questions: make([]QStat, asked)}
	by := map[string][]Answer{}
	var order []string
	for _, a := range answers {
		if a.Q < 0 || a.Q >= asked {
			continue
		}
		if _, ok := by[a.Member]; !ok {
			order = append(order, a.Member)
		}
		by[a.Member] = append(by[a.Member], a)
		st := &res.Questions[a.Q]
		st.Answered++
		if a.Correct {
			st.Correct++
			if st.Fastest == "" || a.Elapsed < st.FastMS {
				st.Fastest, st.FastMS = a.Name, a.Elapsed
			}
		}
	}
	for _, m := range order {
		list := by[m]
		sort.Slice(list, func(i, j int) bool { return list[i].Q < list[j].Q })
		r := MemberResult{Member: m, Name: list[0].Name}
		got := map[int]bool{}
		streak, prevQ := 0, -1
		for _, a := range list {
			got[a.Q] = true
			r.Answered++
			if !a.Correct {
				r.Wrong = append(r.Wrong, a.Q)
				streak = 0
				prevQ = a.Q
				continue
			}
			if a.Q == prevQ+1 {
				streak++
			} else {
				streak = 1
			}
			prevQ = a.Q
			r.Correct++
			r.TimeMS += a.Elapsed
			r.Score += a.Points + s.StreakBonus(streak)
		}
		for q := 0; q < asked; q++ {
			if !got[q] {
				r.Missed = append(r.Missed, q)
			}
		}
		res.Members = append(res.Members, r)
	}
	sort.SliceStable(res.Members, func(i, j int) bool {
		a, b := res.Members[i], res.Members[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Correct != b.Correct {
			return a.Correct > b.Correct
		}
		if a.TimeMS != b.TimeMS {
			return a.TimeMS < b.TimeMS
		}
		return a.Name < b.Name
	})
	return res
}

// ContestTitles picks the contest's 问题终结者 (most correct, then fastest)
// and 服务速度王 (the lowest average time per correct answer among those who
// got at least minAccuracy of the questions right). Either may be "".
func ContestTitles(r Results, asked int, minAccuracy float64) (solver, speed string) {
	best := -1
	var bestTime int64
	for _, m := range r.Members {
		if m.Correct == 0 {
			continue
		}
		if m.Correct > best || (m.Correct == best && m.TimeMS < bestTime) {
			solver, best, bestTime = m.Member, m.Correct, m.TimeMS
		}
	}
	var bestAvg float64 = -1
	for _, m := range r.Members {
		if m.Correct == 0 || asked == 0 || float64(m.Correct)/float64(asked) < minAccuracy {
			continue
		}
		avg := float64(m.TimeMS) / float64(m.Correct)
		if bestAvg < 0 || avg < bestAvg {
			speed, bestAvg = m.Member, avg
		}
	}
	return solver, speed
}
