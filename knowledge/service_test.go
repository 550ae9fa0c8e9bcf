package knowledge

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/points"
	"github.com/banzu-bot/banzu/store"
	"github.com/banzu-bot/banzu/store/embedded"
	"github.com/xuri/excelize/v2"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestService(t testing.TB) (*Service, store.Store, *clock) {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)}
	return New(st, DefaultSettings(), c.Now), st, c
}

var (
	wang = Actor{ID: "xiaowang", Name: "小王"}
	li   = Actor{ID: "xiaoli", Name: "小李"}
	chen = Actor{ID: "chen", Name: "陈主管", Supervisor: true}
)

func mustSubmit(t *testing.T, s *Service, team string, by Actor, text string) (*Entry, []Match) {
	t.Helper()
	sub, err := ParseSubmission(text)
	if err != nil {
		t.Fatal(err)
	}
	e, ms, err := s.Submit(context.Background(), team, by, sub, Origin{Platform: "console", ChatID: team})
	if err != nil {
		t.Fatal(err)
	}
	return e, ms
}

func ledger(t *testing.T, st store.Store) []points.Entry {
	var out []points.Entry
	st.Ledger(context.Background(), points.Ledger, 0, func(_ int64, v []byte) error {
		var p points.Entry
		if err := json.Unmarshal(v, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
		return nil
	})
	return out
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	s, st, clk := newTestService(t)
	e1, ms := mustSubmit(t, s, "presale", wang, "运费险怎么理赔 | 签收后72小时内赔付到支付宝 #运费险")
	if e1.ID != 1 || e1.State != Pending || len(ms) != 0 {
		t.Fatalf("first submission: %+v %v", e1, ms)
	}
	// Another team numbers its own entries.
	if e, _ := mustSubmit(t, s, "aftersale", wang, "x是什么 | y"); e.ID != 1 {
		t.Errorf("aftersale id = %d", e.ID)
	}
	e2, ms := mustSubmit(t, s, "presale", li, "运费险多久理赔到账 | 三天")
	if len(ms) != 1 || ms[0].Entry.ID != e1.ID {
		t.Fatalf("similar hint: %v", ms)
	}
	// Agents cannot review; supervisors can, once.
	if _, err := s.Approve(ctx, "presale", e1.ID, wang, ""); !errors.Is(err, ErrPermission) {
		t.Errorf("agent approve: %v", err)
	}
	if _, err := s.Approve(ctx, "presale", 99, chen, ""); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "#99") {
		t.Errorf("approve unknown: %v", err)
	}
	got, err := s.Approve(ctx, "presale", e1.ID, chen, "退货签收后72小时内自动赔付到支付宝，按首重计算")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != Approved || !got.Edited || got.Owner != "xiaowang" || !strings.Contains(got.Answer, "首重") ||
		!got.VerifyDue.Equal(clk.Now().AddDate(0, 0, 90)) {
		t.Errorf("approved: %+v", got)
	}
	if _, err := s.Approve(ctx, "presale", e1.ID, chen, ""); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "已发布") {
		t.Errorf("approve twice: %v", err)
	}
	if _, err := s.Reject(ctx, "presale", e2.ID, chen, ""); !errors.Is(err, ErrLimit) {
		t.Errorf("reject without reason: %v", err)
	}
	if r, err := s.Reject(ctx, "presale", e2.ID, chen, "与 #1 重复"); err != nil || r.State != Rejected || r.Reason != "与 #1 重复" {
		t.Errorf("reject: %+v %v", r, err)
	}
	// Search finds the approved entry, not the rejected one.
	hits, err := s.Search(ctx, "presale", "运费险理赔", 5)
	if err != nil || len(hits) != 1 || hits[0].Entry.ID != e1.ID {
		t.Fatalf("search: %v %v", hits, err)
	}
	// Points: the configured approval points to the submitter, once.
	if p := ledger(t, st); len(p) != 1 || p[0].Member != "xiaowang" || int64(p[0].Points) != DefaultSettings().ApprovePoints || p[0].Source != "knowledge" || p[0].Ref != "knowledge:presale:1" {
		t.Errorf("points: %+v", p)
	}
	// Re-verification: nothing due at first, due after 84 days within the week.
	if due, _ := s.DueBy(ctx, "presale", clk.Now().AddDate(0, 0, 7)); len(due) != 0 {
		t.Errorf("due too early: %v", due)
	}
	clk.Add(84 * 24 * time.Hour)
	if due, _ := s.DueBy(ctx, "presale", clk.Now().AddDate(0, 0, 7)); len(due) != 1 {
		t.Errorf("due after 84 days: %v", due)
	}
	if _, err := s.Verify(ctx, "presale", e1.ID, li, ""); !errors.Is(err, ErrPermission) {
		t.Errorf("verify by someone else: %v", err)
	}
	v, err := s.Verify(ctx, "presale", e1.ID, wang, "已核对")
	if err != nil || !v.VerifyDue.Equal(clk.Now().AddDate(0, 0, 90)) {
		t.Errorf("verify: %+v %v", v, err)
	}
	if _, err := s.Verify(ctx, "presale", e1.ID, wang, ""); err != nil {
		t.Fatal(err)
	}
	if p := ledger(t, st); len(p) != 2 || p[1].Reason != ReasonVerified || int64(p[1].Points) != DefaultSettings().VerifyPoints {
		t.Errorf("verify points (once, only when due): %+v", p)
	}
	// Edit, retire.
	if _, err := s.Edit(ctx, "presale", e2.ID, chen, "新答案"); !errors.Is(err, ErrState) {
		t.Errorf("edit rejected: %v", err)
	}
	if ed, err := s.Edit(ctx, "presale", e1.ID, chen, "72小时内赔付"); err != nil || ed.Answer != "72小时内赔付" {
		t.Errorf("edit: %+v %v", ed, err)
	}
	if _, err := s.Retire(ctx, "presale", e1.ID, wang, "过时"); !errors.Is(err, ErrPermission) {
		t.Errorf("agent retire: %v", err)
	}
	r, err := s.Retire(ctx, "presale", e1.ID, chen, "保险公司规则变了")
	if err != nil || r.State != Retired {
		t.Fatalf("retire: %+v %v", r, err)
	}
	if hits, _ := s.Search(ctx, "presale", "运费险理赔", 5); len(hits) != 0 {
		t.Errorf("retired entry still found: %v", hits)
	}
	if n, _ := s.Contributions(ctx, "presale", time.Time{}, clk.Now().Add(time.Hour)); n["xiaowang"] != 1 || n["xiaoli"] != 0 {
		t.Errorf("contributions: %v", n)
	}
	actions := []string{}
	for _, h := range r.History {
		actions = append(actions, h.Action)
	}
	if strings.Join(actions, ",") != "submit,approve,verify,verify,edit,retire" {
		t.Errorf("history: %v", actions)
	}
}

func TestConcurrentApproveOnce(t *testing.T) {
	ctx := context.Background()
	s, st, _ := newTestService(t)
	e, _ := mustSubmit(t, s, "presale", wang, "a是什么 | b")
	other := New(st, DefaultSettings(), time.Now) // a second replica
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := s
			if i%2 == 1 {
				svc = other
			}
			_, errs[i] = svc.Approve(ctx, "presale", e.ID, chen, "")
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrState) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d approvals succeeded, want 1", ok)
	}
	if p := ledger(t, st); len(p) != 1 {
		t.Errorf("points entries: %d", len(p))
	}
}

func TestSearchCacheSeesOtherReplicas(t *testing.T) {
	ctx := context.Background()
	s, st, _ := newTestService(t)
	if hits, _ := s.Search(ctx, "presale", "价保", 5); len(hits) != 0 {
		t.Fatal(hits)
	}
	other := New(st, DefaultSettings(), time.Now)
	e, _ := mustSubmit(t, other, "presale", wang, "买完降价能退差价吗 | 30天价保 #价保")
	if _, err := other.Approve(ctx, "presale", e.ID, chen, ""); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "presale", "价保", 5); len(hits) != 1 {
		t.Errorf("cached index did not see the other replica's approval: %v", hits)
	}
}

func TestAsks(t *testing.T) {
	ctx := context.Background()
	s, _, clk := newTestService(t)
	for i, q := range []string{"直播间抽奖的奖品什么时候发", "直播间抽奖奖品什么时候发？", "直播间的抽奖奖品什么时候发"} {
		by := wang
		if i > 0 {
			by = li
		}
		a, err := s.RecordAsk(ctx, "presale", by, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Count != i+1 || a.ID != 1 {
			t.Errorf("ask %d: count %d id %d", i, a.Count, a.ID)
		}
	}
	if _, err := s.RecordAsk(ctx, "presale", wang, "企业采购可以签合同吗"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordAsk(ctx, "presale", wang, "？"); !errors.Is(err, ErrLimit) {
		t.Errorf("empty ask: %v", err)
	}
	top, err := s.Unanswered(ctx, "presale", clk.Now())
	if err != nil || len(top) != 2 || top[0].Recent != 3 || len(top[0].Ask.Askers) != 2 || top[1].Recent != 1 {
		t.Fatalf("unanswered: %+v %v", top, err)
	}
	// A week later the window has moved on.
	clk.Add(8 * 24 * time.Hour)
	if top, _ := s.Unanswered(ctx, "presale", clk.Now()); len(top) != 0 {
		t.Errorf("old asks still in the week: %+v", top)
	}
	// An approved entry answers the question.
	s.RecordAsk(ctx, "presale", wang, "直播间抽奖奖品什么时候发")
	e, _ := mustSubmit(t, s, "presale", li, "直播间抽奖的奖品什么时候发 | 开奖后7天内发出 #活动")
	if _, err := s.Approve(ctx, "presale", e.ID, chen, ""); err != nil {
		t.Fatal(err)
	}
	if top, _ := s.Unanswered(ctx, "presale", clk.Now()); len(top) != 0 {
		t.Errorf("answered ask still listed: %+v", top[0].Ask)
	}
	// Top N.
	for i := range 25 {
		s.RecordAsk(ctx, "aftersale", wang, fmt.Sprintf("第%d号仓库的地址是哪里", i))
	}
	if top, _ := s.Unanswered(ctx, "aftersale", clk.Now()); len(top) != 20 {
		t.Errorf("top unanswered: %d", len(top))
	}
}

func TestToQuiz(t *testing.T) {
	ctx := context.Background()
	s, st, _ := newTestService(t)
	var ids []int64
	for _, text := range []string{"退货运费谁出 | 质量问题我们承担 #运费", "运费险怎么理赔 | 72小时内赔付 #运费", "退货地址在哪 | 杭州仓 #退货"} {
		e, _ := mustSubmit(t, s, "presale", wang, text)
		if _, err := s.Approve(ctx, "presale", e.ID, chen, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	pending, _ := mustSubmit(t, s, "presale", wang, "p是什么 | q")
	if _, _, err := s.ToQuiz(ctx, "presale", pending.ID, wang); !errors.Is(err, ErrState) {
		t.Errorf("quiz from a pending entry: %v", err)
	}
	d, created, err := s.ToQuiz(ctx, "presale", ids[0], li)
	if err != nil || !created {
		t.Fatal(err)
	}
	if d.Type != "single" || len(d.Options) < 2 || d.Options[d.Answer[0]] != "质量问题我们承担" || d.State != DraftPending || d.SourceRef != "knowledge:presale:1" {
		t.Errorf("draft: %+v", d)
	}
	v, err := st.Get(ctx, QuizDraftsColl, "presale/knowledge-1")
	if err != nil {
		t.Fatal(err)
	}
	var stored QuizDraft
	if json.Unmarshal(v, &stored); stored.Question != "退货运费谁出" {
		t.Errorf("stored draft: %s", v)
	}
	if _, created, _ := s.ToQuiz(ctx, "presale", ids[0], li); created {
		t.Error("a second draft of the same entry")
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newTestService(t)
	a, _ := mustSubmit(t, s, "presale", wang, "问：=HYPERLINK(\"http://x\")是什么\n相似问：+1怎么算；@谁\n答：-5元补偿\n标签：#售后")
	s.Approve(ctx, "presale", a.ID, chen, "")
	b, _ := mustSubmit(t, s, "presale", li, "旧问题 | 旧答案 #活动")
	s.Approve(ctx, "presale", b.ID, chen, "")
	s.Retire(ctx, "presale", b.ID, chen, "活动结束")
	mustSubmit(t, s, "presale", li, "待审核的问题 | 不导出")
	all, _ := s.Entries(ctx, "presale")
	loc := time.FixedZone("CST", 8*3600)
	rows := ExportRows(all, false, loc)
	if len(rows) != 1 || rows[0][4] != ExportEnabled || rows[0][5] != "小王" || rows[0][6] != "2026-06-01 18:00" || rows[0][1] != "+1怎么算\n@谁" {
		t.Fatalf("rows: %q", rows)
	}
	if rows := ExportRows(all, true, loc); len(rows) != 2 || rows[1][4] != ExportDisabled {
		t.Errorf("with retired: %q", rows)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Error("CSV without BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "标准问题,相似问题,答案,分类,状态,贡献者,更新时间" {
		t.Errorf("header: %v", recs[0])
	}
	if recs[1][0] != "'=HYPERLINK(\"http://x\")是什么" || recs[1][1] != "'+1怎么算\n@谁" || recs[1][2] != "'-5元补偿" {
		t.Errorf("CSV cells not neutralised: %q", recs[1])
	}
	buf.Reset()
	if err := WriteXLSX(&buf, []Sheet{{Name: "售前组", Rows: rows}, {Name: "售后组"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); strings.Join(sheets, ",") != "售前组,售后组" {
		t.Errorf("sheets: %v", sheets)
	}
	for cell, want := range map[string]string{"A1": "标准问题", "G1": "更新时间", "A2": "'=HYPERLINK(\"http://x\")是什么", "C2": "'-5元补偿", "D2": "售后", "E2": "启用"} {
		if got, _ := f.GetCellValue("售前组", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
		if formula, _ := f.GetCellFormula("售前组", cell); formula != "" {
			t.Errorf("%s holds a formula %q", cell, formula)
		}
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
