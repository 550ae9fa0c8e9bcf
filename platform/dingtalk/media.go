package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/banzu-bot/banzu/bot"
)

const (
	pathMediaUpload = "/media/upload"
	// maxFileBytes is DingTalk's limit on an uploaded file.
	maxFileBytes = 20 << 20
)

// uploadFile uploads f as a "file" media through the oapi and returns its
// media_id.
func (p *Platform) uploadFile(ctx context.Context, f *bot.File) (string, error) {
	switch {
	case f.Name == "":
		return "", &bot.PermanentError{Err: errors.New("dingtalk: file has no name")}
	case len(f.Data) == 0:
		return "", &bot.PermanentError{Err: errors.New("dingtalk: file is empty")}
	case len(f.Data) > maxFileBytes:
		return "", &bot.PermanentError{Err: fmt.Errorf("dingtalk: file is %d bytes, over the %d limit", len(f.Data), maxFileBytes)}
	}
	body, contentType, err := multipartFile(f)
	if err != nil {
		return "", &bot.PermanentError{Err: err}
	}
	var mediaID string
	err = p.withToken(ctx, func(token string) error {
		q := url.Values{"access_token": {token}, "type": {"file"}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.OAPIBase+pathMediaUpload+"?"+q.Encode(), bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		resp, respBody, err := p.doHTTP("media/upload", req)
		if err != nil {
			return err
		}
		if err := checkErrcode("media/upload", resp, respBody); err != nil {
			return err
		}
		var out struct {
			MediaID string `json:"media_id"`
		}
		if err := json.Unmarshal(respBody, &out); err != nil || out.MediaID == "" {
			return &apiError{Op: "media/upload", Status: resp.StatusCode, Message: "no media_id in " + snippet(respBody)}
		}
		mediaID = out.MediaID
		return nil
	})
	return mediaID, botError(err)
}

// multipartFile builds the upload body: field "type" = "file" and the file
// in field "media" under its own name.
func multipartFile(f *bot.File) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("type", "file"); err != nil {
		return nil, "", err
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="media"; filename="%s"`, quoteEscape(f.Name)))
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(f.Data); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

func quoteEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "").Replace(s)
}

// fileMessage is the sampleFile message for an uploaded file.
func fileMessage(mediaID string, f *bot.File) robotMessage {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(f.Name)), ".")
	if ext == "" {
		ext = "file"
	}
	return robotMessage{keyFile, map[string]string{"mediaId": mediaID, "fileName": f.Name, "fileType": ext}}
}
