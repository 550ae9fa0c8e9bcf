package app_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/banzu-bot/banzu/store/embedded"
)

func TestOnlineBackup(t *testing.T) {
	cfg := demoConfig(t)
	cfg.API.Token = "tok"
	r := start(t, cfg)
	r.ask("presale", "zhao", "/role @小王 主管")

	req, _ := http.NewRequest("GET", r.srv.URL+"/api/v1/backup", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("backup without token = %d", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer tok")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	path := filepath.Join(t.TempDir(), "copy.db")
	f, _ := os.Create(path)
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("backup = %d", resp.StatusCode)
	}
	st, err := embedded.Open(path)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer st.Close()
	if v, err := st.Get(context.Background(), "roles", "xiaowang"); err != nil || string(v) != "supervisor" {
		t.Fatalf("backup lacks the role change: %q %v", v, err)
	}
}
