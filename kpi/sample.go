package kpi

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// feigeHeader is the header of 抖店飞鸽's per-agent daily export.
const feigeHeader = "日期,店铺名称,客服昵称,账号名称,人工已接待人数,人工已接待会话量,不满意率,3分钟人工回复率（会话）,首次响应时长（秒）,平均响应时长（秒）,满意率,客服销售额（元）,询单人数,下单人数,支付人数,询单转化率\n"

// WriteSampleFeige writes a 飞鸽-shaped CSV (UTF-8 with BOM) of rows data
// rows for agents over the days of month's month: rows go day by day, each
// day through all agents, wrapping to the first day when rows exceed
// len(agents) × days. Figures are pseudo-random but deterministic. Tests and
// benchmarks use it to make large files.
func WriteSampleFeige(w io.Writer, rows int, agents []string, month time.Time) error {
	return WriteSampleFeigeMonths(w, rows, agents, month, 1)
}

// WriteSampleFeigeMonths is WriteSampleFeige over the days of months
// consecutive months from month's: with rows = len(agents) × days every row
// is its own agent-day.
func WriteSampleFeigeMonths(w io.Writer, rows int, agents []string, month time.Time, months int) error {
	if len(agents) == 0 {
		agents = []string{"小王"}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff" + feigeHeader); err != nil {
		return err
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	days := int(first.AddDate(0, max(months, 1), 0).Sub(first).Hours()+12) / 24
	rng := rand.New(rand.NewPCG(uint64(first.Unix()), 42))
	var b []byte
	dates := make([]string, days)
	for i := range dates {
		dates[i] = first.AddDate(0, 0, i).Format(time.DateOnly)
	}
	for i := 0; i < rows; i++ {
		day := (i / len(agents)) % days
		agent := agents[i%len(agents)]
		served := 30 + rng.IntN(90)
		sessions := served + rng.IntN(4)
		inq := served/3 + rng.IntN(served/3+1)
		orders := rng.IntN(inq/3 + 2)
		paid := orders - rng.IntN(2)
		if paid < 0 {
			paid = 0
		}
		sales := int64(paid) * int64(5000+rng.IntN(25000))
		b = b[:0]
		b = append(b, dates[day]...)
		b = append(b, ",抖店旗舰店,"...)
		b = append(b, agent...)
		b = append(b, ",acct_1,"...)
		b = strconv.AppendInt(b, int64(served), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(sessions), 10)
		b = append(b, ',')
		b = appendPct(b, rng.Float64()*0.08)
		b = append(b, ',')
		b = appendPct(b, 0.85+rng.Float64()*0.15)
		b = append(b, ',')
		b = strconv.AppendFloat(b, 5+rng.Float64()*30, 'f', 1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, 15+rng.Float64()*40, 'f', 1, 64)
		b = append(b, ',')
		b = appendPct(b, 0.85+rng.Float64()*0.15)
		b = append(b, ',')
		b = strconv.AppendInt(b, sales/100, 10)
		b = append(b, '.')
		b = append(b, byte('0'+sales/10%10), byte('0'+sales%10))
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(inq), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(orders), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(paid), 10)
		b = append(b, ',')
		if inq > 0 {
			b = appendPct(b, float64(paid)/float64(inq))
		} else {
			b = append(b, '-')
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendPct appends a fraction as a percentage with two decimals, "93.33%".
func appendPct(b []byte, f float64) []byte {
	b = strconv.AppendFloat(b, f*100, 'f', 2, 64)
	return append(b, '%')
}
