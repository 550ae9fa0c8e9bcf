package dingtalk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/bot"
	"github.com/banzu-bot/banzu/config"
)

func TestSendErrorClassification(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		header    string
		wantRetry bool
		after     time.Duration
	}{
		{"429", http.StatusTooManyRequests, `{"code":"Throttling","message":"slow down"}`, "7", true, 7 * time.Second},
		{"qps limit as 403", http.StatusForbidden, `{"code":"Forbidden.AccessDenied.QpsLimitForApi","message":"qps"}`, "", true, 0},
		{"flow control code as 400", http.StatusBadRequest, `{"code":"flowControl.robot","message":"flow"}`, "", true, 0},
		{"500", http.StatusInternalServerError, `oops`, "", true, 0},
		{"503", http.StatusServiceUnavailable, ``, "", true, 0},
		{"invalid parameter", http.StatusBadRequest, `{"code":"invalidParameter.openConversationId","message":"bad"}`, "", false, 0},
		{"robot not in group", http.StatusBadRequest, `{"code":"resource.not.found","message":"robot not in group"}`, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAPI(t)
			f.on(pathGroupSend, func(w http.ResponseWriter, c call) bool {
				if tt.header != "" {
					w.Header().Set("Retry-After", tt.header)
				}
				return respond(w, tt.status, tt.body)
			})
			p, _ := newSendPlatform(t, f, nil)
			err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="}, bot.Message{Text: "a"})
			var re *bot.RetryError
			if tt.wantRetry {
				if !errors.As(err, &re) {
					t.Fatalf("err = %v (%T), want RetryError", err, err)
				}
				if re.After != tt.after {
					t.Fatalf("After = %v, want %v", re.After, tt.after)
				}
			} else if !bot.IsPermanent(err) {
				t.Fatalf("err = %v (%T), want PermanentError", err, err)
			}
		})
	}
}

func TestSendNetworkErrorIsRetryable(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, nil)
	f.srv.Close()
	err := p.Send(context.Background(), bot.Destination{ChatID: "cidGroupA=="}, bot.Message{Text: "a"})
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want RetryError", err, err)
	}
}

func TestSendBatchFlowControlledAndInvalidUsers(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, nil)
	f.on(pathOtoSend, func(w http.ResponseWriter, c call) bool {
		return respond(w, http.StatusOK, `{"processQueryKey":"k","flowControlledStaffIdList":["u1"]}`)
	})
	err := p.Send(context.Background(), bot.Destination{UserID: "u1"}, bot.Message{Text: "a"})
	var re *bot.RetryError
	if !errors.As(err, &re) {
		t.Fatalf("flow-controlled: err = %v, want RetryError", err)
	}
	f.on(pathOtoSend, func(w http.ResponseWriter, c call) bool {
		return respond(w, http.StatusOK, `{"processQueryKey":"k","invalidStaffIdList":["u1"]}`)
	})
	if err := p.Send(context.Background(), bot.Destination{UserID: "u1"}, bot.Message{Text: "a"}); !bot.IsPermanent(err) {
		t.Fatalf("invalid user: err = %v, want permanent", err)
	}
}

func TestSendPermanentWithoutDestinationOrConfig(t *testing.T) {
	f := newFakeAPI(t)
	p, _ := newSendPlatform(t, f, []config.Team{{ID: "t2"}})
	ctx := context.Background()
	if err := p.Send(ctx, bot.Destination{TeamID: "t2"}, bot.Message{Text: "a"}); !bot.IsPermanent(err) {
		t.Fatalf("team without a group: err = %v", err)
	}
	if err := p.Send(ctx, bot.Destination{ChatID: "c"}, bot.Message{}); !bot.IsPermanent(err) {
		t.Fatalf("empty message: err = %v", err)
	}
	p.cfg.RobotCode = ""
	if err := p.Send(ctx, bot.Destination{ChatID: "c"}, bot.Message{Text: "a"}); !bot.IsPermanent(err) {
		t.Fatalf("no robot code: err = %v", err)
	}
	big := &bot.File{Name: "a.xlsx", Data: make([]byte, maxFileBytes+1)}
	p.cfg.RobotCode = "r"
	if err := p.Send(ctx, bot.Destination{ChatID: "c"}, bot.Message{File: big}); !bot.IsPermanent(err) {
		t.Fatalf("file too big: err = %v", err)
	}
	if n := len(f.callsTo(pathGroupSend)) + len(f.callsTo(pathMediaUpload)); n != 0 {
		t.Fatalf("%d calls made for messages that cannot be sent", n)
	}
}

func TestTransportErrorsDoNotLeakCredentials(t *testing.T) {
	p, err := New(testConfig("http://127.0.0.1:1"), nil, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://127.0.0.1:1/media/upload?access_token=SECRET123&type=file", nil)
	_, _, err = p.doHTTP("media upload", req)
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if strings.Contains(err.Error(), "SECRET123") || strings.Contains(err.Error(), "access_token") {
		t.Fatalf("error leaks the query: %v", err)
	}
	if !strings.Contains(err.Error(), "/media/upload") {
		t.Fatalf("error lost the endpoint: %v", err)
	}
}
