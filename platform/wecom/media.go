package wecom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"
	"strings"
	"unicode"

	"github.com/banzu-bot/banzu/bot"
)

// maxFileSize is WeCom's limit for a file upload (webhook and app alike).
const maxFileSize = 20 << 20

// mediaAnswer is the answer of webhook/upload_media and media/upload.
type mediaAnswer struct {
	apiResult
	Type    string `json:"type"`
	MediaID string `json:"media_id"`
}

// uploadFile POSTs f to u (see newUploadRequest) and returns the media_id.
func (p *Platform) uploadFile(ctx context.Context, u, api string, f *bot.File) (string, error) {
	req, err := newUploadRequest(ctx, u, f)
	if err != nil {
		return "", err
	}
	var res mediaAnswer
	if err := p.do(req, api, &res); err != nil {
		return "", err
	}
	return mediaID(api, res)
}

// mediaID checks an upload answer.
func mediaID(api string, res mediaAnswer) (string, error) {
	if res.MediaID == "" {
		return "", &bot.RetryError{Err: fmt.Errorf("wecom %s: answer has no media_id", api)}
	}
	return res.MediaID, nil
}

// newUploadRequest builds the multipart POST of f to u as field "media". The
// part's filename is what users see, so it is cleaned of any directory and of
// characters that break the header.
func newUploadRequest(ctx context.Context, u string, f *bot.File) (*http.Request, error) {
	if len(f.Data) == 0 {
		return nil, &bot.PermanentError{Err: errors.New("wecom: empty file")}
	}
	if len(f.Data) > maxFileSize {
		return nil, &bot.PermanentError{Err: fmt.Errorf("wecom: file of %d bytes is over the 20 MB limit", len(f.Data))}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="media"; filename="%s"; filelength=%d`, cleanFileName(f.Name), len(f.Data)))
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	_, _ = part.Write(f.Data)
	if err := mw.Close(); err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return nil, &bot.PermanentError{Err: err}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

// cleanFileName keeps the last path element of name and drops quotes,
// backslashes and control characters; "file" when nothing is left.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r == '"' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" || name == ".." {
		return "file"
	}
	return name
}
