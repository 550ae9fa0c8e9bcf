package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

func init() {
	commands["wecom"] = command{"wecom reconnect [--url 地址]：让被挤下线的企业微信长连接重新连接（调用运行中 banzu 的 POST /api/v1/wecom/reconnect）", wecomCmd}
}

// wecomCmd runs `banzu wecom reconnect`: it asks the running banzu, through
// its HTTP API (bearer api.token), to subscribe the long connection again
// after a disconnected_event. The server is found at --url, else at the
// configured listen address.
func wecomCmd(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	const usage = "用法：banzu wecom reconnect [--url http://127.0.0.1:8080] [--config 文件]"
	if len(args) == 0 || args[0] != "reconnect" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, usage)
			return nil
		}
		return errors.New(usage)
	}
	fs, c := newFlags("wecom reconnect", stderr)
	base := fs.String("url", "", "运行中 banzu 的地址，默认按 listen 配置（如 http://127.0.0.1:8080）")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := c.load(env)
	if err != nil {
		return err
	}
	if cfg.API.Token == "" {
		return errors.New("需要 api.token（或环境变量 BANZU_API_TOKEN）：重新连接通过 banzu 的 HTTP 接口完成")
	}
	u := strings.TrimRight(*base, "/")
	if u == "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen 地址 %q 无法解析，请用 --url 指定：%w", cfg.Listen, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		u = "http://" + net.JoinHostPort(host, port)
	}
	rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, u+"/api/v1/wecom/reconnect", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+cfg.API.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("连不上运行中的 banzu（%s）：%w；若 banzu 没有运行，下次启动时会自动连接", u, err)
	}
	defer resp.Body.Close()
	var out struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s 没有 /api/v1/wecom/reconnect：企业微信没有以长连接模式启用", u)
	case resp.StatusCode != http.StatusOK:
		msg := out.Error
		if msg == "" {
			msg = resp.Status
		}
		return fmt.Errorf("重新连接失败：%s", msg)
	}
	fmt.Fprintln(stdout, out.Message)
	return nil
}
