package sdkcheck

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/banzu-bot/banzu/platform/dingtalk/dingtalktest"
	"github.com/banzu-bot/banzu/platform/wecom/wecomtest"
)

// node is a running check.js: its output lines arrive on lines.
type node struct {
	t     *testing.T
	lines chan string
	cmd   *exec.Cmd
	log   *strings.Builder
}

// startNode runs `node check.js which` with env, or skips the test when node
// or the SDKs are not installed.
func startNode(t *testing.T, which string, env ...string) *node {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err == nil {
		for _, mod := range []string{"@wecom/aibot-node-sdk", "dingtalk-stream"} {
			if _, serr := os.Stat(filepath.Join("node_modules", mod, "package.json")); serr != nil {
				err = serr
			}
		}
	}
	if err != nil {
		if os.Getenv("BANZU_REQUIRE_SDKCHECK") == "1" {
			t.Fatalf("SDK check needs node and `npm ci` in scripts/sdkcheck: %v", err)
		}
		t.Skipf("SDK check skipped (run `npm ci` in scripts/sdkcheck with node installed): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	cmd := exec.CommandContext(ctx, bin, "check.js", which)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, lines: make(chan string, 64), cmd: cmd, log: &stderr}
	go func() {
		defer close(n.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			n.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("node %s stderr:\n%s", which, stderr.String())
		}
	})
	return n
}

// expect waits for the next line starting with prefix and returns the rest;
// a FAIL line or the end of the output fails the test.
func (n *node) expect(prefix string) string {
	n.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-n.lines:
			if !ok {
				n.t.Fatalf("node exited before %q", prefix)
			}
			if strings.HasPrefix(line, "FAIL") {
				n.t.Fatalf("node: %s", line)
			}
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				return strings.TrimSpace(rest)
			}
			n.t.Logf("node: %s", line)
		case <-timeout:
			n.t.Fatalf("node: no %q within 30 s", prefix)
		}
	}
}

// WeCom's own SDK against wecomtest: subscribe, a message with a control
// character, a stream reply, a push, a chunked file, a card click without
// task_id answered by a card update, a welcome, and the kick after which
// the SDK stays down.
func TestWeComSDKAgainstFake(t *testing.T) {
	srv := wecomtest.New(t, "aib-sdk", "sec-sdk")
	n := startNode(t, "wecom", "WECOM_WS_URL="+srv.URL(), "WECOM_BOT_ID=aib-sdk", "WECOM_SECRET=sec-sdk")
	n.expect("READY")

	srv.SendText(wecomtest.Message{ChatID: "wrkSDK", UserID: "u1", Text: "ping", Control: true})
	var got struct {
		Text    string `json:"text"`
		MediaID string `json:"media_id"`
	}
	if err := json.Unmarshal([]byte(n.expect("DONE message")), &got); err != nil {
		t.Fatal(err)
	}
	if got.Text != "@班组助手 ping" {
		t.Errorf("the SDK read %q (control characters are stripped)", got.Text)
	}
	st := srv.State()
	if r := st.Of("aibot_respond_msg"); len(r) != 1 || r[0].Str("stream", "content") != "pong: @班组助手 ping" {
		t.Errorf("reply: %+v", r)
	}
	push := st.Of("aibot_send_msg")
	if len(push) != 2 || push[0].Str("markdown", "content") != "push from the sdk" || push[1].Str("file", "media_id") != got.MediaID {
		t.Errorf("pushes: %+v", push)
	}
	if len(st.Uploads) != 1 || st.Uploads[0].Chunks != 2 || len(st.Uploads[0].Data) != 700*1024 {
		t.Errorf("uploads: %d", len(st.Uploads))
	}

	srv.SendClick(wecomtest.Click{ChatID: "wrkSDK", UserID: "u1", CardType: "button_interaction", Key: "bzk_x@QQ", NoTaskID: true})
	n.expect("DONE click")
	if up := srv.State().Of("aibot_respond_update_msg"); len(up) != 1 || up[0].Str("response_type") != "update_template_card" {
		t.Errorf("card update: %+v", up)
	}
	srv.SendEnterChat("u1")
	n.expect("DONE welcome")
	if w := srv.State().Of("aibot_respond_welcome_msg"); len(w) != 1 || w[0].Str("text", "content") != "欢迎" {
		t.Errorf("welcome: %+v", w)
	}

	srv.Kick()
	n.expect("KICKED")
	if rest := n.expect("DONE kick"); rest != `{"connected":false}` {
		t.Errorf("after the kick: %s", rest)
	}
	if st := srv.State(); st.Subscribed != 1 || st.Connections != 1 {
		t.Errorf("the SDK came back after the kick: %d subscriptions, %d connections", st.Subscribed, st.Connections)
	}
}

// DingTalk's stream SDK against dingtalktest: the gateway (connections/open
// and the websocket), a robot message acknowledged, then the reply through
// the session webhook, a push into the group and a file, with the client id
// as robot code; then an interactive card's tap on the card topic.
func TestDingTalkSDKAgainstFake(t *testing.T) {
	fake := dingtalktest.New(t, "ding-sdk", "ding-sdk-secret", "ding-sdk") // robotCode = client id
	fake.PlainTickets(true)
	n := startNode(t, "dingtalk", "DINGTALK_BASE="+fake.URL, "DINGTALK_CLIENT_ID=ding-sdk", "DINGTALK_CLIENT_SECRET=ding-sdk-secret")
	n.expect("READY")
	conn := fake.NextConn(t)
	conn.SendMessage(t, "frame-1", dingtalktest.Message{MsgID: "msg-1", ConversationID: "cidSDK==", Group: true, Title: "客服一组",
		SenderStaffID: "staff-1", SenderNick: "小王", Text: "ping", SessionWebhook: fake.SessionWebhook("s1"), RobotCode: "ding-sdk"})
	n.expect("DONE message")
	if c := fake.WebhookCalls("s1"); len(c) != 1 || !strings.Contains(c[0].Body["text"].(map[string]any)["content"].(string), "pong: ping") {
		t.Errorf("reply: %+v", c)
	}
	if c := fake.Calls(dingtalktest.PathGroupSend); len(c) != 1 || c[0].Param["text"] != "push from the sdk" {
		t.Errorf("push: %+v", c)
	}
	if c := fake.Calls(dingtalktest.PathMediaUpload); len(c) != 1 || len(c[0].FileData) != 2048 {
		t.Errorf("upload: %+v", c)
	}
	if c := fake.Calls(dingtalktest.PathOtoSend); len(c) != 1 || c[0].Body["msgKey"] != "sampleFile" {
		t.Errorf("file message: %+v", c)
	}
	// An interactive card's tap, in the fake's callback shape, read by the SDK.
	if topics := fake.Topics(); !slices.Contains(topics, dingtalktest.TopicCard) {
		t.Errorf("the SDK's card subscription %v lacks %s", topics, dingtalktest.TopicCard)
	}
	conn.SendCardClick(t, "frame-2", dingtalktest.CardClick{OutTrackID: "bzc_x.y.z", UserID: "staff-1", Option: "B"})
	if rest := n.expect("DONE card"); rest != `{"outTrackId":"bzc_x.y.z","userId":"staff-1","option":"B"}` {
		t.Errorf("card callback as the SDK reads it: %s", rest)
	}
}
