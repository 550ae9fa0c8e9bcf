package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/awards"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/period"
)

// /thanks is told privately to the receiver, limited to three a day, counted
// on the workbook's sheet, and can nominate for 委屈奖: the supervisor gets
// the line to send.
func TestThanksPrivateLimitedAndNominating(t *testing.T) {
	now := kpiClock()
	r := startWithoutDemoAwards(t, awardsConfig(t), app.Options{Now: func() time.Time { return now }})
	before := r.countBot("presale", "感谢")

	r.post("presale", "xiaowang", "/thanks @小李 帮我接了一个很难缠的售后")
	if got := r.lastBot("inbox:xiaoli"); !strings.Contains(got, "小王 感谢你") || !strings.Contains(got, "帮我接了一个很难缠的售后") {
		t.Errorf("receiver's private message: %q", got)
	}
	if got := r.lastBot("inbox:xiaowang"); !strings.Contains(got, "已私信转达你对 小李 的感谢") || !strings.Contains(got, "今天还可以感谢 2 次") {
		t.Errorf("giver's private ack: %q", got)
	}
	if got := r.ask("inbox:xiaoli", "xiaoli", "/badges"); !strings.Contains(got, "本月收到同事感谢 1 次") {
		t.Errorf("/badges of the receiver: %q", got)
	}
	if n := r.countBot("presale", "感谢"); n != before {
		t.Errorf("the group saw %d thanks messages", n-before)
	}
	if got := r.ask("presale", "xiaowang", "/thanks @小王 我自己"); !strings.Contains(got, "不能感谢自己") {
		t.Errorf("self thanks: %q", got)
	}
	r.post("presale", "xiaowang", "/感谢 @阿强 分享了退款话术")
	r.post("presale", "xiaowang", "/thanks @大刘 替我顶了一个晚班")
	if got := r.ask("presale", "xiaowang", "/thanks @莉莉 第四次"); !strings.Contains(got, "今天的 3 次感谢已经用完了") {
		t.Errorf("fourth thanks of the day: %q", got)
	}

	// A nomination needs an order number, then reaches the supervisor privately.
	if got := r.ask("presale", "daliu", "/thanks @小李 委屈奖 客户骂了半小时"); !strings.Contains(got, "请写上订单号") {
		t.Errorf("nomination without an order: %q", got)
	}
	r.post("presale", "daliu", "/thanks @小李 委屈奖 订单 2026112012345 客户骂了半小时仍耐心处理完退款")
	sup := r.lastBot("inbox:chen")
	line := "/award 委屈奖 @小李 订单 2026112012345 客户骂了半小时仍耐心处理完退款"
	if !strings.Contains(sup, "委屈奖提名") || !strings.Contains(sup, line) {
		t.Fatalf("supervisor's nomination: %q", sup)
	}
	if got := r.ask("presale", "chen", line); !strings.Contains(got, "委屈奖") {
		t.Errorf("approving the nomination: %q", got)
	}

	// The month's workbook rows: four thanks (not from KPI) and the 委屈奖.
	svc := awards.New(r.app.Store, r.app.Cfg.Awards, r.app.Cfg.Targets, nil)
	m := period.Month(now)
	rows, err := svc.Rows(context.Background(), "presale", m.From, m.To)
	if err != nil {
		t.Fatal(err)
	}
	thanks, grievance := 0, 0
	for _, row := range rows {
		switch row.Award {
		case "同事感谢":
			thanks++
			if row.FromKPI {
				t.Errorf("thanks marked as from KPI: %+v", row)
			}
		case awards.Grievance:
			grievance++
		}
	}
	if thanks != 4 || grievance != 1 {
		t.Errorf("rows: %d thanks, %d 委屈奖: %+v", thanks, grievance, rows)
	}
}

// On 1 December the ceremony grants November's titles; their points are
// dated in November, so /leaderboard 上月 (and the default, which means the
// same that day) counts them, and December's board does not.
func TestLeaderboardLastMonthOnTheFirstShowsTheCeremony(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 12, 1, 10, 30, 0, 0, loc)
	r := startWithoutDemoAwards(t, awardsConfig(t), app.Options{Now: func() time.Time { return now }})
	before := r.ask("presale", "xiaowang", "/leaderboard 上月")
	r.runJob("awards-ceremony", "presale", time.Date(2026, 12, 1, 10, 0, 0, 0, loc))
	post := r.lastBot("presale")
	star := between(post, "🌟 **服务之星**：", "\n")
	if !strings.Contains(post, "2026年11月 月度荣誉榜") || star == "" || strings.Contains(star, "空缺") {
		t.Fatalf("November ceremony: %s", post)
	}
	for _, ask := range []string{"/leaderboard 上月", "/排行榜"} {
		board := r.ask("presale", "xiaowang", ask)
		if !strings.Contains(board, "上月（2026年11月）") {
			t.Errorf("%s label: %s", ask, board)
		}
		if got, was := boardPoints(t, board, star), boardPoints(t, before, star); got < was+1000 {
			t.Errorf("%s: November's 服务之星 %s has %d points, %d before the ceremony:\n%s", ask, star, got, was, board)
		}
		if strings.Contains(board, "陈主管") || strings.Contains(board, "赵经理") {
			t.Errorf("%s lists a supervisor or manager:\n%s", ask, board)
		}
	}
	if board := r.ask("presale", "xiaowang", "/leaderboard 本月"); strings.Contains(board, star+"　") {
		t.Errorf("December's board holds November's awards:\n%s", board)
	}
}

// /help lists /thanks for agents, with its limit, and says who the
// leaderboards rank.
func TestHelpDescribesThanksAndBoards(t *testing.T) {
	r := start(t, demoConfig(t))
	got := r.ask("presale", "xiaowang", "/help")
	for _, want := range []string{"/thanks", "/感谢", "每天 3 次", "委屈奖", "不含主管、经理"} {
		if !strings.Contains(got, want) {
			t.Errorf("/help lacks %q:\n%s", want, got)
		}
	}
	if got := r.ask("presale", "xiaowang", "/help thanks"); !strings.Contains(got, "/thanks @名字 委屈奖 订单号 经过") {
		t.Errorf("/help thanks: %s", got)
	}
}

// A team judged on its own metric set and targets: /kpi team shows its
// targets, none for a metric it is not judged on.
func TestTeamMetricSetInKPI(t *testing.T) {
	cfg := demoConfig(t)
	for i := range cfg.Teams {
		if cfg.Teams[i].ID == "presale" {
			cfg.Teams[i].Metrics = []string{"served", "first_response", "satisfaction", "bad_rate", "fcr", "recovered"}
			cfg.Teams[i].Targets = config.Targets{"team": {"first_response_max": 30, "satisfaction_min": 0.9, "conversion_min": 0.2}}
		}
	}
	now := kpiClock()
	r := startWith(t, cfg, app.Options{Now: func() time.Time { return now }})
	got := r.ask("presale", "chen", "/kpi team 上月")
	if !strings.Contains(got, "首次响应 22.7 秒（目标 ≤ 30.0 秒）") || !strings.Contains(got, "· 询单转化率 21.1%\n") {
		t.Errorf("team targets: %s", got)
	}
}
