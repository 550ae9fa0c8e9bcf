package app

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/banzu-bot/banzu/kpi"
	"github.com/banzu-bot/banzu/tmpdir"
)

// kpiUploadSlack is what a multipart body may carry beyond the file size
// limit: part headers, boundaries and the form fields.
const kpiUploadSlack = 1 << 20

// kpiImportFields are the form fields the import API reads (also accepted as
// query parameters); their values are short.
var kpiImportFields = map[string]bool{"team": true, "date": true, "preset": true, "dry_run": true}

// KPIImportResponse is the JSON answer of POST /api/v1/kpi/import.
type KPIImportResponse struct {
	OK     bool            `json:"ok"`
	DryRun bool            `json:"dry_run"`
	Team   string          `json:"team,omitempty"`
	Error  string          `json:"error,omitempty"` // Simplified Chinese
	Files  []KPIFileResult `json:"files,omitempty"`
}

// KPIFileResult is one uploaded file's import summary.
type KPIFileResult struct {
	File        string            `json:"file"`
	OK          bool              `json:"ok"`
	Error       string            `json:"error,omitempty"` // Simplified Chinese
	Format      string            `json:"format,omitempty"`
	Sheet       string            `json:"sheet,omitempty"`
	Preset      string            `json:"preset,omitempty"`
	PresetLabel string            `json:"preset_label,omitempty"`
	Source      string            `json:"source,omitempty"`
	HeaderRow   int               `json:"header_row,omitempty"`
	Columns     []KPIColumn       `json:"columns,omitempty"`
	Unmapped    []string          `json:"unmapped,omitempty"`
	RowsRead    int               `json:"rows_read"`
	Imported    int               `json:"imported"`
	SkippedRows int               `json:"skipped_rows"`
	Skipped     map[string]int    `json:"skipped"` // reason (Chinese) -> rows
	Unknown     []KPIUnknownAgent `json:"unknown_agents"`
	From        string            `json:"from,omitempty"`
	To          string            `json:"to,omitempty"`
	Days        int               `json:"days"`
	Records     int               `json:"records"` // agent-day records written (or, on a dry run, to write)
	ErrorRows   int               `json:"error_rows"`
	ErrorCount  int               `json:"error_count"`
	RowErrors   []KPIRowError     `json:"row_errors,omitempty"`
	Text        string            `json:"text,omitempty"` // the summary as the CLI prints it
}

// KPIColumn is how one column title was understood.
type KPIColumn struct {
	Title  string `json:"title"`
	Column string `json:"column"`
}

// KPIUnknownAgent is an account that matched no member, with its rows.
type KPIUnknownAgent struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
}

// KPIRowError is one cell that could not be read.
type KPIRowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// kpiFileResult converts an import's outcome.
func kpiFileResult(name string, sum *kpi.Summary, err error, dryRun bool) KPIFileResult {
	res := KPIFileResult{File: name, OK: err == nil, Skipped: map[string]int{}, Unknown: []KPIUnknownAgent{}}
	if err != nil {
		res.Error = err.Error()
	}
	if sum == nil {
		return res
	}
	if sum.File != "" {
		res.File = sum.File
	}
	res.Format, res.Sheet, res.Preset, res.PresetLabel = sum.Format, sum.Sheet, sum.Preset, sum.PresetLabel
	res.Source, res.HeaderRow, res.Unmapped = sum.Source, sum.HeaderRow, sum.Unmapped
	for _, c := range sum.Columns {
		res.Columns = append(res.Columns, KPIColumn{Title: c.Title, Column: c.Column})
	}
	res.RowsRead, res.Imported, res.SkippedRows = sum.RowsRead, sum.Imported, sum.SkippedRows()
	for k, v := range sum.Skipped {
		if v > 0 {
			res.Skipped[k] = v
		}
	}
	for _, u := range sum.Unknown {
		res.Unknown = append(res.Unknown, KPIUnknownAgent{Name: u.Name, Rows: u.Rows})
	}
	res.From, res.To, res.Days, res.Records = sum.From, sum.To, sum.Days, sum.Records
	res.ErrorRows, res.ErrorCount = sum.ErrorRows, sum.ErrorCount
	for _, e := range sum.Errors {
		res.RowErrors = append(res.RowErrors, KPIRowError{Row: e.Row, Column: e.Column, Value: e.Value, Message: e.Msg})
	}
	if sum.PresetLabel != "" {
		res.Text = kpi.FormatSummary(sum, dryRun)
	}
	return res
}

func kpiWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func kpiAPIError(w http.ResponseWriter, status int, msg string) {
	kpiWriteJSON(w, status, KPIImportResponse{Error: msg})
}

// checkAPIToken answers 403 when the API is disabled and 401 for a missing or
// wrong bearer token; it reports whether the request may go on.
func (a *App) checkAPIToken(w http.ResponseWriter, r *http.Request) bool {
	token := a.Cfg.API.Token
	if token == "" {
		kpiAPIError(w, http.StatusForbidden, "HTTP 接口未启用：请在配置文件中设置 api.token（或环境变量 BANZU_API_TOKEN）并重启 banzu，然后在请求头带上 Authorization: Bearer 令牌。")
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="banzu"`)
		kpiAPIError(w, http.StatusUnauthorized, "令牌无效或缺失：请在请求头带上 Authorization: Bearer <api.token>。")
		return false
	}
	return true
}

// kpiUpload is one file part saved to a temporary file.
type kpiUpload struct {
	name string // as sent (base name)
	path string
}

// kpiImport handles POST /api/v1/kpi/import: a multipart form with one or
// more "file" parts and the fields team, date, preset and dry_run. Each file
// part is streamed to a temporary file (never held in memory) and imported
// once the whole form is read, since the fields may follow the files. Each
// file is imported on its own: a bad file writes nothing, and the others
// still import.
func (a *App) kpiImport(w http.ResponseWriter, r *http.Request) {
	if !a.checkAPIToken(w, r) {
		return
	}
	maxFile := int64(kpi.DefaultMaxBytes)
	limit := maxFile + kpiUploadSlack
	tooLarge := fmt.Sprintf("上传内容超过 %d MB 的上限；请按月或按店铺拆分文件后分几次上传。", maxFile>>20)
	if r.ContentLength > limit {
		kpiAPIError(w, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		kpiAPIError(w, http.StatusBadRequest, "请求格式不对：请用 multipart/form-data 表单上传，文件放在 file 字段中（例如 curl -F file=@报表.csv -F team=presale）。")
		return
	}

	fields := map[string]string{}
	q := r.URL.Query()
	for k := range kpiImportFields {
		if v := q.Get(k); v != "" {
			fields[k] = v
		}
	}
	var files []kpiUpload
	defer func() {
		for _, f := range files {
			_ = os.Remove(f.path)
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			a.kpiUploadError(w, err, tooLarge)
			return
		}
		name := part.FormName()
		switch {
		case name == "file":
			up, err := a.kpiSaveUpload(part, maxFile)
			if up.path != "" {
				files = append(files, up)
			}
			if err != nil {
				a.kpiUploadError(w, err, tooLarge)
				return
			}
		case kpiImportFields[name]:
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				a.kpiUploadError(w, err, tooLarge)
				return
			}
			fields[name] = strings.TrimSpace(string(b))
		}
		_ = part.Close()
	}
	if len(files) == 0 {
		kpiAPIError(w, http.StatusBadRequest, "没有收到文件：请把导出的 CSV 或 XLSX 文件放在表单的 file 字段中上传。")
		return
	}
	team, err := kpi.FindTeam(a.Cfg.Teams, fields["team"])
	if err != nil {
		kpiAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	dryRun := false
	if v := fields["dry_run"]; v != "" {
		if dryRun, err = strconv.ParseBool(v); err != nil {
			kpiAPIError(w, http.StatusBadRequest, fmt.Sprintf("dry_run 的值“%s”无法识别，请写 true 或 false。", v))
			return
		}
	}
	im := &kpi.Importer{Resolver: kpi.NewRosterResolver(team.Members), Mappings: a.Cfg.KPI.Mappings, Now: a.now,
		TempDir: a.tmpDir, By: "HTTP 接口（" + r.RemoteAddr + "）"}
	if dryRun {
		im.Sink = kpiDiscardSink{}
	} else {
		im.Sink = kpi.NewRepo(a.Store)
	}
	resp := KPIImportResponse{OK: true, DryRun: dryRun, Team: team.ID}
	var failed []string
	partial := 0
	serverSide := false // a store failure rather than a bad file: the caller should retry
	for _, f := range files {
		opt := kpi.Options{Team: team.ID, Preset: fields["preset"], Date: fields["date"], Name: f.name}
		sum, err := im.ImportFile(r.Context(), f.path, opt)
		if err != nil && r.Context().Err() != nil {
			return // the client went away
		}
		res := kpiFileResult(f.name, sum, err, dryRun)
		if err != nil {
			msg := err.Error()
			if sum != nil && sum.Records > 0 {
				partial++
				msg += fmt.Sprintf("（已写入 %d 条后中断，该月会提示“数据导入未完成”，请重新导入）", sum.Records)
				res.Error = msg
			}
			failed = append(failed, fmt.Sprintf("%s：%s", res.File, msg))
			var ie *kpi.ImportError
			if !errors.As(err, &ie) && (sum == nil || sum.ErrorCount == 0) {
				serverSide = true
				a.Log.Warn("kpi import failed", "team_id", team.ID, "file", f.name, "error", err)
			}
		} else {
			a.Log.Info("kpi import", "team_id", team.ID, "file", res.File, "rows", res.RowsRead, "imported", res.Imported,
				"records", res.Records, "unknown", len(res.Unknown), "dry_run", dryRun)
		}
		resp.Files = append(resp.Files, res)
	}
	status := http.StatusOK
	if len(failed) > 0 {
		resp.OK = false
		status = http.StatusBadRequest
		if serverSide {
			status = http.StatusInternalServerError
		}
		switch {
		case len(files) == 1:
			resp.Error = failed[0]
		case partial > 0:
			resp.Error = fmt.Sprintf("%d 个文件中有 %d 个导入失败（其中 %d 个只写入了一部分）：%s", len(files), len(failed), partial, strings.Join(failed, "；"))
		default:
			resp.Error = fmt.Sprintf("%d 个文件中有 %d 个导入失败（失败的文件没有写入任何数据）：%s", len(files), len(failed), strings.Join(failed, "；"))
		}
	}
	kpiWriteJSON(w, status, resp)
}

// kpiSaveUpload streams one file part to a temporary file of at most max bytes.
// The returned upload's path is set whenever a file was created.
func (a *App) kpiSaveUpload(part *multipart.Part, max int64) (kpiUpload, error) {
	name := filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "upload"
	}
	dir := a.tmpDir
	if dir != "" {
		if _, err := tmpdir.Ensure(dir); err != nil {
			return kpiUpload{}, &os.PathError{Op: "mkdir", Path: dir, Err: err}
		}
	}
	f, err := os.CreateTemp(dir, tmpdir.Pattern("kpi-upload"))
	if err != nil {
		return kpiUpload{}, err
	}
	up := kpiUpload{name: name, path: f.Name()}
	n, err := io.Copy(f, io.LimitReader(part, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > max {
		err = &http.MaxBytesError{Limit: max}
	}
	return up, err
}

// kpiUploadError answers a failure while reading the form: 413 past the size
// limit, 400 for a malformed form, 500 for a local failure.
func (a *App) kpiUploadError(w http.ResponseWriter, err error, tooLarge string) {
	var mbe *http.MaxBytesError
	var pe *os.PathError
	switch {
	case errors.As(err, &mbe):
		kpiAPIError(w, http.StatusRequestEntityTooLarge, tooLarge)
	case errors.As(err, &pe):
		a.Log.Error("kpi upload: temporary file", "error", err)
		kpiAPIError(w, http.StatusInternalServerError, "服务器暂存上传文件失败，请稍后再试。")
	default:
		kpiAPIError(w, http.StatusBadRequest, fmt.Sprintf("上传的表单无法读取（%v），请重新上传。", err))
	}
}

// kpiDiscardSink keeps nothing: the dry run's sink.
type kpiDiscardSink struct{}

func (kpiDiscardSink) PutBatch(context.Context, []kpi.Record) error { return nil }
