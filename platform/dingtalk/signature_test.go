package dingtalk

import (
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// The vectors published in platform-notes.md.
func TestSignPublishedVectors(t *testing.T) {
	tests := []struct {
		timestamp, secret, want, wantURL string
	}{
		{"1684493546276", "client-secret-for-test", "nwBJQmaBLv9+5/sSS/66jcFc1/kGY5wo38L88LOGfRU=", ""},
		{"1582163555000", "SECb90923e19e58b466481e9e7b7a5b4f108a4531abde590ad3967fb29f0eae5c68",
			"BQKsG+QOCl+bYJOLc6pxDHxjVquzlZPWgvRzeN2J5zY=", "BQKsG%2BQOCl%2BbYJOLc6pxDHxjVquzlZPWgvRzeN2J5zY%3D"},
		{"1577262236757", "this is secret", "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=", ""},
	}
	for _, tt := range tests {
		got := Sign(tt.timestamp, tt.secret)
		if got != tt.want {
			t.Errorf("Sign(%s, %q) = %s, want %s", tt.timestamp, tt.secret, got, tt.want)
		}
		if tt.wantURL != "" && url.QueryEscape(got) != tt.wantURL {
			t.Errorf("URL-encoded sign = %s, want %s", url.QueryEscape(got), tt.wantURL)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	const secret = "client-secret-for-test"
	ts := "1684493546276"
	at := time.UnixMilli(1684493546276)
	good := "nwBJQmaBLv9+5/sSS/66jcFc1/kGY5wo38L88LOGfRU="
	tests := []struct {
		name      string
		timestamp string
		sign      string
		now       time.Time
		want      error
	}{
		{"valid", ts, good, at, nil},
		{"valid 59 min later", ts, good, at.Add(59 * time.Minute), nil},
		{"stale", ts, good, at.Add(time.Hour + time.Second), errStaleTimestamp},
		{"from the future", ts, good, at.Add(-time.Hour - time.Second), errStaleTimestamp},
		{"forged", ts, Sign(ts, "other secret"), at, errBadSignature},
		{"url-encoded sign is not accepted", ts, url.QueryEscape(good), at, errBadSignature},
		{"timestamp not a number", "yesterday", good, at, errBadTimestamp},
		{"no sign", ts, "", at, errMissingSignature},
		{"no timestamp", "", good, at, errMissingSignature},
		{"seconds instead of ms", strconv.FormatInt(at.Unix(), 10), Sign(strconv.FormatInt(at.Unix(), 10), secret), at, errStaleTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifySignature(tt.timestamp, tt.sign, secret, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
