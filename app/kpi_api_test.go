package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/config"
	"github.com/banzu-bot/banzu/demo"
	"github.com/banzu-bot/banzu/kpi"
)

const kpiSamples = "../../shared/samples"

// kpiAPIApp builds the demo company with the given API token; nothing is
// started: the import API needs only the store and the roster.
func kpiAPIApp(t *testing.T, token string) *app.App {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir()) // uploads are spooled here; checked by noTempFiles
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.API.Token = token
	cfg.Console.Token = "console-secret" // the API must not need it
	// httptest.NewRequest's Host, which the API's Host check must accept.
	cfg.Console.AllowedHosts = []string{"example.com"}
	demo.Apply(cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// kpiNoTempFiles checks that the uploads went to banzu's own temporary
// folder under data_dir, not the system's, and were removed.
func kpiNoTempFiles(t *testing.T, a *app.App) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(os.TempDir(), "banzu-kpi-*"))
	if len(left) > 0 {
		t.Errorf("temporary files in the system's temp folder: %v", left)
	}
	if !strings.HasPrefix(a.TempDir(), filepath.Join(a.Cfg.DataDir, "tmp")+string(filepath.Separator)) {
		t.Errorf("TempDir %q is not under data_dir/tmp", a.TempDir())
	}
	entries, err := os.ReadDir(a.TempDir())
	if err != nil {
		t.Errorf("the uploads did not go through %s: %v", a.TempDir(), err)
	}
	for _, e := range entries {
		t.Errorf("temporary file left behind: %s", e.Name())
	}
}

// part is one multipart part: a file when file is set, else a field.
type kpiPart struct {
	name, file string
	body       []byte
}

func kpiFileFrom(t *testing.T, path string) kpiPart {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("samples not found: %v", err)
	}
	return kpiPart{name: "file", file: filepath.Base(path), body: b}
}

func kpiField(name, value string) kpiPart { return kpiPart{name: name, body: []byte(value)} }

// upload posts parts to the import API and decodes the JSON answer.
func kpiUpload(t *testing.T, a *app.App, auth string, parts ...kpiPart) (int, app.KPIImportResponse) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.file != "" {
			w, err = mw.CreateFormFile(p.name, p.file)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.body)
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/api/v1/kpi/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return kpiServe(t, a, req)
}

func kpiServe(t *testing.T, a *app.App, req *http.Request) (int, app.KPIImportResponse) {
	t.Helper()
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	var resp app.KPIImportResponse
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("status %d, content type %q: %s", rec.Code, ct, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d, bad JSON %q: %v", rec.Code, rec.Body.String(), err)
	}
	return rec.Code, resp
}

func kpiStoredDocs(t *testing.T, a *app.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := a.Store.Scan(context.Background(), kpi.Collection, "", "", func(k string, v []byte) error {
		out[k] = string(v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKPIImportAPIDisabledWithoutToken(t *testing.T) {
	a := kpiAPIApp(t, "")
	code, resp := kpiUpload(t, a, "Bearer anything", kpiField("team", "presale"))
	if code != http.StatusForbidden || !strings.Contains(resp.Error, "api.token") || resp.OK {
		t.Errorf("disabled API: %d %+v", code, resp)
	}
}

func TestKPIImportAPIToken(t *testing.T) {
	a := kpiAPIApp(t, "s3cret")
	for _, auth := range []string{"", "Bearer wrong", "s3cret", "Bearer s3cre", "Basic s3cret"} {
		code, resp := kpiUpload(t, a, auth, kpiField("team", "presale"))
		if code != http.StatusUnauthorized || !strings.Contains(resp.Error, "令牌") {
			t.Errorf("auth %q: %d %+v", auth, code, resp)
		}
	}
	// Only POST imports.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/api/v1/kpi/import", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	a.Handler().ServeHTTP(rec, req)
	if rec.Code == http.StatusOK {
		t.Errorf("GET: %d", rec.Code)
	}
}

func TestKPIImportAPIImportsFiles(t *testing.T) {
	a := kpiAPIApp(t, "s3cret")
	feige := kpiFileFrom(t, filepath.Join(kpiSamples, "feige-agent-daily.csv"))
	chitu := kpiFileFrom(t, filepath.Join(kpiSamples, "chitu-presales-daily.xlsx"))
	// The fields come after the files: the handler must still see them.
	code, resp := kpiUpload(t, a, "Bearer s3cret", feige, chitu, kpiField("team", "presale"))
	if code != http.StatusOK || !resp.OK || resp.DryRun || resp.Team != "presale" || len(resp.Files) != 2 {
		t.Fatalf("import: %d %+v", code, resp)
	}
	f0, f1 := resp.Files[0], resp.Files[1]
	if f0.File != "feige-agent-daily.csv" || f0.Preset != "feige" || f0.RowsRead != 248 || f0.Imported != 248 ||
		f0.Records != 248 || f0.From != "2026-10-01" || f0.To != "2026-10-31" || f0.Days != 31 || len(f0.Unknown) != 0 {
		t.Errorf("feige summary %+v", f0)
	}
	if f1.Preset != "chitu" || f1.Format != "XLSX" || f1.RowsRead != 279 || f1.Imported != 248 || f1.SkippedRows != 31 ||
		f1.Skipped[kpi.SkipSummary] != 31 || !strings.Contains(f1.Text, "跳过原因：汇总行 31 行") {
		t.Errorf("chitu summary %+v", f1)
	}
	if got := kpiStoredDocs(t, a); len(got) != 2*248 {
		t.Errorf("stored %d records, want %d", len(got), 2*248)
	}
	rep, err := kpi.NewRepo(a.Store).Range(context.Background(), "presale", "2026-10-01", "2026-10-31")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Agents) != 8 {
		t.Errorf("agents %v", rep.AgentIDs())
	}
	kpiNoTempFiles(t, a)
}

func TestKPIImportAPIDryRunAndUnknownAgents(t *testing.T) {
	a := kpiAPIApp(t, "s3cret")
	csv := "日期,旺旺,接待人数,很满意,满意,一般,不满意,很不满意\n2026-10-01,小王,41,10,4,1,0,0\n2026-10-01,张三,30,5,1,0,0,0\n"
	code, resp := kpiUpload(t, a, "Bearer s3cret", kpiField("team", "presale"), kpiField("dry_run", "true"),
		kpiPart{name: "file", file: "ratings.csv", body: []byte(csv)})
	if code != http.StatusOK || !resp.DryRun || len(resp.Files) != 1 {
		t.Fatalf("dry run: %d %+v", code, resp)
	}
	f := resp.Files[0]
	if f.Imported != 1 || f.Records != 1 || len(f.Unknown) != 1 || f.Unknown[0].Name != "张三" || f.Unknown[0].Rows != 1 ||
		f.Skipped[kpi.SkipUnknownAgent] != 1 || !strings.Contains(f.Text, "试运行") || !strings.Contains(f.Text, "别名") {
		t.Errorf("dry run summary %+v", f)
	}
	if got := kpiStoredDocs(t, a); len(got) != 0 {
		t.Errorf("dry run stored %d records", len(got))
	}
}

func TestKPIImportAPIBadFilesAndParams(t *testing.T) {
	a := kpiAPIApp(t, "s3cret")
	feige := kpiFileFrom(t, filepath.Join(kpiSamples, "feige-agent-daily.csv"))
	if code, resp := kpiUpload(t, a, "Bearer s3cret", kpiField("team", "presale"), feige); code != http.StatusOK {
		t.Fatalf("good file: %d %+v", code, resp)
	}
	before := kpiStoredDocs(t, a)
	pdf := kpiPart{name: "file", file: "report.pdf", body: []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")}
	empty := kpiPart{name: "file", file: "empty.csv", body: nil}
	noHeader := kpiPart{name: "file", file: "people.csv", body: []byte("姓名,年龄\n张三,20\n")}
	cases := []struct {
		name  string
		parts []kpiPart
		want  string
	}{
		{"pdf", []kpiPart{kpiField("team", "presale"), pdf}, "不是表格文件"},
		{"empty", []kpiPart{kpiField("team", "presale"), empty}, "文件是空的"},
		{"no header", []kpiPart{kpiField("team", "presale"), noHeader}, "找不到表头"},
		{"one bad of two", []kpiPart{kpiField("team", "presale"), noHeader, pdf}, "2 个文件中有 2 个导入失败"},
		{"unknown team", []kpiPart{kpiField("team", "nope"), pdf}, "没有团队“nope”"},
		{"no team", []kpiPart{pdf}, "请指定导入到哪个团队"},
		{"no file", []kpiPart{kpiField("team", "presale")}, "没有收到文件"},
		{"bad dry_run", []kpiPart{kpiField("team", "presale"), kpiField("dry_run", "maybe"), feige}, "dry_run"},
		{"bad date", []kpiPart{kpiField("team", "presale"), kpiField("date", "昨天"), feige}, "导入日期“昨天”无法识别"},
		{"bad preset", []kpiPart{kpiField("team", "presale"), kpiField("preset", "taobao"), feige}, "未知的导入格式"},
	}
	for _, c := range cases {
		code, resp := kpiUpload(t, a, "Bearer s3cret", c.parts...)
		if code != http.StatusBadRequest || resp.OK || !strings.Contains(resp.Error, c.want) {
			t.Errorf("%s: %d %+v, want 400 with %q", c.name, code, resp, c.want)
		}
	}
	// A file that fails is reported per file too.
	_, resp := kpiUpload(t, a, "Bearer s3cret", kpiField("team", "presale"), pdf)
	if len(resp.Files) != 1 || resp.Files[0].OK || resp.Files[0].File != "report.pdf" || !strings.Contains(resp.Files[0].Error, "不是表格文件") {
		t.Errorf("per-file error %+v", resp.Files)
	}
	// Not a multipart form.
	req := httptest.NewRequest("POST", "/api/v1/kpi/import", strings.NewReader(`{"team":"presale"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer s3cret")
	if code, resp := kpiServe(t, a, req); code != http.StatusBadRequest || !strings.Contains(resp.Error, "multipart/form-data") {
		t.Errorf("JSON body: %d %+v", code, resp)
	}

	after := kpiStoredDocs(t, a)
	if len(after) != len(before) {
		t.Fatalf("stored %d records after the bad files, %d before", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("record %s changed", k)
		}
	}
	kpiNoTempFiles(t, a)
}

// kpiRepeatReader yields n bytes of a CSV-looking line, without holding them.
type kpiRepeatReader struct {
	line []byte
	n    int64
	off  int
}

func (r *kpiRepeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:min(len(p), k+int(min(r.n, int64(len(r.line)-r.off))))], r.line[r.off:])
		k += c
		r.n -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return k, nil
}

func TestKPIImportAPIBodyLimit(t *testing.T) {
	a := kpiAPIApp(t, "s3cret")
	// A declared length over the limit is refused before reading.
	req := httptest.NewRequest("POST", "/api/v1/kpi/import", strings.NewReader("x"))
	req.ContentLength = 80 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer s3cret")
	if code, resp := kpiServe(t, a, req); code != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Error, "64 MB") {
		t.Errorf("declared length: %d %+v", code, resp)
	}
	// A streamed (chunked) body is cut off at the limit.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("team", "presale")
		w, _ := mw.CreateFormFile("file", "huge.csv")
		line := []byte("2026-10-01,抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,1023.40,27,8,7,25.93%\n")
		_, err := io.Copy(w, &kpiRepeatReader{line: line, n: 70 << 20})
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req = httptest.NewRequest("POST", "/api/v1/kpi/import", pr)
	req.ContentLength = -1
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer s3cret")
	code, resp := kpiServe(t, a, req)
	pr.CloseWithError(io.ErrClosedPipe)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Error, "拆分") {
		t.Errorf("streamed body: %d %+v", code, resp)
	}
	if got := kpiStoredDocs(t, a); len(got) != 0 {
		t.Errorf("stored %d records", len(got))
	}
	kpiNoTempFiles(t, a)
}
