package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/app"
	"github.com/banzu-bot/banzu/store/redistest"
)

// TestRedisRestartUnderLoad restarts Redis while messages keep coming: banzu
// recovers without a restart, and every message it accepted gets its answer.
func TestRedisRestartUnderLoad(t *testing.T) {
	srv := redistest.StartServer(t)
	cfg := demoConfig(t)
	cfg.Store.Driver = "redis"
	cfg.Store.Redis.URL = srv.URL
	cfg.Store.Redis.Prefix = redistest.Prefix(t)
	r := startWith(t, cfg, app.Options{})

	var (
		mu       sync.Mutex
		accepted int
		refused  int
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // load: one /whoami every 20 ms
		defer wg.Done()
		client := &http.Client{Timeout: 5 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			body, _ := json.Marshal(map[string]string{"chat_id": "presale", "user_id": "xiaowang", "text": "/whoami"})
			resp, err := client.Post(r.srv.URL+"/console/api/messages", "application/json", bytes.NewReader(body))
			mu.Lock()
			if err == nil && resp.StatusCode == http.StatusOK {
				accepted++
			} else {
				refused++
			}
			mu.Unlock()
			if err == nil {
				resp.Body.Close()
			}
		}
	}()

	time.Sleep(500 * time.Millisecond)
	srv.Stop()
	time.Sleep(1500 * time.Millisecond)
	srv.Start()
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if refused == 0 {
		t.Fatal("no request failed while Redis was down: the restart was not exercised")
	}
	if accepted < 20 {
		t.Fatalf("only %d requests accepted around the restart", accepted)
	}
	// Every accepted message is answered once, after recovery, without
	// restarting banzu.
	var answers int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var page struct{ Messages []message }
		r.get("/console/api/messages?chat_id=presale", &page)
		answers = 0
		for _, m := range page.Messages {
			if m.From == "bot" && strings.Contains(m.Markdown+m.Text, "你是 **小王**") {
				answers++
			}
		}
		if answers >= accepted {
			break
		}
	}
	if answers != accepted {
		t.Fatalf("%d messages accepted, %d answered (refused during the outage: %d)", accepted, answers, refused)
	}
	if code := r.get("/readyz", nil); code != http.StatusOK {
		t.Errorf("readyz after recovery = %d", code)
	}
}
