package kpi

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/banzu-bot/banzu/store"
)

// dumpStore returns every stored KPI document, key -> value.
func dumpStore(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.Scan(context.Background(), Collection, "", "", func(k string, v []byte) error {
		out[k] = string(v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameDump(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// hasChinese reports whether s contains at least one CJK character, i.e. it
// reads as a Chinese sentence rather than a Go error string.
func hasChinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// junk returns n pseudo-random bytes.
func junk(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// badFiles are small files every one of which must fail with a clear
// Chinese error of the given kind.
func badFiles(t *testing.T, dir string) []struct {
	name string
	path string
	kind error
	want string // a phrase the message must contain
} {
	t.Helper()
	xlsx, err := os.ReadFile(filepath.Join(samplesDir, "chitu-presales-daily.xlsx"))
	if err != nil {
		t.Skipf("samples not found: %v", err)
	}
	highJunk := junk(64<<10, 3)
	for i := range highJunk {
		highJunk[i] |= 0x80 // no NUL, no ASCII: decodes as GBK "text"
	}
	return []struct {
		name string
		path string
		kind error
		want string
	}{
		{"empty", writeFile(t, dir, "empty.csv", nil), ErrEmptyFile, "空"},
		{"bom only", writeFile(t, dir, "bom.csv", []byte("\ufeff\r\n \r\n")), ErrEmptyFile, "空"},
		{"only commas", writeFile(t, dir, "commas.csv", []byte(",,,\n,,,\n")), ErrEmptyFile, "没有任何数据"},
		{"pdf", writeFile(t, dir, "report.csv", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")), ErrUnknownFormat, "不是表格文件"},
		{"png", writeFile(t, dir, "shot.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), junk(4000, 1)...)), ErrUnknownFormat, "不是表格文件"},
		{"zip of csv", writeFile(t, dir, "export.zip", zipOf(t, map[string]string{"feige.csv": feigeHeader})), ErrUnknownFormat, "压缩包"},
		{"docx", writeFile(t, dir, "notes.docx", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})), ErrUnknownFormat, "Word"},
		{"truncated xlsx", writeFile(t, dir, "cut.xlsx", xlsx[:len(xlsx)/2]), ErrUnknownFormat, "损坏"},
		{"old xls", writeFile(t, dir, "old.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, junk(4000, 2)...)), ErrUnknownFormat, ".xls"},
		{"html xls", writeFile(t, dir, "web.xls", []byte("<html><body><table><tr><td>旺旺</td></tr></table></body></html>")), ErrUnknownFormat, "网页"},
		{"binary junk", writeFile(t, dir, "junk.csv", junk(200<<10, 4)), ErrUnknownFormat, "无法识别"},
		{"high-byte junk", writeFile(t, dir, "junk2.csv", highJunk), ErrUnknownFormat, "无法识别"},
		{"no header", writeFile(t, dir, "people.csv", []byte("姓名,年龄,城市\n张三,20,杭州\n李四,31,上海\n")), ErrNoHeader, "找不到表头"},
		{"prose", writeFile(t, dir, "readme.txt", []byte(strings.Repeat("这是一份说明文字，不是报表。\n", 50))), ErrNoHeader, "找不到表头"},
		{"header only agent", writeFile(t, dir, "agents.csv", []byte("日期,客服昵称,备注\n2026-10-01,小王,好\n")), ErrNoHeader, "表头"},
		{"unclosed quote", writeFile(t, dir, "quote.csv", []byte("\ufeff"+feigeHeader+
			"2026-10-01,\"抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,1023.40,27,8,7,25.93%\n"+
			strings.Repeat("2026-10-02,抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,1023.40,27,8,7,25.93%\n", 5000))), ErrUnknownFormat, "引号"},
		{"long first line", writeFile(t, dir, "longline.csv", bytes.Repeat([]byte("旺旺"), 300<<10)), ErrUnknownFormat, "不像是报表"},
		{"bad value", writeFile(t, dir, "badvalue.csv", []byte("\ufeff"+feigeHeader+
			"2026-10-01,抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,1023.40,27,8,7,25.93%\n"+
			"2026-10-02,抖店旗舰店,小王,acct_1,四十,44,0.00%,89.77%,25.2,52.4,93.33%,1023.40,27,8,7,25.93%\n")), ErrBadValue, "第 3 行"},
	}
}

// TestBadFilesLeaveStoreIntact imports a good file, then each bad file, and
// checks that every bad file fails with a Chinese message of the right kind
// and that the stored records did not change.
func TestBadFilesLeaveStoreIntact(t *testing.T) {
	e := loadExpected(t)
	repo := newTestRepo(t)
	im := &Importer{Sink: repo, Resolver: sampleResolver(e)}
	importSample(t, im, "feige-agent-daily.csv")
	before := dumpStore(t, repo.st)
	if len(before) != 248 {
		t.Fatalf("stored %d records, want 248", len(before))
	}
	ctx := context.Background()
	for _, bf := range badFiles(t, t.TempDir()) {
		t.Run(bf.name, func(t *testing.T) {
			_, err := im.ImportFile(ctx, bf.path, Options{Team: "t1"})
			checkImportErr(t, err, bf.kind, bf.want)
			// The upload path must say the same.
			f, oerr := os.Open(bf.path)
			if oerr != nil {
				t.Fatal(oerr)
			}
			defer f.Close()
			_, err = im.ImportReader(ctx, f, filepath.Base(bf.path), Options{Team: "t1"})
			checkImportErr(t, err, bf.kind, bf.want)
			if after := dumpStore(t, repo.st); !sameDump(before, after) {
				t.Errorf("store changed: %d records before, %d after", len(before), len(after))
			}
		})
	}
}

func checkImportErr(t *testing.T, err error, kind error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("import succeeded, want an error")
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T %q is not an ImportError", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error kind %v, want %v (%s)", ie.Kind, kind, ie.Msg)
	}
	t.Logf("%s", ie.Msg)
	if !hasChinese(ie.Msg) || !strings.Contains(ie.Msg, want) || !utf8.ValidString(ie.Msg) {
		t.Errorf("message %q should be Chinese and mention %q", ie.Msg, want)
	}
}

// write50MB writes a 飞鸽 export of just over 50 MB for the sample agents; with
// badLast the final row carries an unreadable number.
func write50MB(t *testing.T, dir string, agents []string, badLast bool) string {
	t.Helper()
	p := filepath.Join(dir, "big.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// About 100 bytes a row.
	if err := WriteSampleFeige(w, 540_000, agents, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if badLast {
		if _, err := w.WriteString("2026-10-31,抖店旗舰店,小王,acct_1,41,44,0.00%,89.77%,25.2,52.4,93.33%,一千,27,8,7,25.93%\n"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() < 50<<20 {
		t.Fatalf("file is %d bytes, want at least 50 MB", st.Size())
	}
	return p
}

// TestBigFile covers a 50 MB file: over a lower size limit it is refused
// before reading (from disk and as an upload); within the default limit but
// with one bad value in its very last row it is read to the end and then
// refused, with the store untouched.
func TestBigFile(t *testing.T) {
	e := loadExpected(t)
	repo := newTestRepo(t)
	res := sampleResolver(e)
	im := &Importer{Sink: repo, Resolver: res, TempDir: t.TempDir()}
	importSample(t, im, "feige-agent-daily.csv")
	before := dumpStore(t, repo.st)
	path := write50MB(t, t.TempDir(), e.Agents[1:], true)
	ctx := context.Background()

	small := &Importer{Sink: repo, Resolver: res, MaxBytes: 32 << 20, TempDir: t.TempDir()}
	_, err := small.ImportFile(ctx, path, Options{Team: "t1"})
	checkImportErr(t, err, ErrTooLarge, "超过上限 32 MB")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = small.ImportReader(ctx, f, "big.csv", Options{Team: "t1"})
	checkImportErr(t, err, ErrTooLarge, "拆分")

	if testing.Short() {
		t.Skip("-short: skipping the full read of the 50 MB file")
	}
	sum, err := im.ImportFile(ctx, path, Options{Team: "t1"})
	checkImportErr(t, err, ErrBadValue, "第 540002 行")
	if sum == nil || sum.RowsRead != 540_001 || sum.ErrorRows != 1 || sum.Records != 0 {
		t.Errorf("summary %+v", sum)
	}
	if after := dumpStore(t, repo.st); !sameDump(before, after) {
		t.Errorf("store changed: %d records before, %d after", len(before), len(after))
	}
	// No spool file is left behind.
	if left, _ := filepath.Glob(filepath.Join(im.TempDir, "banzu-kpi-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestProgress checks that Progress reports reading, writing and the end.
func TestProgress(t *testing.T) {
	agents, res := benchAgents(50)
	path := writeFeigeFile(t, t.TempDir(), 20_000, agents)
	var got []Progress
	im := &Importer{Sink: newTestRepo(t), Resolver: res, Progress: func(p Progress) { got = append(got, p) }}
	sum, err := im.ImportFile(context.Background(), path, Options{Team: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	var reading, writing int
	for _, p := range got {
		if p.Writing {
			writing++
		} else if !p.Done {
			reading++
			if p.Bytes <= 0 || p.Bytes > p.Size || p.Rows <= 0 {
				t.Errorf("reading progress %+v", p)
			}
		}
	}
	last := got[len(got)-1]
	if reading == 0 || writing == 0 || !last.Done || last.Records != sum.Records || last.Bytes != last.Size {
		t.Errorf("progress: %d reading, %d writing, last %+v (summary records %d)", reading, writing, last, sum.Records)
	}
}
